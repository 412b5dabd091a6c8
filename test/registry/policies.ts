import { isIP } from 'net';
import { K8sObject } from '../support/invariants';
import { addresses, NetEndpoint, Reachability } from '../support/reachability';

/** A pod (labels in a namespace) or an address outside the cluster's pods. */
export type Party = { readonly labels: Record<string, string>; readonly namespace: string } | { readonly ip: string };

// Evaluated by the shared evaluator (test/support/reachability.ts), Kubernetes semantics.
function endpoint(party: Party): NetEndpoint {
  return 'ip' in party
    ? addresses(party.ip, `${party.ip}/${isIP(party.ip) === 6 ? 128 : 32}`)
    : { kind: 'pod', name: JSON.stringify(party.labels), namespace: party.namespace, labels: party.labels, ports: [] };
}

/** What the rendered NetworkPolicies say about `client` connecting to `server` on `port`: each side's verdict. */
export function connection(objects: K8sObject[], client: Party, server: Party, port: number): { egress: boolean; ingress: boolean } {
  const net = new Reachability(objects);
  const [c, s] = [endpoint(client), endpoint(server)];
  return { egress: net.egressAllows(c, s, port), ingress: net.ingressAllows(s, c, port) };
}

/** The pod template labels and namespace of a workload (Deployment, StatefulSet, Job, CronJob). */
export function podOf(objects: K8sObject[], kind: string, name: string): Party {
  const o = objects.find(x => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name}`);
  const template = kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template;
  return { labels: template.metadata.labels, namespace: o.metadata.namespace as string };
}
