/**
 * Bounded child processes for real-software tests: a free loopback port, a process that is
 * killed when its deadline passes or when the test stops it, and waits for a port or an
 * HTTP endpoint that fail with the process's own output.
 */
import { ChildProcess, spawn, SpawnOptions } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';

/** A free TCP port on 127.0.0.1 (the OS picks it; it is released before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A started child process with its captured output. */
export interface RunningProcess {
  readonly child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Exit code or signal once exited, else undefined. */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/** Options of {@link startProcess}. */
export interface StartProcessOptions extends Pick<SpawnOptions, 'cwd' | 'env' | 'uid' | 'gid'> {
  /** Kill the process after this long whatever happens. @default 120000 */
  readonly deadlineMs?: number;
  /** Keep stdin as a pipe (stdio servers). @default false */
  readonly stdin?: boolean;
}

const MAX_OUTPUT = 200_000;

/** Spawns `argv` (no shell) with a hard deadline. */
export function startProcess(argv: string[], options: StartProcessOptions = {}): RunningProcess {
  const child = spawn(argv[0], argv.slice(1), {
    cwd: options.cwd, env: options.env, uid: options.uid, gid: options.gid,
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const capture = (b: Buffer) => { out = (out + b.toString()).slice(-MAX_OUTPUT); };
  if (!options.stdin) child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  const gone = new Promise<void>(resolve => child.once('exit', (code, signal) => { exit = { code, signal }; resolve(); }));
  child.once('error', e => { out += `\nspawn error: ${e.message}`; exit ??= { code: -1, signal: null }; });
  const deadline = setTimeout(() => child.kill('SIGKILL'), options.deadlineMs ?? 120_000);
  deadline.unref();
  return {
    child,
    output: () => out,
    exited: () => exit,
    stop: async (graceMs = 5000) => {
      clearTimeout(deadline);
      if (exit || child.exitCode !== null || child.pid === undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** Stops `proc` (when started) and deletes `dir`, even when stopping fails. */
export async function stopAndRemove(proc: RunningProcess | undefined, dir: string, graceMs?: number): Promise<void> {
  try {
    await proc?.stop(graceMs);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Polls `probe` until it returns true; fails with the process output when it exits or times out. */
export async function waitFor(what: string, probe: () => Promise<boolean>, proc?: RunningProcess, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const exit = proc?.exited();
    if (exit) throw new Error(`process exited (${exit.code ?? exit.signal}) before ${what}:\n${proc!.output()}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${proc ? `:\n${proc.output()}` : ''}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

/** Whether a TCP connection to host:port succeeds. */
export function canConnect(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise(resolve => {
    const s = net.connect({ port, host });
    const done = (ok: boolean) => { s.destroy(); resolve(ok); };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** A plain HTTP response. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** One HTTP request with a timeout (no keep-alive, so no socket outlives the test). */
export function httpRequest(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: { connection: 'close', ...(init.headers ?? {}) }, agent: false }, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', c => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.setTimeout(init.timeoutMs ?? 10_000, () => req.destroy(new Error(`${init.method ?? 'GET'} ${url} timed out`)));
    req.on('error', reject);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}
