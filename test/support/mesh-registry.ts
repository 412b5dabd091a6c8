/**
 * Runs the real MCP Mesh registry (npm `@mcpmesh/cli-linux-x64`, `bin/mcp-mesh-registry`) on
 * a free loopback port with a container's environment, and talks to it over its HTTP API.
 *
 * How the binary is configured (3.7.1 `--help`, and dhyansraj/mcp-mesh @ bb0fc8d
 * cmd/mcp-mesh-registry/main.go, src/core/config/config.go, src/core/database/ent_database.go):
 * HOST/PORT (or --host/--port, which win), DATABASE_URL (`postgres://` or `postgresql://` DSN,
 * else a SQLite path, relative paths resolved against the working directory),
 * MCP_MESH_ADMIN_PORT (0 = off; binds all interfaces). The API shapes below follow
 * api/mcp-mesh-registry.openapi.yaml @ bb0fc8d (MeshAgentRegistration, MeshRegistrationResponse).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MaterializedVolumes } from './kubelet-volumes';
import { freePort, httpRequest, HttpResponse, RunningProcess, startProcess, stopAndRemove, waitFor } from './process';

const PACKAGE_BIN = path.resolve(__dirname, '../../node_modules/@mcpmesh/cli-linux-x64/bin');

/**
 * Path of the registry binary.
 * @throws Error when it is not installed: on linux-x64 `npm ci` installs it (optional
 * dependency), so a missing binary there is a broken install and the tests must fail.
 */
export function meshRegistryBinary(): string {
  const bin = path.join(PACKAGE_BIN, 'mcp-mesh-registry');
  if (fs.existsSync(bin)) return bin;
  const where = `${process.platform}-${process.arch}`;
  throw new Error(where === 'linux-x64'
    ? `${bin} is missing: run \`npm ci\` (the optional dependency @mcpmesh/cli-linux-x64 did not install)`
    : `the MCP Mesh registry binary is published for linux-x64 only; this machine is ${where}`);
}

/** One @mesh.tool dependency (MeshToolDependencyRegistration). */
export interface MeshDependency {
  readonly capability: string;
  readonly version?: string;
  readonly tags?: (string | string[])[];
  readonly required?: boolean;
  readonly namespace?: string;
}

/** One @mesh.tool function (MeshToolRegistration). */
export interface MeshTool {
  readonly function_name: string;
  readonly capability: string;
  readonly version?: string;
  readonly tags?: string[];
  readonly dependencies?: MeshDependency[];
  readonly description?: string;
  readonly [extra: string]: unknown;
}

/** The body of `POST /heartbeat` (MeshAgentRegistration). */
export interface MeshAgentRegistration {
  readonly agent_id: string;
  readonly agent_type?: 'mcp_agent' | 'api' | 'a2a';
  readonly runtime?: 'python' | 'typescript' | 'java';
  readonly name?: string;
  readonly version?: string;
  readonly http_host?: string;
  readonly http_port?: number;
  readonly namespace?: string;
  readonly timestamp?: string;
  readonly tools: MeshTool[];
  readonly [extra: string]: unknown;
}

/** One resolved dependency in a heartbeat response. */
export interface ResolvedDependency {
  readonly agent_id: string;
  readonly function_name: string;
  readonly endpoint: string;
  readonly capability: string;
  /** 3.7.1 also answers 'unresolved' (with empty agent_id, endpoint, function_name) for a dependency nothing provides, which the OpenAPI enum omits. */
  readonly status: 'available' | 'unavailable' | 'degraded' | 'unresolved';
  readonly kwargs?: Record<string, unknown>;
}

/** The body of a successful `POST /heartbeat` (MeshRegistrationResponse). */
export interface MeshRegistrationResponse {
  readonly status: 'success' | 'error';
  readonly agent_id: string;
  readonly message: string;
  readonly timestamp: string;
  /** Consumer function name -> providers resolved for its dependencies. */
  readonly dependencies_resolved?: Record<string, ResolvedDependency[]>;
  readonly [extra: string]: unknown;
}

/** One entry of `GET /agents`. */
export interface MeshAgentInfo {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly endpoint: string;
  readonly version?: string;
  readonly capabilities: { name: string; function_name: string; version: string; available?: boolean; tags?: string[] }[];
  readonly dependencies_resolved?: number;
  readonly total_dependencies?: number;
  readonly [extra: string]: unknown;
}

/** The providers a heartbeat response resolved, per consumer function: `{ fn: ['capability@agent_id'] }`, unresolved entries dropped. */
export function resolvedProviders(response: MeshRegistrationResponse): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [fn, deps] of Object.entries(response.dependencies_resolved ?? {})) {
    const resolved = deps.filter(d => d.status !== 'unresolved' && d.agent_id).map(d => `${d.capability}@${d.agent_id}`);
    if (resolved.length) out[fn] = resolved.sort();
  }
  return out;
}

/** A typed client for the registry's agent API. */
export class MeshRegistryClient {
  public constructor(public readonly baseUrl: string) {}

  /** `POST /heartbeat`: registers or refreshes an agent. @throws Error on a non-200 answer */
  public async heartbeat(registration: MeshAgentRegistration): Promise<MeshRegistrationResponse> {
    return this.json('POST', '/heartbeat', registration, 200);
  }

