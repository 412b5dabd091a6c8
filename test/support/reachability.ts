/**
 * A NetworkPolicy evaluator over rendered manifests, independent of the connectivity model that
 * produced them: it reads only the objects a cluster would receive and applies the Kubernetes
 * semantics (networking.k8s.io/v1):
 * - a pod is isolated for a direction iff some NetworkPolicy of its namespace selects it and
 *   lists that direction in `policyTypes` (absent: Ingress, plus Egress when `egress` is set);
 * - a connection is allowed iff the client's egress allows it (or the client is not
 *   egress-isolated) AND the server's ingress allows it (or the server is not ingress-isolated);
 * - a rule matches when one of its peers matches (`from`/`to` absent or empty: every peer) and one of its
 *   ports does (`ports` absent or empty: every port); `podSelector` alone selects pods of the
 *   policy's namespace, `namespaceSelector` alone every pod of the selected namespaces, both
 *   together the selected pods of the selected namespaces; namespaces carry the label
 *   `kubernetes.io/metadata.name` the API server sets;
 * - named ports resolve against the destination pod's container ports, `endPort` spans a range,
 *   protocols default to TCP.
 *
 * `ipBlock` is matched against addresses only, never against pods: whether a CNI matches pod IPs
 * with ipBlock differs (Cilium and GKE Dataplane V2 do not), so a rule that reaches an in-cluster
 * pod only through an ipBlock is treated as not reaching it.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { K8sObject, operatorPodLabels, podTemplates } from './invariants';

/** A container port a pod listens on. */
export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: string;
}

/** Pods: those of a rendered workload (`owner` set), or pods outside the chart (a Prometheus, a client). */
export interface PodEndpoint {
  readonly kind: 'pod';
  /** For messages, e.g. `Deployment mcp-dev/edge-mcp`. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly ContainerPort[];
  /** The workload (or operator resource) the pods come from; none for pods outside the chart. */
  readonly owner?: K8sObject;
}

/** Addresses outside the pod network (an API server, an external database), as a CIDR. */
export interface AddressEndpoint {
  readonly kind: 'address';
  readonly name: string;
  readonly cidr: string;
}

/** One side of a connection. */
export type NetEndpoint = PodEndpoint | AddressEndpoint;

/** A label selector as the API has it. */
export interface LabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A NetworkPolicyPeer as the API has it. */
export interface PolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { cidr: string; except?: string[] };
}

/** A NetworkPolicyPort as the API has it. */
export interface PolicyPort {
  readonly port?: number | string;
  readonly endPort?: number;
  readonly protocol?: string;
}

/** One ingress or egress rule of a rendered policy. */
export interface PolicyRule {
  readonly policy: K8sObject;
  readonly direction: Direction;
  /** Index in the policy's `ingress` or `egress` list. */
  readonly index: number;
  /** Undefined or empty: every peer. */
  readonly peers?: PolicyPeer[];
  /** Undefined or empty: every port. */
  readonly ports?: PolicyPort[];
}

export type Direction = 'Ingress' | 'Egress';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

// Ports of the pods CloudNativePG creates, from its instance and PgBouncer pod specs
// (cloudnative-pg pkg/specs/pods.go and pkg/specs/pgbouncer/deployments.go, v1.24).
const CNPG_INSTANCE_PORTS: ContainerPort[] = [{ name: 'postgresql', port: 5432, protocol: 'TCP' }, { name: 'metrics', port: 9187, protocol: 'TCP' }, { name: 'status', port: 8000, protocol: 'TCP' }];
const CNPG_POOLER_PORTS: ContainerPort[] = [{ name: 'pgbouncer', port: 5432, protocol: 'TCP' }, { name: 'metrics', port: 9127, protocol: 'TCP' }];

/** Whether `selector` selects `labels` (matchLabels and matchExpressions; `{}` selects everything). */
export function selects(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return byLabels && (selector.matchExpressions ?? []).every(e => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': return has && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return !has || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: throw new Error(`unknown label selector operator ${e.operator}`);
    }
  });
}

/** Pods outside the chart, for callers such as Prometheus or the ingress controller. */
export function outsidePods(name: string, namespace: string, labels: Record<string, string> = {}): PodEndpoint {
  return { kind: 'pod', name, namespace, labels, ports: [] };
}

/** Addresses outside the pod network. */
export function addresses(name: string, cidr: string): AddressEndpoint {
  return { kind: 'address', name, cidr };
}

/** The rendered objects' pods, Services, policies and namespaces, with the semantics above. */
export class Reachability {
  /** Pods of every rendered workload and of the operator resources (CloudNativePG) the chart renders. */
  public readonly pods: PodEndpoint[];
  public readonly policies: K8sObject[];
  public readonly services: K8sObject[];
  private readonly namespaces = new Map<string, Record<string, string>>();

