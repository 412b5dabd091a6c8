import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { invalid } from '../common/errors';
import { parseImageProp } from '../common/image';
import { checkProps, conformingValue, ConformingValues } from '../common/props-schema';
import { recommendedLabels } from '../common/labels';
import { resolveResources } from '../common/resources';
import { ClusterNetwork } from '../common/network';
import { Connectivity, WorkloadGroup } from '../connectivity/connectivity';
import { agentsGroup, connectAgentsToRegistry } from './agent-connectivity';
import { agentConstants } from './agent-constants';
import { createAgentDashboard } from './agent-monitoring';
import { AGENT_RESOURCES, AGENT_RUNTIME } from './agent-runtime';
import { MCP_AGENT_SPEC_SCHEMA } from './agent-spec-schema';
import { CapabilityGraph } from './capability-graph';
import { AGENT_COMPONENT, checkRegistry, McpAgent, McpAgentDefinition } from './mcp-agent';
import { McpAgentResource, McpAgentResourceProps, validatedByAgent } from './mcp-agent-resource';
import { IMcpMeshRegistry } from './mesh-registry';
import { MeshShared, withMeshShared } from './mesh-shared';
import { validateAgainst } from './spec-schema';

/**
 * How agents are delivered:
 * - `workloads`: Deployments, Services and the derived NetworkPolicies (any cluster);
 * - `custom-resources`: MCPAgent objects only, for a controller that renders the workloads
 *   (needs the CRD from crds.k8s.yaml first; no NetworkPolicies, the controller owns them);
 * - `both`: the workloads, plus MCPAgent objects annotated `mesh.mcp.io/workloads: chart` as
 *   the inventory `kubectl get mcpa` shows (a controller may report status, never create pods).
 */
export type AgentDelivery = 'workloads' | 'custom-resources' | 'both';

/** Props of {@link McpAgentMesh}. */
export interface McpAgentMeshProps {
  /** The registry every agent registers with (its Service name is reserved: no agent may take it). */
  readonly registry: IMcpMeshRegistry;
  /** The agents; names must be unique. */
  readonly agents: readonly McpAgentDefinition[];
  /** What to render for each agent. @default 'workloads' */
  readonly delivery?: AgentDelivery;
  /** Render the agents' NetworkPolicies (with workloads); an agent may opt out with `networkPolicy.enabled: false`. @default true */
  readonly networkPolicies?: boolean;
  /**
   * Where Prometheus and DNS run, for agents that do not set `networkPolicy.clusterNetwork`.
   * @default - the chart's connectivity model's (kube-prometheus-stack in `monitoring`, CoreDNS)
   */
  readonly clusterNetwork?: ClusterNetwork;
}

/**
 * The agents of one environment and the capability graph between them. Every dependency is
 * resolved at synth against the capabilities of the mesh's agents (semver ranges): a required
 * dependency nobody satisfies fails with the agent, the dependency and what is available; an
 * optional one becomes a {@link warnings} entry. Cycles are allowed, since MCP Mesh injects
 * dependencies at runtime as providers register, so no start order is needed; they are
 * reported in {@link graph}.cycles and in the graph file.
 *
 * Every agent is a workload of the chart's connectivity model and a member of the mesh's
 * {@link group} (all agent pods), through which the registry admits the agents and other
 * components (the tool registry, MCP servers) admit them too. Each resolved edge becomes a flow
 * from the consumer to the provider's HTTP port, so the consumer's egress and the provider's
 * ingress allow exactly the resolved edges; besides them an agent's NetworkPolicy allows the
 * registry, DNS, Prometheus, its declared clients, tracing and its extra egress (see
 * {@link McpAgent}). When any agent asks for a dashboard, the mesh renders one for all agents of
 * the namespace instead of one per agent.
 * @throws McpConfigError for duplicate names, a name taken by the registry, or an
 * unresolved required dependency; at synth for a `networkPolicy.clients[].workload` the
 * environment does not render
 */
