import { BlockList, isIP } from 'net';
import { K8sObject } from '../support/invariants';

/** A pod (labels in a namespace) or an address outside the cluster's pods. */
export type Party = { readonly labels: Record<string, string>; readonly namespace: string } | { readonly ip: string };

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

function peerMatches(peer: any, policyNamespace: string, party: Party): boolean {
  if ('ip' in party) {
    if (!peer.ipBlock) return false;
    const [net, prefix] = peer.ipBlock.cidr.split('/');
    const list = new BlockList();
    const family = isIP(net) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(net, Number(prefix), family);
    return list.check(party.ip, isIP(party.ip) === 6 ? 'ipv6' : 'ipv4');
  }
  if (peer.ipBlock) return false;
  const ns = peer.namespaceSelector ? (matches(peer.namespaceSelector.matchLabels, { 'kubernetes.io/metadata.name': party.namespace }) ? party.namespace : undefined) : policyNamespace;
  if (ns !== party.namespace) return false;
  return peer.podSelector ? matches(peer.podSelector.matchLabels, party.labels) : true;
}

/** Whether `self`'s policies of `direction` allow `other` on `port`; a pod no such policy selects is not isolated. */
function side(objects: K8sObject[], self: Party, other: Party, port: number, direction: 'Ingress' | 'Egress'): boolean {
  if ('ip' in self) return true;
  const policies = objects.filter(o => o.kind === 'NetworkPolicy' && o.metadata.namespace === self.namespace
    && o.spec.policyTypes.includes(direction) && matches(o.spec.podSelector.matchLabels, self.labels));
  if (policies.length === 0) return true;
  const rules = policies.flatMap(p => (direction === 'Ingress' ? p.spec.ingress : p.spec.egress).map((r: any) => ({ r, ns: p.metadata.namespace })));
  return rules.some(({ r, ns }) => {
    const peers = direction === 'Ingress' ? r.from : r.to;
    const portOk = !r.ports || r.ports.some((p: any) => p.port === port);
    return portOk && (!peers || peers.some((peer: any) => peerMatches(peer, ns, other)));
  });
}

/** What the rendered NetworkPolicies say about `client` connecting to `server` on `port`: each side's verdict. */
export function connection(objects: K8sObject[], client: Party, server: Party, port: number): { egress: boolean; ingress: boolean } {
  return { egress: side(objects, client, server, port, 'Egress'), ingress: side(objects, server, client, port, 'Ingress') };
}

/** The pod template labels and namespace of a workload (Deployment, StatefulSet, Job, CronJob). */
export function podOf(objects: K8sObject[], kind: string, name: string): Party {
  const o = objects.find(x => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name}`);
  const template = kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template;
  return { labels: template.metadata.labels, namespace: o.metadata.namespace as string };
}
