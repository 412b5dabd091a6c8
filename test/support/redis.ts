/**
 * Runs the real `redis-server` (Debian package) with a rendered redis.conf and command line on
 * a free loopback port in a temp dir, and talks to it with a minimal RESP2 client over a
 * socket (no client library needed for AUTH, PING, CONFIG GET).
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { MaterializedVolumes } from './kubelet-volumes';
import { canConnect, freePort, RunningProcess, startProcess, stopAndRemove, waitFor } from './process';

/** An error reply (`-ERR ...`, `-NOAUTH ...`, `-WRONGPASS ...`). */
export class RedisReplyError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'RedisReplyError';
  }
}

/** A RESP2 reply: simple/bulk string, integer, nil, or array. */
export type RespValue = string | number | null | RespValue[];

/** One connection; commands are sent one at a time. */
export class RedisConnection {
  private buffer = Buffer.alloc(0);
  private waiting?: { resolve: (v: RespValue) => void; reject: (e: Error) => void };
  private closed?: Error;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', chunk => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.deliver();
    });
    const fail = (e: Error) => {
      this.closed = e;
      this.waiting?.reject(e);
      this.waiting = undefined;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  /** Connects to 127.0.0.1:port. */
  public static connect(port: number, timeoutMs = 5000): Promise<RedisConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`redis on port ${port}: timeout`)));
      socket.once('connect', () => resolve(new RedisConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends a command and returns its reply. @throws RedisReplyError on an error reply */
  public command(...args: (string | number)[]): Promise<RespValue> {
    if (this.closed) return Promise.reject(this.closed);
    if (this.waiting) return Promise.reject(new Error('one command at a time'));
    const parts = args.map(a => Buffer.from(String(a)));
    const frame = Buffer.concat([Buffer.from(`*${parts.length}\r\n`), ...parts.flatMap(p => [Buffer.from(`$${p.length}\r\n`), p, Buffer.from('\r\n')])]);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(frame);
    });
  }

  /** `CONFIG GET pattern` as a map. */
  public async configGet(pattern: string): Promise<Record<string, string>> {
    const flat = (await this.command('CONFIG', 'GET', pattern)) as string[];
    const out: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) out[flat[i]] = flat[i + 1];
    return out;
  }

  public close(): void {
    this.socket.destroy();
  }

  private deliver(): void {
    if (!this.waiting) return;
    const parsed = parseReply(this.buffer, 0);
    if (!parsed) return;
    this.buffer = this.buffer.subarray(parsed.end);
    const { resolve, reject } = this.waiting;
    this.waiting = undefined;
    if (parsed.error) reject(new RedisReplyError(parsed.error));
    else resolve(parsed.value);
  }
}

/** Parses one RESP2 reply at `at`; undefined when incomplete. */
function parseReply(buf: Buffer, at: number): { value: RespValue; error?: string; end: number } | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const line = buf.toString('utf8', at + 1, eol);
  const next = eol + 2;
  switch (String.fromCharCode(buf[at])) {
    case '+': return { value: line, end: next };
    case '-': return { value: null, error: line, end: next };
    case ':': return { value: Number(line), end: next };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return undefined;
      return { value: buf.toString('utf8', next, next + len), end: next + len + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const item = parseReply(buf, pos);
        if (!item) return undefined;
        items.push(item.error ? `ERR ${item.error}` : item.value);
        pos = item.end;
      }
      return { value: items, end: pos };
    }
  }
  throw new Error(`unexpected RESP reply: ${JSON.stringify(buf.toString('utf8', at, Math.min(buf.length, at + 80)))}`);
}

/** Options of {@link startRedis}. */
export interface StartRedisOptions {
  /**
   * The container's command line (kubeletEnvironment(...).argv()), e.g.
   * `['redis-server', '/etc/redis/redis.conf', '--requirepass', '...']`; container paths in it
   * are rewritten through `volumes`. Either this or `config`.
   */
  readonly argv?: string[];
  /** The container's volumes, to find the rendered config file. */
  readonly volumes?: MaterializedVolumes;
  /** redis.conf content, when not starting from a container command line. */
  readonly config?: string;
  /** Extra arguments after the config file (they override it, as on the command line). */
  readonly args?: string[];
  /** Hard deadline. @default 60000 */
  readonly deadlineMs?: number;
}

/** A running redis-server. */
export interface TestRedis {
  readonly port: number;
  /** A fresh temp dir: the server's cwd, and its `dir` unless the container's volumes provide it. */
  readonly dir: string;
  /** The argv the server was started with. */
  readonly argv: string[];
  readonly process: RunningProcess;
  /** A new connection, authenticated when `password` is given. */
  connect(password?: string): Promise<RedisConnection>;
  /** SHUTDOWN-free stop: SIGTERM then SIGKILL; deletes the temp dir. */
  stop(): Promise<void>;
}

/**
 * Starts redis-server with the rendered config and arguments, forcing only what a test
 * must control: `--port` (free port), `--bind 127.0.0.1`, no daemon, log to stdout, and
 * `--dir` (the temp dir) unless the container's volumes map the rendered `dir`. Everything
 * else (password, maxmemory, policy, persistence) is as rendered.
 */
export async function startRedis(options: StartRedisOptions): Promise<TestRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-test-'));
  let proc: RunningProcess | undefined;
  try {
    const base = redisArgv(options, dir);
    const port = await freePort();
    // With the container's volumes, `dir` is the rendered one, mapped to its local volume.
    const dirArgs = options.argv && options.volumes ? [] : ['--dir', dir];
    const argv = [...base, '--port', String(port), '--bind', '127.0.0.1', ...dirArgs, '--daemonize', 'no', '--logfile', ''];
    proc = startProcess(argv, { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, deadlineMs: options.deadlineMs ?? 60_000 });
    await waitFor(`redis-server on port ${port}`, () => canConnect(port), proc);
    const running = proc;
    return {
      port, dir, argv, process: running,
      connect: async password => {
        const c = await RedisConnection.connect(port);
        if (password !== undefined) await c.command('AUTH', password);
        return c;
      },
      stop: () => stopAndRemove(running, dir),
    };
  } catch (e) {
    await stopAndRemove(proc, dir, 1000);
    throw e;
  }
}

function redisArgv(options: StartRedisOptions, dir: string): string[] {
  if (options.argv) {
    const [program, ...rest] = options.argv;
    if (path.basename(program) !== 'redis-server') throw new Error(`expected a redis-server command line, got ${JSON.stringify(options.argv)}`);
    const volumes = options.volumes;
    const rewritten = volumes ? rest.map(a => volumes.rewrite(a)) : rest;
    const hasConfig = rewritten[0] !== undefined && !rewritten[0].startsWith('-');
    if (hasConfig && !fs.existsSync(rewritten[0])) throw new Error(`redis config file ${rest[0]} does not exist locally (pass the container's volumes)`);
    if (hasConfig && volumes) {
      // Container paths inside the config (dir, aclfile, ...) point into the local volumes too.
      const local = path.join(dir, 'redis.conf');
      fs.writeFileSync(local, volumes.rewrite(fs.readFileSync(rewritten[0], 'utf8')));
      rewritten[0] = local;
    }
    return ['redis-server', ...rewritten, ...(options.args ?? [])];
  }
  if (options.config === undefined) throw new Error('startRedis needs argv or config');
  const file = path.join(dir, 'redis.conf');
  fs.writeFileSync(file, options.config);
  return ['redis-server', file, ...(options.args ?? [])];
}
