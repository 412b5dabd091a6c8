/**
 * The rendered EdgeRedis against the real redis-server: the container's command line and
 * redis.conf, built by the kubelet rules from the rendered StatefulSet, ConfigMap and the
 * password Secret, start a server that enforces the password and runs with the configured
 * limits. (Debian's redis-server 7.0 stands in for the redis:7.4 image; every directive the
 * construct renders exists in both.)
 */
import * as fs from 'fs';
import { EdgeGateway } from '../../src/edge-gateway/edge-gateway';
import { EdgeRedis, EdgeRedisProps } from '../../src/edge-gateway/redis';
import { K8sObject } from '../support/invariants';
import { fakeSecret, kubeletContainer, KubeletContainer, kubeletEnvironment } from '../support/kubelet-env';
import { containerProbes, runProbe } from '../support/kubelet-probes';
import { RedisConnection, startRedis, TestRedis } from '../support/redis';
import { find, synthChart } from '../support/synth';

const PASSWORD = 'rendered-redis-password';
const ref = { workload: 'edge-mcp-redis', kind: 'StatefulSet', container: 'redis' };

function render(props: Omit<EdgeRedisProps, 'password'>): K8sObject[] {
  const { objects } = synthChart(c => new EdgeRedis(c, 'redis', { password: { secretName: 'edge-mcp', key: 'redis-password' }, ...props }), 'mcp');
  return [...objects, fakeSecret('edge-mcp', { 'redis-password': PASSWORD }, 'mcp')];
}

describe.each<[string, Omit<EdgeRedisProps, 'password'>, Record<string, string>]>([
  ['defaults (in-memory cache)', {}, { 'maxmemory': String(384 * 2 ** 20), 'maxmemory-policy': 'allkeys-lru', 'appendonly': 'no', 'save': '' }],
  ['AOF persistence, explicit maxmemory and policy', { maxMemory: '400Mi', evictionPolicy: 'allkeys-lfu', persistence: { enabled: true } }, { 'maxmemory': String(400 * 2 ** 20), 'maxmemory-policy': 'allkeys-lfu', 'appendonly': 'yes', 'appendfsync': 'everysec', 'save': '' }],
])('EdgeRedis with %s on the real redis-server', (_, props, expected) => {
  let container: KubeletContainer | undefined;
  let redis: TestRedis | undefined;
  const open: RedisConnection[] = [];

  beforeAll(async () => {
    container = kubeletContainer(render(props), ref);
    redis = await startRedis({ argv: container.argv(), volumes: container.volumes });
  });
  afterAll(async () => {
    open.forEach(c => c.close());
    await redis?.stop();
    container?.cleanup();
  });
  const connect = async (password?: string) => {
    const c = await redis!.connect(password);
    open.push(c);
    return c;
  };

  test('the command line carries the password from the Secret and the rendered config file', () => {
    expect(container!.argv()).toEqual(['redis-server', '/etc/redis/redis.conf', '--requirepass', PASSWORD]);
    expect(container!.env.REDISCLI_AUTH).toBe(PASSWORD);
  });

  test('the rendered password authenticates; no password and a wrong one are refused', async () => {
    const anonymous = await connect();
    await expect(anonymous.command('PING')).rejects.toThrow(/NOAUTH/);
    await expect(anonymous.command('AUTH', 'not-the-password')).rejects.toThrow(/WRONGPASS/);
    const client = await connect(PASSWORD);
    expect(await client.command('PING')).toBe('PONG');
  });

  test('every rendered probe succeeds (redis-cli reads the password from REDISCLI_AUTH), and fails without it', async () => {
    const probes = containerProbes(container!.container);
    expect(probes.map(p => p.kind)).toEqual(['startup', 'liveness', 'readiness']);
    const local = (command: string[]) => command.map(a => a.replace(/-p 6379\b/, `-p ${redis!.port}`));
    for (const probe of probes) {
      expect(probe.command!.join(' ')).toContain('-p 6379');
      expect(await runProbe(probe, { env: container!.env, rewriteExec: local })).toMatchObject({ success: true });
      expect(await runProbe(probe, { env: {}, rewriteExec: local })).toMatchObject({ success: false });
    }
  });

  test('data lands on the data volume (AOF when persistence is on, nothing otherwise)', async () => {
    const client = await connect(PASSWORD);
    expect(await client.command('SET', 'cached', 'value')).toBe('OK');
    const files = fs.readdirSync(container!.volumes.hostPath('/data'));
    if (expected.appendonly === 'yes') expect(files).toContain('appendonlydir');
    else expect(files).toEqual([]);
  });

  test('CONFIG GET matches the props', async () => {
    const client = await connect(PASSWORD);
    const actual: Record<string, string> = {};
    for (const key of Object.keys(expected)) Object.assign(actual, await client.configGet(key));
    expect(actual).toEqual(expected);
    expect((await client.configGet('protected-mode'))['protected-mode']).toBe('yes');
    expect((await client.configGet('dir')).dir).toBe(container!.volumes.hostPath('/data'));
  });
});

