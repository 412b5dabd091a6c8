import { AgentDelivery } from '../agent/agent-mesh';
import { McpAgentDefinition } from '../agent/mcp-agent';
import { ClusterNetwork } from '../common/network';
import { SecretsProvisioning } from '../common/secret-provisioning';
import { EdgeGatewayProps } from '../edge-gateway/edge-gateway';
import { GitOpsSettings } from '../gitops/gitops-settings';
import { RegistryProps } from '../registry/registry';
import { McpServersSettings } from '../server/server-fleet';
import { ToolRegistryProps } from '../tool-registry/tool-registry';

/**
 * Operator-backed integrations. Each needs its CRDs installed in the cluster first, so all
 * are off in dev (which must apply to a bare cluster) and on in prod.
 */
export interface PlatformIntegrations {
  /** Prometheus Operator: ServiceMonitor, PodMonitor, PrometheusRule. @default false */
  readonly prometheusOperator?: boolean;
  /** cert-manager: Certificate objects and ClusterIssuer annotations on Ingresses. @default false */
  readonly certManager?: boolean;
  /** CloudNativePG: Postgres Cluster, ScheduledBackup and Pooler objects. @default false */
  readonly cloudNativePg?: boolean;
  /** external-secrets: ExternalSecret objects that materialise Secrets from a store. @default false */
  readonly externalSecrets?: boolean;
}

/**
 * Rules checked at synth over everything the environment renders. A violation fails the
 * synth with an error naming the component, the field to change and the rule.
 */
export interface EnvironmentPolicy {
  /** Minimum replicas of stateful, highly available components (registry, databases). @default 1 */
  readonly minHaReplicas?: number;
  /** Every container image must be pinned to an exact tag or a digest. @default false */
  readonly requirePinnedImages?: boolean;
  /** Every component that stores data must schedule backups. @default false */
  readonly requireBackups?: boolean;
  /** Every highly available component must have a PodDisruptionBudget. @default false */
  readonly requirePodDisruptionBudgets?: boolean;
  /** Debug logging may be switched on. @default true */
  readonly allowDebugLogging?: boolean;
  /**
   * Secrets may be generated in the cluster with random values by the secret generator Job
   * (`secretProvisioning: { source: 'generated' }`). Such values live only in the cluster, with
   * no store to restore or rotate them from: meant for dev.
   * @default false
   */
  readonly allowGeneratedSecrets?: boolean;
  /**
   * Refuse components that would run but reject every client (an Edge MCP gateway without a
   * core platform answers 401 to everyone); without it they are synth warnings.
   * @default false
   */
  readonly requireWorkingEndpoints?: boolean;
}

/**
 * Monitoring settings every component of the environment shares. Components render
 * ServiceMonitors, PodMonitors, PrometheusRules and Grafana dashboards when
 * `integrations.prometheusOperator` is on; each component's own `monitoring` prop wins.
 */
export interface EnvironmentMonitoring {
  /**
   * Labels on every ServiceMonitor, PodMonitor and PrometheusRule, so that Prometheus selects
   * them. A default kube-prometheus-stack selects on its Helm release name:
   * `{ release: 'kube-prometheus-stack' }`.
   * @see https://prometheus-operator.dev/docs/developer/troubleshooting/#overview-of-servicemonitor-tagging-and-related-elements
   * @default - none (Prometheus must select every monitor in the namespace)
   */
  readonly labels?: Record<string, string>;
  /** Base URL of the runbooks; alerts link `<base>#<alert name in lower case>`. @default - no runbook_url annotation */
  readonly runbookBaseUrl?: string;
}

/** External access defaults shared by the components that render an Ingress. */
export interface IngressSettings {
  /** Base DNS domain; components use `<component>.<host>` or the host itself. */
  readonly host: string;
  /** IngressClass name. @default 'nginx' */
  readonly className?: string;
  /** TLS through a cert-manager ClusterIssuer (needs integrations.certManager) or an existing TLS Secret. */
  readonly tls?: { readonly clusterIssuer?: string; readonly secretName?: string };
}

/**
 * One deployment environment: a namespace, its policy and integrations, and the props of
 * each component to render there. A component left undefined is not rendered.
 */
