import { HealthPaths, ProbeTimings } from '../common/probes';
import { ResourceSpec } from '../common/resources';

/**
 * The Edge MCP binary's runtime contract, the single source of truth for the image, port,
 * paths, flags and env var names the EdgeGateway construct renders.
 * @see ../shared/design/upstream.md §2.1 (developer-mesh apps/edge-mcp)
 */
export const EDGE_GATEWAY_RUNTIME = {
  /**
   * Default image. Developer Mesh publishes no registry image (the original manifests use
   * `edge-mcp:latest`), so this names where a build is expected; set the `image` prop to
   * your own pinned build.
   */
  image: 'ghcr.io/developer-mesh/edge-mcp:1.0.0',
  /** distroless/static:nonroot runs as 65532. */
  uid: 65532,
  /** The one port: WebSocket, health and metrics (the binary is started with `--port`). */
  port: 8082,
  /** The WebSocket MCP endpoint (API-key authenticated); the only path an Ingress exposes. */
  websocketPath: '/ws',
  /** Prometheus metrics, on the same port. */
  metricsPath: '/metrics',
  health: { startup: '/health/startup', liveness: '/health/live', readiness: '/health/ready' } as HealthPaths,
  /** The config file baked into the image (the Dockerfile's default `--config`). */
  configFile: '/app/configs/config.docker.yaml',
  /** Writable scratch paths under a read-only root filesystem. */
  scratchPaths: { tmp: '/tmp', cache: '/var/cache' },
} as const;

/** Log levels; rendered lower-case into the binary's `--log-level` flag. */
export type EdgeGatewayLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/**
 * The container args: the Dockerfile's defaults made explicit, so the port comes from
 * {@link EDGE_GATEWAY_RUNTIME} (the binary ignores EDGE_MCP_PORT, which the original set),
 * plus auto-update switched off: a cluster rolls images, pods never replace their binary.
 */
export function edgeGatewayArgs(logLevel: EdgeGatewayLogLevel): string[] {
  return [
    '--config', EDGE_GATEWAY_RUNTIME.configFile,
    '--port', String(EDGE_GATEWAY_RUNTIME.port),
    '--log-level', logLevel.toLowerCase(),
    '--disable-auto-update',
  ];
}

/**
 * Every env var the Edge MCP binary reads that this library may set (upstream §2.1). The
 * construct renders names from this list only; the test suite checks the rendered set
 * against it. `EDGE_MCP_REDIS_URL` and `EDGE_MCP_PORT` are deliberately absent: the
 * binary ignores both (the original manifests' defects, §2.4).
 */
export const EDGE_GATEWAY_ENV = {
  // Auth and identity
  apiKey: 'EDGE_MCP_API_KEY',
  edgeId: 'EDGE_MCP_ID',
  // Core platform
  corePlatformUrl: 'DEV_MESH_URL',
  corePlatformApiKey: 'DEV_MESH_API_KEY',
  // Rate limits
  globalRps: 'EDGE_MCP_GLOBAL_RPS',
  globalBurst: 'EDGE_MCP_GLOBAL_BURST',
  tenantRps: 'EDGE_MCP_TENANT_RPS',
  tenantBurst: 'EDGE_MCP_TENANT_BURST',
  toolRps: 'EDGE_MCP_TOOL_RPS',
  toolBurst: 'EDGE_MCP_TOOL_BURST',
  enableQuotas: 'EDGE_MCP_ENABLE_QUOTAS',
  // L1 cache
  l1MaxItems: 'EDGE_MCP_L1_MAX_ITEMS',
  l1Ttl: 'EDGE_MCP_L1_TTL',
  // L2 cache (Redis)
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
  // Compression
  enableCompression: 'EDGE_MCP_ENABLE_COMPRESSION',
  compressionThreshold: 'EDGE_MCP_COMPRESSION_THRESHOLD',
  // Tracing
  tracingEnabled: 'TRACING_ENABLED',
  otlpEndpoint: 'OTLP_ENDPOINT',
  otlpInsecure: 'OTLP_INSECURE',
  tracingSamplingRate: 'TRACING_SAMPLING_RATE',
  environment: 'ENVIRONMENT',
  // Auto-update
  enableAutoUpdate: 'ENABLE_AUTO_UPDATE',
  disableAutoUpdate: 'DISABLE_AUTO_UPDATE',
} as const;

/** One env var name the Edge MCP binary reads. */
export type EdgeGatewayEnvName = typeof EDGE_GATEWAY_ENV[keyof typeof EDGE_GATEWAY_ENV];

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
export const EDGE_GATEWAY_RESOURCES: ResourceSpec = {
  cpuRequestMillis: 100, memoryRequestMebibytes: 256, cpuLimitMillis: 1000, memoryLimitMebibytes: 512,
};

/** The bundled Redis's runtime: the official Alpine image and the redis_exporter sidecar. */
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
} as const;

/** Redis probe timings: startup allows 5 minutes to replay a large AOF. */
export const REDIS_PROBE_TIMINGS: ProbeTimings = {
  startup: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 60 },
  liveness: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
  readiness: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
};

/** Default Redis requests and limits (the original's 100m/256Mi to 500m/512Mi). */
export const REDIS_RESOURCES: ResourceSpec = {
  cpuRequestMillis: 100, memoryRequestMebibytes: 256, cpuLimitMillis: 500, memoryLimitMebibytes: 512,
};

/** redis_exporter sidecar requests and limits. */
export const REDIS_EXPORTER_RESOURCES: ResourceSpec = {
  cpuRequestMillis: 10, memoryRequestMebibytes: 32, cpuLimitMillis: 100, memoryLimitMebibytes: 64,
};
