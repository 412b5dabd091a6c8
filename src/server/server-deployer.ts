import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { recommendedLabels } from '../common/labels';
import { createRestrictedNamespace } from '../common/namespace';
import { ComponentNetworkPolicyOptions } from '../common/component-props';
import { invalid } from '../common/errors';
import { cpuMillicores, Quantity, quantityBytes } from '../common/quantity';
import { resolveResources, ResourceRequirements } from '../common/resources';
import { validateCidr, validateDnsLabel, validateInteger } from '../common/validation';
import { Connectivity, ServiceEndpoint, WorkloadGroup } from '../connectivity/connectivity';
import { BUILTIN_TEMPLATES } from './server-catalog';
import { SERVER_LABELS, SERVER_RESOURCES } from './server-runtime';

/** One RBAC rule: verbs on resources of an API group. */
export interface DeployerRule {
  readonly apiGroup: string;
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

const READ = ['get', 'list', 'watch'] as const;
const MANAGE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] as const;

/**
 * Exactly what the platform backend's four operations need in the servers namespace, and nothing else:
 * - deploy: create/update/patch Deployments, Services, ConfigMaps, Ingresses (and HPAs);
 * - list and status: read those, plus ReplicaSets, Pods, pod logs and Events (`kubectl describe`);
 * - delete: delete what deploy creates.
 *
 * No rights on Secrets (servers reference Secrets an administrator or external-secrets
 * creates; a Deployment referencing a Secret needs no Secret rights), no Pod create/delete
 * (the ReplicaSet controller owns pods), no `deletecollection`, no `escalate`/`bind`, no
 * cluster-scoped rights. setup-k8s.sh granted CRUD on pods and secrets instead.
 */
export function deployerRules(options: { autoscalers?: boolean } = {}): DeployerRule[] {
  return [
    { apiGroup: 'apps', resources: ['deployments'], verbs: [...MANAGE] },
    { apiGroup: 'apps', resources: ['replicasets'], verbs: [...READ] },
    { apiGroup: '', resources: ['configmaps', 'services'], verbs: [...MANAGE] },
    { apiGroup: '', resources: ['pods', 'events'], verbs: [...READ] },
    { apiGroup: '', resources: ['pods/log'], verbs: ['get'] },
    { apiGroup: 'networking.k8s.io', resources: ['ingresses'], verbs: [...MANAGE] },
    ...(options.autoscalers ?? true ? [{ apiGroup: 'autoscaling', resources: ['horizontalpodautoscalers'], verbs: [...MANAGE] }] : []),
  ];
}

/**
 * A cap on everything the servers namespace may run (guards against a runaway deployer).
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/
 */
export interface ServerNamespaceQuota {
  /** Sum of the CPU limits of all pods, as a quantity (`'8'`, `'8000m'`). */
  readonly cpu: Quantity;
  /** Sum of the memory limits of all pods, as a quantity (`'16Gi'`). */
  readonly memory: Quantity;
  /** Most pods. */
  readonly pods: number;
}

/** Props of {@link McpServerDeployer}. */
export interface McpServerDeployerProps {
  /** The servers namespace (RFC 1123 label). @default 'mcp-servers' */
  readonly namespace?: string;
  /** Render the Namespace (Pod Security `restricted`, labelled `managed-by=mcp-platform`). @default true */
  readonly createNamespace?: boolean;
  /**
   * The deployer's ServiceAccount, which the platform backend runs as.
   * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/
   * @default 'mcp-platform-deployer'
   */
  readonly serviceAccountName?: string;
  /**
   * Namespace of the ServiceAccount: the servers namespace (as setup-k8s.sh did), or the
   * namespace the platform backend runs in; the RoleBinding is always in the servers namespace.
   * @default - the servers namespace
   */
  readonly serviceAccountNamespace?: string;
  /** Render the deployer's ServiceAccount, Role and RoleBinding (false: namespace setup only). @default true */
  readonly rbac?: boolean;
  /** Let the deployer manage HorizontalPodAutoscalers. @default true */
  readonly manageAutoscalers?: boolean;
  /**
   * Default requests and limits for containers the deployer creates without any, via a
   * LimitRange (every server container here gets them explicitly).
   * @see https://kubernetes.io/docs/concepts/policy/limit-range/
   * @default 100m/128Mi requests, 500m/512Mi limits
   */
  readonly defaultContainerResources?: ResourceRequirements;
  /** A ResourceQuota on the namespace. @default - none */
  readonly quota?: ServerNamespaceQuota;
  /**
   * The namespace-wide NetworkPolicy for every pod of the servers namespace, so servers the
   * deployer creates at runtime are isolated too: it admits, on the servers' ports only, the
   * ingress controller (the Ingresses the deployer creates) and `clients`.
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   * @default - enabled
   */
  readonly networkPolicy?: ServersNetworkPolicyOptions;
}

