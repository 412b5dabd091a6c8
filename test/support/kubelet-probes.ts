/**
 * A container's probes run against a locally started process the way the kubelet runs them
 * (pkg/probe): httpGet succeeds on 200-399 (redirects are not followed), tcpSocket on a
 * connection, exec on exit status 0 (with the container's environment). Named ports resolve
 * through the container's `ports`; the test maps container ports to the local ports its
 * process listens on.
 */
import { spawnSync } from 'child_process';
import { KubeletError } from './kubelet-pod';
import { canConnect, httpRequest } from './process';

/** One probe of a container, ports resolved to numbers. */
export interface ContainerProbe {
  readonly kind: 'startup' | 'liveness' | 'readiness';
  readonly type: 'httpGet' | 'tcpSocket' | 'exec' | 'grpc';
  /** Container port the probe targets (undefined for exec). */
  readonly port?: number;
  /** httpGet path. */
  readonly path?: string;
  readonly scheme?: 'HTTP' | 'HTTPS';
  readonly httpHeaders?: { name: string; value: string }[];
  /** exec command. */
  readonly command?: string[];
  readonly timeoutSeconds: number;
}

/** The container's startup, liveness and readiness probes. @throws KubeletError for a named port the container does not declare */
export function containerProbes(container: any): ContainerProbe[] {
  const out: ContainerProbe[] = [];
  for (const kind of ['startup', 'liveness', 'readiness'] as const) {
    const p = container[`${kind}Probe`];
    if (!p) continue;
    const timeoutSeconds = p.timeoutSeconds ?? 1;
    if (p.httpGet) out.push({ kind, type: 'httpGet', port: resolvePort(container, p.httpGet.port), path: p.httpGet.path ?? '/', scheme: p.httpGet.scheme ?? 'HTTP', httpHeaders: p.httpGet.httpHeaders, timeoutSeconds });
    else if (p.tcpSocket) out.push({ kind, type: 'tcpSocket', port: resolvePort(container, p.tcpSocket.port), timeoutSeconds });
    else if (p.exec) out.push({ kind, type: 'exec', command: p.exec.command, timeoutSeconds });
    else if (p.grpc) out.push({ kind, type: 'grpc', port: resolvePort(container, p.grpc.port), timeoutSeconds });
    else throw new KubeletError(`${kind}Probe of container "${container.name}" has no handler`);
  }
  return out;
}

/** A containerPort by number or name. */
export function resolvePort(container: any, port: number | string): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = (container.ports ?? []).find((p: any) => p.name === port);
  if (!named) throw new KubeletError(`container "${container.name}" declares no port named "${port}"`);
  return named.containerPort;
}

/** How to reach the local process. */
export interface ProbeTarget {
  /** Container port -> local port. Unmapped ports are used as they are. */
  readonly ports?: Record<number, number>;
  /** Environment of exec probes (the container's). */
  readonly env?: Record<string, string>;
  /** Rewrites an exec command for the local process (e.g. its port). */
  readonly rewriteExec?: (command: string[]) => string[];
}

/** The outcome of one probe. */
export interface ProbeResult {
  readonly success: boolean;
  /** HTTP status, exit code, or what failed. */
  readonly detail: string;
}

/** Runs one probe once. grpc probes are not supported here (they throw). */
export async function runProbe(probe: ContainerProbe, target: ProbeTarget = {}): Promise<ProbeResult> {
  const port = probe.port === undefined ? undefined : target.ports?.[probe.port] ?? probe.port;
  switch (probe.type) {
    case 'httpGet': {
      if (probe.scheme === 'HTTPS') throw new KubeletError('HTTPS probes are not supported by this helper');
      const headers = Object.fromEntries((probe.httpHeaders ?? []).map(h => [h.name, h.value]));
      try {
        const res = await httpRequest(`http://127.0.0.1:${port}${probe.path}`, { headers: { 'user-agent': 'kube-probe/1.30', ...headers }, timeoutMs: probe.timeoutSeconds * 1000 });
        return { success: res.status >= 200 && res.status < 400, detail: `HTTP ${res.status}` };
      } catch (e) {
        return { success: false, detail: (e as Error).message };
      }
    }
    case 'tcpSocket': {
      const ok = await canConnect(port!, '127.0.0.1', probe.timeoutSeconds * 1000);
      return { success: ok, detail: ok ? 'connected' : 'connection refused' };
    }
    case 'exec': {
      const [cmd, ...args] = (target.rewriteExec ?? (c => c))(probe.command ?? []);
      const r = spawnSync(cmd, args, { env: { PATH: process.env.PATH, ...(target.env ?? {}) }, encoding: 'utf8', timeout: probe.timeoutSeconds * 1000 });
      return { success: r.status === 0, detail: r.error ? r.error.message : `exit ${r.status}: ${`${r.stdout}${r.stderr}`.trim().slice(0, 300)}` };
    }
    default:
      throw new KubeletError(`${probe.type} probes are not supported by this helper`);
  }
}
