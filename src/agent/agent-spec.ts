import { ComponentProps } from '../common/component-props';
import { NetworkPeer } from '../common/network';
import { Quantity } from '../common/quantity';
import { SecretKeyReference } from '../common/secrets';
import { CAPABILITY_SCHEMA, CODE_SCHEMA, DEPENDENCY_SCHEMA, MCP_AGENT_SPEC_SCHEMA } from './agent-spec-schema';
import { Infer } from './spec-schema';

export { CAPABILITY_NAME_PATTERN, MCP_AGENT_SPEC_SCHEMA, MCP_AGENT_STATUS_SCHEMA, SEMVER_PATTERN, SEMVER_RANGE_PATTERN } from './agent-spec-schema';

/**
 * A capability the agent provides: what its code registers with `@mesh.tool(capability=...)`.
 */
export interface Capability {
  /** Name other agents depend on: 1-63 lower-case letters, digits, `_`, `-`, `.` (e.g. `data_transformation`). */
  readonly name: string;
  /** Semantic version (`MAJOR.MINOR.PATCH`, e.g. `2.0.0`). */
  readonly version: string;
  /** Tags for tag-based selection. @default - none */
  readonly tags?: readonly string[];
  /** What the capability does. @default - none */
  readonly description?: string;
}

/**
 * A capability the agent calls. Resolved at synth against the capabilities of the environment's
 * agents; the NetworkPolicies allow exactly the resolved edges.
 */
export interface Dependency {
  /** Capability name. */
  readonly name: string;
  /** npm-style semver range the provider's version must satisfy (`>=3.0.0`, `^2.1`, `1.x`). @default '*' */
  readonly version?: string;
  /** An optional dependency may stay unresolved (a synth warning instead of an error). @default false */
  readonly optional?: boolean;
}

/** An existing ConfigMap holding the agent's code. */
export interface AgentCodeConfigMap {
  /** ConfigMap name in the agent's namespace (it must exist before the pods start). */
  readonly name: string;
  /** Key of the file to run. @default 'main.py' */
  readonly entrypoint?: string;
}

/** A multi-file agent rendered into one ConfigMap and mounted as a tree. */
export interface AgentCodeFiles {
  /** Relative path of the file to run, e.g. `main.py`. */
  readonly entrypoint: string;
  /** File contents by relative path (at most 256 files, 1 MiB in all). */
  readonly contents: Readonly<Record<string, string>>;
}

/**
 * Where the agent's code comes from: set exactly one field. Build it with `AgentCodeSource`.
 */
export interface AgentCode {
  /** Inline Python source, rendered into a ConfigMap and run as `/app/agent/main.py`. @default - another source */
  readonly script?: string;
  /** An existing ConfigMap, mounted read-only at `/app/agent`. @default - another source */
  readonly configMap?: AgentCodeConfigMap;
  /** Files by relative path, rendered into a ConfigMap. @default - another source */
  readonly files?: AgentCodeFiles;
  /** A custom image with the code baked in, pinned by tag or digest; it runs its own entrypoint unless `command` is set. @default - another source */
  readonly image?: string;
}

/**
 * A workspace PersistentVolumeClaim mounted into every pod of the agent.
 * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/
 */
export interface AgentPersistence {
  /** Size as a storage quantity (`'1Gi'`, `'50Gi'`, whole MiB). */
  readonly size: Quantity;
  /** StorageClass. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * `ReadWriteMany` when more than one pod mounts it; with `ReadWriteOnce` the Deployment uses the
   * Recreate strategy and runs one pod.
   * @default 'ReadWriteOnce'
   */
  readonly accessMode?: 'ReadWriteOnce' | 'ReadWriteMany';
  /** Mount path in the agent container. @default '/data' */
  readonly mountPath?: string;
}

/** Extra egress for an agent that calls a service outside the cluster. */
export interface AgentEgress {
  /** Destination IP block, e.g. `203.0.113.0/24`. */
  readonly cidr: string;
  /** Destination ports (1-16). */
  readonly ports: readonly { readonly port: number; readonly protocol?: 'TCP' | 'UDP' }[];
}

/**
 * Distributed tracing. The agent runtime publishes spans to a Redis stream
 * (`MCP_MESH_DISTRIBUTED_TRACING_ENABLED`, `REDIS_URL`); the registry, configured with the same
 * Redis and a `TELEMETRY_ENDPOINT`, exports them to Tempo or another OTLP backend. The agent's
 * NetworkPolicy gets an egress rule to `redis`. Set exactly one of `redisUrl` and `redisUrlSecret`.
 */
export interface AgentTracing {
  /** Publish spans. @default true */
  readonly enabled?: boolean;
  /** Redis URL without credentials, e.g. `redis://redis.tracing.svc:6379/0`. @default - use redisUrlSecret */
  readonly redisUrl?: string;
  /** A Secret key holding the Redis URL (use it when the URL carries a password). @default - use redisUrl */
  readonly redisUrlSecret?: SecretKeyReference;
  /** Where the Redis pods run, for the egress rule. */
  readonly redis: NetworkPeer;
  /** Redis port for the egress rule. @default - the URL's port, else 6379 */
  readonly redisPort?: number;
}

