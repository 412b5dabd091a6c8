import { HealthPaths, ProbeTimings } from '../common/probes';
import { ResourceSpec } from '../common/resources';

/**
 * The MCP Mesh registry's runtime contract, the single source of truth for the image,
 * ports, paths and env var names the Registry construct renders.
 * @see ../shared/design/upstream.md §1.6 (mcpmesh/registry at v3.6)
 */
export const REGISTRY_RUNTIME = {
  /** Default image, pinned. */
  image: 'mcpmesh/registry:3.6.0',
  /** The image's non-root user ("mcp-mesh user"). */
  uid: 999,
  /** HTTP API port: the process listens on PORT, bound to HOST. */
  httpPort: 8000,
  /** Prometheus metrics port, as the current chart's pod annotations declare. */
  metricsPort: 9090,
  /** The registry serves only /health for health; the chart probes it for all three. */
  health: { startup: '/health', liveness: '/health', readiness: '/health' } as HealthPaths,
  /** Where the SQLite database lives on the data volume. */
  dataPath: '/data',
  sqliteFile: 'mcp_mesh_registry.db',
} as const;

/** Env vars the registry reads (upstream §1.6); nothing else is rendered. */
export const REGISTRY_ENV = {
  host: 'HOST',
  port: 'PORT',
  registryName: 'REGISTRY_NAME',
  logLevel: 'MCP_MESH_LOG_LEVEL',
  databaseType: 'DATABASE_TYPE',
  databasePath: 'DATABASE_PATH',
  databaseHost: 'DATABASE_HOST',
  databasePort: 'DATABASE_PORT',
  databaseName: 'DATABASE_NAME',
  databaseUsername: 'DATABASE_USERNAME',
  databasePassword: 'DATABASE_PASSWORD',
  databaseUrl: 'DATABASE_URL',
  timeoutThreshold: 'DEFAULT_TIMEOUT_THRESHOLD',
  healthCheckInterval: 'HEALTH_CHECK_INTERVAL',
  evictionThreshold: 'DEFAULT_EVICTION_THRESHOLD',
  podName: 'POD_NAME',
  podIp: 'POD_IP',
  podNamespace: 'POD_NAMESPACE',
  instanceId: 'REGISTRY_INSTANCE_ID',
} as const;

/** Probe timings: a generous startup window, then quick readiness and tolerant liveness. */
export const REGISTRY_PROBE_TIMINGS: ProbeTimings = {
  startup: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 30 },
  liveness: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  readiness: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
};

/** Default requests and limits (the upstream chart's 100m/128Mi to 500m/512Mi). */
export const REGISTRY_RESOURCES: ResourceSpec = {
  cpuRequestMillis: 100, memoryRequestMebibytes: 128, cpuLimitMillis: 500, memoryLimitMebibytes: 512,
};