/** The servers namespace's NetworkPolicy. */
export interface ServersNetworkPolicyOptions extends ComponentNetworkPolicyOptions {
  /**
   * TCP ports servers listen on (the templates' `port`s): the only ports callers are admitted on.
   * @default - the ports of the built-in templates (7071, 8080)
   */
  readonly ports?: number[];
}

/**
 * The deployer setup of setup-k8s.sh as a construct: the servers namespace labelled
 * `managed-by=mcp-platform`, the `mcp-platform-deployer` ServiceAccount, a namespace-scoped
 * Role with exactly {@link deployerRules} and its RoleBinding; plus what the script lacked: a
 * LimitRange and optional ResourceQuota, and a NetworkPolicy that admits only the gateway,
 * agents and ingress controller to every pod of the namespace, so servers the deployer
 * creates at runtime are isolated too (the deployer itself gets no NetworkPolicy rights).
 *
 * No long-lived token Secret is rendered and the ServiceAccount does not automount one:
 * in-cluster, the backend's pod mounts a projected, expiring token (`serviceAccountName`
 * plus `automountServiceAccountToken: true` on that pod); outside, `kubectl create token
 * mcp-platform-deployer -n <namespace> --duration=1h` mints a short-lived one.
 */
export class McpServerDeployer extends Construct {
  /** The servers namespace. */
  public readonly namespace: string;
  /** The deployer's ServiceAccount, unless `rbac` is false. */
  public readonly serviceAccount?: kplus.ServiceAccount;
  /** The Role's rules. */
  public readonly rules: DeployerRule[];
  /** Labels on every object of the deployer setup. */
  public readonly labels: Record<string, string>;
  /**
   * Every server of the namespace, including those the deployer creates at runtime, on the
   * servers' ports: what a client of any server connects to. Undefined without the NetworkPolicy.
   */
  public readonly serversEndpoint?: ServiceEndpoint;

  public constructor(scope: Construct, id: string, props: McpServerDeployerProps = {}) {
    super(scope, id);
    this.namespace = validateDnsLabel(this, 'namespace', props.namespace ?? 'mcp-servers');
    const saName = validateDnsLabel(this, 'serviceAccountName', props.serviceAccountName ?? 'mcp-platform-deployer');
    const saNamespace = validateDnsLabel(this, 'serviceAccountNamespace', props.serviceAccountNamespace ?? this.namespace);
    this.rules = deployerRules({ autoscalers: props.manageAutoscalers });
    this.labels = {
      ...recommendedLabels({ name: 'mcp-platform-deployer', instance: saName, component: 'server-deployer', version: 'v1' }),
      [SERVER_LABELS.managedBy]: SERVER_LABELS.managedByValue,
    };
    if (props.createNamespace ?? true) createRestrictedNamespace(this, 'namespace', this.namespace, { [SERVER_LABELS.managedBy]: SERVER_LABELS.managedByValue });

    if (props.rbac ?? true) this.serviceAccount = this.renderRbac(saName, saNamespace);
    this.renderLimits(props);
    if (props.networkPolicy?.enabled ?? true) this.serversEndpoint = this.renderNetworkPolicy(props.networkPolicy ?? {});
  }

  /** The Role's rules as `group/resource:verb` strings, sorted (for reviews and tests). */
  public grants(): string[] {
    return this.rules.flatMap(r => r.resources.flatMap(res => r.verbs.map(v => `${r.apiGroup || 'core'}/${res}:${v}`))).sort();
  }

