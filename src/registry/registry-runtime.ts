import { HealthPaths, ProbeTimings } from '../common/probes';
import { DefaultResources } from '../common/resources';

// The MCP Mesh registry's runtime contract: everything the Registry construct renders about the
// process (image, user, args, ports, probe paths, env var names) comes from here.
//
// Verified against registry 3.7.1: the `mcp-mesh-registry` binary of npm
// `@mcpmesh/cli-linux-x64@3.7.1`, run by test/registry/registry-real.test.ts with the env the
// rendered manifests give it (SQLite and PostgreSQL 15): the probe path answers 200, the declared
// ports accept connections, nothing listens for metrics (`/metrics` is 404 on every port).
// Read from source: dhyansraj/mcp-mesh at bb0fc8d37fe86048b3d5e3c44311446c36830b67 (v3.6.0 + 14,
// the newest commit published; 3.7.1's tag is not in the mirror):
// - cmd/mcp-mesh-registry/main.go: flags --host/--port override HOST/PORT; MCP_MESH_ADMIN_PORT,
//   MCP_MESH_DISTRIBUTED_TRACING_ENABLED, MCP_MESH_TLS_* read there;
// - src/core/config/config.go: LoadFromEnv (DATABASE_URL, DB_*, MCP_MESH_LOG_LEVEL, thresholds;
//   REGISTRY_NAME and DEFAULT_EVICTION_THRESHOLD are read into the config and never used);
// - src/core/database/ent_database.go: `postgres://`/`postgresql://` selects PostgreSQL, any
//   other value is a SQLite path (relative paths resolve against the working directory);
// - src/core/registry/server.go: routes; admin routes move to MCP_MESH_ADMIN_PORT when it is set
//   (`:port`, all interfaces, no authentication), else they are served on PORT;
// - src/core/registry/tracing/manager.go: REDIS_URL (the stream mesh:trace), TRACE_EXPORTER_TYPE,
//   TELEMETRY_ENDPOINT (host:port), TELEMETRY_PROTOCOL (grpc | http);
// - packaging/docker/registry.Dockerfile: user 1001, ENTRYPOINT /usr/local/bin/registry,
//   CMD --host 0.0.0.0 --port 8000, ENV DATABASE_URL=/data/mcp_mesh_registry.db.

/** Whether the registry version in {@link REGISTRY_RUNTIME} reads a variable and acts on it. @internal */
export interface RuntimeEnvVar {
  /** The process reads the variable. */
  readonly read: boolean;
  /** Setting it changes what the process does. */
  readonly effective: boolean;
  /** What it does, or why it does nothing. */
  readonly note: string;
}

const REPOSITORY = 'mcpmesh/registry';
const TAG = '3.7.1';

/** The registry process the Registry construct wires, as verified. @internal */
export const REGISTRY_RUNTIME = {
  /** Image repository and default tag, and the reference the Registry renders by default. */
  repository: REPOSITORY,
  tag: TAG,
  image: `${REPOSITORY}:${TAG}`,
  /** The image's non-root user and group (`mcp-mesh`). */
  uid: 1001,
  /** HTTP API: agents' heartbeats, `/agents`, `/health`, `/proxy/*`, `/trace/*`. */
  httpPort: 8000,
  /** Default of the optional admin listener (`/admin/*`), off unless configured. */
  adminPort: 8001,
  /** The image's CMD made explicit, so the listen address and port come from this contract. */
  args: ['--host', '0.0.0.0', '--port', '8000'],
  /** `/health` is the only health route (GET and HEAD); there is no `/ready` or `/livez`. */
  health: { startup: '/health', liveness: '/health', readiness: '/health' } as HealthPaths,
  /** The registry exports no Prometheus metrics on any port. */
  metrics: 'none',
  /** The data volume's mount path and the SQLite file on it. */
  dataPath: '/data',
  sqliteFile: 'mcp_mesh_registry.db',
} as const;

/** Absolute path of the SQLite database: the DATABASE_URL of SQLite and the path the backup reads. @internal */
export const REGISTRY_SQLITE_PATH = `${REGISTRY_RUNTIME.dataPath}/${REGISTRY_RUNTIME.sqliteFile}`;

