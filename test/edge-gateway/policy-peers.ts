/**
 * Reading rendered NetworkPolicies the way the API server applies them, for the gateway's
 * flow tests: which pods (or IP blocks) a peer selects, and whether a connection is allowed on
 * the client's side (egress) and on the server's side (ingress).
 */
import { K8sObject } from '../support/invariants';
import { addresses, NetEndpoint, Reachability } from '../support/reachability';

/** Pods by namespace and labels. */
export interface Pods {
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

const NAMESPACE_LABEL = 'kubernetes.io/metadata.name';

/** The pods of a Deployment or StatefulSet. */
export function podsOf(objects: K8sObject[], kind: string, name: string): Pods {
  const w = objects.find(o => o.kind === kind && o.metadata.name === name);
  if (!w) throw new Error(`no ${kind}/${name}`);
  return { namespace: w.metadata.namespace!, labels: w.spec.template.metadata.labels };
}

/** Rules of one direction as `[peers, ports]`, peers as `<namespace or (own)>/<labels or *>` or a CIDR. */
export function policyRules(np: K8sObject, direction: 'ingress' | 'egress'): [string[], string[]][] {
  const key = direction === 'ingress' ? 'from' : 'to';
  const peer = (p: any) => p.ipBlock?.cidr
    ?? `${p.namespaceSelector?.matchLabels[NAMESPACE_LABEL] ?? '(own)'}/${p.podSelector ? JSON.stringify(p.podSelector.matchLabels ?? {}) : '*'}`;
  return (np.spec[direction] ?? []).map((r: any) => [(r[key] ?? []).map(peer), (r.ports ?? []).map((p: any) => `${p.protocol}/${p.port}`)]);
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

/** The NetworkPolicies that select `pods`. */
export function policiesOf(objects: K8sObject[], pods: Pods): K8sObject[] {
  return objects.filter(o => o.kind === 'NetworkPolicy' && o.metadata.namespace === pods.namespace && matches(o.spec.podSelector.matchLabels, pods.labels));
}

// Evaluated by the shared evaluator (test/support/reachability.ts), Kubernetes semantics; a
// string is an IP block.
function endpoint(p: Pods | string): NetEndpoint {
  return typeof p === 'string' ? addresses(p, p) : { kind: 'pod', name: JSON.stringify(p.labels), namespace: p.namespace, labels: p.labels, ports: [] };
}

/** Whether `client` may egress to `server` on `port`. */
export function egressAllows(objects: K8sObject[], client: Pods, server: Pods | string, port: number): boolean {
  return new Reachability(objects).egressAllows(endpoint(client), endpoint(server), port);
}

/** Whether `server` admits `client` on `port`. */
export function ingressAllows(objects: K8sObject[], server: Pods, client: Pods | string, port: number): boolean {
  return new Reachability(objects).ingressAllows(endpoint(server), endpoint(client), port);
}

/** Both sides: `client`'s egress and `server`'s ingress allow the connection on `port`. */
export function connects(objects: K8sObject[], client: Pods, server: Pods, port: number): { egress: boolean; ingress: boolean } {
  return { egress: egressAllows(objects, client, server, port), ingress: ingressAllows(objects, server, client, port) };
}
