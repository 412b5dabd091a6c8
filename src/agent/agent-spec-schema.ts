import { AGENT_RUNTIME } from './agent-runtime';
import { s } from './spec-schema';

// The MCPAgent spec as ONE schema definition, from which the MCPAgent CRD's openAPIV3Schema and
// the spec validation are derived (spec-schema.ts). The documented TypeScript types live in
// agent-spec.ts and are checked against this definition at compile time, so the three cannot
// drift. Patterns are RE2- and JavaScript-compatible. The seed CRD's defects are fixed here:
// `code` replaces the `script` field that was required yet omitted by its own sample; cpu
// accepts "0.5"; the short name is `mcpa` only.

const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** Semantic Versioning 2.0.0 (semver.org's regular expression without named groups). */
export const SEMVER_PATTERN = '^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-((0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(\\.(0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?(\\+([0-9a-zA-Z-]+(\\.[0-9a-zA-Z-]+)*))?$';
/** Characters of an npm-style semver range (`>=3.0.0`, `^1.2`, `1.x || 2.x`); the construct parses it fully. */
export const SEMVER_RANGE_PATTERN = '^[0-9A-Za-z.*^~<>=|+ -]+$';
/** Capability and dependency names: `greeting`, `data_transformation`, `database-service`. */
export const CAPABILITY_NAME_PATTERN = '^[a-z]([a-z0-9_.-]{0,61}[a-z0-9])?$';
const CAPABILITY_NAME_HINT = "use 1 to 63 lower-case letters, digits, '_', '-' and '.', starting with a letter and ending with a letter or digit (e.g. 'data_transformation')";
const ENV_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';
const IMAGE = '^[a-z0-9]+([._/:-][a-zA-Z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@[a-z0-9]+:[a-fA-F0-9]{32,})$';
const CIDR = '^([0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}|[0-9a-fA-F:]+/[0-9]{1,3})$';
const RELATIVE_FILE = '^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$';
const ABSOLUTE_PATH = '^/[A-Za-z0-9_./-]*$';
/** A Prometheus duration such as `30s`, `5m`, `1h`. */
export const PROM_DURATION_PATTERN = '^([0-9]+(ms|s|m|h|d|w|y))+$';
const DURATION_HINT = "use a Prometheus duration such as '30s', '5m' or '1h'";

const labelMap = (description: string) => s.map(description, s.string('Value.', { maxLength: 63 }), { maxProperties: 64 });
const annotationMap = (description: string) => s.map(description, s.string('Value.', { maxLength: 65536 }), { maxProperties: 64 });
const dnsName = (description: string) => s.string(description, { pattern: DNS_SUBDOMAIN, hint: 'use an RFC 1123 subdomain', maxLength: 253 });
const duration = (description: string) => s.string(description, { pattern: PROM_DURATION_PATTERN, hint: DURATION_HINT, maxLength: 16 });

const NETWORK_PEER = s.object('Pods in a namespace, or an IP block.', {
  namespace: s.string('Namespace of the peer pods.', { pattern: DNS_LABEL, hint: 'use an RFC 1123 label', maxLength: 63 }),
  podLabels: labelMap('Labels of the peer pods.'),
  cidr: s.string('An IP block in CIDR notation.', { pattern: CIDR, hint: "use CIDR notation such as '10.0.0.0/8'", maxLength: 64 }),
});

const CLIENT_PEER = s.object('A workload of the environment by name, or pods in a namespace, or an IP block.', {
  workload: s.string('A workload of the environment by name (`<namespace>/<name>` when ambiguous); its egress follows.', { pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?/)?[a-z0-9]([-.a-z0-9]*[a-z0-9])?$', hint: 'use a workload name such as weather-agent', maxLength: 317 }),
  namespace: s.string('Namespace of the peer pods.', { pattern: DNS_LABEL, hint: 'use an RFC 1123 label', maxLength: 63 }),
  podLabels: labelMap('Labels of the peer pods.'),
  cidr: s.string('An IP block in CIDR notation.', { pattern: CIDR, hint: "use CIDR notation such as '10.0.0.0/8'", maxLength: 64 }),
});

const SECRET_KEY = s.object('A key of an existing Secret.', {
  secretName: dnsName('Secret name.'),
  key: s.string('Key in the Secret.', { pattern: '^[-._a-zA-Z0-9]+$', hint: 'use letters, digits, "-", "_" and "."', maxLength: 253 }),
}, ['secretName', 'key']);

const QUANTITIES = s.object('CPU and memory.', {
  cpu: s.quantity('CPU: millicores ("500m") or cores ("2", "0.5").'),
  memory: s.quantity('Memory in whole MiB ("512Mi", "4Gi").'),
});

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
    name: dnsName('ConfigMap name.'),
    entrypoint: s.string(`Key of the file to run. Default "${AGENT_RUNTIME.defaultEntrypoint}".`, { pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$', hint: 'use a ConfigMap key such as "main.py"', maxLength: 253 }),
  }, ['name']),
  files: s.object('A multi-file agent (e.g. a directory), rendered into a ConfigMap and mounted as a tree.', {
    entrypoint: s.string('Relative path of the file to run, e.g. "main.py".', { pattern: RELATIVE_FILE, hint: 'use a relative path such as "main.py" or "pkg/app.py"', maxLength: 253 }),
    contents: s.map('File contents by relative path.', s.string('File content.'), { keyPattern: RELATIVE_FILE, keyHint: 'use relative paths of letters, digits, "_", "-" and "." separated by "/"', maxProperties: 256 }),
  }, ['entrypoint', 'contents']),
  image: s.string('A custom image with the code baked in (pinned by tag or digest); it runs its own entrypoint unless command is set.', { pattern: IMAGE, hint: 'use a pinned image reference such as "ghcr.io/acme/agent:1.2.0"', maxLength: 512 }),
}, [], ['script', 'configMap', 'files', 'image']);

