import { Chart } from 'cdk8s';
import { AgentDelivery, McpAgentMesh } from '../../src/agent/agent-mesh';
import { McpAgent, McpAgentDefinition } from '../../src/agent/mcp-agent';
import { McpMeshRegistry } from '../../src/agent/mesh-registry';
import { ClusterNetwork } from '../../src/common/network';
import { Registry } from '../../src/registry/registry';
import { expectConstructRejected } from '../support/bad-input';
import { K8sObject } from '../support/invariants';
import { synthChart } from '../support/synth';

// The mesh checks and computes once what every agent would check and compute alike
// (src/agent/mesh-shared.ts): an agent of a mesh must render and fail exactly as the same agent
// constructed on its own.

const full: McpAgentDefinition = {
  name: 'weather',
  code: { files: { entrypoint: 'main.py', contents: { 'main.py': 'import lib.x', 'lib/x.py': 'X = 1' } } },
  image: 'mcpmesh/python-runtime:3.7.0',
  capabilities: [{ name: 'weather', version: '1.4.0' }],
  replicas: 2,
  resources: { requests: { cpu: '0.25', memory: '512Mi' } },
  monitoring: { scrape: true, prometheusRule: true },
  networkPolicy: { clients: [{ namespace: 'batch' }] },
  tracing: { redisUrl: 'redis://redis.tracing.svc:6379/0', redis: { namespace: 'tracing' } },
};
// The runtime image, the default resources and a dependency range are what the mesh computes once.
const minimal: McpAgentDefinition = { name: 'weather', code: { script: 'print("weather")' }, dependencies: [{ name: 'geo', version: '^2.1.0', optional: true }] };

/** The objects with their construct-path-derived parts removed (the agent's path differs). */
function rendered(objects: K8sObject[]): K8sObject[] {
  return JSON.parse(JSON.stringify(objects).replace(/test-agents-weather|agents\/weather/g, 'weather'));
}

test.each([['a full', full], ['a minimal', minimal]])('%s agent of a mesh renders exactly what the same agent renders on its own', (_name, definition) => {
  const inMesh = synthChart((chart: Chart) => {
    const registry = new Registry(chart, 'registry', { backup: { enabled: false } });
    new McpAgentMesh(chart, 'agents', { registry, agents: [definition] });
  });
  const alone = synthChart((chart: Chart) => {
    const registry = new Registry(chart, 'registry', { backup: { enabled: false } });
    new McpAgent(chart, 'weather', { ...definition, registry });
  });
  expect(rendered(inMesh.objects)).toEqual(rendered(alone.objects));
});

describe('a mesh cluster network the schema refuses is reported by each agent that would use it, as before', () => {
  const registry = McpMeshRegistry.fromAttributes({ url: 'http://mcp-mesh-registry.test.svc:8000', selector: { 'app.kubernetes.io/name': 'mcp-mesh-registry' } });
  const mesh = (agents: McpAgentDefinition[], clusterNetwork: unknown) => (chart: Chart) => {
    new McpAgentMesh(chart, 'agents', { registry, agents, clusterNetwork: clusterNetwork as ClusterNetwork });
  };
  const own: ClusterNetwork = { prometheus: { namespace: 'monitoring' }, ingressController: { namespace: 'ingress-nginx' }, dns: { namespace: 'kube-system' } };

  test('a missing required field', () => expectConstructRejected(mesh([{ name: 'a', code: { script: 'x' } }], { dns: {} }),
    { path: 'test/agents/a', field: 'networkPolicy.clusterNetwork.ingressController', fix: /set ingressController/ }));

  test('an unknown field, at the first agent without its own cluster network', () => expectConstructRejected(
    mesh([{ name: 'a', code: { script: 'x' }, networkPolicy: { clusterNetwork: own } }, { name: 'b', code: { script: 'x' } }], { ...own, bogus: 1 }),
    { path: 'test/agents/b', field: 'networkPolicy.clusterNetwork.bogus', value: 1, fix: /unknown field/ }));
});

describe('the MCPAgent resources of a mesh are checked once, by whichever renders first', () => {
  const registry = McpMeshRegistry.fromAttributes({ url: 'http://mcp-mesh-registry.test.svc:8000', selector: { 'app.kubernetes.io/name': 'mcp-mesh-registry' } });
  const bad: Partial<McpAgentDefinition> = { capabilities: [{ name: 'x', version: '99999999999999999999.0.0' }] };
  const mesh = (delivery: AgentDelivery) => (chart: Chart) => {
    new McpAgentMesh(chart, 'agents', { registry, delivery, agents: [{ name: 'a', code: { script: 'x' }, ...bad }] });
  };

  test('with both, the agent reports the spec', () => expectConstructRejected(mesh('both'),
    { path: 'test/agents/a', field: 'capabilities[0].version', value: '99999999999999999999.0.0', fix: /semantic version/ }));

  test('with custom resources only, the resource reports it', () => expectConstructRejected(mesh('custom-resources'),
    { path: 'test/agents/resources/a', field: 'capabilities[0].version', value: '99999999999999999999.0.0', fix: /semantic version/ }));
});
