import { HealthPaths, ProbeTimings } from '../common/probes';
import { DefaultResources } from '../common/resources';

// Verified by reading smartramana/developer-mesh at e45c8fcaa85810a7aca5e2f070f48a5751ff6ddd
// (2025-11-10), apps/edge-mcp: cmd/server/main.go, internal/config/{config,cache_config}.go,
// internal/auth/auth.go, internal/metrics/metrics.go, internal/middleware/rate_limit.go,
// internal/mcp/handler.go, internal/api/health.go, internal/tracing/tracing.go,
// pkg/updater/dev_mode.go, the Dockerfile and .github/workflows/{ci,release}.yml. The binary
// itself could not be run here (no Go toolchain, no registry access), so every fact below is
// read from that source, not observed.

/** Whether the pinned Edge MCP version reads an env var and whether reading it changes anything. */
export interface EnvVarContract {
  /** The binary reads the variable at startup (in code that runs). */
  readonly read: boolean;
  /** Setting it changes behaviour. `false` means inert for this version: rendered only when a prop opts in. */
  readonly effective: boolean;
  /** What it does, or why it is inert. */
  readonly note: string;
}

/**
 * The Edge MCP binary's runtime contract, the single source of truth for the image, port,
 * paths, flags, metrics and env vars the EdgeGateway construct renders.
 */
export const EDGE_GATEWAY_RUNTIME = {
  /**
   * Default image: what the upstream CI workflow publishes for the verified commit
   * (`ghcr.io/<owner>/developer-mesh-edge-mcp`, tag `main-<short sha>`).
   */
  // The only release tag of the line, 1.0.0 (61c645ae, 2025-10-26), predates the
  // --disable-auto-update flag (79be3d12, 2025-11-01); Go's flag package exits with status 2
  // on an unknown flag, so a release image would crash-loop on the args we pass. ci.yml
  // pushes `type=sha,prefix=main-` (7 hex) for every push to main; release.yml pushes X.Y.Z.
  image: 'ghcr.io/smartramana/developer-mesh-edge-mcp:main-e45c8fc',
  /** Where the contract was verified: repository, commit and directory. */
  upstream: { repository: 'smartramana/developer-mesh', commit: 'e45c8fcaa85810a7aca5e2f070f48a5751ff6ddd', path: 'apps/edge-mcp' },
  /**
   * Release versions that lack `--disable-auto-update` (and exit on it): every semver tag up to
   * 1.0.0. Images tagged with such a version are refused.
   */
  versionsWithoutAutoUpdateFlag: '<=1.0.0',
  /** distroless/static:nonroot runs as 65532. */
  uid: 65532,
  /** The one port: WebSocket, health and metrics (`--port`; the binary ignores PORT and EDGE_MCP_PORT). */
  port: 8082,
  /** The WebSocket MCP endpoint (API keys checked against the core platform); the only path an Ingress exposes. */
  websocketPath: '/ws',
  /** Prometheus metrics (promhttp default registry), on the same port. */
  metricsPath: '/metrics',
  health: { startup: '/health/startup', liveness: '/health/live', readiness: '/health/ready' } as HealthPaths,
  /** The config file baked into the image (the Dockerfile's default `--config`); config.Load ignores it. */
  configFile: '/app/configs/config.docker.yaml',
  /** Writable scratch paths under a read-only root filesystem. */
  scratchPaths: { tmp: '/tmp', cache: '/var/cache' },
  /**
   * Where the binary validates client API keys when no core platform URL is set: nothing
   * listens there in a pod, so every client gets 401 while `/health/ready` answers 200.
   */
  fallbackAuthUrl: 'http://localhost:8081',
  /** The auth endpoint on the core platform (`POST <url>/api/v1/auth/edge-mcp`). */
  authPath: '/api/v1/auth/edge-mcp',
} as const;

/** The binary's `--log-level` vocabulary. */
export const EDGE_GATEWAY_LOG_LEVELS = { debug: 'debug', info: 'info', warning: 'warn', error: 'error' } as const;

/**
 * The container args: the Dockerfile's defaults made explicit, so the port comes from
 * {@link EDGE_GATEWAY_RUNTIME}, plus auto-update switched off: a cluster rolls images, pods
 * never replace their binary (the flag also skips the GitHub update checker entirely).
 */
export function edgeGatewayArgs(logLevel: keyof typeof EDGE_GATEWAY_LOG_LEVELS): string[] {
  return [
    '--config', EDGE_GATEWAY_RUNTIME.configFile,
    '--port', String(EDGE_GATEWAY_RUNTIME.port),
    '--log-level', EDGE_GATEWAY_LOG_LEVELS[logLevel],
    '--disable-auto-update',
  ];
}

