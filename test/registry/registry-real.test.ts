import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { defineEnvironment } from '../../src/platform/environment';
import { defaultEnvironments, devEnvironment, prodEnvironment } from '../../src/platform/presets';
import { REGISTRY_ENV_CONTRACT } from '../../src/registry/registry-runtime';
import { K8sObject } from '../support/invariants';
import { fakeSecret, KubeletContainer, kubeletContainer, kubeletEnvironment } from '../support/kubelet-env';
import { containerProbes, runProbe } from '../support/kubelet-probes';
import { MeshAgentRegistration, resolvedProviders, startMeshRegistry, TestMeshRegistry } from '../support/mesh-registry';
import { startPostgres, TestPostgres } from '../support/postgres';
import { canConnect } from '../support/process';
import { startRedis, TestRedis } from '../support/redis';
import { synthEnvironment } from '../support/synth';

// The real MCP Mesh registry 3.7.1 (npm @mcpmesh/cli-linux-x64) started with the environment the
// kubelet would give the rendered registry container, on SQLite (dev) and on a throwaway
// PostgreSQL 15 (prod): its probes, its ports, where its data lands, and the rendered backup
// script backing up and restoring the registry's own data.

const REGISTRY = { workload: 'mcp-mesh-registry', kind: 'StatefulSet', container: 'registry' };
const BACKUP = { workload: 'mcp-mesh-registry-backup', kind: 'CronJob', container: 'backup' };

const provider: MeshAgentRegistration = {
  agent_id: 'database-service-1', name: 'database-service', version: '3.1.0', http_host: 'database-service.mcp.svc', http_port: 8080,
  tools: [{ function_name: 'query', capability: 'database-service', version: '3.1.0' }],
};
const consumer: MeshAgentRegistration = {
  agent_id: 'data-processor-1', name: 'data-processor', http_host: 'data-processor.mcp.svc', http_port: 8080,
  tools: [{ function_name: 'process', capability: 'data-processing', dependencies: [{ capability: 'database-service', version: '>=3.0.0' }] }],
};

async function registerAgents(registry: TestMeshRegistry): Promise<void> {
  await registry.client.heartbeat(provider);
  expect(resolvedProviders(await registry.client.heartbeat(consumer))).toEqual({ process: ['database-service@database-service-1'] });
}

const agentIds = async (registry: TestMeshRegistry) => (await registry.client.agents()).map(a => a.id).sort();

/** Every probe answers 2xx and every declared containerPort accepts a connection. */
async function expectProbesAndPorts(container: KubeletContainer, registry: TestMeshRegistry): Promise<void> {
  const ports: Record<number, number> = { 8000: registry.port };
  if (registry.adminPort !== undefined) ports[Number(container.env.MCP_MESH_ADMIN_PORT)] = registry.adminPort;
  const probes = containerProbes(container.container);
  expect(probes.map(p => p.kind)).toEqual(['startup', 'liveness', 'readiness']);
  for (const probe of probes) {
    const result = await runProbe(probe, { ports });
    expect({ probe: probe.kind, ...result }).toEqual({ probe: probe.kind, success: true, detail: 'HTTP 200' });
  }
  const declared: number[] = container.container.ports.map((p: any) => p.containerPort);
  expect(declared.sort()).toEqual(Object.keys(ports).map(Number).sort());
  for (const port of declared) expect({ port, connects: await canConnect(ports[port]) }).toEqual({ port, connects: true });
}

