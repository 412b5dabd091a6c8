import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DatabaseBackup, POSTGRES_ALPINE_UID, POSTGRES_CLIENT_IMAGE } from '../backup/database-backup';
import { createAutoscaler, resolveAutoscaling, ResolvedAutoscaling } from '../common/autoscaling';
import { contentHash, CONFIG_CHECKSUM_ANNOTATION } from '../common/checksum';
import { PodDisruptionBudget } from '../common/disruption-budget';
import { invalid } from '../common/errors';
import { ImageReference, parseImageProp } from '../common/image';
import { ComponentLabels, PLATFORM_COMPONENTS, recommendedLabels, selectorLabels } from '../common/labels';
import { createGrafanaDashboard, createPrometheusRule, MonitoringOptions } from '../common/monitoring';
import { addDataVolumeClaimTemplate, applyPodConventions, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume } from '../common/pod';
import { applyPodTemplateOptions } from '../common/pod-template';
import { IPolicySubject, PolicyFacts } from '../common/policy-facts';
import { libpqEnv, waitForPostgresScript } from '../common/postgres-connection';
import { httpProbes } from '../common/probes';
import { checkProps } from '../common/props-schema';
import { HELPER_RESOURCE_DEFAULTS, resolveResources } from '../common/resources';
import { applyScheduling } from '../common/scheduling';
import { envFromSecret } from '../common/secrets';
import { createService, dropAddressSelector } from '../common/service';
import { validateCron, validateDnsLabel, validateDnsSubdomain, validateInteger } from '../common/validation';
import { ServiceEndpoint, Workload } from '../connectivity/connectivity';
import { IMcpMeshRegistry } from '../agent/mesh-registry';
import { REGISTRY_POSTGRES_DEFAULTS, RegistryDatabase } from './registry-database';
import { RegistryConnectivity } from './registry-connectivity';
import { ResolvedAdmin, resolveAdmin, ResolvedTracing, resolveTracing } from './registry-features';
import { backupMaxAgeSeconds, registryAlerts, registryDashboardPanels, RegistryMonitoringTarget, resolveRegistryAlerts } from './registry-monitoring';
import { RegistryProps } from './registry-props';
import { RegistryRestore } from './registry-restore';
import { provideRegistrySecrets } from './registry-secrets';
import { REGISTRY_ENV, REGISTRY_LOG_LEVELS, REGISTRY_PROBE_TIMINGS, REGISTRY_RESOURCES, REGISTRY_RUNTIME, REGISTRY_SQLITE_PATH } from './registry-runtime';

export * from './registry-database';
export * from './registry-props';

const CONTAINER = 'registry';
const DATA_CLAIM = 'data';
// DatabaseBackup's CronJob: a run may start up to 30 minutes late (startingDeadlineSeconds).
const BACKUP_STARTING_DEADLINE_SECONDS = 1800;

/**
 * The MCP Mesh service registry: a StatefulSet running `mcpmesh/registry`, a client and a
 * headless Service, a ConfigMap of exactly the env vars the registry acts on, SQLite on a
 * volumeClaimTemplate or an existing PostgreSQL, a backup CronJob and a suspended restore CronJob,
 * a PodDisruptionBudget and an optional autoscaler when several pods run, NetworkPolicies from the
 * chart's connectivity model (the registry, its backup and its restore as workloads), and alerts
 * and a dashboard from kube-state-metrics and cAdvisor (the registry exports no metrics of its own).
 *
 * @throws McpConfigError at construction for props of the wrong shape or type, unknown fields,
 * invalid names, quantities, schedules or ports, SQLite with more than one replica or with
 * autoscaling, secrets given where a Secret reference belongs, and a PostgreSQL database whose
 * location (`database.peer` or `database.host`) is not given while NetworkPolicies are on; at
 * synth for a client naming a workload the environment does not render.
 */
