import { Construct, IConstruct } from 'constructs';
import { invalid } from '../common/errors';
import { ClusterNetwork, DEFAULT_CLUSTER_NETWORK } from '../common/network';
import { createAgentNetworkPolicy } from './agent-network-policy';
import { McpAgentSpec } from './agent-spec';
import { CapabilityGraph } from './capability-graph';
import { AgentRegistryHandle, McpAgent, McpAgentDefinition } from './mcp-agent';
import { McpAgentResource } from './mcp-agent-resource';

/**
 * How agents are delivered:
 * - `workloads`: Deployments, Services and the derived NetworkPolicies (any cluster);
 * - `custom-resources`: MCPAgent objects only, for a controller that renders the workloads
 *   (needs the CRD from crds.k8s.yaml first; no NetworkPolicies, the controller owns them);
 * - `both`: the workloads, plus MCPAgent objects annotated `mesh.mcp.io/workloads: chart` as
 *   the inventory `kubectl get mcpa` shows (a controller may report status, never create pods).
 */
export type AgentDelivery = 'workloads' | 'custom-resources' | 'both';

/** The registry an agent mesh registers with: the Registry construct satisfies it. */
export interface MeshRegistryHandle extends AgentRegistryHandle {
  /** The registry's client Service (its name is reserved: no agent may take it). */
  readonly service: { readonly name: string };
}

/** Props of {@link McpAgentMesh}. */
export interface McpAgentMeshProps {
  /** The registry every agent registers with. */
  readonly registry: MeshRegistryHandle;
  /** The agents; names must be unique. */
  readonly agents: readonly McpAgentDefinition[];
  /** What to render for each agent. @default 'workloads' */
  readonly delivery?: AgentDelivery;
  /** Render the graph-derived NetworkPolicies (with workloads). @default true */
  readonly networkPolicies?: boolean;
  /** Where Prometheus and DNS run. @default DEFAULT_CLUSTER_NETWORK */
  readonly clusterNetwork?: ClusterNetwork;
  /** `monitoring` of agents that leave it unset (e.g. ServiceMonitor when Prometheus Operator runs). @default 'None' */
  readonly defaultMonitoring?: NonNullable<McpAgentSpec['monitoring']>;
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
 * resolved edges (plus registry, Prometheus, DNS and declared extra egress).
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
    this.checkNames(props);
    const definitions = props.agents.map(a => (a.monitoring || !props.defaultMonitoring ? a : { ...a, monitoring: props.defaultMonitoring }));
    this.definitions = definitions;
    const agents = new Map<string, McpAgent>();
    const resources = new Map<string, McpAgentResource>();
    const scopes = new Map<string, IConstruct>();
    if (this.delivery !== 'custom-resources') {
      for (const def of definitions) {
        const agent = new McpAgent(this, def.name, { ...def, registry: props.registry });
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
  }

  /** Replicas per agent for the graph file: `3`, or `2-10 (HPA)` when autoscaled. */
  public replicaSummary(): Map<string, string> {
    return new Map(this.definitions.map(d => [d.name, d.autoscaling ? `${d.autoscaling.minReplicas}-${d.autoscaling.maxReplicas} (HPA)` : String(d.replicas ?? 1)]));
  }

  private checkNames(props: McpAgentMeshProps): void {
    const seen = new Map<string, number>();
    props.agents.forEach((a, i) => {
      const first = seen.get(a.name);
      if (first !== undefined) invalid(this, `agents[${i}].name`, a.name, `agents[${first}] already uses it: agent names are Deployment and Service names and must be unique`);
      if (a.name === props.registry.service.name) invalid(this, `agents[${i}].name`, a.name, "the registry's Service has this name: choose another agent name");
      seen.set(a.name, i);
    });
  }

  private renderNetworkPolicies(props: McpAgentMeshProps, agents: Map<string, McpAgent>): void {
    const clusterNetwork = props.clusterNetwork ?? DEFAULT_CLUSTER_NETWORK;
    for (const agent of agents.values()) {
      const subject = (a: McpAgent) => ({ name: a.name, selector: a.selector, labels: a.labels, egress: a.spec.egress });
      createAgentNetworkPolicy(agent, 'network-policy', {
        agent: subject(agent),
        consumers: this.graph.consumersOf(agent.name).map(n => subject(agents.get(n)!)),
        providers: this.graph.providersOf(agent.name).map(n => subject(agents.get(n)!)),
        registry: { selector: props.registry.selector, port: props.registry.port },
        clusterNetwork,
      });
    }
  }
}
