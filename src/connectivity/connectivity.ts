import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { McpConfigError } from '../common/errors';
import { ClusterNetwork, DEFAULT_CLUSTER_NETWORK, DNS_PORTS, NetworkPeer, NetworkPort } from '../common/network';
import { ClientPeer } from './client-peer';
import { networkPolicySpec, portsKey } from './network-policy-spec';

/**
 * Pods of the platform the model knows by name: a Deployment's, StatefulSet's or Job's pods.
 * Flows into and out of it become its NetworkPolicy's ingress and egress rules.
 */
export interface Workload {
  readonly kind: 'workload';
  /** Name in the connectivity document and in `clients: [{ workload }]`; usually the object name. */
  readonly name: string;
  /** Component it belongs to, e.g. 'Registry'. */
  readonly component: string;
  readonly namespace: string;
  /** Labels of its pods. */
  readonly podSelector: Readonly<Record<string, string>>;
  /** Groups whose flows it shares (e.g. every agent is in the 'agents' group). */
  readonly groups: readonly WorkloadGroup[];
  /** Directions its NetworkPolicy isolates; none when it renders no NetworkPolicy. */
  readonly isolation: { readonly ingress: boolean; readonly egress: boolean };
  /** Name of its NetworkPolicy, when it renders one. */
  readonly policyName?: string;
}

/**
 * Several workloads matched by one selector (all agents): a flow from a group is rendered as
 * one peer on the server side and as an egress rule on each member.
 */
export interface WorkloadGroup {
  readonly kind: 'group';
  readonly name: string;
  readonly component: string;
  readonly namespace: string;
  readonly podSelector: Readonly<Record<string, string>>;
}

/** Something outside the platform's workloads: Prometheus, the ingress controller, DNS, a declared client, an external database. */
export interface ExternalEndpoint {
  readonly kind: 'external';
  /** What it is, for the document, e.g. 'Prometheus' or 'core platform (10.0.0.0/8)'. */
  readonly name: string;
  readonly peer: NetworkPeer;
}

/** One end of a flow. */
export type Endpoint = Workload | WorkloadGroup | ExternalEndpoint;

/** What a client connects to: a workload (or group) and the ports it listens on. */
export interface ServiceEndpoint {
  readonly target: Workload | WorkloadGroup | ExternalEndpoint;
  readonly ports: readonly NetworkPort[];
}

/** One allowed connection: `from` may open connections to `to` on `ports`, because of `reason`. */
export interface Flow {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly ports: readonly NetworkPort[];
  readonly reason: string;
}

/** Options of {@link Connectivity.addWorkload}. */
export interface AddWorkloadOptions {
  readonly name: string;
  readonly component: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  readonly podSelector: Record<string, string>;
  readonly groups?: WorkloadGroup[];
  /**
   * Render the workload's NetworkPolicy (in `scope`, id `network-policy`), isolating the given
   * directions; `false` renders none (the workload's pods are then not isolated).
   */
  readonly networkPolicy: false | {
    readonly name: string;
    readonly labels: Record<string, string>;
    readonly ingress: boolean;
    readonly egress: boolean;
    /** Construct id. @default 'network-policy' */
    readonly id?: string;
  };
  /** DNS pods: an egress-isolated workload gets a DNS flow. @default - no DNS flow */
  readonly dns?: NetworkPeer;
}

// A client named by workload name whose server is known only once the whole chart is composed.
interface NamedClient {
  readonly scope: IConstruct;
  readonly field: string;
  readonly client: ClientPeer;
  readonly server: ServiceEndpoint;
  readonly reason: string;
}

const models = new WeakMap<Chart, Connectivity>();

/**
 * The connectivity model of one chart (one environment): its workloads and every flow between
 * them and the outside. It is the one source of both sides of every NetworkPolicy: a flow between
 * two workloads becomes the server's ingress rule and the client's egress rule, so no allowance
 * exists on one side only and no rule is wider than a flow. It is also what the connectivity
 * document in `dist/<env>/connectivity.md` shows.
 */
export class Connectivity {
  /** The model of the chart `scope` belongs to (created on first use). */
  public static of(scope: IConstruct): Connectivity {
    const chart = Chart.of(scope);
    let model = models.get(chart);
    if (!model) {
      model = new Connectivity(chart);
      models.set(chart, model);
    }
    return model;
  }

