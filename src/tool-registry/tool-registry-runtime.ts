import { HealthPaths, ProbeTimings } from '../common/probes';
import { DefaultResources } from '../common/resources';

// The Tool Registry API's runtime contract: the single source of truth for the image, ports,
// paths, env var names and metric names the ToolRegistry construct renders.
//
// Provenance, plainly: no upstream source repository or published image of the "Tool Registry
// MCP Server" is known (design/upstream.md §4: only its Kubernetes README, a deploy script and
// API tests were found; its YAML and code were not). Everything below comes from that seed
// document (seeds/tool-registry-k8s.md), nothing was run or read from source:
// - FastAPI served by uvicorn on 8000, `GET /health`, a UBI8-based image, emptyDirs at /app/tmp
//   and /app/logs, a Service on 80;
// - the env vars its "Environment Variables" section lists (and only those, plus TMPDIR, which
//   Python's tempfile module reads);
// - "HTTP request metrics (rate, duration, errors)" on /metrics, with no names given. The names
//   below are the defaults of prometheus-fastapi-instrumentator (the usual FastAPI exporter;
//   PyPI project page, versions 6.x-8.x): an assumption about an unknown image. The seed's tool
//   count and embedding cache metrics have no names anywhere, so nothing here queries them.
// Users bring their own build of the API (the `image` prop); the default image name is this
// library's convention, not a published image.

/** The Tool Registry API's runtime contract. @internal */
export const TOOL_REGISTRY_RUNTIME = {
  /** Default image: this library's naming convention; no published image is known, so set `image` to your build. */
  image: 'ghcr.io/mcp-platform/tool-registry:1.0.0',
  /** UBI8 images run as UID 1001 by convention. */
  uid: 1001,
  /** uvicorn's listen port (HTTP API, /health and /metrics). */
  httpPort: 8000,
  /** Port the Service exposes (80 -> the named container port `http`). */
  servicePort: 80,
  /** The app serves /health only; it backs all three probes. */
  health: { startup: '/health', liveness: '/health', readiness: '/health' } as HealthPaths,
  /** Prometheus metrics, on the HTTP port. */
  metricsPath: '/metrics',
  /** Writable paths under the read-only root filesystem. */
  tmpPath: '/app/tmp',
  logsPath: '/app/logs',
} as const;

/** Env vars the API reads, as the seed document lists them. @internal */
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
 * The API's metrics on {@link TOOL_REGISTRY_RUNTIME.metricsPath}: request count by `status`
 * class (`2xx`..`5xx`), `method` and `handler`, and a request duration histogram. Assumed
 * names (see the provenance note above); the only metrics the alerts and dashboard read from
 * the API.
 * @internal
 */
export const TOOL_REGISTRY_METRICS = {
  requests: 'http_requests_total',
  requestDuration: 'http_request_duration_seconds',
} as const;

/** Probe timings: uvicorn with several workers and a DB pool may take a while to start. @internal */
export const TOOL_REGISTRY_PROBE_TIMINGS: ProbeTimings = {
  startup: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 36 },
  liveness: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  readiness: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
};

/** The seed's pod sizes: 0.5 CPU / 1 GiB requested, up to 2 CPU / 2 GiB. @internal */
export const TOOL_REGISTRY_RESOURCES: DefaultResources = {
  requests: { cpu: '500m', memory: '1Gi' },
  limits: { cpu: '2', memory: '2Gi' },
};

// PostgreSQL with pgvector. statefulset backend: the pgvector project's image on the official
// Debian postgres image; it runs no Prometheus exporter, so that backend is watched through
// kube-state-metrics only. cloudnative-pg backend: the operator's instance manager exports
// metrics on 9187 (port `metrics`) and each PgBouncer Pooler pod on 9127 (port `metrics`), per
// the CloudNativePG docs (docs/src/monitoring.md, connection_pooling.md) and its default
// queries (config/manager/default-monitoring.yaml @ 79124b0c).

/** The PostgreSQL-with-pgvector runtime contract (both backends). @internal */
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
  /** cloudnative-pg backend: a CloudNativePG "standard" operand image, which ships pgvector. */
  cnpgImage: 'ghcr.io/cloudnative-pg/postgresql:17.6-standard-trixie',
  /** CloudNativePG instance exporter (container port `metrics`) and instance-manager status ports. */
  cnpgMetricsPort: 9187,
  cnpgStatusPort: 8000,
  /** Port of CNPG's PgBouncer Pooler pods, and their exporter (container port `metrics`). */
  poolerPort: 5432,
  poolerMetricsPort: 9127,
  /** Name of the exporter's container port on instances and poolers. */
  metricsPortName: 'metrics',
} as const;

/**
 * Metric names the database alerts and dashboard read. The statefulset backend has none (no
 * exporter). CloudNativePG: `cnpg_collector_up{cluster}` and the `pg_replication` default
 * query's `lag` (seconds) from every instance; the last available backup's timestamp from the
 * Barman Cloud plugin (plugin-barman-cloud docs, "Observability": it supersedes the in-core
 * metric) or, for volume snapshots, from the in-core collector (deprecated upstream but still
 * exported).
 * @internal
 */
export const CNPG_METRICS = {
  up: 'cnpg_collector_up',
  replicationLag: 'cnpg_pg_replication_lag',
  lastBackupPlugin: 'barman_cloud_cloudnative_pg_io_last_available_backup_timestamp',
  lastBackupInCore: 'cnpg_collector_last_available_backup_timestamp',
} as const;

/** Default requests and limits of one Postgres instance. @internal */
export const PGVECTOR_RESOURCES: DefaultResources = {
  requests: { cpu: '250m', memory: '512Mi' },
  limits: { cpu: '2', memory: '2Gi' },
};
