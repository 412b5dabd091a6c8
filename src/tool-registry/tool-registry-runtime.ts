import { HealthPaths, ProbeTimings } from '../common/probes';
import { ResourceSpec } from '../common/resources';

/**
 * The Tool Registry API's runtime contract, the single source of truth for the image, ports,
 * paths, env var names and metric names the ToolRegistry construct renders.
 *
 * Known from design/upstream.md §4: a FastAPI app served by uvicorn on port 8000, `GET /health`,
 * a UBI8-based image, emptyDirs at /app/tmp and /app/logs, and the env vars below. Its source
 * repository was not identified, so the default image name is this library's convention
 * (override it with the `image` prop) and the metric names are those of
 * prometheus-fastapi-instrumentator, the usual FastAPI exporter.
 */
export const TOOL_REGISTRY_RUNTIME = {
  /** Default image, pinned. Override with the `image` prop to your build of the Tool Registry MCP server. */
  image: 'ghcr.io/mcp-platform/tool-registry:1.0.0',
  /** UBI8 images run as UID 1001 by convention. */
  uid: 1001,
  /** uvicorn's listen port (HTTP API, /health and /metrics). */
  httpPort: 8000,
  /** Port the Service exposes (80 -> the named container port `http`). */
  servicePort: 80,
  /** The app serves /health only; it backs all three probes. */
  health: { startup: '/health', liveness: '/health', readiness: '/health' } as HealthPaths,
  metricsPath: '/metrics',
  /** Writable paths under the read-only root filesystem. */
  tmpPath: '/app/tmp',
  logsPath: '/app/logs',
} as const;

/** Env vars the API reads (seeds/tool-registry-k8s.md "Environment Variables"). */
export const TOOL_REGISTRY_ENV = {
  logLevel: 'LOG_LEVEL',
  workers: 'WORKERS',
  enableCache: 'ENABLE_CACHE',
  corsOrigins: 'CORS_ORIGINS',
  embeddingEndpointUrl: 'EMBEDDING_ENDPOINT_URL',
  databaseUrl: 'DATABASE_URL',
  secretKey: 'SECRET_KEY',
  embeddingApiKey: 'EMBEDDING_API_KEY',
  /** Python's tempfile honours TMPDIR: point it at the writable emptyDir. */
  tmpDir: 'TMPDIR',
} as const;

/**
 * Metric names the alerts and the dashboard query. HTTP metrics are those of
 * prometheus-fastapi-instrumentator (status grouped as `2xx`..`5xx` by default); the two
 * application metrics are the ones the seed lists (tool count, embedding cache hits).
 */
export const TOOL_REGISTRY_METRICS = {
  requests: 'http_requests_total',
  requestDuration: 'http_request_duration_seconds',
  toolCount: 'tool_registry_tools_total',
  cacheHits: 'tool_registry_embedding_cache_hits_total',
  cacheMisses: 'tool_registry_embedding_cache_misses_total',
} as const;

/** Probe timings: uvicorn with several workers and a DB pool may take a while to start. */
export const TOOL_REGISTRY_PROBE_TIMINGS: ProbeTimings = {
  startup: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 36 },
  liveness: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  readiness: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
};

/** The seed's pod sizes: 0.5 CPU / 1 GiB requested, up to 2 CPU / 2 GiB. */
export const TOOL_REGISTRY_RESOURCES: ResourceSpec = {
  cpuRequestMillis: 500, memoryRequestMebibytes: 1024, cpuLimitMillis: 2000, memoryLimitMebibytes: 2048,
};

/** The PostgreSQL-with-pgvector runtime contract (both backends). */
export const PGVECTOR_RUNTIME = {
  /** statefulset backend: the pgvector project's image on the official postgres:16 (Debian) image. */
  image: 'pgvector/pgvector:0.8.0-pg16',
  /** The `postgres` user of the Debian postgres images. */
  uid: 999,
  port: 5432,
  /** Volume mount of the data PVC; PGDATA is a subdirectory so the volume's lost+found never sits in it. */
  dataMountPath: '/var/lib/postgresql/data',
  pgdata: '/var/lib/postgresql/data/pgdata',
  /** Unix socket and lock-file directory, written outside the data dir. */
  socketPath: '/var/run/postgresql',
  /**
   * cloudnative-pg backend: a CloudNativePG "standard" operand image, which ships pgvector
   * (design/peers.md §3).
   */
  cnpgImage: 'ghcr.io/cloudnative-pg/postgresql:17.6-standard-trixie',
  /** CloudNativePG instance exporter and instance-manager status ports. */
  cnpgMetricsPort: 9187,
  cnpgStatusPort: 8000,
  /** Port of CNPG's PgBouncer Pooler pods. */
  poolerPort: 5432,
} as const;

/** Default requests and limits of one Postgres instance. */
export const PGVECTOR_RESOURCES: ResourceSpec = {
  cpuRequestMillis: 250, memoryRequestMebibytes: 512, cpuLimitMillis: 2000, memoryLimitMebibytes: 2048,
};