  /** An endpoint outside the platform's workloads. */
  public static external(name: string, peer: NetworkPeer): ExternalEndpoint {
    return { kind: 'external', name, peer };
  }

  private readonly workloadsByName = new Map<string, Workload[]>();
  private readonly allWorkloads: Workload[] = [];
  private readonly allGroups: WorkloadGroup[] = [];
  private readonly allFlows: Flow[] = [];
  private readonly flowKeys = new Set<string>();
  private readonly inbound = new Map<Endpoint, Flow[]>();
  private readonly outbound = new Map<Endpoint, Flow[]>();
  private readonly named: NamedClient[] = [];
  private namedResolved = false;
  /** Where Prometheus, the ingress controller and DNS run, for workloads the chart adds on its own (the secret generator). */
  public clusterNetwork: ClusterNetwork = DEFAULT_CLUSTER_NETWORK;

  private constructor(private readonly chart: Chart) {
    chart.node.addValidation({ validate: () => this.validateNamedClients() });
  }

  /** The workloads, in the order they were added. */
  public get workloads(): readonly Workload[] {
    this.resolveNamedClients();
    return this.allWorkloads;
  }

  /** The groups, in the order they were added. */
  public get groups(): readonly WorkloadGroup[] {
    return this.allGroups;
  }

  /** Every flow, in the order it was declared (named clients resolved). */
  public get flows(): readonly Flow[] {
    this.resolveNamedClients();
    return this.allFlows;
  }

  /** A group of workloads selected by `podSelector` (e.g. all agents). */
  public addGroup(options: { name: string; component: string; namespace?: string; podSelector: Record<string, string> }): WorkloadGroup {
    const group: WorkloadGroup = {
      kind: 'group',
      name: options.name,
      component: options.component,
      namespace: options.namespace ?? this.defaultNamespace(),
      podSelector: { ...options.podSelector },
    };
    this.allGroups.push(group);
    return group;
  }

  /**
   * Adds pods of the platform and, unless `networkPolicy` is false, renders their NetworkPolicy
   * in `scope`. The policy's rules are produced at synth from the flows declared until then.
   */
  public addWorkload(scope: Construct, options: AddWorkloadOptions): Workload {
    const policy = options.networkPolicy;
    const workload: Workload = {
      kind: 'workload',
      name: options.name,
      component: options.component,
      namespace: options.namespace ?? this.defaultNamespace(),
      podSelector: { ...options.podSelector },
      groups: [...(options.groups ?? [])],
      isolation: policy ? { ingress: policy.ingress, egress: policy.egress } : { ingress: false, egress: false },
      policyName: policy ? policy.name : undefined,
    };
    this.allWorkloads.push(workload);
    this.workloadsByName.set(workload.name, [...(this.workloadsByName.get(workload.name) ?? []), workload]);
    if (policy) {
      // A NetworkPolicy whose rules come from flows that are complete only once every component
      // is composed: cdk8s-plus's NetworkPolicy takes rules only imperatively (with a construct
      // per peer, which costs at 10,000 agents), and the spec is built as JSON (networkPolicySpec).
      new ApiObject(scope, policy.id ?? 'network-policy', {
        ...k8s.KubeNetworkPolicy.GVK,
        metadata: { name: policy.name, namespace: options.namespace, labels: policy.labels },
        spec: Lazy.any({ produce: () => networkPolicySpec(workload, this.flowsInto(workload), this.flowsOutOf(workload)) }),
      });
    }
    if (options.dns && workload.isolation.egress) {
      this.allow({ from: workload, to: Connectivity.external('cluster DNS', options.dns), ports: DNS_PORTS, reason: 'name resolution' });
    }
    return workload;
  }

  /**
   * Allows `from` to connect to `to` on `ports`. Declaring the same flow twice keeps the first.
   * @throws Error when `ports` is empty: every flow names its ports
   */
  public allow(flow: Flow): void {
    if (flow.ports.length === 0) throw new Error(`flow ${endpointLabel(flow.from)} -> ${endpointLabel(flow.to)} names no port`);
    const key = `${endpointKey(flow.from)}>${endpointKey(flow.to)}>${portsKey(flow.ports)}`;
    if (this.flowKeys.has(key)) return;
    this.flowKeys.add(key);
    this.allFlows.push(flow);
    push(this.inbound, flow.to, flow);
    push(this.outbound, flow.from, flow);
  }