  public constructor(public readonly objects: readonly K8sObject[]) {
    for (const ns of objects.filter(o => o.kind === 'Namespace')) this.namespaces.set(ns.metadata.name, { ...(ns.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: ns.metadata.name });
    this.pods = [
      ...podTemplates([...objects]).map(t => ({
        kind: 'pod' as const,
        name: `${t.owner.kind} ${t.owner.metadata.namespace}/${t.owner.metadata.name}`,
        namespace: t.owner.metadata.namespace ?? 'default',
        labels: t.labels,
        ports: (t.spec.containers ?? []).flatMap((c: any) => (c.ports ?? []).map((p: any) => ({ name: p.name, port: p.containerPort, protocol: p.protocol ?? 'TCP' }))),
        owner: t.owner,
      })),
      ...objects.flatMap(o => operatorPodLabels([o]).map(labels => ({
        kind: 'pod' as const,
        name: `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`,
        namespace: o.metadata.namespace ?? 'default',
        labels,
        ports: o.kind === 'Pooler' ? CNPG_POOLER_PORTS : CNPG_INSTANCE_PORTS,
        owner: o,
      }))),
    ];
    this.policies = objects.filter(o => o.kind === 'NetworkPolicy');
    this.services = objects.filter(o => o.kind === 'Service');
  }

  /** Whether the chart renders the Namespace `name`. */
  public rendersNamespace(name: string): boolean {
    return this.namespaces.has(name);
  }

  /** Labels of a namespace: a rendered Namespace's labels, or only its name label. */
  public namespaceLabels(name: string): Record<string, string> {
    return this.namespaces.get(name) ?? { [NAMESPACE_NAME_LABEL]: name };
  }

  /** The policies of the pod's namespace whose podSelector selects it. */
  public policiesSelecting(pod: PodEndpoint): K8sObject[] {
    return this.policies.filter(p => (p.metadata.namespace ?? 'default') === pod.namespace && selects(p.spec.podSelector ?? {}, pod.labels));
  }

  /** Whether some policy selecting the pod isolates `direction`; addresses are never isolated. */
  public isolated(e: NetEndpoint, direction: Direction): boolean {
    return e.kind === 'pod' && this.policiesSelecting(e).some(p => policyTypes(p).includes(direction));
  }

  /** Rules of `direction` of the policies that select `pod` and isolate that direction. */
  public rulesOf(pod: PodEndpoint, direction: Direction): PolicyRule[] {
    return this.policiesSelecting(pod).filter(p => policyTypes(p).includes(direction)).flatMap(p => rules(p, direction));
  }

  /** Every rule of every rendered policy. */
  public allRules(): PolicyRule[] {
    return this.policies.flatMap(p => policyTypes(p).flatMap(d => rules(p, d)));
  }

  /** Whether `client` may open a connection to `server` on `port`/`protocol` (both sides). */
  public allows(client: NetEndpoint, server: NetEndpoint, port: number, protocol = 'TCP'): boolean {
    return this.egressAllows(client, server, port, protocol) && this.ingressAllows(server, client, port, protocol);
  }

  /** The server's side: not ingress-isolated, or one of its ingress rules admits `client` on the port. */
  public ingressAllows(server: NetEndpoint, client: NetEndpoint, port: number, protocol = 'TCP'): boolean {
    if (server.kind !== 'pod' || !this.isolated(server, 'Ingress')) return true;
    return this.rulesOf(server, 'Ingress').some(r => this.ruleMatches(r, client, server, port, protocol));
  }

  /** The client's side: not egress-isolated, or one of its egress rules lets it reach `server` on the port. */
  public egressAllows(client: NetEndpoint, server: NetEndpoint, port: number, protocol = 'TCP'): boolean {
    if (client.kind !== 'pod' || !this.isolated(client, 'Egress')) return true;
    return this.rulesOf(client, 'Egress').some(r => this.ruleMatches(r, server, server, port, protocol));
  }

  /** Whether `rule` matches the `peer` (the other side) and the port on `destination`. */
  public ruleMatches(rule: PolicyRule, peer: NetEndpoint, destination: NetEndpoint, port: number, protocol: string): boolean {
    const ns = rule.policy.metadata.namespace ?? 'default';
    const peerOk = !rule.peers?.length || rule.peers.some(p => this.peerMatches(p, ns, peer));
    return peerOk && portMatches(rule.ports, destination, port, protocol);
  }

  /** Whether a rule's peer (of a policy in `policyNamespace`) matches the endpoint. */
  public peerMatches(peer: PolicyPeer, policyNamespace: string, e: NetEndpoint): boolean {
    if (peer.ipBlock) return e.kind === 'address' && cidrWithin(e.cidr, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some(x => cidrsOverlap(e.cidr, x));
    if (e.kind !== 'pod') return false;
    if (!peer.podSelector && !peer.namespaceSelector) return false; // an empty peer is invalid in the API
    const nsOk = peer.namespaceSelector ? selects(peer.namespaceSelector, this.namespaceLabels(e.namespace)) : e.namespace === policyNamespace;
    return nsOk && selects(peer.podSelector ?? {}, e.labels);
  }

  /** The rendered pods a peer of a policy in `policyNamespace` selects (none for an ipBlock). */
  public podsSelectedBy(peer: PolicyPeer, policyNamespace: string): PodEndpoint[] {
    return this.pods.filter(p => this.peerMatches(peer, policyNamespace, p));
  }

  /** The rendered pods a policy's podSelector selects. */
  public podsOfPolicy(policy: K8sObject): PodEndpoint[] {
    return this.pods.filter(p => p.namespace === (policy.metadata.namespace ?? 'default') && selects(policy.spec.podSelector ?? {}, p.labels));
  }

  /** The pods a Service selects, each with the container ports its Service ports target. */
  public serviceBackends(service: K8sObject): { pod: PodEndpoint; ports: ContainerPort[] }[] {
    const selector = service.spec.selector;
    if (!selector || Object.keys(selector).length === 0) return [];
    const ns = service.metadata.namespace ?? 'default';
    return this.pods.filter(p => p.namespace === ns && selects({ matchLabels: selector }, p.labels)).map(pod => ({
      pod,
      ports: (service.spec.ports ?? []).flatMap((sp: any) => targetPort(sp, pod)),
    }));
  }
}

/** The container port a Service port targets on `pod`, if the pod has it. */
export function targetPort(servicePort: any, pod: PodEndpoint): ContainerPort[] {
  const protocol = servicePort.protocol ?? 'TCP';
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return [{ port: target, protocol }];
  const named = pod.ports.find(p => p.name === target && p.protocol === protocol);
  return named ? [named] : [];
}

/** The policy's directions: `policyTypes`, or Ingress plus Egress when it has egress rules. */
export function policyTypes(policy: K8sObject): Direction[] {
  if (policy.spec.policyTypes) return policy.spec.policyTypes;
  return policy.spec.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

function rules(policy: K8sObject, direction: Direction): PolicyRule[] {
  const list: any[] = direction === 'Ingress' ? policy.spec.ingress ?? [] : policy.spec.egress ?? [];
  return list.map((r, index) => ({ policy, direction, index, peers: direction === 'Ingress' ? r.from : r.to, ports: r.ports }));
}

/** Whether a rule's ports admit `port`/`protocol` on `destination` (named ports resolve there). */
export function portMatches(ports: PolicyPort[] | undefined, destination: NetEndpoint, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some(p => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') {
      if (/^\d+$/.test(p.port)) return Number(p.port) === port;
      return destination.kind === 'pod' && destination.ports.some(c => c.name === p.port && c.protocol === protocol && c.port === port);
    }
    return p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port;
  });
}

/** The numeric ports (with protocol) a policy port stands for on `destination`. */
export function expandPort(p: PolicyPort, destination?: NetEndpoint): { port: number; protocol: string }[] {
  const protocol = p.protocol ?? 'TCP';
  if (p.port === undefined) return [];
  if (typeof p.port === 'string' && !/^\d+$/.test(p.port)) {
    return destination?.kind === 'pod' ? destination.ports.filter(c => c.name === p.port && c.protocol === protocol).map(c => ({ port: c.port, protocol })) : [];
  }
  const start = Number(p.port);
  const end = p.endPort ?? start;
  return Array.from({ length: Math.max(0, end - start + 1) }, (_, i) => ({ port: start + i, protocol }));
}

interface Range { readonly v6: boolean; readonly start: bigint; readonly end: bigint }

/** An IPv4 or IPv6 CIDR as an address range. */
export function parseCidr(cidr: string): Range {
  const [addr, bits] = cidr.split('/');
  const v6 = addr.includes(':');
  const width = v6 ? 128 : 32;
  const prefix = bits === undefined ? width : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > width) throw new Error(`invalid CIDR ${cidr}`);
  const value = v6 ? parseIpv6(addr) : parseIpv4(addr);
  const host = (1n << BigInt(width - prefix)) - 1n;
  const start = value & ~host & ((1n << BigInt(width)) - 1n);
  return { v6, start, end: start | host };
}

/** Whether every address of `inner` is in `outer`. */
export function cidrWithin(inner: string, outer: string): boolean {
  const a = parseCidr(inner);
  const b = parseCidr(outer);
  return a.v6 === b.v6 && a.start >= b.start && a.end <= b.end;
}

function cidrsOverlap(x: string, y: string): boolean {
  const a = parseCidr(x);
  const b = parseCidr(y);
  return a.v6 === b.v6 && a.start <= b.end && b.start <= a.end;
}

function parseIpv4(addr: string): bigint {
  const parts = addr.split('.').map(Number);
  if (parts.length !== 4 || parts.some(p => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`invalid IPv4 address ${addr}`);
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
}

function parseIpv6(addr: string): bigint {
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) throw new Error(`invalid IPv6 address ${addr}`);
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}
