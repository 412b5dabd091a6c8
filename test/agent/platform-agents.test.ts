import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defineEnvironment, McpEnvironment } from '../../src/platform/environment';
import { devEnvironment, prodEnvironment } from '../../src/platform/presets';
import { synthesizePlatform } from '../../src/platform/synthesize';
import { synthEnvironment } from '../support/synth';
import { agent } from './support';

function withDir(fn: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-mcp-agents-'));
  try {
    fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const base = (): McpEnvironment => ({ ...devEnvironment(), name: 'test', namespace: 'mcp-test' });

describe('agents in the platform', () => {
  test('every dependency of every preset environment resolves, and prod policies cover exactly its edges', () => {
    const { chart } = synthEnvironment(prodEnvironment());
    expect(chart.agents!.graph.unresolved).toEqual([]);
    expect(chart.agents!.graph.connections()).toEqual([{ consumer: 'data-processor', provider: 'database-service' }]);
  });

  test('an unresolved dependency fails the synth and leaves the output directory untouched', () => {
    withDir(dir => {
      const out = path.join(dir, 'dist');
      fs.mkdirSync(out);
      fs.writeFileSync(path.join(out, 'dev.k8s.yaml'), 'previous');
      const broken = defineEnvironment(base(), { agents: [agent('consumer', { dependencies: [{ name: 'nobody' }] })] });
      expect(() => synthesizePlatform([devEnvironment(), broken], out)).toThrow('test/agents/consumer: invalid dependencies[0] {"name":"nobody","version":"*"}');
      expect(fs.readdirSync(out)).toEqual(['dev.k8s.yaml']);
      expect(fs.readFileSync(path.join(out, 'dev.k8s.yaml'), 'utf8')).toBe('previous');
      expect(fs.readdirSync(dir)).toEqual(['dist']);
    });
  });

  test('writes the CRDs and a graph per environment with agents, and reports warnings', () => {
    withDir(dir => {
      const warnings: string[] = [];
      const env = defineEnvironment(base(), { agents: [agent('consumer', { dependencies: [{ name: 'cache', optional: true }] })] });
      const files = synthesizePlatform([env], path.join(dir, 'out'), { onWarning: w => warnings.push(w) });
      expect(files).toEqual(['crds/kustomization.yaml', 'crds/manifests.k8s.yaml', 'test/connectivity.md', 'test/graph.md', 'test/kustomization.yaml', 'test/manifests.k8s.yaml']);
      // The dev-based environment's gateway has no core platform: that warning is the gateway's.
      expect(warnings.filter(w => !w.startsWith('test/edge-gateway:'))).toEqual([expect.stringContaining('test/agents/consumer: optional dependencies[0] cache "*" is unresolved')]);
      expect(fs.readFileSync(path.join(dir, 'out', 'test', 'graph.md'), 'utf8')).toContain('## Warnings\n\n- test/agents/consumer: optional');
    });
  });

  test("the environment name 'crds' is reserved for the CRD output", () => {
    withDir(dir => {
      expect(() => synthesizePlatform([{ ...base(), name: 'crds' }], path.join(dir, 'out'))).toThrow("environment name 'crds' is reserved");
    });
  });

  test('agents need a registry', () => {
    expect(() => synthEnvironment({ ...base(), registry: undefined })).toThrow('test: invalid environment.registry (unset): agents register with the MCP Mesh registry');
  });

  test('a registry with custom clients still admits the agents', () => {
    const env = defineEnvironment(base(), { registry: { networkPolicy: { clients: [{ podLabels: { app: 'ui' } }] } } });
    const { objects } = synthEnvironment(env);
    const policy = objects.find(o => o.kind === 'NetworkPolicy' && o.metadata.name === 'mcp-mesh-registry')!;
    const peers = policy.spec.ingress.flatMap((r: any) => r.from.map((f: any) => f.podSelector?.matchLabels));
    expect(peers).toEqual(expect.arrayContaining([{ app: 'ui' }, { 'app.kubernetes.io/component': 'agent', 'app.kubernetes.io/part-of': 'mcp-platform' }]));
  });

  test('Prometheus Operator environments scrape every agent with a ServiceMonitor', () => {
    const { objects } = synthEnvironment(prodEnvironment());
    const monitors = objects.filter(o => o.kind === 'ServiceMonitor' && o.metadata.labels?.['app.kubernetes.io/component'] === 'agent').map(o => o.metadata.name).sort();
    expect(monitors).toEqual(['data-processor', 'database-service', 'hello-world']);
  });

  test('prod agents meet the prod policy (no debug logging, PDBs for every multi-replica agent)', () => {
    expect(() => synthEnvironment(defineEnvironment(prodEnvironment(), { agents: [agent('a', { replicas: 2, logLevel: 'debug' })] })))
      .toThrow("prod/agents/a: invalid logLevel \"debug\": the 'prod' policy forbids debug logging: set logLevel to 'info'");
  });
});