export class Registry extends Construct implements IPolicySubject, IMcpMeshRegistry {
  /** The StatefulSet. */
  public readonly statefulSet: kplus.StatefulSet;
  /** The client Service the agents call. */
  public readonly service: kplus.Service;
  /** The headless Service that governs the StatefulSet's pod DNS. */
  public readonly headlessService: kplus.Service;
  /** The registry's ServiceAccount (no API token: the registry never calls the Kubernetes API). */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The ConfigMap of env vars. */
  public readonly config: kplus.ConfigMap;
  /** The backup CronJob and its volume, when backups are enabled. */
  public readonly backup?: DatabaseBackup;
  /**
   * The restore template, when backups are enabled: a suspended CronJob that never runs on its
   * own; `kubectl create job --from=cronjob/<name>-restore` restores a backup.
   */
  public readonly restore?: kplus.CronJob;
  /** The registry pods in the chart's connectivity model. */
  public readonly workload: Workload;
  /** The registry API (port 8000) that agents and declared clients call. */
  public readonly apiEndpoint: ServiceEndpoint;
  /** The admin listener, when `admin` is configured. */
  public readonly adminEndpoint?: ServiceEndpoint;
  /** Pods when not autoscaled; the autoscaler's minimum when autoscaled. */
  public readonly replicas: number;
  /** The database backend in use. */
  public readonly database: RegistryDatabase;
  private readonly name: string;
  private readonly selectorLabels: Readonly<Record<string, string>>;
  private readonly identity: ComponentLabels;
  private readonly logLevel: string;
  private readonly autoscaling?: ResolvedAutoscaling;
  private readonly admin?: ResolvedAdmin;
  private readonly tracing?: ResolvedTracing;

  public constructor(scope: Construct, id: string, props: RegistryProps = {}) {
    super(scope, id);
    Registry.refuseComposedDatabaseUrl(this, props);
    checkProps(this, 'RegistryProps', props);
    this.name = validateDnsLabel(this, 'name', props.name ?? 'mcp-mesh-registry', 52);
    this.database = props.database ?? { type: 'sqlite' };
    this.autoscaling = resolveAutoscaling(this, 'autoscaling', props.autoscaling);
    this.replicas = this.autoscaling?.minReplicas ?? validateInteger(this, 'replicas', props.replicas ?? 1, 1);
    this.validateDatabase(props);
    const image = parseImageProp(this, 'image', props.image ?? REGISTRY_RUNTIME.image);
    this.logLevel = REGISTRY_LOG_LEVELS[props.logLevel ?? 'info'];
    this.admin = resolveAdmin(this, props.admin);
    this.tracing = resolveTracing(this, props.tracing);
    this.identity = { name: 'mcp-mesh-registry', instance: this.name, component: PLATFORM_COMPONENTS.registry, version: image.version };
    this.selectorLabels = selectorLabels(this.identity);
    const labels = recommendedLabels(this.identity);
    const namespace = Chart.of(this).namespace;

    provideRegistrySecrets(this, props, labels);
    this.config = new kplus.ConfigMap(this, 'config', { metadata: { name: `${this.name}-config`, namespace, labels }, data: this.configData(props) });
    this.serviceAccount = new kplus.ServiceAccount(this, 'service-account', { metadata: { name: this.name, namespace, labels }, automountToken: false });
    const httpPort = { name: 'http', port: REGISTRY_RUNTIME.httpPort, containerPort: REGISTRY_RUNTIME.httpPort };
    this.headlessService = createService(this, 'headless-service', { name: `${this.name}-headless`, labels, selector: this.selectorLabels, headless: true, ports: [httpPort] });
    this.service = createService(this, 'service', { name: this.name, labels, selector: this.selectorLabels, ports: [httpPort] });

    this.statefulSet = this.renderStatefulSet(props, image, labels);
    const maxReplicas = this.autoscaling?.maxReplicas ?? this.replicas;
    if (PodDisruptionBudget.applies(props.podDisruptionBudget, this.replicas)) {
      new PodDisruptionBudget(this, 'pdb', { metadata: { name: this.name, namespace, labels }, selector: this.selector, minReplicas: this.replicas, maxReplicas, budget: props.podDisruptionBudget });
    }
    if (this.autoscaling) createAutoscaler(this, 'hpa', { metadata: { name: this.name, namespace, labels }, target: this.statefulSet, autoscaling: this.autoscaling });
    const connectivity = new RegistryConnectivity(this, props, { name: this.name, selector: this.selector, labels, database: this.database, admin: this.admin, tracing: this.tracing });
    this.workload = connectivity.workload;
    this.apiEndpoint = connectivity.apiEndpoint;
    this.adminEndpoint = connectivity.adminEndpoint;
    if (props.backup?.enabled ?? true) {
      this.backup = this.renderBackup(props, connectivity);
      this.restore = this.renderRestore(props, this.backup, connectivity);
    }
    this.renderMonitoring(props, labels);
  }

