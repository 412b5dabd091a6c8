import { HealthPaths, ProbeTimings } from '../common/probes';
import { ResourceSpec } from '../common/resources';

/**
 * The MCP server runtime contract shared by every template, the single source of truth for
 * the health paths, probe timings, labels and the stdio bridge that McpServer renders.
 * @see ../shared/seeds/mcp-platform-deployment-system.md "Image Requirements" (health endpoints, PORT)
 */
export const SERVER_RUNTIME = {
  /** Every template image serves `/health` (liveness) and `/ready` (readiness) on its HTTP port. */
  health: { startup: '/health', liveness: '/health', readiness: '/ready' } as HealthPaths,
  /** The env var every template image binds its HTTP port from. */
  portEnv: 'PORT',
  /** Name of the container port, Service port and probe target. */
  portName: 'http',
  /** Namespace of the servers when an environment does not name one: `mcp-servers-<env>`. */
  namespacePrefix: 'mcp-servers',
  /** Default image registry prefix: images are `<prefix>/mcp-<template>` (seed `MCP_IMAGE_REGISTRY`). */
  registryPrefix: 'ghcr.io/data-everything',
  /** Default non-root user when a template does not name the UID its image is built for. */
  uid: 65532,
} as const;

/**
 * Labels that make the seed's list, status and delete operations plain kubectl selectors.
 * Stamped on every object a server renders (Deployment, pods, Service, ConfigMaps, Ingress,
 * HPA, PDB, NetworkPolicy), and on the servers namespace.
 */
export const SERVER_LABELS = {
  /** `managed-by=mcp-platform`, exactly the label setup-k8s.sh put on the namespace and the Docker backend filtered on. */
  managedBy: 'managed-by',
  managedByValue: 'mcp-platform',
  /** The server (deployment) name: `kubectl delete deploy,svc,cm,ing,hpa,pdb,netpol -l mcp.platform/server=<name>`. */
  server: 'mcp.platform/server',
  /** The template id: `kubectl get deploy -l managed-by=mcp-platform,mcp.platform/template=<id>`. */
  template: 'mcp.platform/template',
  /** The transport the server speaks (`http`, `sse`, or `stdio` behind the bridge). */
  transport: 'mcp.platform/transport',
} as const;

/** Probe timings: a generous startup window (Python servers import slowly), then quick readiness. */
export const SERVER_PROBE_TIMINGS: ProbeTimings = {
  startup: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 36 },
  liveness: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  readiness: { initialDelaySeconds: 0, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
};

/** Default requests and limits of a server container (the original backend's 100m/128Mi to 500m/512Mi). */
export const SERVER_RESOURCES: ResourceSpec = {
  cpuRequestMillis: 100, memoryRequestMebibytes: 128, cpuLimitMillis: 500, memoryLimitMebibytes: 512,
};

/**
 * The stdio-to-HTTP bridge: agentgateway, a static (musl) Rust binary that spawns a stdio MCP
 * server as a child process and serves it over streamable HTTP (`/mcp`) and SSE (`/sse`).
 * kagent's kmcp runs it the same way: an init container copies the binary into an emptyDir
 * (`--copy-self`) and the server's own image runs it, so the server keeps its image, its
 * filesystem and its env while the bridge needs no shell, libc or runtime in that image.
 * The version is the one kmcp 0.3 pins (`ghcr.io/agentgateway/agentgateway:0.9.0-musl`).
 * @see ../shared/design/peers.md (kmcp "transport adapter")
 */
export const STDIO_BRIDGE = {
  /** Pinned bridge image. */
  image: 'ghcr.io/agentgateway/agentgateway:0.9.0-musl',
  /** Where the init container copies the binary, in the shared emptyDir. */
  binDir: '/opt/mcp-bridge',
  binary: 'agentgateway',
  /** Where the bridge config (a ConfigMap key) is mounted. */
  configDir: '/etc/mcp-bridge',
  configFile: 'config.yaml',
  /** Paths the bridge routes to the stdio server. */
  mcpPaths: ['/mcp', '/sse'],
  /** Bridge resources for the copy step (the bridge itself shares the server container's). */
  copyResources: { cpuRequestMillis: 10, memoryRequestMebibytes: 16, cpuLimitMillis: 100, memoryLimitMebibytes: 64 } as ResourceSpec,
} as const;