/**
 * Thresholds of the agent's alerts (rendered with `monitoring.prometheusRule`). Durations are
 * Prometheus durations (`30s`, `5m`, `1h`).
 */
export interface AgentAlertThresholds {
  /** How long no pod may be available before `McpAgentDown` (critical) fires. @default '5m' */
  readonly downFor?: string;
  /** How long fewer pods than desired may be available before `McpAgentDegraded` fires. @default '15m' */
  readonly degradedFor?: string;
  /** Container restarts within `restartWindow` that fire `McpAgentRestarting`. @default 3 */
  readonly restartThreshold?: number;
  /** The window `restartThreshold` counts over. @default '15m' */
  readonly restartWindow?: string;
  /**
   * How long available pods may export no `mcp_mesh_up` before `McpAgentMetricsMissing` fires
   * (only with `monitoring.scrape`).
   * @default '10m'
   */
  readonly metricsMissingFor?: string;
}

/**
 * The desired state of one MCP Mesh agent: the MCPAgent custom resource's `spec` and, with a
 * name and a registry handle, the McpAgent construct's props. The MCPAgent CRD schema is
 * generated from the same definition, and this type is checked against it when compiling.
 */
// Agents read no Secret the platform provisions (their code's own Secrets come through extraEnv).
export interface McpAgentSpec extends Omit<ComponentProps, 'secretProvisioning'> {
  /** What the agent is for. @default - none */
  readonly description?: string;
  /** Where the code comes from: exactly one of script, configMap, files, image. */
  readonly code: AgentCode;
  /**
   * Command of the agent container, e.g. `['python', '-m', 'myagent']`.
   * @see https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/
   * @default - `python /app/agent/<entrypoint>`, or the image's own entrypoint for `code.image`
   */
  readonly command?: readonly string[];
  /** Capabilities the agent provides (unique names). @default - none */
  readonly capabilities?: readonly Capability[];
  /** Capabilities the agent calls (unique names). @default - none */
  readonly dependencies?: readonly Dependency[];
  /** A workspace volume. @default - none */
  readonly persistence?: AgentPersistence;
  /**
   * Which Prometheus Operator object scrapes `/metrics` when `monitoring.scrape` is on: a
   * ServiceMonitor through the agent's Service, or a PodMonitor on the pods directly (for a
   * Prometheus that selects only PodMonitors).
   * @default 'ServiceMonitor'
   */
  readonly scrapeWith?: 'ServiceMonitor' | 'PodMonitor';
  /** Alert thresholds. @default - the documented defaults of each field */
  readonly alerts?: AgentAlertThresholds;
  /** Distributed tracing through Redis. @default - off */
  readonly tracing?: AgentTracing;
  /** Extra egress (CIDRs and ports) for calls outside the cluster. @default - none */
  readonly egress?: readonly AgentEgress[];
  /** Base URL of the MCP Mesh registry, e.g. `http://mcp-mesh-registry.mcp-prod.svc:8000` (the construct fills it from its registry). */
  readonly registryUrl: string;
}

// Compile-time proof that the documented types above describe exactly what the schema
// definition (and so the CRD and the validation) accepts: a field added to, dropped from or typed
// differently in one of them fails `tsc`, naming the field. Readonly-ness is ignored; optionality
// and value types must match.
type Primitive = string | number | boolean | undefined | null;
type Normalize<T> = T extends Primitive ? T : T extends readonly (infer U)[] ? Normalize<U>[] : { -readonly [K in keyof T]: Normalize<T[K]> };
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type IsOptional<T, K extends keyof T> = {} extends Pick<T, K> ? true : false;
/** Fields whose presence, optionality or type differ between `T` and `I` (never when they agree). @internal */
export type FieldMismatches<T, I> = {
  [K in keyof T | keyof I]-?: K extends keyof T
    ? K extends keyof I
      ? Equals<IsOptional<T, K>, IsOptional<I, K>> extends true ? Equals<Normalize<T[K]>, Normalize<I[K]>> extends true ? never : K : K
      : K
    : K;
}[keyof T | keyof I];
type Agree<T, S> = [FieldMismatches<T, Infer<S>>] extends [never] ? true : FieldMismatches<T, Infer<S>>;
const specMatchesSchema: [
  Agree<McpAgentSpec, typeof MCP_AGENT_SPEC_SCHEMA>,
  Agree<Capability, typeof CAPABILITY_SCHEMA>,
  Agree<Dependency, typeof DEPENDENCY_SCHEMA>,
  Agree<AgentCode, typeof CODE_SCHEMA>,
] = [true, true, true, true];
void specMatchesSchema;
