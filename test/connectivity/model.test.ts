import { Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DEFAULT_CLUSTER_NETWORK } from '../../src/common/network';
import { renderConnectivityDocument } from '../../src/connectivity/connectivity-document';
import { Connectivity } from '../../src/connectivity/connectivity';
import { K8sObject } from '../support/invariants';
import { outsidePods } from '../support/reachability';
import { checkCallers, checkRuleWidth, checkSymmetry } from './checks';
import { checkDocument } from './document';

// The checks read what the model renders (policies and document) the way they read the
// environments: a small chart built only with the model must pass all of them.
function pods(scope: Construct, name: string, port: number, service: boolean, extraLabels: Record<string, string> = {}): Record<string, string> {
  const labels = { 'app.kubernetes.io/name': name };
  new k8s.KubeDeployment(scope, `${name}-deployment`, {
    metadata: { name },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels: { ...labels, ...extraLabels } }, spec: { containers: [{ name, image: `example/${name}:1.0.0`, ports: [{ name: 'http', containerPort: port }] }] } } },
  });
  if (service) new k8s.KubeService(scope, `${name}-service`, { metadata: { name }, spec: { selector: labels, ports: [{ port: 80, targetPort: k8s.IntOrString.fromString('http') }] } });
  return labels;
}

function modelChart(): { chart: Chart; objects: K8sObject[]; document: string } {
  const chart = new Chart(Testing.app(), 'model', { namespace: 'app', disableResourceNameHashes: true });
  new k8s.KubeNamespace(chart, 'ns', { metadata: { name: 'app' } });
  const model = Connectivity.of(chart);
  const network = DEFAULT_CLUSTER_NETWORK;
  const policy = (name: string) => ({ name, labels: { 'app.kubernetes.io/name': name }, ingress: true, egress: true, id: `${name}-network-policy` });
  const api = model.addWorkload(chart, { name: 'api', component: 'Api', podSelector: pods(chart, 'api', 8080, true), networkPolicy: policy('api'), dns: network.dns });
  const workers = model.addGroup({ name: 'workers', component: 'Worker', podSelector: { 'example.com/role': 'worker' } });
  for (const w of ['w1', 'w2']) {
    const labels = pods(chart, w, 9000, false, { 'example.com/role': 'worker' });
    model.addWorkload(chart, { name: w, component: 'Worker', podSelector: labels, groups: [workers], networkPolicy: policy(w), dns: network.dns });
  }
  const endpoint = { target: api, ports: [{ port: 8080 }] };
  model.connect(workers, endpoint, 'workers call the API');
  model.connect(Connectivity.external('ingress controller', network.ingressController), endpoint, 'public traffic');
  model.connect(Connectivity.external('Prometheus', network.prometheus), endpoint, 'scrapes metrics');
  model.admitClients(chart, 'networkPolicy.clients', [{ namespace: 'batch', podLabels: { app: 'etl' } }, { workload: 'w1' }], endpoint, 'declared clients');
  model.allow({ from: api, to: Connectivity.external('external database (10.20.0.0/16)', { cidr: '10.20.0.0/16' }), ports: [{ port: 5432 }], reason: 'stores data' });
  const objects = Testing.synth(chart) as K8sObject[];
  return { chart, objects, document: renderConnectivityDocument(model, { environment: 'model', namespace: 'app' }) };
}

test('a chart whose policies all come from the model passes every check', () => {
  const { objects, document } = modelChart();
  expect(objects.filter(o => o.kind === 'NetworkPolicy').map(o => o.metadata.name)).toEqual(['api', 'w1', 'w2']);
  expect(checkSymmetry(objects)).toEqual([]);
  expect(checkRuleWidth(objects)).toEqual([]);
  expect(checkCallers(objects, { ingressController: outsidePods('ingress-nginx', 'ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }) })).toEqual([]);
  expect(checkDocument(objects, document)).toEqual([]);
});

test('the document check notices a policy edited after rendering (an escape hatch widening a rule)', () => {
  const { objects, document } = modelChart();
  const api = objects.find(o => o.kind === 'NetworkPolicy' && o.metadata.name === 'api')!;
  api.spec.ingress[0].ports.push({ port: 9999, protocol: 'TCP' });
  // The flows into api share ports, so they share one rule: each of its five peers is now wider than its row.
  const problems = checkDocument(objects, document);
  expect(problems).toHaveLength(5);
  for (const p of problems) expect(p).toMatch(/^NetworkPolicy app\/api ingress\[0\] admits .* on 9999\/TCP for Deployment app\/api, but no row of the document says so$/);
  expect(checkSymmetry(objects)).toEqual([expect.stringMatching(/admits Deployment app\/w1 to Deployment app\/api on 9999\/TCP, but Deployment app\/w1's egress does not allow it/), expect.stringMatching(/w2/)]);
});

test('flows with the same ports share one rule, and a peer two flows select alike is listed once', () => {
  const chart = new Chart(Testing.app(), 'rules', { namespace: 'app', disableResourceNameHashes: true });
  const model = Connectivity.of(chart);
  const api = model.addWorkload(chart, { name: 'api', component: 'Api', podSelector: { app: 'api' }, networkPolicy: { name: 'api', labels: {}, ingress: true, egress: false } });
  const scraper = { namespace: 'monitoring', podLabels: { app: 'prometheus' } };
  model.allow({ from: Connectivity.external('Prometheus', scraper), to: api, ports: [{ port: 8080 }], reason: 'metrics' });
  model.allow({ from: Connectivity.external('batch', { cidr: '10.0.0.0/8' }), to: api, ports: [{ port: 8080 }, { port: 8443 }], reason: 'batch' });
  model.allow({ from: Connectivity.external('scraper', { ...scraper }), to: api, ports: [{ port: 8080, protocol: 'TCP' }], reason: 'same pods, another name' });
  model.allow({ from: Connectivity.external('dns', { cidr: '10.0.0.0/8' }), to: api, ports: [{ port: 8080, protocol: 'UDP' }], reason: 'another protocol' });
  const policy = (Testing.synth(chart) as K8sObject[]).find(o => o.kind === 'NetworkPolicy')!;
  const prometheus = { podSelector: { matchLabels: { app: 'prometheus' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } };
  expect(policy.spec.ingress).toEqual([
    { from: [prometheus], ports: [{ port: 8080, protocol: 'TCP' }] },
    { from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 8080, protocol: 'TCP' }, { port: 8443, protocol: 'TCP' }] },
    { from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 8080, protocol: 'UDP' }] },
  ]);
});
