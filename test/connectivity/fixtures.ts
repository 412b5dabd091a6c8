/**
 * Small hand-built manifests for the network checks: a sound three-tier app (an Ingress to `web`,
 * `web` -> `api` -> `db`, DNS, Prometheus scraping `api`) and its connectivity document, which
 * each test then breaks in one way.
 */
import { K8sObject } from '../support/invariants';

export const NS = 'app';
const NAME = 'kubernetes.io/metadata.name';
const DNS_PEER = { namespaceSelector: { matchLabels: { [NAME]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } };
const DNS_PORTS = [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }];
export const INGRESS_NGINX = { namespaceSelector: { matchLabels: { [NAME]: 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } };
const PROMETHEUS = { namespaceSelector: { matchLabels: { [NAME]: 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } };

const meta = (name: string, namespace = NS) => ({ name, namespace, labels: { 'app.kubernetes.io/name': name } });

export function namespace(name: string, labels: Record<string, string> = {}): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

/** A workload whose pods carry `app: <name>` and listen on `ports` (name -> port). */
export function workload(kind: string, name: string, ports: Record<string, number>, namespaceName = NS): K8sObject {
  const template = {
    metadata: { labels: { app: name } },
    spec: { containers: [{ name, image: `example/${name}:1.0.0`, ports: Object.entries(ports).map(([n, p]) => ({ name: n, containerPort: p })) }] },
  };
  const spec = kind === 'CronJob' ? { schedule: '0 2 * * *', jobTemplate: { spec: { template } } } : { selector: { matchLabels: { app: name } }, template };
  return { apiVersion: kind === 'CronJob' || kind === 'Job' ? 'batch/v1' : 'apps/v1', kind, metadata: meta(name, namespaceName), spec };
}

export function service(name: string, port: number, targetPort: number | string, namespaceName = NS): K8sObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: meta(name, namespaceName), spec: { selector: { app: name }, ports: [{ name: 'main', port, targetPort }] } };
}

export function ingress(name: string, serviceName: string, port: number): K8sObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta(name),
    spec: { rules: [{ host: 'app.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: serviceName, port: { number: port } } } }] } }] },
  };
}

export function policy(name: string, spec: { ingress?: any[]; egress?: any[] }, namespaceName = NS): K8sObject {
  const policyTypes = [...(spec.ingress ? ['Ingress'] : []), ...(spec.egress ? ['Egress'] : [])];
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(name, namespaceName), spec: { podSelector: { matchLabels: { app: name } }, policyTypes, ...spec } };
}

export const pods = (app: string) => ({ podSelector: { matchLabels: { app } } });

/** The sound app: every check passes on it. */
export function soundApp(): K8sObject[] {
  return [
    namespace(NS),
    workload('Deployment', 'web', { http: 3000 }),
    service('web', 80, 'http'),
    ingress('web', 'web', 80),
    workload('Deployment', 'api', { http: 8080 }),
    service('api', 80, 8080),
    workload('StatefulSet', 'db', { postgresql: 5432 }),
    service('db', 5432, 'postgresql'),
    policy('web', {
      ingress: [{ from: [INGRESS_NGINX], ports: [{ port: 3000, protocol: 'TCP' }] }],
      egress: [{ to: [DNS_PEER], ports: DNS_PORTS }, { to: [pods('api')], ports: [{ port: 8080, protocol: 'TCP' }] }],
    }),
    policy('api', {
      ingress: [{ from: [pods('web')], ports: [{ port: 8080, protocol: 'TCP' }] }, { from: [PROMETHEUS], ports: [{ port: 'http', protocol: 'TCP' }] }],
      egress: [{ to: [DNS_PEER], ports: DNS_PORTS }, { to: [pods('db')], ports: [{ port: 5432, protocol: 'TCP' }] }],
    }),
    policy('db', { ingress: [{ from: [pods('api')], ports: [{ port: 5432, protocol: 'TCP' }] }], egress: [] }),
  ];
}

/** The connectivity document of {@link soundApp}, in the format of `renderConnectivityDocument`. */
export function soundDocument(options: { extraRows?: string[]; dropRows?: string[] } = {}): string {
  const rows = [
    '| ingress controller | web | 3000/TCP | public traffic |',
    '| web | cluster DNS | 53/UDP, 53/TCP | name resolution |',
    '| web | api | 8080/TCP | calls the API |',
    '| Prometheus | api | 8080/TCP | scrapes metrics |',
    '| api | cluster DNS | 53/UDP, 53/TCP | name resolution |',
    '| api | db | 5432/TCP | reads and writes data |',
  ].filter(r => !(options.dropRows ?? []).some(d => r.startsWith(d)));
  return [
    '# Connectivity of fixture',
    '',
    '## Flows',
    '',
    '| From | To | Ports | Why |',
    '|---|---|---|---|',
    ...rows,
    ...(options.extraRows ?? []),
    '',
    '## Workloads',
    '',
    '| Workload | Component | Namespace | Pods | NetworkPolicy | Isolates |',
    '|---|---|---|---|---|---|',
    '| web | Web | app | app=web | web | ingress, egress |',
    '| api | Api | app | app=api | api | ingress, egress |',
    '| db | Db | app | app=db | db | ingress, egress |',
    '',
    '## Outside the platform',
    '',
    '| Peer | Selects |',
    '|---|---|',
    '| ingress controller | namespace ingress-nginx, pods app.kubernetes.io/name=ingress-nginx |',
    '| cluster DNS | namespace kube-system, pods k8s-app=kube-dns |',
    '| Prometheus | namespace monitoring, pods app.kubernetes.io/name=prometheus |',
    '',
  ].join('\n');
}

/** Replaces the object `kind/name` of `objects`. */
export function replace(objects: K8sObject[], kind: string, name: string, next: K8sObject): K8sObject[] {
  return objects.map(o => (o.kind === kind && o.metadata.name === name ? next : o));
}
