/**
 * The rendered EdgeRedis against the real redis-server: the container's command line and
 * redis.conf, built by the kubelet rules from the rendered StatefulSet, ConfigMap and the
 * password Secret, start a server that enforces the password and runs with the configured
 * limits. (Debian's redis-server 7.0 stands in for the redis:7.4 image; every directive the
 * construct renders exists in both.)
 */
import * as fs from 'fs';
import { EdgeRedis, EdgeRedisProps } from '../../src/edge-gateway/redis';
import { K8sObject } from '../support/invariants';
import { fakeSecret, kubeletContainer, KubeletContainer } from '../support/kubelet-env';
import { containerProbes, runProbe } from '../support/kubelet-probes';
import { RedisConnection, startRedis, TestRedis } from '../support/redis';
import { synthChart } from '../support/synth';

const PASSWORD = 'rendered-redis-password';
const ref = { workload: 'edge-mcp-redis', kind: 'StatefulSet', container: 'redis' };

function render(props: Omit<EdgeRedisProps, 'password'>): K8sObject[] {
  const { objects } = synthChart(c => new EdgeRedis(c, 'redis', { password: { secretName: 'edge-mcp', key: 'redis-password' }, ...props }), 'mcp');
  return [...objects, fakeSecret('edge-mcp', { 'redis-password': PASSWORD }, 'mcp')];
}

describe.each<[string, Omit<EdgeRedisProps, 'password'>, Record<string, string>]>([
  ['defaults (in-memory cache)', {}, { 'maxmemory': String(384 * 2 ** 20), 'maxmemory-policy': 'allkeys-lru', 'appendonly': 'no', 'save': '' }],
  ['AOF persistence, explicit maxmemory and policy', { maxMemoryMebibytes: 400, evictionPolicy: 'allkeys-lfu', persistence: { enabled: true } }, { 'maxmemory': String(400 * 2 ** 20), 'maxmemory-policy': 'allkeys-lfu', 'appendonly': 'yes', 'appendfsync': 'everysec', 'save': '' }],
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
