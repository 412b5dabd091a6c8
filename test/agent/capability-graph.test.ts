import { CapabilityGraph } from '../../src/agent/capability-graph';
import { renderGraphMarkdown } from '../../src/agent/graph-markdown';
import { McpConfigError } from '../../src/common/errors';
import { K8sObject } from '../support/invariants';
import { agent, synthMesh } from './support';

const cap = (name: string, version: string) => ({ name, version });

/** Every agent-to-agent connection the NetworkPolicies allow, read from both sides. */
function allowedConnections(objects: K8sObject[]) {
  const policies = objects.filter(o => o.kind === 'NetworkPolicy' && o.metadata.labels?.['app.kubernetes.io/component'] === 'agent');
  const agentOf = (peer: any) => peer.podSelector?.matchLabels?.['app.kubernetes.io/component'] === 'agent' && !peer.namespaceSelector ? peer.podSelector.matchLabels['app.kubernetes.io/instance'] : undefined;
  const egress = new Set<string>();
  const ingress = new Set<string>();
  for (const p of policies) {
    const self = p.spec.podSelector.matchLabels['app.kubernetes.io/instance'];
    for (const rule of p.spec.egress ?? []) for (const peer of rule.to ?? []) if (agentOf(peer)) egress.add(`${self}->${agentOf(peer)}`);
    for (const rule of p.spec.ingress ?? []) for (const peer of rule.from ?? []) if (agentOf(peer)) ingress.add(`${agentOf(peer)}->${self}`);
  }
  return { egress, ingress };
}

function edgeSet(graph: CapabilityGraph): Set<string> {
  return new Set(graph.connections().map(c => `${c.consumer}->${c.provider}`));
}

