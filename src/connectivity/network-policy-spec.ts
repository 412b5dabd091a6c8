import { NetworkPort } from '../common/network';
import { Endpoint, Flow, Workload } from './connectivity';

// The spec is built as the JSON the API server reads (ports as numbers, keys in the alphabetical
// order cdk8s writes) and rendered by a plain ApiObject: KubeNetworkPolicy's conversion of typed
// props to JSON walks every rule, peer and label again and cost more than building them.

/** A label selector as JSON. */
export interface LabelSelectorJson {
  readonly matchLabels: Readonly<Record<string, string>>;
}

/** A NetworkPolicy peer as JSON: pods by label (in a namespace), a namespace, or an IP block. */
export interface NetworkPolicyPeerJson {
  readonly ipBlock?: { readonly cidr: string };
  readonly namespaceSelector?: LabelSelectorJson;
  readonly podSelector?: LabelSelectorJson;
}

/** A NetworkPolicy port as JSON. */
export interface NetworkPolicyPortJson {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
}

/** An ingress (`from`) or egress (`to`) rule as JSON. */
export interface NetworkPolicyRuleJson {
  readonly from?: NetworkPolicyPeerJson[];
  readonly ports: NetworkPolicyPortJson[];
  readonly to?: NetworkPolicyPeerJson[];
}

/**
 * A NetworkPolicy's `spec` as JSON.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec
 */
export interface NetworkPolicySpecJson {
  readonly egress?: NetworkPolicyRuleJson[];
  readonly ingress?: NetworkPolicyRuleJson[];
  readonly podSelector: LabelSelectorJson;
  readonly policyTypes: string[];
}

/**
 * The NetworkPolicy spec of `workload`: ingress rules from the flows into it, egress rules from
 * the flows out of it, each direction only when the workload isolates it. Flows with the same
 * ports share one rule, in declaration order, so the output is stable.
 */
export function networkPolicySpec(workload: Workload, into: readonly Flow[], outOf: readonly Flow[]): NetworkPolicySpecJson {
  const policyTypes: string[] = [];
  if (workload.isolation.ingress) policyTypes.push('Ingress');
  if (workload.isolation.egress) policyTypes.push('Egress');
  return {
    ...(workload.isolation.egress ? { egress: rules(workload, outOf, f => f.to).map(r => ({ ports: r.ports, to: r.peers })) } : {}),
    ...(workload.isolation.ingress ? { ingress: rules(workload, into, f => f.from).map(r => ({ from: r.peers, ports: r.ports })) } : {}),
    podSelector: { matchLabels: { ...workload.podSelector } },
    policyTypes,
  };
}

interface Rule {
  readonly peers: NetworkPolicyPeerJson[];
  readonly ports: NetworkPolicyPortJson[];
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

function toPolicyPort(p: NetworkPort): NetworkPolicyPortJson {
  return { port: p.port, protocol: p.protocol ?? 'TCP' };
}

/** The peer of a rule in `self`'s policy: pods by label (with their namespace when it differs), or an IP block. */
export function toPolicyPeer(self: Workload, e: Endpoint): NetworkPolicyPeerJson {
  if (e.kind !== 'external') return podsIn(self.namespace, e.namespace, e.podSelector);
  const peer = e.peer;
  if (peer.cidr) return { ipBlock: { cidr: peer.cidr } };
  if (!peer.podLabels && peer.namespace) return { namespaceSelector: namespaceSelector(peer.namespace) };
  return podsIn(self.namespace, peer.namespace ?? self.namespace, peer.podLabels ?? {});
}

function podsIn(own: string, namespace: string, labels: Readonly<Record<string, string>>): NetworkPolicyPeerJson {
  return {
    ...(namespace !== own ? { namespaceSelector: namespaceSelector(namespace) } : {}),
    podSelector: { matchLabels: { ...labels } },
  };
}

// `kubernetes.io/metadata.name` is set by the API server on every namespace (Kubernetes >= 1.22).
function namespaceSelector(namespace: string): LabelSelectorJson {
  return { matchLabels: { 'kubernetes.io/metadata.name': namespace } };
}