  /** Allows `client` to connect to `server` on all of the server's ports. */
  public connect(client: Endpoint, server: ServiceEndpoint, reason: string): void {
    this.allow({ from: client, to: server.target, ports: server.ports, reason });
  }

  /**
   * Admits a component's declared clients (`networkPolicy.clients`) to `server`. A client that
   * names a `workload` of the environment is resolved at synth, so both its egress and the
   * server's ingress follow; any other client is a peer outside the platform (ingress only).
   * @throws McpConfigError (at synth) for a workload name the environment does not render
   */
  public admitClients(scope: IConstruct, field: string, clients: readonly ClientPeer[], server: ServiceEndpoint, reason: string): void {
    clients.forEach((client, i) => {
      if (client.workload !== undefined) {
        this.named.push({ scope, field: `${field}[${i}].workload`, client, server, reason });
        this.namedResolved = false;
      } else {
        this.connect(Connectivity.external(describePeer(client), client), server, reason);
      }
    });
  }

  /** Workloads named `name` (`<namespace>/<name>` picks one namespace). */
  public findWorkloads(name: string): Workload[] {
    const [ns, n] = name.includes('/') ? name.split('/', 2) : [undefined, name];
    return (this.workloadsByName.get(n) ?? []).filter(w => ns === undefined || w.namespace === ns);
  }

  /** Flows whose server side is `workload` or one of its groups. */
  public flowsInto(workload: Workload): Flow[] {
    this.resolveNamedClients();
    return flowsOf(this.inbound, workload);
  }

  /** Flows whose client side is `workload` or one of its groups. */
  public flowsOutOf(workload: Workload): Flow[] {
    this.resolveNamedClients();
    return flowsOf(this.outbound, workload);
  }

  private resolveNamedClients(): void {
    if (this.namedResolved) return;
    this.namedResolved = true;
    for (const n of this.named) {
      const matches = this.findWorkloads(n.client.workload!);
      if (matches.length === 1) this.connect(matches[0], n.server, n.reason);
    }
  }

  private validateNamedClients(): string[] {
    for (const n of this.named) {
      const matches = this.findWorkloads(n.client.workload!);
      if (matches.length === 1) continue;
      const known = [...this.workloadsByName.keys()].sort().join(', ');
      const fix = matches.length === 0
        ? `name a workload this environment renders (${known}), or describe a peer outside it with namespace/podLabels/cidr`
        : `the name is ambiguous: write it as <namespace>/${n.client.workload}`;
      throw new McpConfigError(n.scope.node.path, n.field, n.client.workload, fix);
    }
    return [];
  }

  private defaultNamespace(): string {
    return this.chart.namespace ?? 'default';
  }
}

/** A readable label of a peer outside the platform, e.g. `namespace batch, app=etl` or `10.0.0.0/8`. */
export function describePeer(peer: NetworkPeer): string {
  if (peer.cidr) return peer.cidr;
  const labels = Object.entries(peer.podLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  if (peer.namespace && labels) return `namespace ${peer.namespace}, pods ${labels}`;
  if (peer.namespace) return `namespace ${peer.namespace}`;
  return labels ? `pods ${labels}` : 'every pod of the namespace';
}

/** Name of an endpoint as the document shows it (a group marked as such). */
export function endpointLabel(e: Endpoint): string {
  return e.kind === 'group' ? `${e.name} (group)` : e.name;
}

function endpointKey(e: Endpoint): string {
  if (e.kind === 'external') return `external:${e.name}:${JSON.stringify(e.peer)}`;
  return `${e.kind}:${e.namespace}/${e.name}`;
}

// The flows of a workload and then of each of its groups, in one array (built for every policy).
function flowsOf(byEndpoint: Map<Endpoint, Flow[]>, workload: Workload): Flow[] {
  const flows = [...(byEndpoint.get(workload) ?? [])];
  for (const group of workload.groups) {
    for (const flow of byEndpoint.get(group) ?? []) flows.push(flow);
  }
  return flows;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