describe('capability resolution', () => {
  test('a satisfied dependency becomes an edge and exactly one allowance each way', () => {
    const { mesh, objects } = synthMesh([
      agent('consumer', { dependencies: [{ name: 'db', version: '>=3.0.0' }] }),
      agent('provider', { capabilities: [cap('db', '3.2.0')] }),
      agent('bystander', { capabilities: [cap('other', '1.0.0')] }),
    ]);
    expect(mesh.graph.edges).toEqual([{ consumer: 'consumer', provider: 'provider', capability: 'db', range: '>=3.0.0', version: '3.2.0', optional: false }]);
    const { egress, ingress } = allowedConnections(objects);
    expect(egress).toEqual(new Set(['consumer->provider']));
    expect(ingress).toEqual(new Set(['consumer->provider']));
  });

  test('an unsatisfied required dependency fails naming the agent, the dependency and what is available', () => {
    const build = () => synthMesh([agent('consumer', { dependencies: [{ name: 'weather', version: '^1.0.0' }] }), agent('p', { capabilities: [cap('greeting', '1.0.0'), cap('db', '3.0.0')] })]);
    expect(build).toThrow(McpConfigError);
    expect(build).toThrow('test/agents/consumer: invalid dependencies[0] {"name":"weather","version":"^1.0.0"}: no agent in the environment provides capability "weather" (available: db, greeting): add an agent that provides it, fix the name, or mark the dependency optional');
  });

  test('a version mismatch names the providers and their versions', () => {
    expect(() => synthMesh([agent('consumer', { dependencies: [{ name: 'db', version: '>=3.0.0' }] }), agent('legacy-db', { capabilities: [cap('db', '2.4.0')] })]))
      .toThrow('test/agents/consumer: invalid dependencies[0] {"name":"db","version":">=3.0.0"}: no agent provides db at a version satisfying ">=3.0.0" (legacy-db provides db 2.4.0): widen the range or add/upgrade a provider');
  });

  test('a missing optional dependency only warns, and gets no allowance', () => {
    const { mesh, objects } = synthMesh([agent('consumer', { dependencies: [{ name: 'cache', optional: true }] })]);
    expect(mesh.graph.edges).toEqual([]);
    expect(mesh.warnings).toEqual(['test/agents/consumer: optional dependencies[0] cache "*" is unresolved: no agent in the environment provides capability "cache" (available: none): add an agent that provides it, fix the name, or mark the dependency optional']);
    expect(allowedConnections(objects).egress).toEqual(new Set());
  });

  test('several matching providers are all allowed; a non-matching one is not', () => {
    const { mesh, objects } = synthMesh([
      agent('consumer', { dependencies: [{ name: 'db', version: '^3.0.0' }] }),
      agent('db-a', { capabilities: [cap('db', '3.0.0')] }),
      agent('db-b', { capabilities: [cap('db', '3.9.1')] }),
      agent('db-old', { capabilities: [cap('db', '2.0.0')] }),
    ]);
    expect(mesh.graph.providersOf('consumer')).toEqual(['db-a', 'db-b']);
    const { egress, ingress } = allowedConnections(objects);
    expect(egress).toEqual(new Set(['consumer->db-a', 'consumer->db-b']));
    expect(ingress).toEqual(egress);
  });

  test('cycles are allowed and reported; policies follow both directions', () => {
    const { mesh, objects } = synthMesh([
      agent('a', { capabilities: [cap('a', '1.0.0')], dependencies: [{ name: 'b' }] }),
      agent('b', { capabilities: [cap('b', '1.0.0')], dependencies: [{ name: 'c' }] }),
      agent('c', { capabilities: [cap('c', '1.0.0')], dependencies: [{ name: 'a' }] }),
      agent('self', { capabilities: [cap('s', '1.0.0')], dependencies: [{ name: 's' }] }),
      agent('leaf', { dependencies: [{ name: 'a' }] }),
    ]);
    expect(mesh.graph.cycles).toEqual([['a', 'b', 'c'], ['self']]);
    const { egress, ingress } = allowedConnections(objects);
    expect(egress).toEqual(new Set(['a->b', 'b->c', 'c->a', 'self->self', 'leaf->a']));
    expect(ingress).toEqual(egress);
  });

  test('the NetworkPolicies equal the resolved edges, no more, in a larger random mesh', () => {
    let seed = 7;
    const rand = (n: number) => { seed = (seed * 48271) % 2147483647; return seed % n; };
    const agents = Array.from({ length: 40 }, (_, i) => agent(`agent-${i}`, {
      capabilities: [cap(`cap-${i}`, `${1 + rand(3)}.${rand(5)}.0`)],
      dependencies: Array.from({ length: rand(4) }, (_x, j) => ({ name: `cap-${(i + 1 + j * 7) % 40}`, version: '*' })),
    }));
    const { mesh, objects } = synthMesh(agents);
    const { egress, ingress } = allowedConnections(objects);
    expect(egress.size).toBeGreaterThan(20);
    expect(egress).toEqual(edgeSet(mesh.graph));
    expect(ingress).toEqual(edgeSet(mesh.graph));
  });

  test('every agent policy is default-deny both ways with registry, DNS and Prometheus only besides the edges', () => {
    const { objects } = synthMesh([agent('solo', { egress: [{ cidr: '203.0.113.0/24', ports: [{ port: 443 }] }] })]);
    const policy = objects.find(o => o.kind === 'NetworkPolicy' && o.metadata.name === 'solo')!;
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    expect(policy.spec.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
      { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ port: 443, protocol: 'TCP' }] },
      { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'registry', 'app.kubernetes.io/instance': 'mcp-mesh-registry', 'app.kubernetes.io/name': 'mcp-mesh-registry' } } }], ports: [{ port: 8000, protocol: 'TCP' }] },
    ]);
  });

  test('the registry NetworkPolicy admits the agents', () => {
    const { objects } = synthMesh([agent('a')]);
    const registry = objects.find(o => o.kind === 'NetworkPolicy' && o.metadata.name === 'mcp-mesh-registry')!;
    const admitted = registry.spec.ingress.flatMap((r: any) => r.from.map((f: any) => f.podSelector?.matchLabels));
    const pod = objects.find(o => o.kind === 'Deployment' && o.metadata.name === 'a')!.spec.template.metadata.labels;
    expect(admitted.some((sel: Record<string, string> | undefined) => sel && Object.entries(sel).every(([k, v]) => pod[k] === v))).toBe(true);
  });

  test('resolution cost grows linearly: 4,000 agents in a chain resolve fast', () => {
    const n = 4000;
    const agents = Array.from({ length: n }, (_, i) => ({ name: `a${i}`, capabilities: [cap(`c${i}`, '1.0.0')], dependencies: [{ name: `c${(i + 1) % n}`, version: '^1.0.0' }] }));
    const started = Date.now();
    const graph = new CapabilityGraph(agents);
    expect(graph.edges).toHaveLength(n);
    expect(graph.cycles).toHaveLength(1);
    expect(graph.cycles[0]).toHaveLength(n);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('the graph file', () => {
  test('renders a Mermaid flowchart of the registry, agents, edges, cycles and warnings', () => {
    const { mesh } = synthMesh([
      agent('consumer', { dependencies: [{ name: 'db', version: '>=3.0.0' }, { name: 'cache', optional: true }] }),
      agent('db', { capabilities: [cap('db', '3.2.0')] }),
    ]);
    const md = renderGraphMarkdown(mesh.graph, { environment: 'test', namespace: 'test', registryName: 'mcp-mesh-registry', delivery: mesh.delivery, replicas: mesh.replicaSummary(), warnings: mesh.warnings });
    expect(md).toContain('```mermaid\nflowchart LR\n');
    expect(md).toContain('  agent_consumer -->|"db #gt;=3.0.0"| agent_db');
    expect(md).toContain('  agent_db -.->|heartbeat| registry');
    expect(md).toContain('| consumer | db | `>=3.0.0` | db | 3.2.0 |');
    expect(md).toContain('(optional, unresolved)');
    expect(md).toMatchSnapshot();
  });
});
