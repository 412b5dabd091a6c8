import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BackupOptions, DatabaseBackup, POSTGRES_ALPINE_UID, POSTGRES_CLIENT_IMAGE } from '../backup/database-backup';
import { contentHash, CONFIG_CHECKSUM_ANNOTATION } from '../common/checksum';
import { PodDisruptionBudget } from '../common/disruption-budget';
import { invalid } from '../common/errors';
import { ImageReference, parseImageProp } from '../common/image';
import { ComponentLabels, PLATFORM_COMPONENTS, platformComponentPeer, recommendedLabels, selectorLabels } from '../common/labels';
import { createServiceMonitor, METRICS_SERVICE_LABEL } from '../common/monitoring';
import { ClusterNetwork, createNetworkPolicy, DEFAULT_CLUSTER_NETWORK, DNS_PORTS, NetworkPeer, NetworkRule, toNetworkPolicyPeer } from '../common/network';
import { addDataVolumeClaimTemplate, applyPodConventions, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume } from '../common/pod';
import { IPolicySubject, PolicyFacts } from '../common/policy-facts';
import { libpqEnv, validatePostgresConnection, waitForPostgresScript } from '../common/postgres-connection';
import { httpProbes } from '../common/probes';
import { HELPER_RESOURCES, ResourceSpec, toContainerResources } from '../common/resources';
import { envFromSecret } from '../common/secrets';
import { createService, dropAddressSelector } from '../common/service';
import { validateDnsLabel, validateInteger } from '../common/validation';
import { REGISTRY_POSTGRES_DEFAULTS, RegistryDatabase } from './registry-database';
import { REGISTRY_ENV, REGISTRY_PROBE_TIMINGS, REGISTRY_RESOURCES, REGISTRY_RUNTIME } from './registry-runtime';

/** Log levels the registry accepts in MCP_MESH_LOG_LEVEL. */
export type RegistryLogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

/**
 * Agent health thresholds, in seconds. The defaults match MCP Mesh agents' 5-second
 * heartbeats: four missed beats mark an agent unhealthy (upstream §1.6).
 */
export interface RegistryHeartbeat {
  /** Seconds without a heartbeat before an agent is unhealthy (DEFAULT_TIMEOUT_THRESHOLD). @default 20 */
  readonly timeoutThresholdSeconds?: number;
  /** Seconds between the registry's health sweeps (HEALTH_CHECK_INTERVAL). @default 10 */
  readonly healthCheckIntervalSeconds?: number;
  /** Seconds without a heartbeat before an agent is evicted (DEFAULT_EVICTION_THRESHOLD). @default 60 */
  readonly evictionThresholdSeconds?: number;
}

/** Who may reach the registry, besides Prometheus on the metrics port. */
export interface RegistryNetworkPolicyOptions {
  /** Render the NetworkPolicy. @default true */
  readonly enabled?: boolean;
  /**
   * Pods allowed to call the registry API.
   * @default - MCP Mesh agents and the edge gateway of the namespace (component labels `agent` and `edge-gateway`)
   */
  readonly clients?: NetworkPeer[];
  /** Where Prometheus and DNS run. @default DEFAULT_CLUSTER_NETWORK */
  readonly clusterNetwork?: ClusterNetwork;
}

/** Props of {@link Registry}. */
export interface RegistryProps {
  /** Name of the StatefulSet, client Service and ServiceAccount (RFC 1123 label, at most 52 characters). @default 'mcp-mesh-registry' */
  readonly name?: string;
  /** Container image, pinned by tag or digest. @default 'mcpmesh/registry:3.6.0' */
  readonly image?: string;
  /** Pod replicas. More than one needs PostgreSQL (SQLite files are per pod). @default 1 */
  readonly replicas?: number;
  /** Database backend. @default { type: 'sqlite' } with a 1 GiB data volume */
  readonly database?: RegistryDatabase;
  /** Requests and limits of the registry container. @default 100m/128Mi requests, 500m/512Mi limits */
  readonly resources?: ResourceSpec;
  /** MCP_MESH_LOG_LEVEL. @default 'INFO' */
  readonly logLevel?: RegistryLogLevel;
  /** Agent heartbeat thresholds. @default 20 s / 10 s / 60 s */
  readonly heartbeat?: RegistryHeartbeat;
  /** Backup CronJob. @default - daily at 02:00, keep the 7 newest */
  readonly backup?: BackupOptions;
  /**
   * Disruption budget, rendered when replicas > 1 (set exactly one field).
   * @default { maxUnavailable: 1 }
   */
  readonly podDisruptionBudget?: { readonly minAvailable?: number; readonly maxUnavailable?: number };
  /** Ingress isolation. @default - enabled, agents and gateway only */
  readonly networkPolicy?: RegistryNetworkPolicyOptions;
  /** Render a Prometheus Operator ServiceMonitor (needs its CRDs). @default false */
  readonly serviceMonitor?: boolean;
}

