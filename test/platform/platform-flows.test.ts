import { defineEnvironment } from '../../src/platform/environment';
import { devEnvironment, prodEnvironment } from '../../src/platform/presets';
import { TOOL_REGISTRY_RUNTIME } from '../../src/tool-registry/tool-registry-runtime';
import { TOOL_REGISTRY_PRESETS } from '../../src/tool-registry/tool-registry-presets';
import { PodEndpoint, Reachability } from '../support/reachability';
import { synthEnvironment } from '../support/synth';

// Flows the platform chart adds between components: checked on the rendered policies, both sides.
const IMAGE = 'registry.example.com/tool-registry:1.0.0';

describe.each([
  ['dev', defineEnvironment(devEnvironment(), { toolRegistry: { ...TOOL_REGISTRY_PRESETS.dev, image: IMAGE } })],
  ['prod', defineEnvironment(prodEnvironment(), { toolRegistry: { ...TOOL_REGISTRY_PRESETS.prod, image: IMAGE } })],
] as const)('%s with a tool registry', (_name, environment) => {
  const { chart, objects } = synthEnvironment(environment);
  const net = new Reachability(objects);
  const api = net.pods.find(p => p.owner?.kind === 'Deployment' && p.owner.metadata.name === 'tool-registry')!;
  const agents = net.pods.filter(p => p.labels['app.kubernetes.io/component'] === 'agent' && p.owner?.kind === 'Deployment');

  test('every agent reaches the tool registry API on its port (its egress and the API\'s ingress)', () => {
    expect(agents.length).toBeGreaterThan(0);
    for (const agent of agents) expect([agent.name, net.allows(agent, api, TOOL_REGISTRY_RUNTIME.httpPort)]).toEqual([agent.name, true]);
  });

  test('control: on another port neither side allows it', () => {
    for (const agent of agents) expect(net.allows(agent, api, TOOL_REGISTRY_RUNTIME.httpPort + 1)).toBe(false);
  });

  test('a pod outside the platform does not reach the API', () => {
    const stranger: PodEndpoint = { kind: 'pod', name: 'stranger', namespace: chart.namespaceName, labels: { app: 'stranger' }, ports: [], owner: {} as never };
    expect(net.ingressAllows(api, stranger, TOOL_REGISTRY_RUNTIME.httpPort)).toBe(false);
  });

  test('the connectivity document lists the flow', () => {
    expect(chart.connectivity.flows.some(f => f.from.kind === 'group' && f.from.name === 'agents' && f.to.name === 'tool-registry')).toBe(true);
  });
});