  /** Labels the registry's pods are selected by (a copy). */
  public get selector(): Record<string, string> {
    return { ...this.selectorLabels };
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

  /** Facts the environment policy checks (HA replicas, backups, PDB, debug logging). */
  public policyFacts(): PolicyFacts {
    return {
      component: 'Registry',
      haReplicas: { replicas: this.replicas, field: 'replicas' },
      backups: { enabled: this.backup !== undefined, field: 'backup.enabled' },
      disruptionBudget: { present: this.node.tryFindChild('pdb') !== undefined, field: 'replicas to 2 or more (a PodDisruptionBudget is rendered for more than one replica)' },
      debugLogging: { enabled: this.logLevel === REGISTRY_LOG_LEVELS.debug, field: 'logLevel' },
    };
  }

  /** Earlier versions took host/username/password/database; the registry reads only DATABASE_URL. */
  private static refuseComposedDatabaseUrl(scope: Construct, props: RegistryProps): void {
    const db = props.database as unknown as Record<string, unknown> | undefined;
    if (!db || typeof db !== 'object' || db.type !== 'postgres') return;
    const composed = ['username', 'password', 'database'].find(k => db[k] !== undefined) ?? (db.url === undefined && db.host !== undefined ? 'host' : undefined);
    if (composed) {
      // `host` alone is valid (it places the NetworkPolicy egress): name it when the old form used it.
      const field = db.host !== undefined ? 'host' : composed;
      invalid(scope, `database.${field}`, field === 'host' ? db.host : '<not shown>',
        'the registry reads one database setting, DATABASE_URL: put the whole postgresql://user:password@host:5432/db URI in a Secret and set database.url = { secretName, key }');
    }
  }

  private validateDatabase(props: RegistryProps): void {
    const db = this.database;
    if (db.type === 'sqlite') {
      if (this.autoscaling) invalid(this, 'autoscaling', props.autoscaling, "SQLite keeps one database file per pod, so autoscaled pods would diverge: remove autoscaling, or set database to { type: 'postgres', url: { secretName, key } }");
      if (this.replicas > 1) {
        invalid(this, 'replicas', this.replicas, "SQLite keeps one database file per pod, so replicas would diverge: use 1 replica with SQLite, or set database to { type: 'postgres', url: { secretName, key } } for more");
      }
      validateInteger(this, 'database.storageGibibytes', db.storageGibibytes ?? 1, 1);
      if (db.storageClassName !== undefined) validateDnsSubdomain(this, 'database.storageClassName', db.storageClassName);
    } else {
      validateDnsSubdomain(this, 'database.url.secretName', db.url.secretName);
      if (db.port !== undefined) validateInteger(this, 'database.port', db.port, 1, 65535);
      validateInteger(this, 'database.waitTimeoutSeconds', db.waitTimeoutSeconds ?? 120, 5, 3600);
    }
  }

  /** Only env vars the registry acts on (registry-runtime.ts); secrets stay out of the ConfigMap. */
  private configData(props: RegistryProps): Record<string, string> {
    const hb = props.heartbeat ?? {};
    const seconds = (field: keyof typeof hb, fallback: number) => String(validateInteger(this, `heartbeat.${field}`, hb[field] ?? fallback, 1));
    return {
      ...(this.database.type === 'sqlite' ? { [REGISTRY_ENV.databaseUrl]: REGISTRY_SQLITE_PATH } : {}),
      [REGISTRY_ENV.logLevel]: this.logLevel,
      [REGISTRY_ENV.timeoutThreshold]: seconds('timeoutThresholdSeconds', 20),
      [REGISTRY_ENV.healthCheckInterval]: seconds('healthCheckIntervalSeconds', 10),
      ...(this.admin ? { [REGISTRY_ENV.adminPort]: String(this.admin.port) } : {}),
      ...this.tracing?.env,
    };
  }

  private renderStatefulSet(props: RegistryProps, image: ImageReference, labels: Record<string, string>): kplus.StatefulSet {
    const user = { uid: REGISTRY_RUNTIME.uid };
    const sts = new kplus.StatefulSet(this, 'Resource', {
      metadata: { name: this.name, namespace: Chart.of(this).namespace, labels },
      select: false,
      replicas: this.autoscaling ? undefined : this.replicas,
      service: this.headlessService,
      podManagementPolicy: kplus.PodManagementPolicy.PARALLEL,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(user),
    });
    dropAddressSelector(this.headlessService);
    applyPodConventions(sts, { selector: this.selector, labels, annotations: { [CONFIG_CHECKSUM_ANNOTATION]: contentHash(this.config.data) } });
    applyScheduling(this, 'scheduling', sts, this.selector, props.scheduling, (this.autoscaling?.maxReplicas ?? this.replicas) > 1);
    const probes = httpProbes(REGISTRY_RUNTIME.httpPort, REGISTRY_RUNTIME.health, REGISTRY_PROBE_TIMINGS);
    const container = sts.addContainer({
      name: CONTAINER,
      image: image.toString(),
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: [...REGISTRY_RUNTIME.args],
      ports: [
        { name: 'http', number: REGISTRY_RUNTIME.httpPort },
        ...(this.admin ? [{ name: 'admin', number: this.admin.port }] : []),
      ],
      startup: probes.startup,
      liveness: probes.liveness,
      readiness: probes.readiness,
      securityContext: restrictedContainerSecurityContext(user),
      resources: resolveResources(this, 'resources', props.resources, REGISTRY_RESOURCES),
      envFrom: [kplus.Env.fromConfigMap(this.config)],
    });
    container.mount('/tmp', scratchVolume(sts, 'tmp'));
    const db = this.database;
    if (db.type === 'sqlite') {
      addDataVolumeClaimTemplate(sts, { name: DATA_CLAIM, gibibytes: db.storageGibibytes ?? 1, storageClassName: db.storageClassName, mountPath: REGISTRY_RUNTIME.dataPath });
    } else {
      container.env.addVariable(REGISTRY_ENV.databaseUrl, envFromSecret(this, db.url));
      sts.addInitContainer({
        name: 'wait-for-database',
        image: POSTGRES_CLIENT_IMAGE,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        command: ['/bin/sh', '-c', waitForPostgresScript(db.waitTimeoutSeconds ?? 120)],
        envVariables: libpqEnv(this, { url: db.url }, REGISTRY_POSTGRES_DEFAULTS),
        securityContext: restrictedContainerSecurityContext({ uid: POSTGRES_ALPINE_UID }),
        resources: resolveResources(this, 'resources', undefined, HELPER_RESOURCE_DEFAULTS),
      });
    }
    if (this.tracing?.redisUrlSecret) container.env.addVariable(REGISTRY_ENV.redisUrl, envFromSecret(this, this.tracing.redisUrlSecret));
    applyPodTemplateOptions(this, '', { workload: sts, container, serviceAccount: this.serviceAccount, reservedEnv: this.reservedEnv() }, props);
    return sts;
  }

  /** Every variable the registry container gets from this construct. */
  private reservedEnv(): string[] {
    return [...new Set([...Object.keys(this.config.data), REGISTRY_ENV.databaseUrl, ...(this.tracing ? [REGISTRY_ENV.redisUrl] : [])])];
  }

  private renderBackup(props: RegistryProps, connectivity: RegistryConnectivity): DatabaseBackup {
    const db = this.database;
    const identity = { ...this.identity, component: 'registry-backup' };
    const source = db.type === 'sqlite'
      ? {
        kind: 'sqlite' as const,
        claimName: this.sqliteClaim,
        // The backup opens the file the registry's DATABASE_URL names, mounted at the same path.
        mountPath: REGISTRY_RUNTIME.dataPath,
        databaseFile: REGISTRY_RUNTIME.sqliteFile,
        colocateWith: { ...this.selector, 'statefulset.kubernetes.io/pod-name': `${this.name}-0` },
        user: { uid: REGISTRY_RUNTIME.uid },
      }
      : { kind: 'postgres' as const, connection: { url: db.url }, defaults: REGISTRY_POSTGRES_DEFAULTS };
    const backup = new DatabaseBackup(this, 'backup', { ...props.backup, name: `${this.name}-backup`, identity, source });
    connectivity.addDataJob(backup, { name: backup.cronJob.name, selector: selectorLabels(identity), labels: recommendedLabels(identity), reason: 'backs up the database (pg_dump)' });
    return backup;
  }

  private renderRestore(props: RegistryProps, backup: DatabaseBackup, connectivity: RegistryConnectivity): kplus.CronJob {
    const db = this.database;
    const identity = { ...this.identity, component: 'registry-restore' };
    const restore = new RegistryRestore(this, 'restore', {
      name: `${this.name}-restore`,
      identity,
      backupClaim: backup.claim,
      backupPrefix: backup.cronJob.name,
      image: props.backup?.image,
      target: db.type === 'sqlite'
        ? { kind: 'sqlite', claimName: this.sqliteClaim, mountPath: REGISTRY_RUNTIME.dataPath, databaseFile: REGISTRY_RUNTIME.sqliteFile, user: { uid: REGISTRY_RUNTIME.uid }, separateFrom: this.selector }
        : { kind: 'postgres', url: db.url },
    });
    connectivity.addDataJob(restore, { name: restore.cronJob.name, selector: restore.selector, labels: recommendedLabels(identity), reason: 'restores a backup (pg_restore)' });
    return restore.cronJob;
  }

  /** The SQLite data volume of pod 0 (the only pod SQLite runs). */
  private get sqliteClaim(): string {
    return `${DATA_CLAIM}-${this.name}-0`;
  }

  private renderMonitoring(props: RegistryProps, labels: Record<string, string>): void {
    const monitoring: MonitoringOptions = props.monitoring ?? {};
    if (!monitoring.prometheusRule && !monitoring.dashboard) return;
    const namespace = Chart.of(this).namespace;
    const target: RegistryMonitoringTarget = {
      name: this.name,
      container: CONTAINER,
      namespace,
      dataClaimTemplate: this.database.type === 'sqlite' ? DATA_CLAIM : undefined,
      backup: this.backup && {
        cronJob: this.backup.cronJob.name,
        claim: this.backup.claim.name,
        maxAgeSeconds: props.alerts?.backupMaxAgeSeconds === undefined
          ? this.defaultBackupMaxAge(props)
          : validateInteger(this, 'alerts.backupMaxAgeSeconds', props.alerts.backupMaxAgeSeconds, 60),
      },
    };
    const alerts = resolveRegistryAlerts(this, props.alerts);
    if (monitoring.prometheusRule) {
      createPrometheusRule(this, 'prometheus-rule', {
        metadata: { name: this.name, namespace, labels: { ...labels, ...monitoring.labels } },
        group: `${this.name}.rules`,
        alerts: registryAlerts(target, alerts),
        alertLabels: { component: PLATFORM_COMPONENTS.registry },
        runbookBaseUrl: monitoring.runbookBaseUrl,
      });
    }
    if (monitoring.dashboard) {
      createGrafanaDashboard(this, 'dashboard', {
        metadata: { name: `${this.name}-dashboard`, namespace, labels },
        uid: `${namespace ?? 'default'}-${this.name}`,
        title: `MCP Mesh registry ${this.name}${namespace ? ` (${namespace})` : ''}`,
        tags: ['mcp', 'mcp-mesh', 'registry'],
        panels: registryDashboardPanels(target),
      });
    }
  }

  private defaultBackupMaxAge(props: RegistryProps): number {
    const b = props.backup ?? {};
    // DatabaseBackup has already validated these; expand macros the same way it does.
    const cron = validateCron(this, 'backup.schedule', b.schedule ?? '0 2 * * *').join(' ');
    return backupMaxAgeSeconds(cron, b.timeZone, BACKUP_STARTING_DEADLINE_SECONDS, b.activeDeadlineSeconds ?? 3600);
  }
}