/** Names of the env vars the construct may set, by purpose. */
export const EDGE_GATEWAY_ENV = {
  // Identity and core platform (effective)
  edgeId: 'EDGE_MCP_ID',
  corePlatformUrl: 'DEV_MESH_URL',
  corePlatformApiKey: 'DEV_MESH_API_KEY',
  // Tracing (effective)
  tracingEnabled: 'TRACING_ENABLED',
  otlpEndpoint: 'OTLP_ENDPOINT',
  otlpInsecure: 'OTLP_INSECURE',
  tracingSamplingRate: 'TRACING_SAMPLING_RATE',
  environment: 'ENVIRONMENT',
  // Inert at the pinned version; rendered only when a prop opts in
  apiKey: 'EDGE_MCP_API_KEY',
  globalRps: 'EDGE_MCP_GLOBAL_RPS',
  globalBurst: 'EDGE_MCP_GLOBAL_BURST',
  tenantRps: 'EDGE_MCP_TENANT_RPS',
  tenantBurst: 'EDGE_MCP_TENANT_BURST',
  toolRps: 'EDGE_MCP_TOOL_RPS',
  toolBurst: 'EDGE_MCP_TOOL_BURST',
  enableQuotas: 'EDGE_MCP_ENABLE_QUOTAS',
  l1MaxItems: 'EDGE_MCP_L1_MAX_ITEMS',
  l1Ttl: 'EDGE_MCP_L1_TTL',
  redisEnabled: 'EDGE_MCP_REDIS_ENABLED',
  redisAddr: 'REDIS_ADDR',
  redisPassword: 'REDIS_PASSWORD',
  redisUsername: 'REDIS_USERNAME',
  redisDb: 'EDGE_MCP_REDIS_DB',
  redisConnectTimeout: 'EDGE_MCP_REDIS_CONNECT_TIMEOUT',
  redisFallbackMode: 'EDGE_MCP_REDIS_FALLBACK_MODE',
  redisTlsEnabled: 'REDIS_TLS_ENABLED',
  redisTlsSkipVerify: 'REDIS_TLS_SKIP_VERIFY',
  l2Ttl: 'EDGE_MCP_L2_TTL',
  enableCompression: 'EDGE_MCP_ENABLE_COMPRESSION',
  compressionThreshold: 'EDGE_MCP_COMPRESSION_THRESHOLD',
} as const;

/** One env var name the construct may set on the gateway container. */
export type EdgeGatewayEnvName = typeof EDGE_GATEWAY_ENV[keyof typeof EDGE_GATEWAY_ENV];

const INERT_CACHE = 'read only by config.LoadCacheConfig, which nothing calls: the binary builds an in-memory cache (1000 entries, 5 min) and never contacts Redis';
const INERT_RATE_LIMIT = 'read into config.RateLimit, but the MCP handler builds its limiter from middleware.DefaultRateLimitConfig() (global 1000/2000, tenant 100/200, tool 50/100, quotas on)';

/**
 * Every env var the pinned binary reads (plus the ones the original manifests set that it
 * does not), with whether it acts on it. Tests check every variable a rendered gateway
 * container sets against this table, and that the presets set effective ones only.
 */