export class McpAgentMesh extends Construct {
  /** The resolved capability graph. */
  public readonly graph: CapabilityGraph;
  /** Agent workloads by name (empty with delivery `custom-resources`). */
  public readonly agents: ReadonlyMap<string, McpAgent>;
  /** MCPAgent custom resources by name (empty with delivery `workloads`). */
  public readonly resources: ReadonlyMap<string, McpAgentResource>;
  /** Unresolved optional dependencies, one message each. */
  public readonly warnings: readonly string[];
  /** The delivery mode in use. */
  public readonly delivery: AgentDelivery;
  /**
   * All agent pods of the namespace (selected by the labels every agent carries), in the chart's
   * connectivity model: connect it to a component the agents call (`agents -> tool registry`),
   * or admit it on a server. It exists with every delivery; with `custom-resources` its members'
   * policies are the controller's.
   */
  public readonly group: WorkloadGroup;
  private readonly definitions: readonly McpAgentDefinition[];

  public constructor(scope: Construct, id: string, props: McpAgentMeshProps) {
    super(scope, id);
    this.delivery = props.delivery ?? 'workloads';
    checkRegistry(this, 'registry', props.registry);
    if (!Array.isArray(props.agents)) invalid(this, 'agents', props.agents, 'use a list of agent definitions');
    // One cluster network is usually every agent's: checked once, then skipped in each agent's checks.
    const clusterNetwork = conformingValue('ClusterNetwork', props.clusterNetwork);
    this.checkNames(props, clusterNetwork);
    const definitions = props.agents;
    this.definitions = definitions;
    const dashboard = definitions.some(d => d.monitoring?.dashboard);
    this.group = agentsGroup(this);
    connectAgentsToRegistry(this, this.group, props.registry);
    const networkPolicies = props.networkPolicies ?? true;
    const agents = new Map<string, McpAgent>();
    const resources = new Map<string, McpAgentResource>();
    const scopes = new Map<string, IConstruct>();
    if (this.delivery !== 'custom-resources') {
      const shared = this.sharedWithAgents(props, clusterNetwork);
      for (const def of definitions) {
        const monitoring = def.monitoring?.dashboard ? { ...def.monitoring, dashboard: false } : def.monitoring;
        const agentProps = { ...def, monitoring, networkPolicy: agentNetworkPolicy(def, props.clusterNetwork, networkPolicies), registry: props.registry };
        const agent = new McpAgent(this, def.name, withMeshShared(agentProps, shared));
        agents.set(def.name, agent);
        scopes.set(def.name, agent);
      }
    }
    if (this.delivery !== 'workloads') {
      const crScope = new Construct(this, 'resources');
      for (const { name, ...spec } of definitions) {
        const crProps: McpAgentResourceProps = {
          name, spec: { ...spec, registryUrl: props.registry.url }, workloads: this.delivery === 'both' ? 'chart' : 'controller',
        };
        // With `both`, the agent of the same definition has validated the spec already.
        const cr = new McpAgentResource(crScope, name, agents.has(name) ? validatedByAgent(crProps) : crProps);
        resources.set(name, cr);
        if (!scopes.has(name)) scopes.set(name, cr);
      }
    }
    this.agents = agents;
    this.resources = resources;

    this.graph = new CapabilityGraph(definitions);
    const warnings: string[] = [];
    for (const u of this.graph.unresolved) {
      const scopeOf = scopes.get(u.consumer)!;
      const field = `dependencies[${u.index}]`;
      if (!u.optional) invalid(scopeOf, field, { name: u.capability, version: u.range }, this.graph.describeUnresolved(u));
      warnings.push(`${scopeOf.node.path}: optional ${field} ${u.capability} ${JSON.stringify(u.range)} is unresolved: ${this.graph.describeUnresolved(u)}`);
    }
    this.warnings = warnings;

    this.connectEdges(agents);
    if (this.delivery !== 'custom-resources' && dashboard) this.renderDashboard();
  }

  /** Replicas per agent for the graph file: `3`, or `2-10 (HPA)` when autoscaled. */
  public replicaSummary(): Map<string, string> {
    return new Map(this.definitions.map(d => {
      const agent = this.agents.get(d.name);
      const autoscaled = d.autoscaling && d.autoscaling.enabled !== false;
      return [d.name, autoscaled ? `${agent?.minReplicas ?? d.autoscaling!.minReplicas ?? 2}-${d.autoscaling!.maxReplicas} (HPA)` : String(d.replicas ?? 1)];
    }));
  }

