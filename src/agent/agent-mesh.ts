import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { invalid } from '../common/errors';
import { checkProps } from '../common/props-schema';
import { recommendedLabels } from '../common/labels';
import { ClusterNetwork, DEFAULT_CLUSTER_NETWORK } from '../common/network';
import { Connectivity } from '../connectivity/connectivity';
import { createAgentDashboard } from './agent-monitoring';
import { createAgentNetworkPolicy } from './agent-network-policy';
import { AGENT_RUNTIME } from './agent-runtime';
import { CapabilityGraph } from './capability-graph';
import { AGENT_COMPONENT, AGENT_POD_LABELS, checkRegistry, McpAgent, McpAgentDefinition } from './mcp-agent';
import { McpAgentResource } from './mcp-agent-resource';
import { IMcpMeshRegistry } from './mesh-registry';

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
  /** Render the graph-derived NetworkPolicies (with workloads); an agent may opt out with `networkPolicy.enabled: false`. @default true */
  readonly networkPolicies?: boolean;
  /** Where Prometheus and DNS run. @default DEFAULT_CLUSTER_NETWORK */
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
 * From the resolved graph it derives one NetworkPolicy per agent that allows exactly the
 * resolved edges (plus registry, Prometheus, DNS, declared clients, tracing and extra egress).
 * When any agent asks for a dashboard, the mesh renders one for all agents of the namespace
 * instead of one per agent.
 * @throws McpConfigError for duplicate names, a name taken by the registry, or an
 * unresolved required dependency
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
  private readonly definitions: readonly McpAgentDefinition[];

  public constructor(scope: Construct, id: string, props: McpAgentMeshProps) {
    super(scope, id);
    this.delivery = props.delivery ?? 'workloads';
    checkRegistry(this, 'registry', props.registry);
    if (!Array.isArray(props.agents)) invalid(this, 'agents', props.agents, 'use a list of agent definitions');
    this.checkNames(props);
    const definitions = props.agents;
    this.definitions = definitions;
    const dashboard = definitions.some(d => d.monitoring?.dashboard);
    const agents = new Map<string, McpAgent>();
    const resources = new Map<string, McpAgentResource>();
    const scopes = new Map<string, IConstruct>();
    if (this.delivery !== 'custom-resources') {
      for (const def of definitions) {
        const monitoring = def.monitoring?.dashboard ? { ...def.monitoring, dashboard: false } : def.monitoring;
        const agent = new McpAgent(this, def.name, { ...def, monitoring, registry: props.registry });
        agents.set(def.name, agent);
        scopes.set(def.name, agent);
      }
    }
    if (this.delivery !== 'workloads') {
      const crScope = new Construct(this, 'resources');
      for (const { name, ...spec } of definitions) {
        const cr = new McpAgentResource(crScope, name, {
          name, spec: { ...spec, registryUrl: props.registry.url }, workloads: this.delivery === 'both' ? 'chart' : 'controller',
        });
        resources.set(name, cr);
        if (!scopes.has(name)) scopes.set(name, cr);
      }
    }
    this.agents = agents;
    this.resources = resources;
    // Transitional, until the agents' own policies come from the connectivity model: the registry's
    // side of the agents' flow (their egress rule to the registry is still rendered above).
    if (props.registry.workload && definitions.length > 0) {
      Connectivity.of(this).allow({
        from: Connectivity.external('MCP Mesh agents', { podLabels: { ...AGENT_POD_LABELS } }),
        to: props.registry.workload, ports: [{ port: props.registry.port }], reason: 'register, heartbeat, resolve dependencies',
      });
    }

    this.graph = new CapabilityGraph(definitions);
    const warnings: string[] = [];
    for (const u of this.graph.unresolved) {
      const scopeOf = scopes.get(u.consumer)!;
      const field = `dependencies[${u.index}]`;
      if (!u.optional) invalid(scopeOf, field, { name: u.capability, version: u.range }, this.graph.describeUnresolved(u));
      warnings.push(`${scopeOf.node.path}: optional ${field} ${u.capability} ${JSON.stringify(u.range)} is unresolved: ${this.graph.describeUnresolved(u)}`);
    }
    this.warnings = warnings;

    if (this.delivery !== 'custom-resources' && (props.networkPolicies ?? true)) {
      this.renderNetworkPolicies(props, agents);
    }
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

  private checkNames(props: McpAgentMeshProps): void {
    const seen = new Map<string, number>();
    props.agents.forEach((a, i) => {
      checkProps(this, 'McpAgentDefinition', a, `agents[${i}]`);
      const first = seen.get(a.name);
      if (first !== undefined) invalid(this, `agents[${i}].name`, a.name, `agents[${first}] already uses it: agent names are Deployment and Service names and must be unique`);
      if (a.name === props.registry.service.name) invalid(this, `agents[${i}].name`, a.name, "the registry's Service has this name: choose another agent name");
      seen.set(a.name, i);
    });
  }

  private renderNetworkPolicies(props: McpAgentMeshProps, agents: Map<string, McpAgent>): void {
    const clusterNetwork = props.clusterNetwork ?? DEFAULT_CLUSTER_NETWORK;
    const subject = (a: McpAgent) => ({ name: a.name, selector: a.selector, labels: a.labels, egress: a.spec.egress, clients: a.spec.networkPolicy?.clients, tracing: a.spec.tracing });
    for (const agent of agents.values()) {
      if (agent.spec.networkPolicy?.enabled === false) continue;
      createAgentNetworkPolicy(agent, 'network-policy', {
        agent: subject(agent),
        consumers: this.graph.consumersOf(agent.name).map(n => subject(agents.get(n)!)),
        providers: this.graph.providersOf(agent.name).map(n => subject(agents.get(n)!)),
        registry: { selector: { ...props.registry.selector }, port: props.registry.port },
        clusterNetwork,
      });
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
