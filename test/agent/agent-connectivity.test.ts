import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { Construct } from 'constructs';
import { McpAgentMesh } from '../../src/agent/agent-mesh';
import { AGENT_POD_LABELS, McpAgent } from '../../src/agent/mcp-agent';
import { mcpAgentCrdManifest } from '../../src/agent/mcp-agent-crd';
import { IMcpMeshRegistry } from '../../src/agent/mesh-registry';
import { McpConfigError } from '../../src/common/errors';
import { Connectivity } from '../../src/connectivity/connectivity';
import { defineEnvironment } from '../../src/platform/environment';
import { defaultEnvironments, devEnvironment } from '../../src/platform/presets';
import { expectEnvironmentRejected } from '../support/bad-input';
import { K8sObject } from '../support/invariants';
import { SchemaValidator } from '../support/schema';
import { find, synthChart, synthEnvironment } from '../support/synth';
import { agent, oneSidedFlows, PodRef, reachable, synthMesh } from './support';

const cap = (name: string, version = '1.0.0') => ({ name, version });
const isAgent = (pod: PodRef) => pod.labels['app.kubernetes.io/component'] === 'agent';
const component = (pod: PodRef) => pod.labels['app.kubernetes.io/component'];
/** Agent <-> agent and agent <-> registry pairs. */
const agentPairs = (a: PodRef, b: PodRef) => (isAgent(a) || isAgent(b)) && [component(a), component(b)].every(c => c === 'agent' || c === 'registry');
const policy = (objects: K8sObject[], name: string) => find(objects, 'NetworkPolicy', name);
const ingressPeers = (p: K8sObject) => p.spec.ingress.flatMap((r: any) => r.from.map((f: any) => ({ ...f, ports: r.ports.map((x: any) => x.port) })));
const egressPeers = (p: K8sObject) => p.spec.egress.flatMap((r: any) => r.to.map((t: any) => ({ ...t, ports: r.ports.map((x: any) => x.port) })));
const podsOf = (name: string) => ({ 'app.kubernetes.io/component': 'agent', 'app.kubernetes.io/instance': name, 'app.kubernetes.io/name': name });

/** Pods the model knows by name, rendered as a bare Deployment (enough for policy checks). */
function addUi(chart: Construct, name = 'ui'): void {
  new ApiObject(chart, `${name}-deployment`, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { template: { metadata: { labels: { app: name } }, spec: { containers: [] } } } });
  Connectivity.of(chart).addWorkload(chart as Construct, { name, component: 'UI', podSelector: { app: name }, networkPolicy: { name, labels: {}, ingress: true, egress: true, id: `${name}-policy` } });
}

/** Synthesizes through the app, so the chart's validations run as in `cdk8s synth`. */
function synthWithValidation(build: (chart: Chart) => void): unknown {
  const app = Testing.app();
  build(new Chart(app, 'test', { namespace: 'test', disableResourceNameHashes: true }));
  try {
    app.synth();
    return undefined;
  } catch (e) {
    return e;
  }
}

