import { DefaultResources } from '../common/resources';
import { HealthPaths, ProbeTimings } from '../common/probes';

// The MCP Mesh Python agent runtime's contract. Verified against dhyansraj/mcp-mesh at
// bb0fc8d37fe86048b3d5e3c44311446c36830b67 (v3.6.0 + 14 commits, the newest upstream source
// available here) by reading src/runtime/python (mesh/decorators.py, _mcp_mesh/**) and the Rust
// core it loads (src/runtime/core/src/config.rs); the image tag is the 3.7.1 release that matches
// the registry binary the tests run (@mcpmesh/cli-linux-x64 3.7.1).

/** One environment variable of the contract: whether the pinned runtime reads it and acts on it. */
export interface RuntimeEnvVar {
  /** Variable name. */
  readonly name: string;
  /** The runtime (or CPython, for `PYTHON*`) reads it. */
  readonly read: boolean;
  /** Reading it changes behaviour (not merely logged or informational). */
  readonly effective: boolean;
  /** What it does. */
  readonly purpose: string;
}

/**
 * The MCP Mesh Python agent runtime (`mcpmesh/python-runtime`): the single source of truth for
 * the image, port, paths, metrics and env vars the McpAgent construct renders.
 */
export const AGENT_RUNTIME = {
  /** Default image, pinned. It carries the runtime only; agent code comes from a ConfigMap or a custom image. */
  image: 'mcpmesh/python-runtime:3.7.1',
  /** Runtime release the contract was verified for. */
  version: '3.7.1',
  /** The image's non-root user ("mcp-mesh user"), also its group. */
  uid: 999,
  /** The agent's HTTP port: MCP at /mcp, health endpoints and /metrics all share it. */
  httpPort: 8080,
  /** Named container and Service port. */
  portName: 'http',
  /** Health endpoints (each answers GET and HEAD). */
  health: { startup: '/startupz', liveness: '/livez', readiness: '/ready' } as HealthPaths,
  /** Prometheus text metrics, on the HTTP port (there is no separate metrics port). */
  metricsPath: '/metrics',
  /**
   * Every metric `/metrics` exports (pipeline/mcp_startup/fastapiserver_setup.py): both gauges
   * carry the label `agent` (the decorator's agent name).
   */
  metrics: ['mcp_mesh_up', 'mcp_mesh_wrappers_total'] as readonly string[],
  /** Where code from a ConfigMap is mounted (read-only). */
  codePath: '/app/agent',
  /** Entry file of an inline script. */
  defaultEntrypoint: 'main.py',
  /** The interpreter the runtime image puts on PATH (its ENTRYPOINT is `python`). */
  interpreter: 'python',
  /** Name of the agent container (dashboards and alerts select on it). */
  containerName: 'agent',
  /**
   * Heartbeat and health-report interval in seconds. The registry's thresholds (20 s unhealthy,
   * 60 s evicted) assume 5-second beats; the old agent chart's 30 s made agents flap (upstream #87).
   */
  heartbeatSeconds: 5,
} as const;

/** Names of the env vars the construct renders, all in {@link AGENT_ENV_CONTRACT}. */
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
  podIp: 'POD_IP',
  tracingEnabled: 'MCP_MESH_DISTRIBUTED_TRACING_ENABLED',
  redisUrl: 'REDIS_URL',
  pythonUnbuffered: 'PYTHONUNBUFFERED',
  /** The code volume and root filesystem are read-only: no .pyc files. */
  pythonNoBytecode: 'PYTHONDONTWRITEBYTECODE',
} as const;

/**
 * Every env var the construct may render, with what the pinned runtime does with it. Tests check
 * that a rendered agent container sets only variables listed here as read and effective (plus the
 * user's own extraEnv).
 */
