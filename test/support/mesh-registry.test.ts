import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { K8sObject } from './invariants';
import { kubeletContainer, KubeletContainer } from './kubelet-env';
import { containerProbes, runProbe } from './kubelet-probes';
import { MeshAgentRegistration, resolvedProviders, startMeshRegistry, TestMeshRegistry } from './mesh-registry';
import { startPostgres, TestPostgres } from './postgres';

// A registry pod the way a chart renders it: SQLite on a data volume, port from the env.
const registryDeployment: K8sObject = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'mcp-mesh-registry', namespace: 'mcp-mesh' },
  spec: { template: { metadata: { labels: { app: 'registry' } }, spec: {
    containers: [{
      name: 'registry', image: 'mcpmesh/registry:3.7.1',
      env: [{ name: 'HOST', value: '0.0.0.0' }, { name: 'PORT', value: '8000' }, { name: 'DATA_DIR', value: '/data' }, { name: 'DATABASE_URL', value: '$(DATA_DIR)/mcp_mesh_registry.db' }],
      volumeMounts: [{ name: 'data', mountPath: '/data' }],
      ports: [{ name: 'http', containerPort: 8000 }],
      startupProbe: { httpGet: { path: '/health', port: 'http' } },
      livenessProbe: { tcpSocket: { port: 8000 } },
      readinessProbe: { httpGet: { path: '/ready', port: 8000 }, timeoutSeconds: 2 },
    }],
    volumes: [{ name: 'data', emptyDir: {} }],
  } } },
};

const provider: MeshAgentRegistration = {
  agent_id: 'database-service-1', name: 'database-service', version: '3.1.0', http_host: '10.244.0.7', http_port: 8080,
  tools: [{ function_name: 'query', capability: 'database-service', version: '3.1.0', tags: ['sql'] }],
};
const consumer: MeshAgentRegistration = {
  agent_id: 'data-processor-1', name: 'data-processor', http_host: '10.244.0.8', http_port: 8080,
  tools: [{ function_name: 'process', capability: 'data-processing', dependencies: [{ capability: 'database-service', version: '>=3.0.0' }] }],
};

async function registerPair(registry: TestMeshRegistry): Promise<void> {
  const first = await registry.client.heartbeat(consumer);
  expect(first.status).toBe('success');
  // 3.7.1 reports a dependency nothing provides as 'unresolved' (not in the OpenAPI enum).
  expect(first.dependencies_resolved).toEqual({ process: [{ agent_id: '', function_name: '', endpoint: '', capability: 'database-service', status: 'unresolved' }] });
  expect(resolvedProviders(first)).toEqual({});
  await registry.client.heartbeat(provider);
  const again = await registry.client.heartbeat(consumer);
  expect(again.dependencies_resolved).toEqual({
    process: [{ agent_id: 'database-service-1', function_name: 'query', capability: 'database-service', endpoint: 'http://10.244.0.7:8080', status: 'available' }],
  });
  expect(resolvedProviders(again)).toEqual({ process: ['database-service@database-service-1'] });
  const agents = await registry.client.agents();
  expect(agents.map(a => a.id).sort()).toEqual(['data-processor-1', 'database-service-1']);
  expect(agents.find(a => a.id === 'data-processor-1')).toMatchObject({ dependencies_resolved: 1, total_dependencies: 1 });
  expect(await registry.client.fastHeartbeat('data-processor-1')).toBe(200);
  expect(await registry.client.fastHeartbeat('nobody')).toBe(410);
  expect(await registry.client.unregister('database-service-1')).toBe(204);
  const after = await registry.client.heartbeat(consumer);
  expect(resolvedProviders(after)).toEqual({});
}

describe('the real MCP Mesh registry', () => {
  let container: KubeletContainer | undefined;
  let registry: TestMeshRegistry | undefined;
  let pg: TestPostgres | undefined;

  afterEach(async () => {
    await registry?.stop();
    registry = undefined;
  });
  afterAll(() => {
    container?.cleanup();
    pg?.stop();
  });

  test('SQLite: DATABASE_URL from the rendered env lands on the data volume; dependencies resolve', async () => {
    container = kubeletContainer([registryDeployment], { workload: 'mcp-mesh-registry', container: 'registry' });
    registry = await startMeshRegistry({ env: container.env, volumes: container.volumes });
    expect(registry.env.HOST).toBe('127.0.0.1');
    expect(await registry.client.health()).toMatchObject({ status: 'healthy', service: 'mcp-mesh-registry' });
    const probes = containerProbes(container.container);
    expect(probes.map(p => [p.kind, p.type, p.port, p.path])).toEqual([['startup', 'httpGet', 8000, '/health'], ['liveness', 'tcpSocket', 8000, undefined], ['readiness', 'httpGet', 8000, '/ready']]);
    const results = await Promise.all(probes.map(p => runProbe(p, { ports: { 8000: registry!.port } })));
    // The registry has no /ready: a probe there would keep the pod unready forever.
    expect(results).toEqual([{ success: true, detail: 'HTTP 200' }, { success: true, detail: 'connected' }, { success: false, detail: 'HTTP 404' }]);
    await registerPair(registry);
    const dbFile = container.volumes.hostPath('/data/mcp_mesh_registry.db');
    expect(registry.databasePath).toBe(dbFile);
    expect(fs.existsSync(dbFile)).toBe(true);
    const rows = execFileSync('sqlite3', [dbFile, "select agent_id from agents order by agent_id"], { encoding: 'utf8' }).trim().split('\n');
    expect(rows).toEqual(['data-processor-1', 'database-service-1']);
  });

  test('a SQLite path outside every mount is refused (it would land on the root filesystem)', async () => {
    const env = { ...container!.env, DATABASE_URL: '/app/registry.db' };
    await expect(startMeshRegistry({ env, volumes: container!.volumes })).rejects.toThrow(/no volumeMount covers \/app\/registry.db/);
  });

  test('PostgreSQL 15: the registry creates its schema and resolves dependencies', async () => {
    pg = await startPostgres();
    pg.psql('create database mcp_mesh');
    registry = await startMeshRegistry({ env: container!.env, overrides: { DATABASE_URL: `${pg.url('mcp_mesh')}?sslmode=disable` } });
    expect(registry.databasePath).toBeUndefined();
    await registerPair(registry);
    expect(pg.psql('select agent_id from agents order by agent_id', 'mcp_mesh').split('\n')).toEqual(['data-processor-1', 'database-service-1']);
  });

  test('the process stops on SIGTERM', async () => {
    const r = await startMeshRegistry({ env: { DATABASE_URL: ':memory:' } });
    await r.stop();
    expect(r.process.exited()).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(r.workDir)).toBe(false);
  });
});