  /** `HEAD /heartbeat/{id}`: 200 unchanged, 202 topology changed, 410 unknown agent. */
  public async fastHeartbeat(agentId: string): Promise<number> {
    return (await this.request('HEAD', `/heartbeat/${encodeURIComponent(agentId)}`)).status;
  }

  /** `GET /agents`. */
  public async agents(): Promise<MeshAgentInfo[]> {
    return (await this.json<{ agents: MeshAgentInfo[] }>('GET', '/agents', undefined, 200)).agents ?? [];
  }

  /** `DELETE /agents/{id}`: graceful unregistration; returns the status (204, or 404 for an unknown agent). */
  public async unregister(agentId: string): Promise<number> {
    return (await this.request('DELETE', `/agents/${encodeURIComponent(agentId)}`)).status;
  }

  /** `GET /health` body. */
  public async health(): Promise<{ status: string; service: string; [k: string]: unknown }> {
    return this.json('GET', '/health', undefined, 200);
  }

  /** Any request, for probes and negative tests. */
  public request(method: string, route: string, body?: unknown): Promise<HttpResponse> {
    return httpRequest(`${this.baseUrl}${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  private async json<T>(method: string, route: string, body: unknown, expected: number): Promise<T> {
    const res = await this.request(method, route, body);
    if (res.status !== expected) throw new Error(`${method} ${route}: HTTP ${res.status} ${res.body}`);
    return JSON.parse(res.body) as T;
  }
}

/** Options of {@link startMeshRegistry}. */
export interface StartMeshRegistryOptions {
  /** The container environment (kubeletEnvironment(...).env); HOST and PORT are replaced by loopback and a free port. @default {} */
  readonly env?: Record<string, string>;
  /** Variables applied over `env` (e.g. DATABASE_URL of a throwaway PostgreSQL). */
  readonly overrides?: Record<string, string>;
  /** The container's volumes: a SQLite DATABASE_URL under a mount lands in the mount's local dir. */
  readonly volumes?: MaterializedVolumes;
  /** Hard deadline of the process. @default 120000 */
  readonly deadlineMs?: number;
}

/** A running registry. */
export interface TestMeshRegistry {
  readonly url: string;
  readonly port: number;
  /**
   * The admin listener's port when the env sets MCP_MESH_ADMIN_PORT (remapped to a free port).
   * The registry binds it on all interfaces (it has no admin host setting), so while the
   * process runs that one port is not loopback-only.
   */
  readonly adminPort?: number;
  /** The environment the process got. */
  readonly env: Record<string, string>;
  /** The local SQLite file, or undefined for PostgreSQL. */
  readonly databasePath?: string;
  /** Scratch dir (working directory and unmapped SQLite paths); deleted on stop. */
  readonly workDir: string;
  readonly client: MeshRegistryClient;
  readonly process: RunningProcess;
  /** SIGTERM (graceful shutdown), SIGKILL after 5 s; deletes workDir. */
  stop(): Promise<void>;
}

/** Starts the registry and waits until `GET /health` answers 200. */
export async function startMeshRegistry(options: StartMeshRegistryOptions = {}): Promise<TestMeshRegistry> {
  const binary = meshRegistryBinary();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-registry-'));
  const env: Record<string, string> = { ...(options.env ?? {}), ...(options.overrides ?? {}) };
  const port = await freePort();
  env.HOST = '127.0.0.1';
  env.PORT = String(port);
  let adminPort: number | undefined;
  if (env.MCP_MESH_ADMIN_PORT && env.MCP_MESH_ADMIN_PORT !== '0') {
    adminPort = await freePort();
    env.MCP_MESH_ADMIN_PORT = String(adminPort);
  }
  let proc: RunningProcess | undefined;
  try {
    const databasePath = localDatabase(env, workDir, options.volumes);
    proc = startProcess([binary], { cwd: workDir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, deadlineMs: options.deadlineMs ?? 120_000 });
    const client = new MeshRegistryClient(`http://127.0.0.1:${port}`);
    await waitFor('the registry /health', async () => (await client.request('GET', '/health')).status === 200, proc);
    const running = proc;
    return {
      url: client.baseUrl, port, adminPort, env, databasePath, workDir, client, process: running,
      stop: () => stopAndRemove(running, workDir),
    };
  } catch (e) {
    await stopAndRemove(proc, workDir, 1000);
    throw e;
  }
}

/**
 * Rewrites a SQLite DATABASE_URL to a local path (under its volume mount when one covers it,
 * else under workDir) and returns it; leaves PostgreSQL DSNs alone. A relative path (the
 * binary's default `mcp_mesh_registry.db`) resolves against workDir: the image's WORKDIR is
 * not modelled, so a test that cares must assert on an absolute DATABASE_URL.
 * @throws KubeletError when volumes are given and none covers the path
 */
function localDatabase(env: Record<string, string>, workDir: string, volumes?: MaterializedVolumes): string | undefined {
  const url = env.DATABASE_URL ?? 'mcp_mesh_registry.db';
  if (/^postgres(ql)?:\/\//.test(url)) return undefined;
  if (url.includes(':memory:')) return undefined;
  if (!path.isAbsolute(url)) return path.join(workDir, url);
  // With the container's volumes, a path outside every mount is an error: in the pod the
  // registry would write to its (read-only or ephemeral) root filesystem.
  const local = volumes ? volumes.hostPath(url) : path.join(workDir, 'root', url);
  fs.mkdirSync(path.dirname(local), { recursive: true });
  env.DATABASE_URL = local;
  return local;
}