/**
 * The MCP Mesh service registry: a StatefulSet with stable pod identity, a headless and a
 * client Service, least-privilege RBAC, a ConfigMap of exactly the env vars the registry
 * reads, SQLite on a volumeClaimTemplate or an existing PostgreSQL, backups, a PDB and a
 * NetworkPolicy.
 *
 * Sources: seeds/mcp-mesh-k8s-completed-tasks.md and mcp-mesh-k8s-manifests.md (features);
 * design/upstream.md §1.6 (runtime contract) and §1.5 (defects not to repeat).
 *
 * @throws McpConfigError at construction for invalid names, replicas < 1, SQLite with
 * more than one replica, PostgreSQL without a Secret reference, or invalid backup settings.
 */
export class Registry extends Construct implements IPolicySubject {
  /** The StatefulSet. */
  public readonly statefulSet: kplus.StatefulSet;
  /** The client Service agents and the gateway call. */
  public readonly service: kplus.Service;
  /** The headless Service that gives each pod a stable DNS name. */
  public readonly headlessService: kplus.Service;
  /** The registry's ServiceAccount. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The ConfigMap of env vars. */
  public readonly config: kplus.ConfigMap;
  /** The backup CronJob and its volume, when backups are enabled. */
  public readonly backup?: DatabaseBackup;
  /** Labels the registry's pods are selected by. */
  public readonly selector: Record<string, string>;
  /** Pod replicas. */
  public readonly replicas: number;
  /** The database backend in use. */
  public readonly database: RegistryDatabase;
  private readonly identity: ComponentLabels;
  private readonly networkPolicy?: kplus.NetworkPolicy;
  private readonly props: RegistryProps;

  public constructor(scope: Construct, id: string, props: RegistryProps = {}) {
    super(scope, id);
    this.props = props;
    const name = validateDnsLabel(this, 'name', props.name ?? 'mcp-mesh-registry', 52);
    this.replicas = validateInteger(this, 'replicas', props.replicas ?? 1, 1);
    this.database = props.database ?? { type: 'sqlite' };
    this.validateDatabase();
    const image = parseImageProp(this, 'image', props.image ?? REGISTRY_RUNTIME.image);
    this.identity = { name: 'mcp-mesh-registry', instance: name, component: PLATFORM_COMPONENTS.registry, version: image.version };
    this.selector = selectorLabels(this.identity);
    const labels = recommendedLabels(this.identity);

    this.config = new kplus.ConfigMap(this, 'config', { metadata: { name: `${name}-config`, labels }, data: this.configData(name) });
    this.serviceAccount = new kplus.ServiceAccount(this, 'service-account', {
      metadata: { name, labels },
      automountToken: this.replicas > 1,
    });
    this.headlessService = createService(this, 'headless-service', {
      name: `${name}-headless`, labels, selector: this.selector, headless: true,
      ports: [{ name: 'http', port: REGISTRY_RUNTIME.httpPort, containerPort: REGISTRY_RUNTIME.httpPort }],
    });
    this.service = createService(this, 'service', {
      name, labels: { ...labels, [METRICS_SERVICE_LABEL]: 'true' }, selector: this.selector,
      ports: [
        { name: 'http', port: REGISTRY_RUNTIME.httpPort, containerPort: REGISTRY_RUNTIME.httpPort },
        { name: 'metrics', port: REGISTRY_RUNTIME.metricsPort, containerPort: REGISTRY_RUNTIME.metricsPort },
      ],
    });

    this.statefulSet = this.renderStatefulSet(name, image, labels);
    if (this.replicas > 1) this.renderLeaderElectionRbac(name, labels);
    if (this.replicas > 1) {
      const budget = props.podDisruptionBudget ?? { maxUnavailable: 1 };
      new PodDisruptionBudget(this, 'pdb', { metadata: { name, labels }, selector: this.selector, minReplicas: this.replicas, budget });
    }
    if (props.backup?.enabled ?? true) this.backup = this.renderBackup(name);
    if (props.networkPolicy?.enabled ?? true) this.networkPolicy = this.renderNetworkPolicy(name, labels);
    if (props.serviceMonitor) {
      createServiceMonitor(this, 'service-monitor', {
        metadata: { name, labels }, serviceSelector: { ...this.selector, [METRICS_SERVICE_LABEL]: 'true' }, port: 'metrics',
      });
    }
  }

  /** Base URL of the registry API for clients in the cluster, e.g. `http://mcp-mesh-registry.mcp-dev.svc:8000`. */
  public get url(): string {
    const namespace = Chart.of(this).namespace;
    const host = namespace ? `${this.service.name}.${namespace}.svc` : this.service.name;
    return `http://${host}:${REGISTRY_RUNTIME.httpPort}`;
  }

