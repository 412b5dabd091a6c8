import { HealthPaths, ProbeTimings } from '../common/probes';
import { DefaultResources } from '../common/resources';

// The Tool Registry API's runtime contract: the single source of truth for the ports, paths,
// routes, env var names and metric names the ToolRegistry construct renders.
//
// Provenance, plainly:
// - The seed document (seeds/tool-registry-k8s.md): FastAPI served by uvicorn on 8000,
//   `GET /health`, a UBI8-based image, emptyDirs at /app/tmp and /app/logs, a Service on 80,
//   and the env vars of its "Environment Variables" section.
// - Its source, found since (design/upstream.md §4 had not identified it): MrTall93/ToolBox
//   ("Tool Registry MCP Server", the same PLAN.md/TICKETS.md, Dockerfile.ubi8), read at
//   876d842 and 24f142c (app/config.py), 6e6f9a6 (app/main.py, app/api/admin.py,
//   app/middleware/auth.py) and 24f142c (app/api/mcp.py):
//   * Settings (pydantic-settings, extra="ignore") read DATABASE_URL (create_async_engine, so
//     the asyncpg scheme is required), EMBEDDING_ENDPOINT_URL, EMBEDDING_API_KEY, LOG_LEVEL,
//     WORKERS, ENABLE_CACHE, CORS_ORIGINS and API_KEY. There is no SECRET_KEY setting (the seed
//     lists one; the app ignores it), so none is rendered.
//   * API_KEY, when set, makes every /admin/* route require `Authorization: Bearer <API_KEY>`
//     (401 without, 403 wrong); the /mcp/* routes stay open.
//   * Routes: POST /mcp/{list_tools,find_tool,call_tool}; /admin/tools... and /admin/mcp/sync
//     (writes tools, whose implementation code call_tool runs); /docs, /redoc, /openapi.json;
//     /, /health, /ready, /live.
//   * No image is published: PRODUCTION_IMAGES.md builds local tags only (`tool-registry:ubi8`),
//     so there is no default image: users name their build (`image` is required).
// - /metrics: "HTTP request metrics (rate, duration, errors)" per the seed, with no names; the
//   names below are the defaults of prometheus-fastapi-instrumentator, an assumption. app/main.py
//   at 6e6f9a6 mounts no /metrics (it exports OpenTelemetry), so a build without an
//   instrumentator answers the ServiceMonitor with 404.

/** The Tool Registry API's runtime contract. @internal */
export const TOOL_REGISTRY_RUNTIME = {
  /** UBI8 images run as UID 1001 by convention. */
  uid: 1001,
  /** uvicorn's listen port (HTTP API, /health and /metrics). */
  httpPort: 8000,
  /** Port the Service exposes (80 -> the named container port `http`). */
  servicePort: 80,
  /** The app serves /health; it backs all three probes. */
  health: { startup: '/health', liveness: '/health', readiness: '/health' } as HealthPaths,
  /** Prometheus metrics, on the HTTP port. */
  metricsPath: '/metrics',
  /** Writable paths under the read-only root filesystem. */
  tmpPath: '/app/tmp',
  logsPath: '/app/logs',
  /** Scheme of DATABASE_URL: the app builds an asyncio SQLAlchemy engine, which needs asyncpg. */
  databaseUrlScheme: 'postgresql+asyncpg',
} as const;

/** A group of the API's HTTP routes an Ingress may expose. */
export type ToolRegistryRoute = 'mcp' | 'admin' | 'docs';

/**
 * Ingress paths per route group: `mcp` is what tool clients call (list, semantic search, call);
 * `admin` writes the registry (guarded by API_KEY when set); `docs` is the OpenAPI UI and schema.
 * @internal
 */
export const TOOL_REGISTRY_ROUTES: Record<ToolRegistryRoute, readonly { path: string; exact: boolean }[]> = {
  mcp: [{ path: '/mcp', exact: false }],
  admin: [{ path: '/admin', exact: false }],
  docs: [{ path: '/docs', exact: false }, { path: '/redoc', exact: true }, { path: '/openapi.json', exact: true }],
};

/** Env vars the API reads (app/config.py). @internal */
export const TOOL_REGISTRY_ENV = {
  logLevel: 'LOG_LEVEL',
  workers: 'WORKERS',
  enableCache: 'ENABLE_CACHE',
  corsOrigins: 'CORS_ORIGINS',
  embeddingEndpointUrl: 'EMBEDDING_ENDPOINT_URL',
  databaseUrl: 'DATABASE_URL',
  embeddingApiKey: 'EMBEDDING_API_KEY',
  /** When set, /admin/* requires `Authorization: Bearer <API_KEY>`. */
  apiKey: 'API_KEY',
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