export interface McpEnvironment {
  /** Environment name (RFC 1123 label): the chart id and the output folder `dist/<name>/`. */
  readonly name: string;
  /** Namespace every object lands in. @default `mcp-<name>` */
  readonly namespace?: string;
  /** Extra labels on every object (e.g. team, cost-center); validated as Kubernetes labels. @default - none */
  readonly commonLabels?: Record<string, string>;
  /** Render the Namespace object (Pod Security `restricted` enforced). @default true */
  readonly createNamespace?: boolean;
  /** Policy checked at synth. @default - no rules */
  readonly policy?: EnvironmentPolicy;
  /** Operator integrations that are installed. @default - none */
  readonly integrations?: PlatformIntegrations;
  /** Where Prometheus, the ingress controller and DNS run. @default - kube-prometheus-stack in `monitoring`, ingress-nginx, CoreDNS */
  readonly clusterNetwork?: ClusterNetwork;
  /**
   * How the Secrets of every component come to exist (a component's own `secretProvisioning`
   * wins): prerequisites (`existing`, listed by `externalReferences()`), created in the cluster
   * with random values by a one-shot Job (`generated`), or ExternalSecrets from one store
   * (`external-secrets`, needs integrations.externalSecrets).
   * @default { source: 'existing' }
   */
  readonly secretProvisioning?: SecretsProvisioning;
  /** Monitoring settings shared by every component. @default - no selector labels */
  readonly monitoring?: EnvironmentMonitoring;
  /** Ingress defaults. @default - no Ingress */
  readonly ingress?: IngressSettings;
  /**
   * The MCP Mesh registry. The chart wires the environment in: its PrometheusRule and Grafana
   * dashboard follow `integrations.prometheusOperator`, its NetworkPolicy the cluster network.
   * @default - not rendered
   */
  readonly registry?: RegistryProps;
  /**
   * The Edge MCP WebSocket gateway. Its Ingress defaults to `edge.<ingress.host>`; its
   * ServiceMonitors, ExternalSecret and cert-manager annotation follow `integrations`.
   * @default - not rendered
   */
  readonly edgeGateway?: EdgeGatewayProps;
  /**
   * MCP servers from templates and the deployer RBAC, in their own namespace (default
   * `mcp-servers-<name>`) so the deployer's rights reach nothing of the platform.
   * @default - not rendered
   */
  readonly servers?: McpServersSettings;
  /**
   * MCP Mesh agents (need `registry`). Their dependencies are resolved at synth against each
   * other's capabilities; the graph is written to `dist/<name>/graph.md`.
   * @default - none
   */
  readonly agents?: McpAgentDefinition[];
  /**
   * Render agents as workloads, as MCPAgent custom resources (needs the CRD from
   * `dist/crds/` applied first), or both. Keep `workloads` where the cluster may lack the CRD.
   * @default 'workloads'
   */
  readonly agentDelivery?: AgentDelivery;
  /**
   * The semantic Tool Registry API with its PostgreSQL + pgvector database. The chart wires the
   * environment in: Ingress host `tool-registry.<ingress.host>` with the environment's class and
   * TLS, monitoring (ServiceMonitor, PodMonitors for CloudNativePG, PrometheusRules, dashboard)
   * when integrations.prometheusOperator, and the cluster network; the component's own props win.
   * `database.backend: 'cloudnative-pg'` needs integrations.cloudNativePg.
   * @default - not rendered
   */
  readonly toolRegistry?: ToolRegistryProps;
  /**
   * Delivery and upgrades: an Argo CD Application (`dist/argocd/<name>.yaml`) and Flux
   * Kustomizations (`dist/flux/<name>.yaml`) for the environment, and the deliberate changes
   * the upgrade guard may let through (it refuses, at synth, any change the API server would
   * reject over the previous output, such as a StatefulSet claim template resize).
   * @default - no GitOps objects; every refused change fails the synth
   */
  readonly gitops?: GitOpsSettings;
}

/** Object props merge recursively (optional ones too); arrays and scalars replace; maps with user-chosen keys (labels, affinity) are typed as given. */
export type DeepPartial<T> = { [K in keyof T]?: NonNullable<T[K]> extends (infer U)[] ? U[] : NonNullable<T[K]> extends object ? (string extends keyof NonNullable<T[K]> ? T[K] : DeepPartial<NonNullable<T[K]>>) : T[K] };

/**
 * Derives an environment from a preset: `defineEnvironment(prodEnvironment(), { name: 'prod-eu',
 * ingress: { host: 'mcp.eu.example.com' } })`. Objects merge recursively; arrays replace; an object
 * that picks another variant (`database: { type: 'postgres', ... }` over SQLite) replaces the base.
 */
export function defineEnvironment(base: McpEnvironment, overrides: DeepPartial<McpEnvironment>): McpEnvironment {
  return deepMerge(base, overrides) as McpEnvironment;
}

// Keys that select a variant of a union (`database: { type: 'postgres' }`): an override that picks
// another variant replaces the base object, so no field of the old variant leaks into the new one.
const VARIANT_KEYS = ['type', 'backend', 'source'];

function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  if (VARIANT_KEYS.some(k => override[k] !== undefined && base[k] !== undefined && override[k] !== base[k])) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v);
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
