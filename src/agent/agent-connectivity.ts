import { Construct, IConstruct } from 'constructs';
import { PLATFORM_COMPONENTS, platformComponentPeer } from '../common/labels';
import { ClusterNetwork, NetworkPort } from '../common/network';
import { Connectivity, describePeer, Endpoint, ServiceEndpoint, Workload, WorkloadGroup } from '../connectivity/connectivity';
import { AGENT_RUNTIME } from './agent-runtime';
import { AgentTracing, McpAgentSpec } from './agent-spec';
import { IMcpMeshRegistry } from './mesh-registry';

// How agents appear in the chart's connectivity model (src/connectivity): each agent is a
// workload isolated both ways, every agent is a member of the one `agents` group (so a flow the
// platform declares for all agents, such as agents -> registry, is one peer on the server's side
// and one egress rule on each agent), and each agent declares its own flows here. Everything is
// O(1) per agent: no construct per peer, no search over the chart.

/** The `app.kubernetes.io/component` of every agent; the registry admits pods carrying it. */
export const AGENT_COMPONENT = PLATFORM_COMPONENTS.agent;

/** Labels every agent pod carries, whatever its name: the `agents` group's selector. */
export const AGENT_POD_LABELS: Readonly<Record<string, string>> = platformComponentPeer(AGENT_COMPONENT).podLabels;

/** Component of the agents in the connectivity document. */
const AGENT_WORKLOAD_COMPONENT = 'McpAgent';

/** The agent's HTTP port (MCP, health and /metrics). */
export const AGENT_HTTP_PORTS: readonly NetworkPort[] = [{ port: AGENT_RUNTIME.httpPort }];

const groups = new WeakMap<Connectivity, WorkloadGroup>();

/**
 * The `agents` group of the chart `scope` belongs to, created on first use: every agent pod of
 * the namespace, selected by the labels all agents share.
 */
export function agentsGroup(scope: IConstruct): WorkloadGroup {
  const model = Connectivity.of(scope);
  let group = groups.get(model);
  if (!group) {
    group = model.addGroup({ name: 'agents', component: AGENT_WORKLOAD_COMPONENT, podSelector: { ...AGENT_POD_LABELS } });
    groups.set(model, group);
  }
  return group;
}

/**
 * Agents -> registry API (registration and heartbeats). A registry rendered in the same chart is
 * a workload of its model, so both its ingress and the agents' egress follow from this flow; a
 * registry rendered elsewhere is an endpoint outside the model: the agents get the egress rule
 * and the registry's own chart must admit them.
 */
export function connectAgentsToRegistry(scope: IConstruct, group: WorkloadGroup, registry: IMcpMeshRegistry): void {
  const model = Connectivity.of(scope);
  model.connect(group, { target: registryEndpoint(model, registry), ports: [{ port: registry.port }] }, 'registration and heartbeats');
}

function registryEndpoint(model: Connectivity, registry: IMcpMeshRegistry): Endpoint {
  const w = registry.workload;
  // A workload of another chart's model renders its policy there: here it is only a peer.
  if (w && model.findWorkloads(`${w.namespace}/${w.name}`).includes(w)) return w;
  if (w) return Connectivity.external(`MCP Mesh registry ${w.namespace}/${w.name}`, { namespace: w.namespace, podLabels: { ...w.podSelector } });
  return Connectivity.external(`MCP Mesh registry ${registry.service.name}`, { podLabels: { ...registry.selector } });
}

/** What {@link addAgentWorkload} needs to know of one agent. */
export interface AgentWorkloadOptions {
  readonly name: string;
  readonly namespace?: string;
  readonly podSelector: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly group: WorkloadGroup;
  readonly spec: McpAgentSpec;
  /** Where Prometheus and DNS run for this agent. */
  readonly clusterNetwork: ClusterNetwork;
}

/**
 * Adds one agent to the chart's connectivity model and renders its NetworkPolicy in `scope`
 * (unless `networkPolicy.enabled` is false): default-deny both ways, DNS, Prometheus -> HTTP port
 * (metrics), the declared clients -> HTTP port, the tracing Redis and the declared extra egress.
 * The flows to and from other agents (the capability graph) are declared by the mesh, the flow
 * to the registry by {@link connectAgentsToRegistry}.
 * @throws McpConfigError at synth for a client naming a workload the environment does not render
 */
export function addAgentWorkload(scope: Construct, options: AgentWorkloadOptions): { workload: Workload; apiEndpoint: ServiceEndpoint } {
  const model = Connectivity.of(scope);
  const { spec, clusterNetwork } = options;
  const enabled = spec.networkPolicy?.enabled ?? true;
  const workload = model.addWorkload(scope, {
    name: options.name,
    component: AGENT_WORKLOAD_COMPONENT,
    namespace: options.namespace,
    podSelector: options.podSelector,
    groups: [options.group],
    networkPolicy: enabled ? { name: options.name, labels: options.labels, ingress: true, egress: true } : false,
    dns: clusterNetwork.dns,
  });
  const api: ServiceEndpoint = { target: workload, ports: AGENT_HTTP_PORTS };
  model.connect(Connectivity.external('Prometheus', clusterNetwork.prometheus), api, 'metrics');
  model.admitClients(scope, 'networkPolicy.clients', spec.networkPolicy?.clients ?? [], api, 'declared client');
  const tracing = spec.tracing;
  if (tracing && tracing.enabled !== false) {
    model.allow({ from: workload, to: Connectivity.external(`tracing Redis (${describePeer(tracing.redis)})`, tracing.redis), ports: [{ port: redisPort(tracing) }], reason: 'trace spans' });
  }
  (spec.egress ?? []).forEach((rule, i) => {
    const ports = rule.ports.map(p => ({ port: p.port, protocol: p.protocol ?? 'TCP' }));
    model.allow({ from: workload, to: Connectivity.external(rule.cidr, { cidr: rule.cidr }), ports, reason: `declared egress[${i}]` });
  });
  return { workload, apiEndpoint: api };
}

/** The Redis port of a tracing configuration: explicit, else the URL's, else 6379. */
function redisPort(tracing: AgentTracing): number {
  if (tracing.redisPort !== undefined) return tracing.redisPort;
  const m = tracing.redisUrl ? /^rediss?:\/\/[^/]*:([0-9]+)(\/|$)/.exec(tracing.redisUrl) : null;
  return m ? Number(m[1]) : 6379;
}