/** Runs the rendered backup container's command with its rendered env, container paths mapped to its local volumes. */
function runBackup(backup: KubeletContainer, env: Record<string, string>): { status: number | null; output: string } {
  const argv = backup.argv().map(a => backup.volumes.rewrite(a));
  expect(argv[0]).toBe('/bin/sh');
  const mapped = Object.fromEntries(Object.entries(backup.env).map(([k, v]) => [k, backup.volumes.rewrite(v)]));
  const r = spawnSync('sh', argv.slice(1), { env: { PATH: `${process.env.PATH}:/usr/lib/postgresql/15/bin`, ...mapped, ...env }, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const newest = (dir: string, ext: string) => fs.readdirSync(dir).filter(f => f.endsWith(`.${ext}`)).sort().pop()!;

describe('every env var the rendered registry container sets is one 3.7.1 reads and acts on', () => {
  test.each(defaultEnvironments().map(e => [e.name, e] as const))('%s', (_name, environment) => {
    const { objects } = synthEnvironment(environment);
    const secrets = objects.some(o => o.kind === 'Secret' && o.metadata.name === 'mcp-mesh-registry-db') ? [] : [fakeSecret('mcp-mesh-registry-db', { uri: 'postgresql://u:p@db:5432/mcp_mesh' })];
    const { env: vars } = kubeletEnvironment([...objects, ...secrets], REGISTRY, { serviceLinks: false });
    expect(Object.keys(vars).filter(n => !(REGISTRY_ENV_CONTRACT[n]?.read && REGISTRY_ENV_CONTRACT[n]?.effective))).toEqual([]);
  });
});

describe('SQLite (dev): the real registry with the rendered env, probes, ports, data volume and backup', () => {
  const objects = synthEnvironment(defineEnvironment(devEnvironment(), { registry: { admin: {} } })).objects;
  let container: KubeletContainer;
  let backup: KubeletContainer;
  let registry: TestMeshRegistry | undefined;
  beforeAll(() => {
    container = kubeletContainer(objects, REGISTRY);
    backup = kubeletContainer(objects, BACKUP);
  });
  afterEach(async () => {
    await registry?.stop();
    registry = undefined;
  });
  afterAll(() => {
    container?.cleanup();
    backup?.cleanup();
  });

  test('probes answer 2xx, the API and admin ports accept connections, the settings take effect', async () => {
    registry = await startMeshRegistry({ env: container.env, volumes: container.volumes });
    await expectProbesAndPorts(container, registry);
    expect(registry.process.output()).toMatch(/Log Level: INFO/);
    expect(registry.process.output()).toMatch(/health monitor \(timeout: 20s, interval: 10s\)/);
    // The admin API moved off the API port onto its own.
    expect((await registry.client.request('GET', '/admin/drain')).status).toBe(404);
    expect(await canConnect(registry.adminPort!)).toBe(true);
    // Nothing serves metrics.
    expect((await registry.client.request('GET', '/metrics')).status).toBe(404);
  });

  test('the database file lands on the data volume, where the backup reads it; backup and restore keep the agents', async () => {
    // Both pods mount the same claim at the same path and name the same file.
    const dataClaim = backup.pod.spec.volumes.find((v: any) => v.name === 'data').persistentVolumeClaim.claimName;
    expect(dataClaim).toBe(`data-${container.pod.name}`);
    expect(backup.env.SQLITE_DATABASE).toBe(container.env.DATABASE_URL);
    registry = await startMeshRegistry({ env: container.env, volumes: container.volumes });
    const live = container.volumes.hostPath(backup.env.SQLITE_DATABASE);
    expect(registry.databasePath).toBe(live);
    await registerAgents(registry);
    expect(fs.existsSync(live)).toBe(true);

    // Online backup while the registry runs.
    const r = runBackup(backup, { SQLITE_DATABASE: live });
    expect(r).toEqual({ status: 0, output: expect.stringMatching(/^backup: wrote /) });
    const backupDir = backup.volumes.hostPath('/backup');
    const file = newest(backupDir, 'db');
    expect(execFileSync('sha256sum', ['-c', `${file}.sha256`], { cwd: backupDir, encoding: 'utf8' })).toContain(': OK');
    await registry.stop();
    registry = undefined;

    // Restore as the README says (sqlite3 .restore over the database, WAL files removed) into a fresh volume.
    const fresh = kubeletContainer(objects, REGISTRY);
    try {
      const restored = fresh.volumes.hostPath(container.env.DATABASE_URL);
      fs.mkdirSync(path.dirname(restored), { recursive: true });
      execFileSync('sqlite3', [restored, `.restore '${path.join(backupDir, file)}'`]);
      registry = await startMeshRegistry({ env: fresh.env, volumes: fresh.volumes });
      expect(await agentIds(registry)).toEqual(['data-processor-1', 'database-service-1']);
      expect(resolvedProviders(await registry.client.heartbeat(consumer))).toEqual({ process: ['database-service@database-service-1'] });
    } finally {
      await registry?.stop();
      registry = undefined;
      fresh.cleanup();
    }
  });
});

describe('PostgreSQL 15 (prod): the real registry with the rendered env, wait-for-database, probes, ports and backup', () => {
  let pg: TestPostgres;
  let objects: K8sObject[];
  let registry: TestMeshRegistry | undefined;
  beforeAll(async () => {
    pg = await startPostgres();
    pg.psql('CREATE DATABASE mcp_mesh');
    // The Secret a CloudNativePG cluster (or the user) provides; sslmode=disable for the loopback test server.
    const uri = `${pg.url('mcp_mesh')}?sslmode=disable`;
    objects = [...synthEnvironment(prodEnvironment()).objects, fakeSecret('mcp-mesh-registry-db', { uri }, 'mcp-prod')];
  });
  afterEach(async () => {
    await registry?.stop();
    registry = undefined;
  });
  afterAll(() => pg?.stop());

  test('the wait-for-database init container passes once the server answers', () => {
    const init = kubeletEnvironment(objects, { ...REGISTRY, container: 'wait-for-database' }, { serviceLinks: false });
    const [shell, flag, script] = init.argv();
    expect([shell, flag]).toEqual(['/bin/sh', '-c']);
    const r = spawnSync('sh', ['-c', script], { env: { PATH: `${process.env.PATH}:/usr/lib/postgresql/15/bin`, ...init.env }, encoding: 'utf8', timeout: 30_000 });
    expect({ status: r.status, output: r.stderr }).toEqual({ status: 0, output: '' });
  });

  test('probes answer 2xx, the API port accepts connections, the schema lands in the database from the Secret', async () => {
    const container = kubeletContainer(objects, REGISTRY);
    try {
      expect(container.env.DATABASE_URL).toMatch(/^postgresql:\/\//);
      registry = await startMeshRegistry({ env: container.env, volumes: container.volumes });
      expect(registry.databasePath).toBeUndefined();
      await expectProbesAndPorts(container, registry);
      await registerAgents(registry);
      expect(pg.psql('SELECT agent_id FROM agents ORDER BY agent_id', 'mcp_mesh').split('\n')).toEqual(['data-processor-1', 'database-service-1']);
    } finally {
      container.cleanup();
    }
  });

  test('the rendered backup dumps the registry\'s data, and the dump restores into a database a new registry serves', async () => {
    const backup = kubeletContainer(objects, BACKUP);
    try {
      expect(backup.env.DATABASE_URL).toBe(kubeletEnvironment(objects, REGISTRY, { serviceLinks: false }).env.DATABASE_URL);
      const r = runBackup(backup, {});
      expect(r).toEqual({ status: 0, output: expect.stringMatching(/^backup: wrote /) });
      const dir = backup.volumes.hostPath('/backup');
      const file = newest(dir, 'dump');
      pg.psql('CREATE DATABASE restored');
      execFileSync('/usr/lib/postgresql/15/bin/pg_restore', ['--no-owner', '--exit-on-error', '--dbname', pg.url('restored'), path.join(dir, file)]);
      registry = await startMeshRegistry({ env: kubeletEnvironment(objects, REGISTRY, { serviceLinks: false }).env, overrides: { DATABASE_URL: `${pg.url('restored')}?sslmode=disable` } });
      expect(await agentIds(registry)).toEqual(['data-processor-1', 'database-service-1']);
    } finally {
      backup.cleanup();
    }
  });
});

describe('tracing: the rendered settings reach a real Redis', () => {
  let redis: TestRedis;
  let registry: TestMeshRegistry | undefined;
  beforeAll(async () => {
    redis = await startRedis({ config: 'save ""\nappendonly no\n' });
  });
  afterAll(async () => {
    await registry?.stop();
    await redis?.stop();
  });

  test('the registry joins the mesh:trace stream as the consumer group the rendered REDIS_URL names', async () => {
    const objects = synthEnvironment(defineEnvironment(devEnvironment(), {
      registry: { tracing: { redisUrl: `redis://127.0.0.1:${redis.port}/0`, telemetryEndpoint: 'otel-collector.monitoring.svc:4317', egressPeers: [{ cidr: '127.0.0.1/32' }] } },
    })).objects;
    const container = kubeletContainer(objects, REGISTRY);
    try {
      registry = await startMeshRegistry({ env: container.env, volumes: container.volumes });
      const conn = await redis.connect();
      let groups: unknown = [];
      for (let i = 0; i < 50 && JSON.stringify(groups).indexOf('mcp-mesh-registry-processors') < 0; i++) {
        await new Promise(r => setTimeout(r, 200));
        groups = await conn.command('XINFO', 'GROUPS', 'mesh:trace').catch(() => []);
      }
      conn.close();
      expect(JSON.stringify(groups)).toContain('mcp-mesh-registry-processors');
      expect(registry.process.output()).toMatch(/Distributed tracing: enabled, exporter=otlp/);
    } finally {
      container.cleanup();
    }
  });
});