describe('agents in the connectivity model', () => {
  test('both sides agree for every agent-to-agent edge, and nothing else is reachable', () => {
    const { objects } = synthMesh([
      agent('consumer', { dependencies: [{ name: 'db' }] }),
      agent('provider', { capabilities: [cap('db')] }),
      agent('bystander'),
    ]);
    expect(oneSidedFlows(objects, 'test', agentPairs)).toEqual([]);
    expect(reachable(objects, 'test', 'Deployment/consumer', 'Deployment/provider', 8080)).toBe(true);
    expect(reachable(objects, 'test', 'Deployment/provider', 'Deployment/consumer', 8080)).toBe(false);
    expect(reachable(objects, 'test', 'Deployment/bystander', 'Deployment/provider', 8080)).toBe(false);
    expect(reachable(objects, 'test', 'Deployment/consumer', 'Deployment/provider', 9090)).toBe(false);
  });

  test('one flow per consumer -> provider pair, whatever the capabilities it resolves; they are its reason', () => {
    const { chart } = synthMesh([agent('consumer', { dependencies: [{ name: 'db' }, { name: 'cache' }] }), agent('provider', { capabilities: [cap('db'), cap('cache')] })]);
    const flows = Connectivity.of(chart).flows.filter(f => f.from.name === 'consumer' && f.to.name === 'provider');
    expect(flows.map(f => ({ reason: f.reason, ports: f.ports }))).toEqual([{ reason: 'calls cache, db', ports: [{ port: 8080 }] }]);
  });

  test('the one-sided check fails on a broken policy', () => {
    const { objects } = synthMesh([agent('consumer', { dependencies: [{ name: 'db' }] }), agent('provider', { capabilities: [cap('db')] })]);
    const broken = structuredClone(objects);
    policy(broken, 'provider').spec.ingress = policy(broken, 'provider').spec.ingress.map((r: any) => ({ ...r, from: r.from.filter((f: any) => f.podSelector?.matchLabels?.['app.kubernetes.io/instance'] !== 'consumer') }));
    expect(oneSidedFlows(broken, 'test', agentPairs)).toEqual(['Deployment/consumer -> Deployment/provider:8080 is allowed by the egress of Deployment/consumer only']);
  });

  test('agents reach the registry API, and both sides say so', () => {
    const { objects } = synthMesh([agent('a'), agent('b')]);
    expect(oneSidedFlows(objects, 'test', agentPairs)).toEqual([]);
    for (const a of ['Deployment/a', 'Deployment/b']) {
      expect(reachable(objects, 'test', a, 'StatefulSet/mcp-mesh-registry', 8000)).toBe(true);
      expect(reachable(objects, 'test', a, 'StatefulSet/mcp-mesh-registry', 9000)).toBe(false);
    }
  });

  test('a registry in the chart\'s model admits the agents group from the one flow, on its port only', () => {
    const { objects, chart } = synthChart(chart => {
      const model = Connectivity.of(chart);
      const workload = model.addWorkload(chart, { name: 'registry', component: 'Registry', podSelector: { app: 'registry' }, networkPolicy: { name: 'registry', labels: {}, ingress: true, egress: true } });
      const registry: IMcpMeshRegistry = { url: 'http://registry.test.svc:8000', selector: { app: 'registry' }, port: 8000, service: { name: 'registry' }, workload };
      new McpAgentMesh(chart, 'agents', { registry, agents: [agent('a'), agent('b')] });
    });
    expect(policy(objects, 'registry').spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: AGENT_POD_LABELS } }], ports: [{ port: 8000, protocol: 'TCP' }] }]);
    expect(egressPeers(policy(objects, 'a'))).toContainEqual({ podSelector: { matchLabels: { app: 'registry' } }, ports: [8000] });
    const flows = Connectivity.of(chart).flows.filter(f => f.to.name === 'registry');
    expect(flows.map(f => `${f.from.kind}:${f.from.name}`)).toEqual(['group:agents']);
  });

  test('a registry rendered elsewhere gets the agents\' egress rule to its pods, in its namespace', () => {
    const { objects } = synthChart(chart => {
      const other = new Chart(Testing.app(), 'other', { namespace: 'mesh' });
      const workload = Connectivity.of(other).addWorkload(other, { name: 'registry', component: 'Registry', podSelector: { app: 'registry' }, networkPolicy: false });
      new McpAgentMesh(chart, 'agents', { registry: { url: 'http://registry.mesh.svc:8000', selector: { app: 'registry' }, port: 8000, service: { name: 'registry' }, workload }, agents: [agent('a')] });
    });
    expect(egressPeers(policy(objects, 'a'))).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mesh' } }, podSelector: { matchLabels: { app: 'registry' } }, ports: [8000] });
  });

  test('a leaf agent admits a declared client agent, and the client gets the egress', () => {
    const { objects } = synthMesh([agent('leaf', { networkPolicy: { clients: [{ workload: 'caller' }] } }), agent('caller')]);
    expect(ingressPeers(policy(objects, 'leaf'))).toContainEqual({ podSelector: { matchLabels: podsOf('caller') }, ports: [8080] });
    expect(egressPeers(policy(objects, 'caller'))).toContainEqual({ podSelector: { matchLabels: podsOf('leaf') }, ports: [8080] });
    expect(reachable(objects, 'test', 'Deployment/caller', 'Deployment/leaf', 8080)).toBe(true);
    expect(oneSidedFlows(objects, 'test', agentPairs)).toEqual([]);
  });

  test('a declared client may be any workload of the environment, added before or after the agents, by name or namespace/name', () => {
    const { objects } = synthChart(chart => {
      addUi(chart, 'early');
      const registry = { url: 'http://r.test.svc:8000', selector: { app: 'r' }, port: 8000, service: { name: 'r' } };
      new McpAgentMesh(chart, 'agents', { registry, agents: [agent('leaf', { networkPolicy: { clients: [{ workload: 'early' }, { workload: 'test/late' }, { namespace: 'batch', podLabels: { app: 'etl' } }] } })] });
      addUi(chart, 'late');
    });
    expect(ingressPeers(policy(objects, 'leaf'))).toEqual(expect.arrayContaining([
      { podSelector: { matchLabels: { app: 'early' } }, ports: [8080] },
      { podSelector: { matchLabels: { app: 'late' } }, ports: [8080] },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'batch' } }, podSelector: { matchLabels: { app: 'etl' } }, ports: [8080] },
    ]));
    for (const ui of ['early', 'late']) {
      expect(policy(objects, ui).spec.egress).toEqual([{ to: [{ podSelector: { matchLabels: podsOf('leaf') } }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
      expect(reachable(objects, 'test', `Deployment/${ui}`, 'Deployment/leaf', 8080)).toBe(true);
    }
    expect(oneSidedFlows(objects, 'test')).toEqual([]);
  });

  test('a client naming no workload fails the synth with the agent path, field, value and fix', () => {
    const error = synthWithValidation(chart => {
      addUi(chart);
      const registry = { url: 'http://r.test.svc:8000', selector: { app: 'r' }, port: 8000, service: { name: 'r' } };
      new McpAgentMesh(chart, 'agents', { registry, agents: [agent('leaf', { networkPolicy: { clients: [{ namespace: 'x' }, { workload: 'nobody' }] } })] });
    });
    expect(error).toBeInstanceOf(McpConfigError);
    expect(error).toMatchObject({ path: 'test/agents/leaf', field: 'networkPolicy.clients[1].workload', value: 'nobody' });
    expect((error as McpConfigError).fix).toMatch(/name a workload this environment renders \(leaf, ui\)/);
  });

  test('an environment whose agent names an unknown client fails and writes nothing', () => {
    const env = defineEnvironment({ ...devEnvironment(), name: 'test', namespace: 'mcp-test' }, { agents: [agent('leaf', { networkPolicy: { clients: [{ workload: 'hello-wrld' }] } })] });
    expectEnvironmentRejected(env, { path: 'test/agents/leaf', field: 'networkPolicy.clients[0].workload', value: 'hello-wrld', fix: /name a workload this environment renders \(.*leaf.*\)/ });
  });

  test('components connect to the agents through the mesh group: every agent gets the egress', () => {
    const { objects } = synthChart(chart => {
      addUi(chart, 'tools');
      const registry = { url: 'http://r.test.svc:8000', selector: { app: 'r' }, port: 8000, service: { name: 'r' } };
      const mesh = new McpAgentMesh(chart, 'agents', { registry, agents: [agent('a'), agent('b', { networkPolicy: { enabled: false } })] });
      const tools = Connectivity.of(chart).findWorkloads('tools')[0];
      Connectivity.of(chart).connect(mesh.group, { target: tools, ports: [{ port: 8000 }] }, 'tool search');
      expect(mesh.group.podSelector).toEqual(AGENT_POD_LABELS);
    });
    expect(policy(objects, 'tools').spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: AGENT_POD_LABELS } }], ports: [{ port: 8000, protocol: 'TCP' }] }]);
    expect(reachable(objects, 'test', 'Deployment/a', 'Deployment/tools', 8000)).toBe(true);
    expect(reachable(objects, 'test', 'Deployment/b', 'Deployment/tools', 8000)).toBe(true);
    expect(objects.some(o => o.kind === 'NetworkPolicy' && o.metadata.name === 'b')).toBe(false);
  });

  test('an agent without a policy is still a provider its consumers may reach', () => {
    const { objects } = synthMesh([agent('consumer', { dependencies: [{ name: 'db' }] }), agent('provider', { capabilities: [cap('db')], networkPolicy: { enabled: false } })]);
    expect(objects.some(o => o.kind === 'NetworkPolicy' && o.metadata.name === 'provider')).toBe(false);
    expect(reachable(objects, 'test', 'Deployment/consumer', 'Deployment/provider', 8080)).toBe(true);
  });

  test('networkPolicies: false renders no agent policy', () => {
    const { objects } = synthMesh([agent('a', { dependencies: [{ name: 'db' }] }), agent('b', { capabilities: [cap('db')] })], { networkPolicies: false });
    expect(objects.filter(o => o.kind === 'NetworkPolicy' && o.metadata.labels?.['app.kubernetes.io/component'] === 'agent')).toEqual([]);
  });

  test('an agent\'s own clusterNetwork wins over the mesh\'s', () => {
    const prometheus = { namespace: 'observability', podLabels: { app: 'prom' } };
    const dns = { namespace: 'kube-system', podLabels: { k8s: 'dns' } };
    const { objects } = synthMesh([
      agent('own', { networkPolicy: { clusterNetwork: { prometheus, dns, ingressController: {} } } }),
      agent('mesh'),
    ], { clusterNetwork: { prometheus: { namespace: 'mon', podLabels: { app: 'p' } }, dns, ingressController: {} } });
    expect(ingressPeers(policy(objects, 'own'))).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } }, podSelector: { matchLabels: { app: 'prom' } }, ports: [8080] }]);
    expect(ingressPeers(policy(objects, 'mesh'))).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mon' } }, podSelector: { matchLabels: { app: 'p' } }, ports: [8080] }]);
  });

  test('per-agent cost is constant: no construct per peer', () => {
    const constructs = (mesh: McpAgentMesh, name: string) => mesh.agents.get(name)!.node.findAll().length;
    const small = synthMesh([agent('hub', { capabilities: [cap('hub')] })]).mesh;
    const peers = Array.from({ length: 20 }, (_, i) => agent(`c${i}`, { capabilities: [cap(`c${i}`)], dependencies: [{ name: 'hub' }] }));
    const large = synthMesh([
      agent('hub', { capabilities: [cap('hub')], dependencies: peers.map(p => ({ name: p.name })), networkPolicy: { clients: peers.map(p => ({ workload: p.name })) } }),
      ...peers,
    ]).mesh;
    expect(constructs(large, 'hub')).toBe(constructs(small, 'hub'));
  });

  test('a standalone agent is a workload of the model with its own policy, in the agents group', () => {
    const { objects, chart } = synthChart(chart => {
      new McpAgent(chart, 'solo', { ...agent('solo'), registry: { url: 'http://r.test.svc:8000', selector: { app: 'r' }, port: 8000, service: { name: 'r' } } });
    });
    const model = Connectivity.of(chart);
    expect(model.workloads.map(w => [w.name, w.groups.map(g => g.name)])).toEqual([['solo', ['agents']]]);
    expect(policy(objects, 'solo').spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(egressPeers(policy(objects, 'solo'))).toContainEqual({ podSelector: { matchLabels: { app: 'r' } }, ports: [8000] });
  });
});