/**
 * Both sides of the gateway -> Redis flow, from one rendered EdgeGateway with a bundled Redis:
 * the gateway container's REDIS_PASSWORD (as the kubelet resolves it) is the password the
 * server started from the Redis StatefulSet requires, and REDIS_ADDR names that Redis's Service
 * on the port the server is configured to listen on.
 */
describe('an EdgeGateway with a bundled Redis, from both sides, on the real redis-server', () => {
  const { objects: rendered } = synthChart(c => new EdgeGateway(c, 'gw', {
    redis: { type: 'bundled', password: { secretName: 'edge-mcp', key: 'redis-password' }, maxMemory: '128Mi' },
  }), 'mcp');
  const objects = [...rendered, fakeSecret('edge-mcp', { 'redis-password': PASSWORD }, 'mcp')];
  let server: KubeletContainer | undefined;
  let redis: TestRedis | undefined;
  const open: RedisConnection[] = [];

  beforeAll(async () => {
    server = kubeletContainer(objects, ref);
    redis = await startRedis({ argv: server.argv(), volumes: server.volumes });
  });
  afterAll(async () => {
    open.forEach(c => c.close());
    await redis?.stop();
    server?.cleanup();
  });

  test("the gateway's REDIS_PASSWORD authenticates; without it the server refuses", async () => {
    const gateway = kubeletEnvironment(objects, { workload: 'edge-mcp', kind: 'Deployment', container: 'edge-mcp' });
    const anonymous = await redis!.connect();
    open.push(anonymous);
    await expect(anonymous.command('PING')).rejects.toThrow(/NOAUTH/);
    const client = await redis!.connect(gateway.env.REDIS_PASSWORD);
    open.push(client);
    expect(await client.command('PING')).toBe('PONG');
    expect((await client.configGet('maxmemory')).maxmemory).toBe(String(128 * 2 ** 20));
  });

  test("REDIS_ADDR is host:port of the Redis Service, on the port redis.conf listens on", () => {
    const gateway = kubeletEnvironment(objects, { workload: 'edge-mcp', kind: 'Deployment', container: 'edge-mcp' });
    const service = find(rendered, 'Service', 'edge-mcp-redis');
    const conf: string = find(rendered, 'ConfigMap', 'edge-mcp-redis-config').data['redis.conf'];
    const port = Number(/^port (\d+)$/m.exec(conf)![1]);
    expect(gateway.env.REDIS_ADDR).toBe(`${service.metadata.name}.mcp.svc:${port}`);
    expect(service.spec.ports.find((p: any) => p.name === 'redis').port).toBe(port);
    expect(gateway.env.EDGE_MCP_REDIS_ENABLED).toBe('true');
  });
});
