import { AGENT_RUNTIME } from './agent-runtime';
import { Infer, s } from './spec-schema';

/**
 * The MCPAgent spec: ONE definition from which the McpAgent props type, the MCPAgent CRD's
 * openAPIV3Schema and the props validation are all derived (see spec-schema.ts). Patterns are
 * RE2- and JavaScript-compatible; bounds are the ones the construct enforces.
 *
 * The seed CRD's defects are fixed here: `code` replaces the `script` field that was
 * required yet omitted by its own sample; cpu accepts "0.5"; the short name is `mcpa` only.
 */

const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** Semantic Versioning 2.0.0 (semver.org's regular expression without named groups). */
export const SEMVER_PATTERN = '^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-((0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(\\.(0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?(\\+([0-9a-zA-Z-]+(\\.[0-9a-zA-Z-]+)*))?$';
/** Characters of an npm-style semver range (`>=3.0.0`, `^1.2`, `1.x || 2.x`); the construct parses it fully. */
export const SEMVER_RANGE_PATTERN = '^[0-9A-Za-z.*^~<>=|+ -]+$';
/** Capability and dependency names: `greeting`, `data_transformation`, `database-service`. */
export const CAPABILITY_NAME_PATTERN = '^[a-z]([a-z0-9_.-]{0,61}[a-z0-9])?$';
const CAPABILITY_NAME_HINT = "use 1 to 63 lower-case letters, digits, '_', '-' and '.', starting with a letter and ending with a letter or digit (e.g. 'data_transformation')";
/** Kubernetes CPU quantity: millicores (`500m`) or cores with up to three decimals (`2`, `0.5`). */
export const CPU_PATTERN = '^([0-9]+m|[0-9]+(\\.[0-9]{1,3})?)$';
/** Memory in binary units: `256Mi`, `1Gi`, `1.5Gi`. */
export const MEMORY_PATTERN = '^[0-9]+(\\.[0-9]+)?(Mi|Gi|Ti)$';
const ENV_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';
const IMAGE = '^[a-z0-9]+([._/:-][a-zA-Z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@[a-z0-9]+:[a-fA-F0-9]{32,})$';
const CIDR = '^([0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}|[0-9a-fA-F:]+/[0-9]{1,3})$';
const RELATIVE_FILE = '^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$';
const ABSOLUTE_PATH = '^/[A-Za-z0-9_./-]*$';

const quantities = (what: string) => s.object(`${what} of the agent container.`, {
  cpu: s.string('CPU: millicores ("500m") or cores ("2", "0.5").', { pattern: CPU_PATTERN, hint: 'use millicores such as "500m" or cores such as "2" or "0.5"', maxLength: 16 }),
  memory: s.string('Memory in binary units ("512Mi", "4Gi").', { pattern: MEMORY_PATTERN, hint: 'use Mi, Gi or Ti such as "512Mi" or "4Gi"', maxLength: 16 }),
}, ['cpu', 'memory']);

/** One capability an agent provides. */
export const CAPABILITY_SCHEMA = s.object('A capability the agent provides (what @mesh.tool(capability=...) registers).', {
  name: s.string('Capability name other agents depend on.', { pattern: CAPABILITY_NAME_PATTERN, hint: CAPABILITY_NAME_HINT, maxLength: 63 }),
  version: s.string('Semantic version of the capability, e.g. "2.0.0".', { pattern: SEMVER_PATTERN, hint: 'use a semantic version such as "1.0.0" (MAJOR.MINOR.PATCH)', maxLength: 64 }),
  tags: s.array('Tags for tag-based selection.', s.string('A tag.', { pattern: '^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$', hint: "use 1 to 63 letters, digits, '_', '-' and '.'", maxLength: 63 }), { maxItems: 32 }),
  description: s.string('What the capability does.', { maxLength: 1024 }),
}, ['name', 'version']);

/** One dependency of an agent on a capability of another. */
export const DEPENDENCY_SCHEMA = s.object('A capability the agent calls, resolved at synth against the agents of the environment.', {
  name: s.string('Capability name.', { pattern: CAPABILITY_NAME_PATTERN, hint: CAPABILITY_NAME_HINT, maxLength: 63 }),
  version: s.string('Semantic version range the provider must satisfy, e.g. ">=3.0.0" or "^2.1". Default "*".', { pattern: SEMVER_RANGE_PATTERN, hint: 'use a semver range such as ">=3.0.0", "^2.1.0" or "*"', maxLength: 128, default: '*' }),
  optional: s.boolean('An optional dependency may stay unresolved (a warning, not an error). Default false.', false),
}, ['name']);

/** How the agent's code reaches the container: exactly one source. */
export const CODE_SCHEMA = s.object('Where the agent code comes from: exactly one of script, configMap, files or image.', {
  script: s.string(`Inline Python source, rendered into a ConfigMap and run as ${AGENT_RUNTIME.codePath}/${AGENT_RUNTIME.defaultEntrypoint}.`, { minLength: 1, maxLength: 900_000 }),
  configMap: s.object('An existing ConfigMap in the namespace holding the code (mounted read-only).', {
    name: s.string('ConfigMap name.', { pattern: DNS_SUBDOMAIN, hint: 'use an RFC 1123 subdomain', maxLength: 253 }),
    entrypoint: s.string(`Key of the file to run. Default "${AGENT_RUNTIME.defaultEntrypoint}".`, { pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$', hint: 'use a ConfigMap key such as "main.py"', maxLength: 253 }),
  }, ['name']),
  files: s.object('A multi-file agent (e.g. a directory), rendered into a ConfigMap and mounted as a tree.', {
    entrypoint: s.string('Relative path of the file to run, e.g. "main.py".', { pattern: RELATIVE_FILE, hint: 'use a relative path such as "main.py" or "pkg/app.py"', maxLength: 253 }),
    contents: s.map('File contents by relative path.', s.string('File content.'), { keyPattern: RELATIVE_FILE, keyHint: 'use relative paths of letters, digits, "_", "-" and "." separated by "/"', maxProperties: 256 }),
  }, ['entrypoint', 'contents']),
  image: s.string('A custom image with the code baked in (pinned by tag or digest); it runs its own entrypoint unless command is set.', { pattern: IMAGE, hint: 'use a pinned image reference such as "ghcr.io/acme/agent:1.2.0"', maxLength: 512 }),
}, [], ['script', 'configMap', 'files', 'image']);

/** The MCPAgent spec definition. */
export const MCP_AGENT_SPEC_SCHEMA = s.object('Desired state of an MCP Mesh agent.', {
  description: s.string('What the agent is for.', { maxLength: 1024 }),
  code: CODE_SCHEMA,
  image: s.string(`Runtime image for script, configMap and files code, pinned. Default "${AGENT_RUNTIME.image}".`, { pattern: IMAGE, hint: 'use a pinned image reference such as "mcpmesh/python-runtime:3.6.0"', maxLength: 512 }),
  command: s.array('Command override, e.g. ["python", "-m", "myagent"]. Default: run the entrypoint with python, or the image CMD for code.image.', s.string('An argument.', { maxLength: 4096 }), { minItems: 1, maxItems: 64 }),
  replicas: s.integer('Pod replicas when autoscaling is off. Default 1.', { minimum: 0, maximum: 100, default: 1 }),
  logLevel: s.enum('MCP_MESH_LOG_LEVEL. Default INFO.', ['DEBUG', 'INFO', 'WARNING', 'ERROR'] as const, 'INFO'),
  capabilities: s.array('Capabilities the agent provides.', CAPABILITY_SCHEMA, { maxItems: 128, mapKeys: ['name'] }),
  dependencies: s.array('Capabilities the agent depends on.', DEPENDENCY_SCHEMA, { maxItems: 128, mapKeys: ['name'] }),
  resources: s.object('Requests and limits of the agent container. Default 100m/256Mi requests, 1/1Gi limits.', {
    requests: quantities('Requests'),
    limits: quantities('Limits'),
  }, ['requests', 'limits']),
  env: s.array('Extra plain env vars (never secrets; use secretEnv).', s.object('An env var.', {
    name: s.string('Variable name.', { pattern: ENV_NAME, hint: 'use letters, digits and "_", not starting with a digit', maxLength: 128 }),
    value: s.string('Value.', { maxLength: 32768 }),
  }, ['name', 'value']), { maxItems: 64, mapKeys: ['name'] }),
  secretEnv: s.array('Env vars read from keys of existing Secrets (API keys by reference).', s.object('A Secret-backed env var.', {
    name: s.string('Variable name.', { pattern: ENV_NAME, hint: 'use letters, digits and "_", not starting with a digit', maxLength: 128 }),
    secretName: s.string('Secret in the namespace.', { pattern: DNS_SUBDOMAIN, hint: 'use an RFC 1123 subdomain', maxLength: 253 }),
    key: s.string('Key in the Secret.', { pattern: '^[-._a-zA-Z0-9]+$', hint: 'use letters, digits, "-", "_" and "."', maxLength: 253 }),
    optional: s.boolean('Start even when the Secret or key is missing. Default false.', false),
  }, ['name', 'secretName', 'key']), { maxItems: 64, mapKeys: ['name'] }),
  persistence: s.object('A workspace PersistentVolumeClaim mounted into every pod.', {
    sizeGibibytes: s.integer('Size in GiB.', { minimum: 1, maximum: 65536 }),
    storageClassName: s.string('StorageClass. Default: the cluster default.', { pattern: DNS_SUBDOMAIN, hint: 'use an RFC 1123 subdomain', maxLength: 253 }),
    accessMode: s.enum('ReadWriteMany is needed when more than one pod mounts it. Default ReadWriteOnce.', ['ReadWriteOnce', 'ReadWriteMany'] as const, 'ReadWriteOnce'),
    mountPath: s.string('Mount path. Default "/data".', { pattern: ABSOLUTE_PATH, hint: 'use an absolute path such as "/data"', maxLength: 512 }),
  }, ['sizeGibibytes']),
  autoscaling: s.object('A HorizontalPodAutoscaler (autoscaling/v2) on CPU and optionally memory utilisation.', {
    minReplicas: s.integer('Lower bound.', { minimum: 1, maximum: 100 }),
    maxReplicas: s.integer('Upper bound.', { minimum: 1, maximum: 1000 }),
    targetCpuUtilizationPercent: s.integer('Average CPU utilisation of requests to aim for. Default 80.', { minimum: 1, maximum: 100, default: 80 }),
    targetMemoryUtilizationPercent: s.integer('Average memory utilisation of requests to aim for. Default: not used.', { minimum: 1, maximum: 100 }),
  }, ['minReplicas', 'maxReplicas']),
  podDisruptionBudget: s.object('Disruption budget: exactly one field. Default maxUnavailable 1 when more than one replica runs.', {
    minAvailable: s.integer('Pods that must stay available.', { minimum: 1, maximum: 1000 }),
    maxUnavailable: s.integer('Pods that may be unavailable at once.', { minimum: 1, maximum: 1000 }),
  }, [], ['minAvailable', 'maxUnavailable']),
  monitoring: s.enum('How Prometheus Operator scrapes /metrics. Default None.', ['None', 'ServiceMonitor', 'PodMonitor'] as const, 'None'),
  egress: s.array('Extra egress for agents that call outside services: CIDRs and ports.', s.object('An egress allowance.', {
    cidr: s.string('Destination IP block, e.g. "203.0.113.0/24".', { pattern: CIDR, hint: 'use CIDR notation such as "203.0.113.0/24"', maxLength: 64 }),
    ports: s.array('Destination ports.', s.object('A port.', {
      port: s.integer('Port number.', { minimum: 1, maximum: 65535 }),
      protocol: s.enum('Protocol. Default TCP.', ['TCP', 'UDP'] as const, 'TCP'),
    }, ['port']), { minItems: 1, maxItems: 16 }),
  }, ['cidr', 'ports']), { maxItems: 32 }),
  registryUrl: s.string('Base URL of the MCP Mesh registry (the construct fills it from its Registry handle).', { pattern: '^https?://[^\\s/]+(:[0-9]+)?/?$', hint: 'use http(s)://host:port', maxLength: 512 }),
}, ['code', 'registryUrl']);

/** The spec of an MCPAgent custom resource, inferred from {@link MCP_AGENT_SPEC_SCHEMA}. */
export type McpAgentSpec = Infer<typeof MCP_AGENT_SPEC_SCHEMA>;
/** One capability (name, semver version, tags). */
export type Capability = Infer<typeof CAPABILITY_SCHEMA>;
/** One dependency (name, semver range, optional). */
export type Dependency = Infer<typeof DEPENDENCY_SCHEMA>;
/** Code source: exactly one of script, configMap, files, image. */
export type AgentCode = Infer<typeof CODE_SCHEMA>;

/** The status a controller reports; printed by `kubectl get mcpa`. */
export const MCP_AGENT_STATUS_SCHEMA = s.object('Observed state, written by a controller.', {
  replicas: s.integer('Pods of the agent.', { minimum: 0 }),
  readyReplicas: s.integer('Ready pods.', { minimum: 0 }),
  selector: s.string('Label selector of the pods (for the scale subresource and HPA).', { maxLength: 1024 }),
  phase: s.enum('Lifecycle phase.', ['Pending', 'Running', 'Failed', 'Unknown'] as const),
  registration: s.enum('Registration with the MCP Mesh registry.', ['Registered', 'Pending', 'Failed', 'Unknown'] as const),
  observedGeneration: s.integer('Generation the status describes.', { minimum: 0 }),
  conditions: s.array('Standard conditions.', s.object('A condition.', {
    type: s.string('Condition type.', { maxLength: 316 }),
    status: s.enum('Condition status.', ['True', 'False', 'Unknown'] as const),
    reason: s.string('Machine-readable reason.', { maxLength: 1024 }),
    message: s.string('Human-readable message.', { maxLength: 32768 }),
    lastTransitionTime: s.string('When the status last changed (RFC 3339).', { maxLength: 64 }),
    observedGeneration: s.integer('Generation the condition describes.', { minimum: 0 }),
  }, ['type', 'status']), { maxItems: 32, mapKeys: ['type'] }),
}, []);