describe('the MCPAgent custom-resource path', () => {
  const validator = new SchemaValidator([mcpAgentCrdManifest()]);
  const clients = [{ workload: 'caller' }, { namespace: 'batch', podLabels: { app: 'etl' } }, { cidr: '10.20.0.0/16' }];
  const clusterNetwork = { prometheus: { namespace: 'monitoring', podLabels: { app: 'prometheus' } }, ingressController: {}, dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } }, apiServer: { cidr: '10.0.0.1/32' } };

  test('the CRD and the chart accept the same clients and cluster network, and agree on what they admit', () => {
    const { objects } = synthMesh([agent('leaf', { networkPolicy: { clients, clusterNetwork } }), agent('caller')], { delivery: 'both' });
    const cr = find(objects, 'MCPAgent', 'leaf');
    expect(cr.spec.networkPolicy).toEqual({ clients, clusterNetwork });
    expect(validator.validate(cr)).toEqual([]);
    expect(ingressPeers(policy(objects, 'leaf'))).toEqual(expect.arrayContaining([
      { podSelector: { matchLabels: podsOf('caller') }, ports: [8080] },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'batch' } }, podSelector: { matchLabels: { app: 'etl' } }, ports: [8080] },
      { ipBlock: { cidr: '10.20.0.0/16' } , ports: [8080] },
    ]));
  });

  test('the CRD rejects a client workload that is not a name', () => {
    const cr = { apiVersion: 'mesh.mcp.io/v1alpha1', kind: 'MCPAgent', metadata: { name: 'x', namespace: 'test' }, spec: { registryUrl: 'http://r:8000', code: { script: 'x' }, networkPolicy: { clients: [{ workload: 'Not A Name' }] } } };
    expect(validator.validate(cr).join('\n')).toContain('/spec/networkPolicy/clients/0/workload must match pattern');
  });

  test('custom-resources delivery hands the clients to the controller and still lets the registry admit the agents', () => {
    const { objects } = synthMesh([agent('leaf', { networkPolicy: { clients } })], { delivery: 'custom-resources' });
    expect(find(objects, 'MCPAgent', 'leaf').spec.networkPolicy).toEqual({ clients });
    expect(ingressPeers(policy(objects, 'mcp-mesh-registry'))).toContainEqual({ podSelector: { matchLabels: AGENT_POD_LABELS }, ports: [8000] });
  });
});

