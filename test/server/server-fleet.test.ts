import { Testing } from 'cdk8s';
import { defineEnvironment } from '../../src/platform/environment';
import { defaultEnvironments, prodEnvironment } from '../../src/platform/presets';
import { DEFAULT_CLUSTER_NETWORK } from '../../src/common/network';
import { McpServerFleet } from '../../src/server/server-fleet';
import { synthEnvironment } from '../support/synth';

describe('MCP servers in the environment charts', () => {
  test.each(defaultEnvironments().map(e => [e.name, e] as const))('%s renders the deployer RBAC and its servers in mcp-servers-<env>', (name, env) => {
    const { objects } = synthEnvironment(env);
    const ns = `mcp-servers-${name}`;
    const inServers = objects.filter(o => o.metadata.namespace === ns);
    expect(inServers.filter(o => ['ServiceAccount', 'Role', 'RoleBinding'].includes(o.kind)).map(o => `${o.kind}/${o.metadata.name}`).sort())
      .toEqual(['Role/mcp-platform-deployer', 'RoleBinding/mcp-platform-deployer', 'ServiceAccount/mcp-platform-deployer']);
    const servers = inServers.filter(o => o.kind === 'Deployment').map(o => o.metadata.name);
    expect(servers).toEqual(env.servers!.servers!.map(s => s.name));
    // Only server objects live there: the platform's own components stay in the environment namespace.
    expect(inServers.every(o => o.metadata.labels?.['managed-by'] === 'mcp-platform')).toBe(true);
    // No Secret value is ever rendered for a server.
    expect(objects.filter(o => o.kind === 'Secret' && o.metadata.namespace === ns)).toEqual([]);
  });

  test('staging and prod servers are highly available, each with a PDB', () => {
    for (const env of defaultEnvironments().slice(1)) {
      const { objects } = synthEnvironment(env);
      const ns = `mcp-servers-${env.name}`;
      const deployments = objects.filter(o => o.kind === 'Deployment' && o.metadata.namespace === ns).map(o => o.metadata.name);
      const budgets = objects.filter(o => o.kind === 'PodDisruptionBudget' && o.metadata.namespace === ns).map(o => o.metadata.name);
      expect(budgets.sort()).toEqual(deployments.sort());
    }
  });

  test('dev exposes its servers at <server>.<ingress host> without cert-manager', () => {
    const { objects } = synthEnvironment(defaultEnvironments()[0]);
    for (const name of ['demo', 'filesystem']) {
      const ingress = objects.find(o => o.kind === 'Ingress' && o.metadata.name === name && o.metadata.namespace === 'mcp-servers-dev')!;
      expect(ingress.spec.rules[0].host).toBe(`${name}.mcp.dev.example.com`);
      expect(ingress.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBeUndefined();
      expect(ingress.spec.tls).toBeUndefined();
    }
  });

  test('prod refuses a single-replica server (PDB policy) and debug logging', () => {
    const single = defineEnvironment(prodEnvironment(), { servers: { servers: [{ name: 'demo', template: 'demo' }] } });
    expect(() => synthEnvironment(single)).toThrow(/^prod\/servers\/demo: invalid .*: the 'prod' policy requires a PodDisruptionBudget for McpServer 'demo'/);
    const debug = defineEnvironment(prodEnvironment(), { servers: { servers: [{ name: 'demo', template: 'demo', replicas: 2, logLevel: 'debug' }] } });
    expect(() => synthEnvironment(debug)).toThrow(/^prod\/servers\/demo: invalid logLevel "debug": the 'prod' policy forbids debug logging: set logLevel/);
  });

  test('a server ingress in prod gets cert-manager TLS at <server>.<host>', () => {
    const env = defineEnvironment(prodEnvironment(), { servers: { servers: [{ name: 'demo', template: 'demo', replicas: 2, ingress: true }] } });
    const ingress = synthEnvironment(env).objects.find(o => o.kind === 'Ingress' && o.metadata.name === 'demo')!;
    expect(ingress.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
    expect(ingress.spec.tls).toEqual([{ hosts: ['demo.mcp.example.com'], secretName: 'demo-tls' }]);
  });

  test('duplicate names and ingress without environment ingress settings are refused', () => {
    const fleet = (servers: any[], ingress?: any) => () => new McpServerFleet(Testing.chart(), 'servers', {
      settings: { servers }, defaultNamespace: 'mcp-servers',
      defaults: { monitoring: {}, clusterNetwork: DEFAULT_CLUSTER_NETWORK, ingress, certManager: false },
    });
    expect(fleet([{ name: 'a', template: 'demo' }, { name: 'a', template: 'demo' }])).toThrow(/servers: invalid servers\[1\]\.name "a": server names must be unique/);
    expect(fleet([{ name: 'a', template: 'demo', ingress: true }])).toThrow(/servers: invalid servers\[0\]\.ingress true: set the environment ingress/);
    expect(fleet([{ name: 'a', template: 'demo', ingress: true }], { host: 'mcp.example.com', tls: { clusterIssuer: 'le' } })).not.toThrow();
  });
});