export const EDGE_GATEWAY_ENV_CONTRACT: Record<EdgeGatewayEnvName | 'DEV_MESH_EDGE_ID' | 'EDGE_MCP_PORT' | 'PORT' | 'ENABLE_AUTO_UPDATE' | 'DISABLE_AUTO_UPDATE' | 'ZIPKIN_ENDPOINT', EnvVarContract> = {
  EDGE_MCP_ID: { read: true, effective: true, note: 'the edge id sent with every auth request to the core platform, which logs it (config.Default; default edge-<hostname>-<date>)' },
  DEV_MESH_URL: { read: true, effective: true, note: 'core platform base URL: client API keys are validated at POST <url>/api/v1/auth/edge-mcp, remote tools are fetched from it; unset, every client gets 401' },
  DEV_MESH_API_KEY: { read: true, effective: true, note: 'the key the gateway authenticates itself to the core platform with' },
  TRACING_ENABLED: { read: true, effective: true, note: 'tracing is on only for the exact value "true"' },
  OTLP_ENDPOINT: { read: true, effective: true, note: 'OTLP gRPC collector host:port (default localhost:4317); used only with tracing on' },
  OTLP_INSECURE: { read: true, effective: true, note: 'plaintext gRPC for the exact value "true" (the default); used only with tracing on' },
  TRACING_SAMPLING_RATE: { read: true, effective: true, note: 'fraction of traces sampled (default 1.0); used only with tracing on' },
  ENVIRONMENT: { read: true, effective: true, note: 'the tracing resource attribute `environment` (default development); the update checker that also reads it is skipped under --disable-auto-update' },
  ZIPKIN_ENDPOINT: { read: true, effective: true, note: 'a Zipkin exporter instead of OTLP; not typed (set it through extraEnv)' },
  EDGE_MCP_API_KEY: { read: true, effective: false, note: 'read into config.Auth.APIKey, which nothing uses: inbound keys are validated by the core platform' },
  DEV_MESH_EDGE_ID: { read: true, effective: false, note: 'consulted only when the edge id is empty, which never happens (EDGE_MCP_ID or its generated default always sets it)' },
  EDGE_MCP_GLOBAL_RPS: { read: true, effective: false, note: INERT_RATE_LIMIT },
  EDGE_MCP_GLOBAL_BURST: { read: true, effective: false, note: INERT_RATE_LIMIT },
  EDGE_MCP_TENANT_RPS: { read: true, effective: false, note: INERT_RATE_LIMIT },
  EDGE_MCP_TENANT_BURST: { read: true, effective: false, note: INERT_RATE_LIMIT },
  EDGE_MCP_TOOL_RPS: { read: true, effective: false, note: INERT_RATE_LIMIT },
  EDGE_MCP_TOOL_BURST: { read: true, effective: false, note: INERT_RATE_LIMIT },
  EDGE_MCP_ENABLE_QUOTAS: { read: true, effective: false, note: INERT_RATE_LIMIT },
  EDGE_MCP_L1_MAX_ITEMS: { read: false, effective: false, note: INERT_CACHE },
  EDGE_MCP_L1_TTL: { read: false, effective: false, note: INERT_CACHE },
  EDGE_MCP_REDIS_ENABLED: { read: false, effective: false, note: INERT_CACHE },
  REDIS_ADDR: { read: false, effective: false, note: INERT_CACHE },
  REDIS_PASSWORD: { read: false, effective: false, note: INERT_CACHE },
  REDIS_USERNAME: { read: false, effective: false, note: `${INERT_CACHE} (not even LoadCacheConfig reads it)` },
  EDGE_MCP_REDIS_DB: { read: false, effective: false, note: INERT_CACHE },
  EDGE_MCP_REDIS_CONNECT_TIMEOUT: { read: false, effective: false, note: INERT_CACHE },
  EDGE_MCP_REDIS_FALLBACK_MODE: { read: false, effective: false, note: INERT_CACHE },
  REDIS_TLS_ENABLED: { read: false, effective: false, note: `${INERT_CACHE} (not even LoadCacheConfig reads it)` },
  REDIS_TLS_SKIP_VERIFY: { read: false, effective: false, note: `${INERT_CACHE} (not even LoadCacheConfig reads it)` },
  EDGE_MCP_L2_TTL: { read: false, effective: false, note: INERT_CACHE },
  EDGE_MCP_ENABLE_COMPRESSION: { read: false, effective: false, note: `${INERT_CACHE}; WebSocket compression is always on (context takeover)` },
  EDGE_MCP_COMPRESSION_THRESHOLD: { read: false, effective: false, note: INERT_CACHE },
  EDGE_MCP_PORT: { read: false, effective: false, note: 'never read; the port is the --port flag' },
  PORT: { read: false, effective: false, note: 'set by the image, never read by the binary' },
  ENABLE_AUTO_UPDATE: { read: false, effective: false, note: 'read only by the update checker, which --disable-auto-update skips' },
  DISABLE_AUTO_UPDATE: { read: false, effective: false, note: 'read only by the update checker, which --disable-auto-update skips' },
};

/**
 * Metrics the binary exports on `/metrics`: name, labels, and whether this version ever
 * records a value. Alerts and dashboards use `recorded` metrics only.
 */