describe('the README', () => {
  test('the clients example synthesizes in dev and admits what it says', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const block = /\*\*Clients\.\*\*[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1];
    const [weather] = YAML.parse(block).agents;
    const dev = devEnvironment();
    const { objects, chart } = synthEnvironment(defineEnvironment(dev, { agents: [...dev.agents!, weather] }));
    expect(ingressPeers(policy(objects, 'weather'))).toEqual(expect.arrayContaining([
      { podSelector: { matchLabels: podsOf('hello-world') }, ports: [8080] },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'batch' } }, podSelector: { matchLabels: { app: 'etl' } }, ports: [8080] },
      { ipBlock: { cidr: '10.20.0.0/16' }, ports: [8080] },
    ]));
    expect(reachable(objects, chart.namespaceName, 'Deployment/hello-world', 'Deployment/weather', 8080)).toBe(true);
  });
});

describe('the preset environments', () => {
  // Flows between agents and other components (MCP servers, tool registry) are checked with those
  // components; here: agents with agents and with the registry.
  test.each(defaultEnvironments().map(e => [e.name, e] as const))('%s: every flow between agents, and to the registry, is allowed on both sides', (_name, env) => {
    const { objects, chart } = synthEnvironment(env);
    expect(oneSidedFlows(objects, chart.namespaceName, agentPairs)).toEqual([]);
    for (const a of chart.agents!.agents.keys()) expect(reachable(objects, chart.namespaceName, `Deployment/${a}`, 'StatefulSet/mcp-mesh-registry', 8000)).toBe(true);
    for (const c of chart.agents!.graph.connections()) expect(reachable(objects, chart.namespaceName, `Deployment/${c.consumer}`, `Deployment/${c.provider}`, 8080)).toBe(true);
  });
});
