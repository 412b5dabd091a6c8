/**
 * Reading rendered NetworkPolicies the way the API server applies them, for the gateway's
 * flow tests: which pods (or IP blocks) a peer selects, and whether a connection is allowed on
 * the client's side (egress) and on the server's side (ingress).
 */
import { K8sObject } from '../support/invariants';

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

/** Whether a peer of a policy in namespace `own` selects `pods` (pods only: an ipBlock selects none). */
function selectsPods(peer: any, own: string, pods: Pods): boolean {
  if (peer.ipBlock) return false;
  const namespaceOk = peer.namespaceSelector ? matches(peer.namespaceSelector.matchLabels, { [NAMESPACE_LABEL]: pods.namespace }) : pods.namespace === own;
  return namespaceOk && (!peer.podSelector || matches(peer.podSelector.matchLabels, pods.labels));
}

function portAllowed(rule: any, port: number): boolean {
  return !rule.ports || rule.ports.some((p: any) => p.port === port && (p.protocol ?? 'TCP') === 'TCP');
}

/**
 * Whether `direction` traffic of `self` with `other` on TCP `port` is allowed: true when no
 * policy isolates that direction, else when one of its rules selects `other` on `port`.
 */
function allowed(objects: K8sObject[], self: Pods, direction: 'ingress' | 'egress', other: Pods | string, port: number): boolean {
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  const isolating = policiesOf(objects, self).filter(np => np.spec.policyTypes.includes(type));
  if (isolating.length === 0) return true;
  const key = direction === 'ingress' ? 'from' : 'to';
  return isolating.some(np => (np.spec[direction] ?? []).some((rule: any) => portAllowed(rule, port) && (rule[key] ?? []).some((peer: any) =>
    typeof other === 'string' ? peer.ipBlock?.cidr === other : selectsPods(peer, np.metadata.namespace!, other))));
}

/** Whether `client` may egress to `server` on `port`. */
export function egressAllows(objects: K8sObject[], client: Pods, server: Pods | string, port: number): boolean {
  return allowed(objects, client, 'egress', server, port);
}

/** Whether `server` admits `client` on `port`. */
export function ingressAllows(objects: K8sObject[], server: Pods, client: Pods | string, port: number): boolean {
  return allowed(objects, server, 'ingress', client, port);
}

/** Both sides: `client`'s egress and `server`'s ingress allow the connection on `port`. */
export function connects(objects: K8sObject[], client: Pods, server: Pods, port: number): { egress: boolean; ingress: boolean } {
  return { egress: egressAllows(objects, client, server, port), ingress: ingressAllows(objects, server, client, port) };
}