  private renderRbac(saName: string, saNamespace: string): kplus.ServiceAccount {
    const ns = this.namespace;
    const serviceAccount = new kplus.ServiceAccount(this, 'service-account', {
      metadata: { name: saName, namespace: saNamespace, labels: this.labels },
      automountToken: false,
    });
    const role = new kplus.k8s.KubeRole(this, 'role', {
      metadata: { name: saName, namespace: ns, labels: this.labels },
      rules: this.rules.map(r => ({ apiGroups: [r.apiGroup], resources: [...r.resources], verbs: [...r.verbs] })),
    });
    new kplus.k8s.KubeRoleBinding(this, 'role-binding', {
      metadata: { name: saName, namespace: ns, labels: this.labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: saName, namespace: saNamespace }],
    });
    return serviceAccount;
  }

  private renderLimits(props: McpServerDeployerProps): void {
    const r = resolveResources(this, 'defaultContainerResources', props.defaultContainerResources, SERVER_RESOURCES);
    const q = kplus.k8s.Quantity.fromString;
    new kplus.k8s.KubeLimitRange(this, 'limit-range', {
      metadata: { name: 'mcp-server-defaults', namespace: this.namespace, labels: this.labels },
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: { cpu: q(r.cpu!.request!.amount), memory: q(`${r.memory!.request!.toMebibytes()}Mi`) },
          default: { cpu: q(r.cpu!.limit!.amount), memory: q(`${r.memory!.limit!.toMebibytes()}Mi`) },
        }],
      },
    });
    if (props.quota) {
      const quota = props.quota;
      const cpu = cpuMillicores(this, 'quota.cpu', quota.cpu);
      const memory = quantityBytes(this, 'quota.memory', quota.memory, 'memory', 64 * 2 ** 20);
      validateInteger(this, 'quota.pods', quota.pods, 1);
      new kplus.k8s.KubeResourceQuota(this, 'quota', {
        metadata: { name: 'mcp-servers', namespace: this.namespace, labels: this.labels },
        spec: {
          hard: {
            'limits.cpu': q(`${cpu}m`),
            'limits.memory': q(`${Math.ceil(memory / 2 ** 20)}Mi`),
            'pods': q(String(quota.pods)),
          },
        },
      });
    }
  }

  /**
   * Every pod of the namespace (`podSelector: {}`, a group of the connectivity model) admits the
   * ingress controller and `clients` on the servers' ports; named clients' egress follows. Egress
   * stays open: what a server created at runtime calls is not known here (the chart's own
   * servers isolate theirs).
   */
  private renderNetworkPolicy(options: ServersNetworkPolicyOptions): ServiceEndpoint {
    const model = Connectivity.of(this);
    const ports = this.serverPorts(options.ports);
    const group: WorkloadGroup = model.addGroup({ name: 'every server', component: 'McpServerDeployer', namespace: this.namespace, podSelector: {} });
    model.addWorkload(new Construct(this, 'servers-network'), {
      name: `${this.namespace} namespace`,
      component: 'McpServerDeployer',
      namespace: this.namespace,
      podSelector: {},
      groups: [group],
      networkPolicy: { name: 'mcp-servers-ingress', labels: this.labels, ingress: true, egress: false },
    });
    const endpoint: ServiceEndpoint = { target: group, ports: ports.map(port => ({ port })) };
    const cluster = options.clusterNetwork ?? model.clusterNetwork;
    model.connect(Connectivity.external('ingress controller', cluster.ingressController), endpoint, 'routes the Ingresses the deployer creates (MCP_INGRESS_HOST) to their servers');
    const clients = options.clients ?? [];
    clients.forEach((c, i) => c.cidr !== undefined && validateCidr(this, `networkPolicy.clients[${i}].cidr`, c.cidr));
    model.admitClients(this, 'networkPolicy.clients', clients, endpoint, 'MCP client of every server in the namespace');
    return endpoint;
  }

  private serverPorts(ports: number[] | undefined): number[] {
    if (ports === undefined) return [...new Set(BUILTIN_TEMPLATES.map(t => t.port))].sort((a, b) => a - b);
    if (!Array.isArray(ports) || ports.length === 0) invalid(this, 'networkPolicy.ports', ports, 'list the TCP ports the servers listen on (their templates\' port), e.g. [7071, 8080]');
    ports.forEach((p, i) => validateInteger(this, `networkPolicy.ports[${i}]`, p, 1, 65535));
    return [...new Set(ports)].sort((a, b) => a - b);
  }
}
