import { RedisReplyError, startRedis, TestRedis } from './redis';

describe('the real redis-server', () => {
  let redis: TestRedis | undefined;
  afterAll(async () => redis?.stop());

  test('starts from config content on loopback; the RESP client reads replies of every type', async () => {
    redis = await startRedis({ config: 'bind * -::*\nport 6379\nrequirepass s3cret\nmaxmemory 32mb\nmaxmemory-policy allkeys-lfu\n' });
    expect(redis.argv).toEqual(expect.arrayContaining(['--bind', '127.0.0.1', '--port', String(redis.port)]));
    const anonymous = await redis.connect();
    await expect(anonymous.command('PING')).rejects.toThrow(RedisReplyError);
    await expect(anonymous.command('PING')).rejects.toThrow(/NOAUTH/);
    await expect(anonymous.command('AUTH', 'wrong')).rejects.toThrow(/WRONGPASS|invalid password/);
    anonymous.close();
    const c = await redis.connect('s3cret');
    expect(await c.command('PING')).toBe('PONG');
    expect(await c.command('SET', 'k', 'v\r\nwith newline')).toBe('OK');
    expect(await c.command('GET', 'k')).toBe('v\r\nwith newline');
    expect(await c.command('GET', 'missing')).toBeNull();
    expect(await c.command('INCR', 'n')).toBe(1);
    expect(await c.command('RPUSH', 'l', 'a', 'b')).toBe(2);
    expect(await c.command('LRANGE', 'l', 0, -1)).toEqual(['a', 'b']);
    expect(await c.configGet('maxmemory*')).toMatchObject({ 'maxmemory': String(32 * 1024 * 1024), 'maxmemory-policy': 'allkeys-lfu' });
    expect((await c.configGet('bind')).bind).toBe('127.0.0.1');
    expect((await c.configGet('dir')).dir).toBe(redis.dir);
    c.close();
  });

  test('stop ends the process and removes its dir', async () => {
    const r = redis!;
    redis = undefined;
    await r.stop();
    expect(r.process.exited()).toBeDefined();
    await expect(startRedis({ argv: ['redis-cli'] })).rejects.toThrow(/expected a redis-server command line/);
  });
});