const PERSISTENCE_SCHEMA = s.object('A workspace PersistentVolumeClaim mounted into every pod.', {
  size: s.quantity('Size as a storage quantity ("1Gi", "50Gi").'),
  storageClassName: dnsName('StorageClass. Default: the cluster default.'),
  accessMode: s.enum('ReadWriteMany is needed when more than one pod mounts it. Default ReadWriteOnce.', ['ReadWriteOnce', 'ReadWriteMany'] as const, 'ReadWriteOnce'),
  mountPath: s.string('Mount path. Default "/data".', { pattern: ABSOLUTE_PATH, hint: 'use an absolute path such as "/data"', maxLength: 512 }),
}, ['size']);

const EGRESS_SCHEMA = s.object('An egress allowance.', {
  cidr: s.string('Destination IP block, e.g. "203.0.113.0/24".', { pattern: CIDR, hint: 'use CIDR notation such as "203.0.113.0/24"', maxLength: 64 }),
  ports: s.array('Destination ports.', s.object('A port.', {
    port: s.integer('Port number.', { minimum: 1, maximum: 65535 }),
    protocol: s.enum('Protocol. Default TCP.', ['TCP', 'UDP'] as const, 'TCP'),
  }, ['port']), { minItems: 1, maxItems: 16 }),
}, ['cidr', 'ports']);

const TRACING_SCHEMA = s.object('Distributed tracing: the agent publishes spans to a Redis stream that the registry exports.', {
  enabled: s.boolean('Publish spans. Default true when tracing is given.', true),
  redisUrl: s.string('Redis URL without credentials, e.g. "redis://redis.tracing.svc:6379/0".', { pattern: '^rediss?://[^\\s]+$', hint: 'use redis://host:port[/db]', maxLength: 512 }),
  redisUrlSecret: SECRET_KEY,
  redis: NETWORK_PEER,
  redisPort: s.integer('Redis port for the egress rule. Default: the URL port, else 6379.', { minimum: 1, maximum: 65535 }),
}, ['redis'], ['redisUrl', 'redisUrlSecret']);

const ALERTS_SCHEMA = s.object('Alert thresholds.', {
  downFor: duration('How long no pod may be available before McpAgentDown fires. Default "5m".'),
  degradedFor: duration('How long fewer pods than desired may be available before McpAgentDegraded fires. Default "15m".'),
  restartThreshold: s.integer('Container restarts within restartWindow that fire McpAgentRestarting. Default 3.', { minimum: 1, maximum: 1000 }),
  restartWindow: duration('Window of restartThreshold. Default "15m".'),
  metricsMissingFor: duration('How long available pods may report no mcp_mesh_up before McpAgentMetricsMissing fires. Default "10m".'),
});