  /** The API port clients call. */
  public get port(): number {
    return REGISTRY_RUNTIME.httpPort;
  }

  /**
   * Allows `peer` to call the registry API, in addition to the configured clients.
   * No-op when the NetworkPolicy is disabled.
   */
  public allowClient(id: string, peer: NetworkPeer): void {
    if (!this.networkPolicy) return;
    this.networkPolicy.addIngressRule(toNetworkPolicyPeer(this, `client-${id}`, peer), [kplus.NetworkPolicyPort.tcp(REGISTRY_RUNTIME.httpPort)]);
  }

  /** Facts the environment policy checks (HA replicas, backups, PDB, debug logging). */
  public policyFacts(): PolicyFacts {
    return {
      component: 'Registry',
      haReplicas: { replicas: this.replicas, field: 'replicas' },
      backups: { enabled: this.backup !== undefined, field: 'backup.enabled' },
      disruptionBudget: { present: this.replicas > 1, field: 'replicas to 2 or more (a PodDisruptionBudget is rendered for more than one replica)' },
      debugLogging: { enabled: (this.props.logLevel ?? 'INFO') === 'DEBUG', field: 'logLevel' },
    };
  }

  private validateDatabase(): void {
    const db = this.database;
    if (db.type === 'sqlite') {
      if (this.replicas > 1) {
        invalid(this, 'replicas', this.replicas, "SQLite keeps one database file per pod, so replicas would diverge: use 1 replica with SQLite, or set database to { type: 'postgres', ... } for more");
      }
      validateInteger(this, 'database.storageGibibytes', db.storageGibibytes ?? 1, 1);
    } else if (db.type === 'postgres') {
      validatePostgresConnection(this, 'database', db);
      validateInteger(this, 'database.waitTimeoutSeconds', db.waitTimeoutSeconds ?? 120, 5, 3600);
    } else {
      invalid(this, 'database.type', (db as { type: unknown }).type, "use 'sqlite' or 'postgres'");
    }
  }

  /** Only env vars the registry reads (upstream §1.6); secrets stay out of the ConfigMap. */
  private configData(name: string): Record<string, string> {
    const hb = this.props.heartbeat ?? {};
    const seconds = (field: string, v: number) => String(validateInteger(this, `heartbeat.${field}`, v, 1));
    const data: Record<string, string> = {
      [REGISTRY_ENV.host]: '0.0.0.0',
      [REGISTRY_ENV.port]: String(REGISTRY_RUNTIME.httpPort),
      [REGISTRY_ENV.registryName]: name,
      [REGISTRY_ENV.logLevel]: this.props.logLevel ?? 'INFO',
      [REGISTRY_ENV.timeoutThreshold]: seconds('timeoutThresholdSeconds', hb.timeoutThresholdSeconds ?? 20),
      [REGISTRY_ENV.healthCheckInterval]: seconds('healthCheckIntervalSeconds', hb.healthCheckIntervalSeconds ?? 10),
      [REGISTRY_ENV.evictionThreshold]: seconds('evictionThresholdSeconds', hb.evictionThresholdSeconds ?? 60),
    };
    const db = this.database;
    if (db.type === 'sqlite') {
      data[REGISTRY_ENV.databaseType] = 'sqlite';
      data[REGISTRY_ENV.databasePath] = `${REGISTRY_RUNTIME.dataPath}/${REGISTRY_RUNTIME.sqliteFile}`;
    } else {
      data[REGISTRY_ENV.databaseType] = 'postgres';
      if (db.host) {
        data[REGISTRY_ENV.databaseHost] = db.host;
        data[REGISTRY_ENV.databasePort] = String(db.port ?? 5432);
        data[REGISTRY_ENV.databaseName] = db.database ?? REGISTRY_POSTGRES_DEFAULTS.database;
        data[REGISTRY_ENV.databaseUsername] = db.username ?? REGISTRY_POSTGRES_DEFAULTS.username;
      }
    }
    return data;
  }