export const EDGE_GATEWAY_METRICS = {
  /** Rate-limit rejections: error_type "rate_limit", error_code global|quota|tenant|tool (middleware/rate_limit.go). */
  errors: { name: 'edge_mcp_errors_total', labels: ['error_type', 'error_code'], recorded: true },
  // Registered by metrics.New() but never updated by any caller at this version: the gauges
  // stay 0 and the vectors have no series. Listed so that no alert or HPA relies on them.
  activeConnections: { name: 'edge_mcp_active_connections', labels: [], recorded: false },
  connections: { name: 'edge_mcp_connections_total', labels: [], recorded: false },
  requests: { name: 'edge_mcp_requests_total', labels: ['tool_name', 'method'], recorded: false },
  requestDuration: { name: 'edge_mcp_request_duration_seconds', labels: ['tool_name', 'method'], recorded: false },
  requestsInFlight: { name: 'edge_mcp_requests_in_flight', labels: [], recorded: false },
  toolExecutions: { name: 'edge_mcp_tool_execution_total', labels: ['tool_name', 'status'], recorded: false },
  toolExecutionDuration: { name: 'edge_mcp_tool_execution_duration_seconds', labels: ['tool_name', 'status'], recorded: false },
  toolExecutionErrors: { name: 'edge_mcp_tool_execution_errors_total', labels: ['tool_name', 'error_type'], recorded: false },
  cacheOperations: { name: 'edge_mcp_cache_operations_total', labels: ['operation', 'result'], recorded: false },
  cacheHitRatio: { name: 'edge_mcp_cache_hit_ratio', labels: [], recorded: false },
  activeSessions: { name: 'edge_mcp_active_sessions', labels: [], recorded: false },
  sessions: { name: 'edge_mcp_sessions_total', labels: [], recorded: false },
  sessionDuration: { name: 'edge_mcp_session_duration_seconds', labels: [], recorded: false },
  messagesSent: { name: 'edge_mcp_messages_sent_total', labels: ['message_type'], recorded: false },
  messagesReceived: { name: 'edge_mcp_messages_received_total', labels: ['message_type'], recorded: false },
  // The Go client's default collectors (promhttp.Handler serves the default registry).
  goroutines: { name: 'go_goroutines', labels: [], recorded: true },
  residentMemory: { name: 'process_resident_memory_bytes', labels: [], recorded: true },
  cpuSeconds: { name: 'process_cpu_seconds_total', labels: [], recorded: true },
} as const;

/**
 * Probe timings. Startup allows 60 s (the original's 2 s x 30); liveness tolerates 30 s of
 * failure so a slow GC pause does not drop every WebSocket; readiness reacts in 15 s.
 */
export const EDGE_GATEWAY_PROBE_TIMINGS: ProbeTimings = {
  startup: { initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 3, failureThreshold: 30 },
  liveness: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
  readiness: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
};

/** Default requests and limits (the upstream chart's 100m/256Mi to 1000m/512Mi). */
export const EDGE_GATEWAY_RESOURCES: DefaultResources = {
  requests: { cpu: '100m', memory: '256Mi' },
  limits: { cpu: '1000m', memory: '512Mi' },
};

/** The bundled Redis's runtime: the official Alpine image and the redis_exporter sidecar. */
// redis.conf directives and the command line run on the real redis-server in the tests.
export const REDIS_RUNTIME = {
  image: 'redis:7.4.1-alpine',
  /** The image's `redis` user and group. */
  uid: 999,
  gid: 1000,
  port: 6379,
  dataPath: '/data',
  configPath: '/etc/redis',
  configFile: 'redis.conf',
  exporterImage: 'oliver006/redis_exporter:v1.66.0',
  /** The exporter image's USER. */
  exporterUid: 59000,
  exporterPort: 9121,
  exporterMetricsPath: '/metrics',
} as const;

/**
 * Env vars of the Redis pod's containers, with who consumes them: Redis itself reads no
 * environment; the kubelet expands REDIS_PASSWORD into the command line.
 */
export const REDIS_ENV_CONTRACT: Record<'redis' | 'exporter', Record<string, EnvVarContract>> = {
  redis: {
    REDIS_PASSWORD: { read: true, effective: true, note: 'expanded by the kubelet into `--requirepass $(REDIS_PASSWORD)`' },
    REDISCLI_AUTH: { read: true, effective: true, note: 'the password redis-cli uses in the probes, kept off their command line' },
  },
  exporter: {
    REDIS_ADDR: { read: true, effective: true, note: 'redis_exporter --redis.addr' },
    REDIS_PASSWORD: { read: true, effective: true, note: 'redis_exporter --redis.password' },
    REDIS_EXPORTER_WEB_LISTEN_ADDRESS: { read: true, effective: true, note: 'redis_exporter --web.listen-address' },
  },
};

/** redis_exporter metrics the alerts and dashboard use. */
export const REDIS_METRICS = {
  up: 'redis_up',
  memoryUsed: 'redis_memory_used_bytes',
  memoryMax: 'redis_memory_max_bytes',
  evictedKeys: 'redis_evicted_keys_total',
  connectedClients: 'redis_connected_clients',
  commandsProcessed: 'redis_commands_processed_total',
} as const;

/** Redis probe timings: startup allows 5 minutes to replay a large AOF. */
export const REDIS_PROBE_TIMINGS: ProbeTimings = {
  startup: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 60 },
  liveness: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
  readiness: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
};

/** Default Redis requests and limits (the original's 100m/256Mi to 500m/512Mi). */
export const REDIS_RESOURCES: DefaultResources = {
  requests: { cpu: '100m', memory: '256Mi' },
  limits: { cpu: '500m', memory: '512Mi' },
};

/** redis_exporter sidecar requests and limits. */
export const REDIS_EXPORTER_RESOURCES: DefaultResources = {
  requests: { cpu: '10m', memory: '32Mi' },
  limits: { cpu: '100m', memory: '64Mi' },
};