const TOLERATION = s.object('A toleration of a node taint.', {
  key: s.string('Taint key.', { maxLength: 316 }),
  operator: s.enum('Operator. Default Equal.', ['Equal', 'Exists'] as const),
  value: s.string('Taint value.', { maxLength: 63 }),
  effect: s.enum('Taint effect.', ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const),
  tolerationSeconds: s.integer('Seconds the pod stays bound after a NoExecute taint appears.', { minimum: 0 }),
});

const EXTRA_ENV = s.object('An extra env var: exactly one of value, secretKeyRef, configMapKeyRef, fieldPath.', {
  name: s.string('Variable name.', { pattern: ENV_NAME, hint: 'use letters, digits and "_", not starting with a digit', maxLength: 128 }),
  value: s.string('Literal value (never a secret).', { maxLength: 32768 }),
  secretKeyRef: SECRET_KEY,
  configMapKeyRef: s.object('A key of an existing ConfigMap.', { name: dnsName('ConfigMap name.'), key: s.string('Key.', { maxLength: 253 }) }, ['name', 'key']),
  fieldPath: s.string('A pod field, e.g. "status.podIP".', { maxLength: 256 }),
}, ['name']);

const EXTRA_VOLUME = s.object('An extra volume mounted into the agent container: exactly one source.', {
  name: s.string('Volume name.', { pattern: DNS_LABEL, hint: 'use an RFC 1123 label', maxLength: 63 }),
  mountPath: s.string('Absolute path in the container.', { pattern: ABSOLUTE_PATH, hint: 'use an absolute path', maxLength: 512 }),
  readOnly: s.boolean('Mount read-only. Default true.', true),
  configMap: dnsName('An existing ConfigMap.'),
  secret: dnsName('An existing Secret.'),
  persistentVolumeClaim: dnsName('An existing PersistentVolumeClaim.'),
  emptyDir: s.string('A scratch directory; the value is its size limit ("1Gi").', { maxLength: 32 }),
}, ['name', 'mountPath']);