  /**
   * What every agent would otherwise check and compute alike. The props the mesh builds pass the
   * McpAgentProps schema when the definition does (checkNames) and so does the cluster network
   * the mesh adds; else the agent walks the schema itself, so that it reports the problem as before.
   */
  private sharedWithAgents(props: McpAgentMeshProps, clusterNetwork: ConformingValues): MeshShared {
    const specClusterNetwork = MCP_AGENT_SPEC_SCHEMA.properties.networkPolicy.properties.clusterNetwork;
    const specValid = props.clusterNetwork !== undefined && validateAgainst(specClusterNetwork, props.clusterNetwork).length === 0;
    const registryUrl = props.registry.url;
    return {
      propsChecked: props.clusterNetwork === undefined || clusterNetwork.byRef.size > 0,
      knownValid: { values: new Map(specValid ? [[specClusterNetwork, props.clusterNetwork]] : []), ranges: new Set() },
      registryUrl,
      group: this.group,
      constants: agentConstants(registryUrl),
      defaultImage: parseImageProp(this, 'image', AGENT_RUNTIME.image),
      defaultResources: resolveResources(this, 'resources', undefined, AGENT_RESOURCES),
    };
  }

  private checkNames(props: McpAgentMeshProps, clusterNetwork: ConformingValues): void {
    const seen = new Map<string, number>();
    const checked = CHECKED_DEFINITIONS.has(props.agents);
    props.agents.forEach((a, i) => {
      if (!checked) checkProps(this, 'McpAgentDefinition', a, `agents[${i}]`, clusterNetwork);
      const first = seen.get(a.name);
      if (first !== undefined) invalid(this, `agents[${i}].name`, a.name, `agents[${first}] already uses it: agent names are Deployment and Service names and must be unique`);
      if (a.name === props.registry.service.name) invalid(this, `agents[${i}].name`, a.name, "the registry's Service has this name: choose another agent name");
      seen.set(a.name, i);
    });
  }

  /**
   * Each resolved consumer -> provider pair is a flow to the provider's HTTP port: the consumer's
   * egress rule and the provider's ingress rule. One flow per pair, whatever the number of
   * capabilities it resolves (they are the reason).
   */
  private connectEdges(agents: ReadonlyMap<string, McpAgent>): void {
    if (agents.size === 0) return;
    const model = Connectivity.of(this);
    const pairs = new Map<string, { consumer: string; provider: string; capabilities: string[] }>();
    for (const e of this.graph.edges) {
      const key = `${e.consumer}\u0000${e.provider}`;
      const pair = pairs.get(key) ?? { consumer: e.consumer, provider: e.provider, capabilities: [] };
      pair.capabilities.push(e.capability);
      pairs.set(key, pair);
    }
    for (const p of pairs.values()) {
      model.connect(agents.get(p.consumer)!.workload, agents.get(p.provider)!.apiEndpoint, `calls ${p.capabilities.join(', ')}`);
    }
  }

  private renderDashboard(): void {
    const namespace = Chart.of(this).namespace;
    if (!namespace) invalid(this, 'agents[].monitoring.dashboard', true, 'the dashboard selects the agents\' namespace: give the chart a namespace');
    createAgentDashboard(this, 'dashboard', {
      name: 'mcp-mesh-agents', namespace, title: `MCP Mesh agents (${namespace})`,
      labels: recommendedLabels({ name: 'mcp-mesh-agents', instance: 'mcp-mesh-agents', component: AGENT_COMPONENT, version: AGENT_RUNTIME.version }),
    });
  }
}

// Definition lists their maker has checked against McpAgentDefinition already (the platform chart
// walks the whole environment before any construct exists): a mesh given that very list does not
// walk it again (speed). Only the maker's fresh list is in it, so nothing can change after the check.
const CHECKED_DEFINITIONS = new WeakSet<readonly McpAgentDefinition[]>();

/**
 * Marks `definitions`, a list the caller has just built and checked (every item conforms to the
 * McpAgentDefinition schema), so that the mesh it is given to does not check it again.
 * @internal
 */
export function checkedDefinitions<T extends readonly McpAgentDefinition[]>(definitions: T): T {
  CHECKED_DEFINITIONS.add(definitions);
  return definitions;
}

/** The agent's own `networkPolicy`, completed with the mesh's cluster network and switch. */
function agentNetworkPolicy(def: McpAgentDefinition, clusterNetwork: ClusterNetwork | undefined, render: boolean): McpAgentDefinition['networkPolicy'] {
  const own = def.networkPolicy;
  if (!clusterNetwork && render) return own;
  return {
    ...own,
    ...(own?.clusterNetwork ?? clusterNetwork ? { clusterNetwork: own?.clusterNetwork ?? clusterNetwork } : {}),
    ...(render ? {} : { enabled: false }),
  };
}