export const AGENT_ENV_CONTRACT: readonly RuntimeEnvVar[] = [
  // Rust core config.rs ConfigKey::RegistryUrl; Python dependency_injector, heartbeats.
  { name: AGENT_ENV.registryUrl, read: true, effective: true, purpose: 'registry base URL for registration and heartbeats' },
  // HostResolver.get_external_host(); core config.rs ConfigKey::HttpHost.
  { name: AGENT_ENV.httpHost, read: true, effective: true, purpose: 'host advertised to the registry (other agents call it)' },
  // decorators.py get_config_value("MCP_MESH_HTTP_PORT", default=0): 0 would bind a random port.
  { name: AGENT_ENV.httpPort, read: true, effective: true, purpose: 'HTTP port bound and advertised' },
  // fastapiserver_setup.py: HTTP transport off when false.
  { name: AGENT_ENV.httpEnabled, read: true, effective: true, purpose: 'serve MCP over HTTP' },
  // decorators.py: uvicorn binding host, default 0.0.0.0.
  { name: AGENT_ENV.bindHost, read: true, effective: true, purpose: 'bind address' },
  // core config.rs ConfigKey::AgentName; overrides the decorator's name.
  { name: AGENT_ENV.agentName, read: true, effective: true, purpose: 'agent name registered with the registry' },
  // shared/logging_config.py.
  { name: AGENT_ENV.logLevel, read: true, effective: true, purpose: 'log level (DEBUG, INFO, WARNING, ERROR)' },
  // decorators.py get_config_value("MCP_MESH_AUTO_RUN").
  { name: AGENT_ENV.autoRun, read: true, effective: true, purpose: 'start the agent after decoration' },
  // decorators.py get_config_value("MCP_MESH_AUTO_RUN_INTERVAL") (default 10 s).
  { name: AGENT_ENV.autoRunInterval, read: true, effective: true, purpose: 'auto-run keep-alive interval in seconds' },
  // core config.rs ConfigKey::HealthInterval; rust_heartbeat.py.
  { name: AGENT_ENV.healthInterval, read: true, effective: true, purpose: 'heartbeat interval in seconds' },
  // engine/http_wrapper.py (session forwarding between pods), tracing/agent_context_helper.py.
  { name: AGENT_ENV.podIp, read: true, effective: true, purpose: 'pod address for session forwarding and trace attribution' },
  // core config.rs ConfigKey::DistributedTracingEnabled; tracing_publish.rs.
  { name: AGENT_ENV.tracingEnabled, read: true, effective: true, purpose: 'publish trace spans to the Redis stream' },
  // core config.rs ConfigKey::RedisUrl; tracing_publish.rs.
  { name: AGENT_ENV.redisUrl, read: true, effective: true, purpose: 'Redis that receives trace spans' },
  { name: AGENT_ENV.pythonUnbuffered, read: true, effective: true, purpose: 'CPython: unbuffered stdout/stderr, so logs reach the kubelet at once' },
  { name: AGENT_ENV.pythonNoBytecode, read: true, effective: true, purpose: 'CPython: no .pyc writes on the read-only filesystem' },
  // Not rendered: set by the older chart, read by nothing in the runtime.
  { name: 'MCP_MESH_METRICS_ENABLED', read: false, effective: false, purpose: 'none: /metrics is always served' },
  { name: 'POD_NAME', read: false, effective: false, purpose: 'none' },
  { name: 'POD_NAMESPACE', read: false, effective: false, purpose: 'none' },
  // Agents publish spans to Redis; the registry exports them to the OTLP endpoint. The agent
  // runtime does not read TELEMETRY_ENDPOINT (only the registry and the UI do).
  { name: 'TELEMETRY_ENDPOINT', read: false, effective: false, purpose: 'none for agents: the registry exports traces' },
];

/** Env var names the construct owns; extraEnv may not set them. */
export const RESERVED_AGENT_ENV: readonly string[] = Object.values(AGENT_ENV);

/** Probe timings of the upstream agent chart (startup allows about 5 minutes for package imports). */
export const AGENT_PROBE_TIMINGS: ProbeTimings = {
  startup: { initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 },
  liveness: { initialDelaySeconds: 15, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  readiness: { initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
};

/** Default requests and limits (the upstream chart's 100m/256Mi to 1/1Gi). */
export const AGENT_RESOURCES: DefaultResources = {
  requests: { cpu: '100m', memory: '256Mi' },
  limits: { cpu: '1', memory: '1Gi' },
};