/** The MCPAgent spec definition. */
export const MCP_AGENT_SPEC_SCHEMA = s.object('Desired state of an MCP Mesh agent.', {
  description: s.string('What the agent is for.', { maxLength: 1024 }),
  code: CODE_SCHEMA,
  image: s.string(`Runtime image for script, configMap and files code, pinned. Default "${AGENT_RUNTIME.image}".`, { pattern: IMAGE, hint: 'use a pinned image reference such as "mcpmesh/python-runtime:3.7.1"', maxLength: 512 }),
  command: s.array('Command override, e.g. ["python", "-m", "myagent"].', s.string('An argument.', { maxLength: 4096 }), { minItems: 1, maxItems: 64 }),
  replicas: s.integer('Pod replicas when autoscaling is off. Default 1.', { minimum: 0, maximum: 100, default: 1 }),
  logLevel: s.enum('Log level. Default info.', ['debug', 'info', 'warning', 'error'] as const, 'info'),
  capabilities: s.array('Capabilities the agent provides.', CAPABILITY_SCHEMA, { maxItems: 128, mapKeys: ['name'] }),
  dependencies: s.array('Capabilities the agent depends on.', DEPENDENCY_SCHEMA, { maxItems: 128, mapKeys: ['name'] }),
  resources: s.object('Requests and limits of the agent container. Default 100m/256Mi requests, 1/1Gi limits.', { requests: QUANTITIES, limits: QUANTITIES }),
  persistence: PERSISTENCE_SCHEMA,
  autoscaling: s.object('A HorizontalPodAutoscaler on CPU and memory utilisation of the requests.', {
    enabled: s.boolean('Render the HPA. Default true.', true),
    minReplicas: s.integer('Fewest pods. Default 2.', { minimum: 1, maximum: 1000 }),
    maxReplicas: s.integer('Most pods.', { minimum: 1, maximum: 1000 }),
    targetCpuUtilizationPercent: s.integer('Target CPU use in percent of the request. Default 70.', { minimum: 1, maximum: 100 }),
    targetMemoryUtilizationPercent: s.integer('Target memory use in percent of the request. Default 80.', { minimum: 1, maximum: 100 }),
    scaleDownStabilizationSeconds: s.integer('Seconds before removing pods after load drops. Default 300.', { minimum: 0, maximum: 3600 }),
  }, ['maxReplicas']),
  podDisruptionBudget: s.object('PodDisruptionBudget when more than one pod runs; at most one of minAvailable and maxUnavailable.', {
    enabled: s.boolean('Render the budget. Default true.', true),
    minAvailable: s.integer('Pods that must stay available.', { minimum: 1, maximum: 1000 }),
    maxUnavailable: s.integer('Pods that may be unavailable at once. Default 1.', { minimum: 1, maximum: 1000 }),
  }),
  scheduling: s.object('Node selection, tolerations, affinity, topology spread and priority.', {
    nodeSelector: labelMap('Node labels a node must carry.'),
    tolerations: s.array('Taints the pods tolerate.', TOLERATION, { maxItems: 32 }),
    affinity: s.freeform('The pod spec affinity object.'),
    topologySpread: s.boolean('Spread pods across zones and nodes. Default true when more than one pod runs.'),
    priorityClassName: dnsName('PriorityClass of the pods.'),
  }),
  networkPolicy: s.object('The agent NetworkPolicy: its flows to the registry, along the capability graph, from Prometheus and the declared clients, to tracing and the extra egress.', {
    enabled: s.boolean('Render it. Default true.', true),
    clients: s.array('Callers admitted on the HTTP port: workloads of the environment by name, or peers outside it.', CLIENT_PEER, { maxItems: 64 }),
    clusterNetwork: s.object('Where Prometheus, the ingress controller, DNS and the API server run.', {
      prometheus: NETWORK_PEER, ingressController: NETWORK_PEER, dns: NETWORK_PEER, apiServer: NETWORK_PEER,
    }, ['prometheus', 'ingressController', 'dns']),
  }),
  monitoring: s.object('Prometheus Operator and Grafana objects.', {
    scrape: s.boolean('Scrape /metrics (scrapeWith picks the monitor kind). Default false.', false),
    prometheusRule: s.boolean('Render the agent alerts. Default false.', false),
    dashboard: s.boolean('Render a Grafana dashboard. Default false.', false),
    labels: labelMap('Labels on every monitor and rule, e.g. release: kube-prometheus-stack.'),
    scrapeInterval: duration('Scrape interval. Default "30s".'),
    runbookBaseUrl: s.string('Base URL of the runbooks.', { pattern: '^https?://[^\\s]+$', hint: 'use an http(s) URL', maxLength: 1024 }),
  }),
  scrapeWith: s.enum('Prometheus Operator object that scrapes /metrics. Default ServiceMonitor.', ['ServiceMonitor', 'PodMonitor'] as const, 'ServiceMonitor'),
  alerts: ALERTS_SCHEMA,
  tracing: TRACING_SCHEMA,
  imagePullSecrets: s.array('Secrets to pull images with.', dnsName('Secret name.'), { maxItems: 16 }),
  podLabels: labelMap('Extra pod labels.'),
  podAnnotations: annotationMap('Extra pod annotations.'),
  serviceAccountAnnotations: annotationMap('ServiceAccount annotations (workload identity).'),
  extraEnv: s.array('Extra env vars of the agent container.', EXTRA_ENV, { maxItems: 64, mapKeys: ['name'] }),
  extraVolumes: s.array('Extra volumes of the agent container.', EXTRA_VOLUME, { maxItems: 32, mapKeys: ['name'] }),
  egress: s.array('Extra egress for agents that call outside services: CIDRs and ports.', EGRESS_SCHEMA, { maxItems: 32 }),
  registryUrl: s.string('Base URL of the MCP Mesh registry (the construct fills it from its registry handle).', { pattern: '^https?://[^\\s/]+(:[0-9]+)?/?$', hint: 'use http(s)://host:port', maxLength: 512 }),
}, ['code', 'registryUrl']);

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
