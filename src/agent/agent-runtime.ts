import { HealthPaths, ProbeTimings } from '../common/probes';

/**
 * The MCP Mesh Python agent runtime's contract, the single source of truth for the image,
 * port, paths and env var names the McpAgent construct renders.
 * @see ../shared/design/upstream.md §1.6 (mcpmesh/python-runtime at v3.6, chart helm/mcp-mesh-agent)
 */
export const AGENT_RUNTIME = {
  /** Default image, pinned. It carries the runtime only; agent code comes from a ConfigMap or a custom image. */
  image: 'mcpmesh/python-runtime:3.6.0',
  /** The image's non-root user ("mcp-mesh user"), also its group. */
  uid: 999,
  /** The agent's HTTP port: MCP at /mcp, health endpoints and /metrics all share it. */
  httpPort: 8080,
  /** Named container and Service port. */
  portName: 'http',
  /** Health endpoints (each answers GET and HEAD). */
  health: { startup: '/startupz', liveness: '/livez', readiness: '/ready' } as HealthPaths,
  /** Prometheus metrics, on the HTTP port (there is no separate metrics port). */
  metricsPath: '/metrics',
  /** Where code from a ConfigMap is mounted (read-only). */
  codePath: '/app/agent',
  /** Entry file of an inline script. */
  defaultEntrypoint: 'main.py',
  /** The interpreter the runtime image puts on PATH. */
  interpreter: 'python',
  /**
   * Heartbeat and health-report interval in seconds. The registry's thresholds (20 s unhealthy,
   * 60 s evicted) assume 5-second beats; the old agent chart's 30 s made agents flap (upstream #87).
   */
  heartbeatSeconds: 5,
} as const;

/** Env vars the Python runtime reads (upstream §1.6); nothing else is rendered. */
export const AGENT_ENV = {
  registryUrl: 'MCP_MESH_REGISTRY_URL',
  /** The host the agent advertises to the registry: its own Service, never localhost or a pod IP. */
  httpHost: 'MCP_MESH_HTTP_HOST',
  httpPort: 'MCP_MESH_HTTP_PORT',
  httpEnabled: 'MCP_MESH_HTTP_ENABLED',
  /** Bind address. */
  bindHost: 'HOST',
  agentName: 'MCP_MESH_AGENT_NAME',
  logLevel: 'MCP_MESH_LOG_LEVEL',
  autoRun: 'MCP_MESH_AUTO_RUN',
  autoRunInterval: 'MCP_MESH_AUTO_RUN_INTERVAL',
  healthInterval: 'MCP_MESH_HEALTH_INTERVAL',
  metricsEnabled: 'MCP_MESH_METRICS_ENABLED',
  podIp: 'POD_IP',
  podName: 'POD_NAME',
  podNamespace: 'POD_NAMESPACE',
  pythonUnbuffered: 'PYTHONUNBUFFERED',
  /** The code volume and root filesystem are read-only: no .pyc files. */
  pythonNoBytecode: 'PYTHONDONTWRITEBYTECODE',
} as const;

/** Env var names the construct owns; user `env` and `secretEnv` may not set them. */
export const RESERVED_AGENT_ENV: ReadonlySet<string> = new Set(Object.values(AGENT_ENV));

/** Probe timings of the upstream agent chart (startup allows about 5 minutes for package imports). */
export const AGENT_PROBE_TIMINGS: ProbeTimings = {
  startup: { initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 },
  liveness: { initialDelaySeconds: 15, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  readiness: { initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
};

/** Default requests and limits, in Kubernetes quantities (the upstream chart's 100m/256Mi to 1/1Gi). */
export const AGENT_RESOURCES = {
  requests: { cpu: '100m', memory: '256Mi' },
  limits: { cpu: '1', memory: '1Gi' },
} as const;
