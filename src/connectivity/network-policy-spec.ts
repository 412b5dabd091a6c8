import { k8s } from 'cdk8s-plus-28';
import { NetworkPort } from '../common/network';
import { Endpoint, Flow, Workload } from './connectivity';

/**
 * The NetworkPolicy spec of `workload`: ingress rules from the flows into it, egress rules from
 * the flows out of it, each direction only when the workload isolates it. Flows with the same
 * ports share one rule, in declaration order, so the output is stable.
 */
export function networkPolicySpec(workload: Workload, into: readonly Flow[], outOf: readonly Flow[]): k8s.NetworkPolicySpec {
  const policyTypes: string[] = [];
  if (workload.isolation.ingress) policyTypes.push('Ingress');
  if (workload.isolation.egress) policyTypes.push('Egress');
  return {
    podSelector: { matchLabels: { ...workload.podSelector } },
    policyTypes,
    ...(workload.isolation.ingress ? { ingress: rules(workload, into, f => f.from).map(r => ({ from: r.peers, ports: r.ports })) } : {}),
    ...(workload.isolation.egress ? { egress: rules(workload, outOf, f => f.to).map(r => ({ to: r.peers, ports: r.ports })) } : {}),
  };
}

interface Rule {
  readonly peers: k8s.NetworkPolicyPeer[];
  readonly ports: k8s.NetworkPolicyPort[];
}

function rules(self: Workload, flows: readonly Flow[], other: (f: Flow) => Endpoint): Rule[] {
  const byPorts = new Map<string, Rule & { seen?: Set<string> }>();
  for (const flow of flows) {
    // Grouped by a key of the ports rather than their JSON: a policy is built per workload.
    const key = portsKey(flow.ports);
    const rule = byPorts.get(key);
    const peer = toPolicyPeer(self, other(flow));
    if (!rule) {
      byPorts.set(key, { peers: [peer], ports: flow.ports.map(toPolicyPort) });
      continue;
    }
    // Peers are compared by their JSON only once a rule has a second one (most have one).
    rule.seen ??= new Set(rule.peers.map(p => JSON.stringify(p)));
    const json = JSON.stringify(peer);
    if (!rule.seen.has(json)) {
      rule.seen.add(json);
      rule.peers.push(peer);
    }
  }
  return [...byPorts.values()].map(r => ({ peers: r.peers, ports: r.ports }));
}

/** The ports of a flow as a key: equal for flows with the same ports and protocols in the same order. */
export function portsKey(ports: readonly NetworkPort[]): string {
  let key = '';
  for (const p of ports) key += `${p.port}/${p.protocol ?? 'TCP'},`;
  return key;
}

function toPolicyPort(p: NetworkPort): k8s.NetworkPolicyPort {
  return { port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol ?? 'TCP' };
}

/** The peer of a rule in `self`'s policy: pods by label (with their namespace when it differs), or an IP block. */
export function toPolicyPeer(self: Workload, e: Endpoint): k8s.NetworkPolicyPeer {
  if (e.kind !== 'external') return podsIn(self.namespace, e.namespace, e.podSelector);
  const peer = e.peer;
  if (peer.cidr) return { ipBlock: { cidr: peer.cidr } };
  if (!peer.podLabels && peer.namespace) return { namespaceSelector: namespaceSelector(peer.namespace) };
  return podsIn(self.namespace, peer.namespace ?? self.namespace, peer.podLabels ?? {});
}

function podsIn(own: string, namespace: string, labels: Readonly<Record<string, string>>): k8s.NetworkPolicyPeer {
  return {
    podSelector: { matchLabels: { ...labels } },
    ...(namespace !== own ? { namespaceSelector: namespaceSelector(namespace) } : {}),
  };
}

// `kubernetes.io/metadata.name` is set by the API server on every namespace (Kubernetes >= 1.22).
function namespaceSelector(namespace: string) {
  return { matchLabels: { 'kubernetes.io/metadata.name': namespace } };
}
