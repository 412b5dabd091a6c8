import { DefaultResources } from '../common/resources';
import { ProbeTimings } from '../common/probes';

/**
 * What every McpServer renders the same way, whatever its template: names, labels, the
 * servers namespace and the default sizing. What differs per template (image, port, probe
 * paths, env vars) is the template's own contract in the catalog.
 */
export const SERVER_RUNTIME = {
  /** Name of the container port, Service port and probe target. */
  portName: 'http',
  /** Namespace of the servers when an environment does not name one: `mcp-servers-<env>`. */
  namespacePrefix: 'mcp-servers',
  /** Default non-root user when a template does not name the UID its image is built for. */
  uid: 65532,
  /** Name of the container that serves MCP (the server itself, or the bridge that spawns it). */
  containerName: 'mcp-server',
} as const;

/**
 * Labels that make the list, status and delete operations of the platform backend plain
 * kubectl selectors. Stamped on every object a server renders and on the servers namespace.
 */
export const SERVER_LABELS = {
  /** `managed-by=mcp-platform`: the label the platform backend's namespace and list operations use. */
  managedBy: 'managed-by',
  managedByValue: 'mcp-platform',
  /** The server name: `kubectl delete deploy,svc,cm,ing,hpa,pdb,netpol -l mcp.platform/server=<name>`. */
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

/** Default requests and limits of a server container: 100m/128Mi to 500m/512Mi. */
export const SERVER_RESOURCES: DefaultResources = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '512Mi' },
};

// The stdio bridge: agentgateway v1.4.1 (github:agentgateway/agentgateway tag v1.4.1, commit
// 163ea21, read at that tag). 1.4.0 added the MCP 2026-07-28 specification (stateless
// Streamable HTTP); 0.9.0, which we pinned before, predates it. Newer releases exist (1.7.0 is
// current) but the source snapshot available here ends at v1.4.1, so that is what was verified.
//
// Why this pod shape. Since 1.4 the release images are glibc only (Dockerfile runner
// `cgr.dev/chainguard/glibc-dynamic`, binary `/app/agentgateway`, no shell, no coreutils) and
// `--copy-self` bails with "--copy-self is not supported in this build" (crates/agentgateway-app/
// src/commands/run.rs). So the old pattern, an init container copying the bridge into the
// server's own image, cannot work: nothing in the bridge image can copy it, and a glibc-dynamic
// Rust binary would not run in the catalog's alpine (musl) server images anyway. The pod does it
// the other way round: an init container runs the *server's* image and copies the server's
// executable (`cp`, present in the catalog's alpine-based images) into an emptyDir; the main
// container is the unmodified, pinned bridge image, which spawns that executable as its stdio
// child (agentgateway inherits its environment into the child unless `clear_env`,
// crates/agentgateway/src/mcp/upstream/mod.rs). The catalog's stdio servers are static Go
// binaries (github-mcp-server, mark3labs/mcp-filesystem-server), which run on any libc. A
// server that needs its own runtime (Python, Node) cannot be copied this way: serve it over
// HTTP, or build one image that holds both (see the README).
/** The stdio-to-HTTP bridge contract (agentgateway). */
export const STDIO_BRIDGE = {
  /** Pinned bridge image (the release workflow pushes `ghcr.io/agentgateway/agentgateway:v<version>`). */
  image: 'ghcr.io/agentgateway/agentgateway:v1.4.1',
  /** The release this contract was read from. */
  version: '1.4.1',
  /** The binary in the image (its entrypoint). */
  binary: '/app/agentgateway',
  /** Where the init container installs the server's executable (a shared emptyDir). */
  serverDir: '/opt/mcp-server',
  /** Where the bridge config (a ConfigMap key) is mounted; passed with `-f`. */
  configDir: '/etc/mcp-bridge',
  configFile: 'config.yaml',
  /** Paths the top-level `mcp` section is served at (schema: "served ... at /mcp and /sse"). */
  mcpPaths: ['/mcp', '/sse'],
  /** Readiness server (`config.readinessAddr`, default `0.0.0.0:15021`), path `/healthz/ready`. */
  readiness: { port: 15021, path: '/healthz/ready', portName: 'bridge-ready' },
  /** UID of the chainguard base image's non-root user. */
  uid: 65532,
  /**
   * Env vars the bridge itself reads (crates/agentgateway/src/config.rs at v1.4.1). The spawned
   * server inherits the container's env, so a template may not map its config onto these: the
   * bridge would act on them too.
   */
  readsEnv: [
    'ADMIN_ADDR', 'STATS_ADDR', 'READINESS_ADDR', 'LOCAL_XDS_PATH', 'XDS_ADDRESS', 'XDS_AUTH_TOKEN', 'CA_ADDRESS', 'CA_AUTH_TOKEN',
    'NAMESPACE', 'GATEWAY', 'POD_NAME', 'NODE_NAME', 'SERVICE_ACCOUNT', 'TRUST_DOMAIN', 'CLUSTER_ID', 'NETWORK', 'LOCALITY',
    'WORKER_THREADS', 'THREADING_MODE', 'CPU_LIMIT', 'SESSION_KEY', 'OIDC_COOKIE_SECRET', 'OTLP_ENDPOINT', 'OTLP_HEADERS',
    'OTLP_PROTOCOL', 'MODEL_CATALOG_PATHS', 'CONNECTION_TERMINATION_DEADLINE', 'CONNECTION_MIN_TERMINATION_DEADLINE',
    'AGENTGATEWAY_ENV', 'RUST_LOG',
  ] as readonly string[],
} as const;