/** Names of the env vars the Registry renders. @internal */
export const REGISTRY_ENV = {
  databaseUrl: 'DATABASE_URL',
  logLevel: 'MCP_MESH_LOG_LEVEL',
  timeoutThreshold: 'DEFAULT_TIMEOUT_THRESHOLD',
  healthCheckInterval: 'HEALTH_CHECK_INTERVAL',
  adminPort: 'MCP_MESH_ADMIN_PORT',
  tracingEnabled: 'MCP_MESH_DISTRIBUTED_TRACING_ENABLED',
  redisUrl: 'REDIS_URL',
  telemetryEndpoint: 'TELEMETRY_ENDPOINT',
  telemetryProtocol: 'TELEMETRY_PROTOCOL',
  traceExporter: 'TRACE_EXPORTER_TYPE',
} as const;

const effective = (note: string): RuntimeEnvVar => ({ read: true, effective: true, note });
const inert = (note: string): RuntimeEnvVar => ({ read: true, effective: false, note });
const unread = (note: string): RuntimeEnvVar => ({ read: false, effective: false, note });

/**
 * Every variable the registry's charts and docs have used, and what 3.7.1 does with it. The
 * Registry renders only variables marked effective (a test checks the rendered container).
 * @internal
 */
export const REGISTRY_ENV_CONTRACT: Readonly<Record<string, RuntimeEnvVar>> = {
  DATABASE_URL: effective('the one database setting: a SQLite file path, or a postgres:// / postgresql:// URI'),
  MCP_MESH_LOG_LEVEL: effective('TRACE, DEBUG, INFO, WARNING, ERROR or CRITICAL (TRACE also logs SQL)'),
  DEFAULT_TIMEOUT_THRESHOLD: effective('seconds without a heartbeat before an agent is marked unhealthy'),
  HEALTH_CHECK_INTERVAL: effective('seconds between the health monitor\'s sweeps'),
  MCP_MESH_ADMIN_PORT: effective('moves /admin/* off PORT onto this port, on all interfaces, unauthenticated'),
  MCP_MESH_DISTRIBUTED_TRACING_ENABLED: effective('exactly "true" starts the trace consumer'),
  REDIS_URL: effective('Redis holding the mesh:trace stream (default redis://localhost:6379)'),
  TELEMETRY_ENDPOINT: effective('OTLP collector as host:port (default localhost:4317)'),
  TELEMETRY_PROTOCOL: effective('grpc (default) or http'),
  TRACE_EXPORTER_TYPE: effective('otlp (default), telemetry, console, json or multi'),
  HOST: inert('read, but the --host argument overrides it'),
  PORT: inert('read, but the --port argument overrides it'),
  REGISTRY_NAME: inert('read into the config, used nowhere'),
  DEFAULT_EVICTION_THRESHOLD: inert('read into the config, used nowhere (stale agents are purged by the sweep, MCP_MESH_RETENTION)'),
  ENABLE_METRICS: inert('read into the config; no metrics handler exists'),
  ENABLE_PROMETHEUS: inert('read into the config; no metrics handler exists'),
  DATABASE_TYPE: unread('chart helper; the type follows from DATABASE_URL'),
  DATABASE_PATH: unread('chart helper; the SQLite path is DATABASE_URL'),
  DATABASE_HOST: unread('chart helper composing DATABASE_URL'),
  DATABASE_PORT: unread('chart helper composing DATABASE_URL'),
  DATABASE_NAME: unread('chart helper composing DATABASE_URL'),
  DATABASE_USERNAME: unread('chart helper composing DATABASE_URL'),
  DATABASE_PASSWORD: unread('chart helper composing DATABASE_URL'),
  POD_NAME: unread('no pod identity is used'),
  POD_IP: unread('no pod identity is used'),
  POD_NAMESPACE: unread('no pod identity is used'),
  REGISTRY_INSTANCE_ID: unread('there is no leader election'),
  ENABLE_LEADER_ELECTION: unread('there is no leader election'),
  AUTH_TOKENS: unread('no token authentication exists'),
  MCP_MESH_REDIS_TRACE_PUBLISHING: unread('agents publish traces; the registry only consumes'),
};

/** Probe timings: a generous startup window, then quick readiness and tolerant liveness. @internal */
export const REGISTRY_PROBE_TIMINGS: ProbeTimings = {
  startup: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 30 },
  liveness: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  readiness: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
};

/** Default requests and limits (the upstream chart's 100m/128Mi to 500m/512Mi). @internal */
export const REGISTRY_RESOURCES: DefaultResources = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '512Mi' },
};

/** MCP_MESH_LOG_LEVEL for each of the library's log levels. @internal */
export const REGISTRY_LOG_LEVELS = { debug: 'DEBUG', info: 'INFO', warning: 'WARNING', error: 'ERROR' } as const;