  private renderStatefulSet(name: string, image: ImageReference, labels: Record<string, string>): kplus.StatefulSet {
    const user = { uid: REGISTRY_RUNTIME.uid };
    const sts = new kplus.StatefulSet(this, 'Resource', {
      metadata: { name, labels },
      select: false,
      replicas: this.replicas,
      service: this.headlessService,
      podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: this.replicas > 1,
      securityContext: restrictedPodSecurityContext(user),
    });
    dropAddressSelector(this.headlessService);
    applyPodConventions(sts, {
      selector: this.selector,
      labels,
      annotations: { [CONFIG_CHECKSUM_ANNOTATION]: contentHash(this.config.data) },
      topologySpread: this.replicas > 1,
    });
    const probes = httpProbes(REGISTRY_RUNTIME.httpPort, REGISTRY_RUNTIME.health, REGISTRY_PROBE_TIMINGS);
    const container = sts.addContainer({
      name: 'registry',
      image: image.toString(),
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: [
        { name: 'http', number: REGISTRY_RUNTIME.httpPort },
        { name: 'metrics', number: REGISTRY_RUNTIME.metricsPort },
      ],
      startup: probes.startup,
      liveness: probes.liveness,
      readiness: probes.readiness,
      securityContext: restrictedContainerSecurityContext(user),
      resources: toContainerResources(this.props.resources ?? REGISTRY_RESOURCES),
      envFrom: [kplus.Env.fromConfigMap(this.config)],
      envVariables: {
        [REGISTRY_ENV.podName]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
        [REGISTRY_ENV.podIp]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP),
        [REGISTRY_ENV.podNamespace]: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
        [REGISTRY_ENV.instanceId]: kplus.EnvValue.fromValue(`$(${REGISTRY_ENV.podName})`),
      },
    });
    container.mount('/tmp', scratchVolume(sts, 'tmp'));
    const db = this.database;
    if (db.type === 'sqlite') {
      addDataVolumeClaimTemplate(sts, { name: 'data', gibibytes: db.storageGibibytes ?? 1, storageClassName: db.storageClassName, labels, mountPath: REGISTRY_RUNTIME.dataPath });
    } else {
      if (db.url) container.env.addVariable(REGISTRY_ENV.databaseUrl, envFromSecret(this, db.url));
      if (db.password) container.env.addVariable(REGISTRY_ENV.databasePassword, envFromSecret(this, db.password));
      sts.addInitContainer({
        name: 'wait-for-database',
        image: POSTGRES_CLIENT_IMAGE,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        command: ['/bin/sh', '-c', waitForPostgresScript(db.waitTimeoutSeconds ?? 120)],
        envVariables: libpqEnv(this, db, REGISTRY_POSTGRES_DEFAULTS),
        securityContext: restrictedContainerSecurityContext({ uid: POSTGRES_ALPINE_UID }),
        resources: toContainerResources(HELPER_RESOURCES),
      });
    }
    return sts;
  }

  /** Leases for leader election among replicas; nothing else (never Secrets). */
  private renderLeaderElectionRbac(name: string, labels: Record<string, string>): void {
    const role = new kplus.Role(this, 'leader-election-role', { metadata: { name: `${name}-leader-election`, labels } });
    role.allow(['get', 'create', 'update'], kplus.ApiResource.custom({ apiGroup: 'coordination.k8s.io', resourceType: 'leases' }));
    const binding = new kplus.RoleBinding(this, 'leader-election-binding', { metadata: { name: `${name}-leader-election`, labels }, role });
    binding.addSubjects(this.serviceAccount);
  }

  private renderBackup(name: string): DatabaseBackup {
    const db = this.database;
    const identity = { ...this.identity, component: 'registry-backup' };
    const source = db.type === 'sqlite'
      ? {
        kind: 'sqlite' as const,
        claimName: `data-${name}-0`,
        mountPath: REGISTRY_RUNTIME.dataPath,
        databaseFile: REGISTRY_RUNTIME.sqliteFile,
        colocateWith: { ...this.selector, 'statefulset.kubernetes.io/pod-name': `${name}-0` },
        user: { uid: REGISTRY_RUNTIME.uid },
      }
      : { kind: 'postgres' as const, connection: db, defaults: REGISTRY_POSTGRES_DEFAULTS };
    return new DatabaseBackup(this, 'backup', { ...this.props.backup, name: `${name}-backup`, identity, source });
  }

  private renderNetworkPolicy(name: string, labels: Record<string, string>): kplus.NetworkPolicy {
    const options = this.props.networkPolicy ?? {};
    const cluster = options.clusterNetwork ?? DEFAULT_CLUSTER_NETWORK;
    const clients = options.clients ?? [
      platformComponentPeer(PLATFORM_COMPONENTS.agent),
      platformComponentPeer(PLATFORM_COMPONENTS.edgeGateway),
    ];
    const egress: NetworkRule[] = [{ peers: [cluster.dns], ports: DNS_PORTS }];
    if (this.database.type === 'postgres') {
      // The database may live anywhere (another namespace, a managed service): allow its port only.
      egress.push({ peers: [{ cidr: '0.0.0.0/0' }], ports: [{ port: this.database.port ?? 5432 }] });
    }
    return createNetworkPolicy(this, 'network-policy', {
      name, labels, podSelector: this.selector,
      ingress: [
        { peers: clients, ports: [{ port: REGISTRY_RUNTIME.httpPort }] },
        { peers: [cluster.prometheus], ports: [{ port: REGISTRY_RUNTIME.metricsPort }] },
      ],
      egress,
    });
  }
}
