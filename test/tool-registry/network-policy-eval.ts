import { K8sObject, podTemplates } from '../support/invariants';
import { Reachability } from '../support/reachability';

// Tool-registry views over the shared NetworkPolicy evaluator: which pods exist (pod templates,
// plus the pods CloudNativePG creates for a Cluster and a Pooler), whether a policy direction
// admits a peer on a port, and the flows rendered on one side only.

/** A set of pods the chart makes run, by its labels. */
export interface Pods {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

/** Every pod set of `objects` in `namespace`: workloads' templates and CloudNativePG's instances and poolers. */
export function podsOf(objects: K8sObject[], namespace: string): Pods[] {
  const ns = (o: K8sObject) => o.metadata.namespace ?? namespace;
  return [
    ...podTemplates(objects).map(t => ({ name: `${t.owner.kind}/${t.owner.metadata.name}`, namespace: ns(t.owner), labels: t.labels })),
    ...objects.filter(o => o.kind === 'Cluster').map(o => ({ name: `Cluster/${o.metadata.name}`, namespace: ns(o), labels: { 'cnpg.io/cluster': o.metadata.name, 'cnpg.io/podRole': 'instance' } })),
    ...objects.filter(o => o.kind === 'Pooler').map(o => ({ name: `Pooler/${o.metadata.name}`, namespace: ns(o), labels: { 'cnpg.io/poolerName': o.metadata.name } })),
  ];
}

/**
 * Whether `self`'s policies let traffic in from (`ingress`) or out to (`egress`) `other` on
 * `port`: `isolated` says whether any policy selects `self` for that direction, `allowed` whether
 * one of their rules admits `other` on the port.
 */
export function evaluate(objects: K8sObject[], self: Pods, direction: 'ingress' | 'egress', other: Pods, port: number): { isolated: boolean; allowed: boolean } {
  // The shared evaluator (test/support/reachability.ts), Kubernetes semantics.
  const net = new Reachability(objects);
  const [me, peer] = [self, other].map(p => ({ kind: 'pod' as const, name: p.name, namespace: p.namespace, labels: p.labels, ports: [] }));
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  const destination = direction === 'ingress' ? me : peer;
  return { isolated: net.isolated(me, type), allowed: net.rulesOf(me, type).some(r => net.ruleMatches(r, peer, destination, port, 'TCP')) };
}

/** Every port a rule of the given policies names. */
export function policyPorts(policies: K8sObject[]): number[] {
  return [...new Set(policies.flatMap(p => ['ingress', 'egress'].flatMap(d => (p.spec[d] ?? []).flatMap((r: any) => (r.ports ?? []).map((x: any) => x.port as number)))))];
}

/**
 * Flows allowed on one side only between rendered pods: a server that admits a client whose own
 * policy does not let it out, or a client let out to a server that does not admit it.
 */
export function oneSidedFlows(objects: K8sObject[], namespace: string, among: (p: Pods) => boolean): string[] {
  const pods = podsOf(objects, namespace).filter(among);
  const ports = policyPorts(objects.filter(o => o.kind === 'NetworkPolicy'));
  const out: string[] = [];
  for (const client of pods) {
    for (const server of pods) {
      for (const port of ports) {
        const inSide = evaluate(objects, server, 'ingress', client, port);
        const outSide = evaluate(objects, client, 'egress', server, port);
        if (inSide.isolated && inSide.allowed && outSide.isolated && !outSide.allowed) out.push(`${server.name} admits ${client.name} on ${port}, whose egress does not allow it`);
        if (outSide.isolated && outSide.allowed && inSide.isolated && !inSide.allowed) out.push(`${client.name} may reach ${server.name} on ${port}, which does not admit it`);
      }
    }
  }
  return out;
}
