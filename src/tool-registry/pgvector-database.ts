import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { BackupOptions, DatabaseBackup } from '../backup/database-backup';
import { invalid } from '../common/errors';
import { parseImageProp } from '../common/image';
import { ComponentLabels, recommendedLabels, selectorLabels } from '../common/labels';
import { createPrometheusRule, DashboardPanel } from '../common/monitoring';
import { declareExternal, declareProduced } from '../common/external-references';
import { ExternalSecretKey } from '../common/external-secret';
import { ClusterNetwork } from '../common/network';
import { IPolicySubject, PolicyFacts } from '../common/policy-facts';
import { PostgresConnection } from '../common/postgres-connection';
import { checkProps } from '../common/props-schema';
import { ResourceRequirements, resolveResources } from '../common/resources';
import { SchedulingOptions } from '../common/scheduling';
import { provideSecret, SecretsProvisioning } from '../common/secret-provisioning';
import { SecretKeyReference } from '../common/secrets';
import { validateCron, validateDnsLabel, validateInteger, validateTimeZone } from '../common/validation';
import { ClientPeer } from '../connectivity/client-peer';
import { Connectivity, ServiceEndpoint, Workload } from '../connectivity/connectivity';
import { CloudNativePgOptions, renderCloudNativePg, CloudNativePgObjects } from './pgvector-cloudnative';
import { DEFAULT_CNPG_OPERATOR, registerDatabaseConnectivity } from './pgvector-connectivity';
import { PgvectorAlertTarget, pgvectorAlerts, PgvectorMonitoringOptions, pgvectorPanels } from './pgvector-monitoring';
import { PgvectorStorage, resolveStorage, validateSecretName } from './pgvector-shared';
import { renderPostgresStatefulSet } from './pgvector-statefulset';
import { SchemaMigration, SchemaMigrationOptions, SCHEMA_SQL_KEY } from './schema-migration';
import { PGVECTOR_RESOURCES, PGVECTOR_RUNTIME } from './tool-registry-runtime';
import { ResolvedVectorSchema, resolveVectorSchema, toolRegistrySchemaSql, VectorSchemaOptions } from './tool-schema';

// Dashboard panels of each database, read by the component whose dashboard shows them.
const PANELS = new WeakMap<PgvectorDatabase, DashboardPanel[]>();

/** The Grafana panels of `database` (kube-state-metrics, and its exporters when scraped). @internal */
export function databaseDashboardPanels(database: PgvectorDatabase): DashboardPanel[] {
  return PANELS.get(database) ?? [];
}

/** Where PostgreSQL runs: a StatefulSet this library renders, or a CloudNativePG Cluster. */
export type PgvectorBackend = 'statefulset' | 'cloudnative-pg';

/** Props of {@link PgvectorDatabase}: one interface for both backends. */
export interface PgvectorDatabaseProps {
  /**
   * Name of the database workload (RFC 1123 label, at most 40 characters): the StatefulSet and
   * its Service, or the CloudNativePG Cluster (whose Services are `<name>-rw`, `-ro`, `-r`).
   * @default 'tool-registry-db'
   */
  readonly name?: string;
  /** Backend. `statefulset` is a single primary (dev, staging); `cloudnative-pg` needs the operator. @default 'statefulset' */
  readonly backend?: PgvectorBackend;
  /** Application database (a lower-case PostgreSQL identifier). @default 'tool_registry' */
  readonly databaseName?: string;
  /** Application role, owner of the database and of the schema's objects (a lower-case PostgreSQL identifier). @default 'tool_registry' */
  readonly owner?: string;
  /**
   * Name of the Secret holding the owner's password under the key `password`; never the password
   * itself. statefulset: the database's own initialisation and every client read it, and it comes
   * to exist as `secretProvisioning` says (generated in dev, a prerequisite, or an
   * ExternalSecret). cloudnative-pg: when set, an existing `kubernetes.io/basic-auth` Secret
   * (`username` = `owner`, `password`) passed to `bootstrap.initdb.secret`; when omitted the
   * operator writes `<name>-app` (keys `username`, `password`, `uri`, ...) and every client reads
   * that one, so nothing is made by hand.
   * @see https://kubernetes.io/docs/concepts/configuration/secret/#basic-authentication-secret
   * @see https://cloudnative-pg.io/documentation/current/applications/#secrets
   * @default - `<name>-credentials` (statefulset); `<name>-app`, operator-generated (cloudnative-pg)
   */
  readonly credentialsSecret?: string;
  /**
   * Where an ExternalSecret reads the statefulset backend's password (`secretProvisioning`
   * `external-secrets`).
   * @default - `<remoteKeyPrefix><credentialsSecret>`, property `password`
   */
  readonly passwordRemoteKey?: ExternalSecretKey;
  /**
   * How the statefulset backend's credentials Secret comes to exist: a prerequisite
   * (`existing`), created in the cluster with a random password (`generated`), or an
   * ExternalSecret (`external-secrets`). The PostgreSQL initialisation and the clients read the
   * same Secret, so both sides always agree.
   * @default { source: 'existing' }
   */
  readonly secretProvisioning?: SecretsProvisioning;
  /** Postgres image with pgvector, pinned by tag or digest. @default - 'pgvector/pgvector:0.8.0-pg16' (statefulset) or 'ghcr.io/cloudnative-pg/postgresql:17.6-standard-trixie' (cloudnative-pg) */
  readonly image?: string;
  /** PostgreSQL instances: CloudNativePG primary plus standbys (>= 1); the statefulset backend runs exactly 1. @default 1 */
  readonly instances?: number;
  /**
   * Data volume per instance.
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/
   * @default - 10Gi on the default StorageClass
   */
  readonly storage?: PgvectorStorage;
  /**
   * Requests and limits of each PostgreSQL container, in Kubernetes quantities.
   * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
   * @default - 250m CPU / 512Mi requested, 2 CPU / 2Gi limits
   */
  readonly resources?: ResourceRequirements;
  /**
   * Node selection, tolerations, affinity, topology spread and priority of the PostgreSQL pods.
   * On cloudnative-pg they map onto the Cluster's `affinity`, `topologySpreadConstraints` and
   * `priorityClassName` (the operator's preferred anti-affinity between instances stays on).
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/
   * @default - no constraints
   */
  readonly scheduling?: SchedulingOptions;
  /** Embedding dimension and vector index of the schema. @default - 768 dimensions, hnsw index */
  readonly schema?: VectorSchemaOptions;
  /** The migration Job that applies the schema (on both backends; CloudNativePG also applies it at bootstrap). @default - enabled, waits 600 s (statefulset) or 900 s (cloudnative-pg) */
  readonly migration?: SchemaMigrationOptions;
  /**
   * Backups. statefulset: a pg_dump CronJob into a backup PVC. cloudnative-pg: a ScheduledBackup
   * at `schedule` (UTC) with `cloudNativePg.backupMethod`; retention then belongs to the object
   * store or snapshot class, so `retention`, `storage*`, `image`, `timeZone` and
   * `activeDeadlineSeconds` are refused.
   * @default - daily at 02:00, keep the 7 newest dumps
   */
  readonly backup?: BackupOptions;
  /** CloudNativePG-only settings (backup method, Pooler, operator location, PDB). @default - none; required with backend 'cloudnative-pg' and backups */
  readonly cloudNativePg?: CloudNativePgOptions;
  /**
   * Prometheus Operator objects. `scrape` renders PodMonitors for the CloudNativePG instances'
   * and Poolers' exporters; the statefulset backend runs no exporter, so it is watched through
   * kube-state-metrics only. `prometheusRule` renders the database alerts.
   * @default - none
   */
  readonly monitoring?: PgvectorMonitoringOptions;
  /**
   * Callers admitted on 5432 (to the Pooler when there is one), besides the Tool Registry API and
   * this construct's own jobs: workloads of the environment by name (their egress follows) or
   * peers outside the platform.
   * @default []
   */
  readonly clients?: ClientPeer[];
  /** Render NetworkPolicies isolating the database pods and its jobs. @default true */
  readonly networkPolicy?: boolean;
  /** Where Prometheus and DNS run. @default - the chart's connectivity model's (kube-prometheus-stack in `monitoring`, CoreDNS) */
  readonly clusterNetwork?: ClusterNetwork;
}

/**
 * PostgreSQL with pgvector and the Tool Registry schema, on one of two backends behind one
 * typed interface:
 * - `statefulset`: pinned pgvector image, StatefulSet with a headless Service and a
 *   volumeClaimTemplate, credentials from a Secret, pg_isready probes, PSS restricted (UID 999,
 *   fsGroup, read-only root FS with emptyDirs for the socket dir, /tmp and /dev/shm), a pg_dump
 *   backup CronJob. A single primary: not highly available.
 * - `cloudnative-pg`: a Cluster (instances, storage, pgvector from the standard operand image,
 *   initdb running the schema SQL through postInitApplicationSQLRefs), a ScheduledBackup, an
 *   optional PgBouncer Pooler and PodMonitors.
 *
 * The schema SQL ({@link toolRegistrySchemaSql}) lives in one ConfigMap that both the migration
 * Job and the CloudNativePG bootstrap read. NetworkPolicies let only declared clients, the
 * migration and backup jobs (and, for CloudNativePG, the operator, the instances and Prometheus)
 * reach the database pods.
 *
 * @throws McpConfigError at construction for unknown keys or wrong types, a bad name, schema,
 * storage or resource quantity, instances < 1 (or != 1 on the statefulset backend), a missing
 * or malformed credentials Secret name (the value is never shown), a bad backup schedule or time
 * zone, backup options the backend cannot honour, or an alert threshold out of range.
 */
export class PgvectorDatabase extends Construct implements IPolicySubject {
  /** The backend in use. */
  public readonly backend: PgvectorBackend;
  /** Workload / Cluster name. */
  public readonly name: string;
  /** Application database and role. */
  public readonly databaseName: string;
  public readonly owner: string;
  /** Secret with the owner's `password` (and, on CloudNativePG, `username`). */
  public readonly credentialsSecret: string;
  /** Where PostgreSQL clients connect: the Pooler when there is one, else the instances. */
  public readonly clientEndpoint: ServiceEndpoint;
  /** The PostgreSQL pods themselves (the primary among them), for DDL and dumps. */
  public readonly primaryEndpoint: ServiceEndpoint;
  /** PostgreSQL instances. */
  public readonly instances: number;
  /** The validated schema. */
  public readonly schema: ResolvedVectorSchema;
  /** The ConfigMap holding the schema SQL under `schema.sql`. */
  public readonly schemaConfigMap: kplus.ConfigMap;
  /** The migration Job, when enabled. */
  public readonly migration?: SchemaMigration;
  /** The pg_dump CronJob (statefulset backend with backups). */
  public readonly backup?: DatabaseBackup;
  /** The StatefulSet (statefulset backend). */
  public readonly statefulSet?: kplus.StatefulSet;
  /** The CloudNativePG objects (cloudnative-pg backend). */
  public readonly cloudNativePg?: CloudNativePgObjects;
  /** Labels of the Postgres instance pods. */
  public readonly podSelector: Record<string, string>;
  private readonly identity: ComponentLabels;
  private readonly backupsEnabled: boolean;
  private readonly monitoring: PgvectorMonitoringOptions;
  private readonly alertTarget: PgvectorAlertTarget;

  public constructor(scope: Construct, id: string, props: PgvectorDatabaseProps = {}) {
    super(scope, id);
    checkProps(this, 'PgvectorDatabaseProps', props);
    this.name = validateDnsLabel(this, 'name', props.name ?? 'tool-registry-db', 40);
    this.backend = props.backend ?? 'statefulset';
    const cnpg = this.backend === 'cloudnative-pg';
    this.databaseName = validateIdentifier(this, 'databaseName', props.databaseName ?? 'tool_registry');
    this.owner = validateIdentifier(this, 'owner', props.owner ?? 'tool_registry');
    this.instances = props.instances ?? 1;
    if (!Number.isInteger(this.instances) || this.instances < 1) {
      invalid(this, 'instances', this.instances, 'use a whole number >= 1 (3 gives CloudNativePG a primary and two standbys for failover)');
    }
    if (!cnpg && this.instances !== 1) {
      invalid(this, 'instances', this.instances, "the statefulset backend runs a single primary without replication: use 1, or backend 'cloudnative-pg' for replicas and failover");
    }
    if (!cnpg && props.cloudNativePg) invalid(this, 'cloudNativePg', props.cloudNativePg, "remove it, or set backend to 'cloudnative-pg'");
    if (props.credentialsSecret !== undefined) validateSecretName(this, 'credentialsSecret', props.credentialsSecret);
    if (cnpg && props.passwordRemoteKey) invalid(this, 'passwordRemoteKey', props.passwordRemoteKey, 'CloudNativePG writes the password itself (<name>-app), or reads your initdb credentialsSecret: remove passwordRemoteKey');
    this.credentialsSecret = props.credentialsSecret ?? (cnpg ? `${this.name}-app` : `${this.name}-credentials`);
    this.schema = resolveVectorSchema(this, 'schema', props.schema);
    const storage = resolveStorage(this, 'storage', props.storage);
    const resources = resolveResources(this, 'resources', props.resources, PGVECTOR_RESOURCES);
    const image = parseImageProp(this, 'image', props.image ?? (cnpg ? PGVECTOR_RUNTIME.cnpgImage : PGVECTOR_RUNTIME.image));
    const backup = validateBackupSchedule(this, props.backup);
    this.identity = { name: 'postgresql', instance: this.name, component: 'database', version: image.version };
    const labels = recommendedLabels(this.identity);
    this.backupsEnabled = backup.enabled;
    this.monitoring = props.monitoring ?? {};

    this.schemaConfigMap = new kplus.ConfigMap(this, 'schema', {
      metadata: { name: `${this.name}-schema`, labels },
      data: { [SCHEMA_SQL_KEY]: toolRegistrySchemaSql(this.schema) },
    });

    if (cnpg) {
      this.cloudNativePg = renderCloudNativePg(this, {
        name: this.name, labels, image: image.toString(), instances: this.instances, owner: this.owner, databaseName: this.databaseName,
        credentialsSecret: props.credentialsSecret, storage, resources, scheduling: props.scheduling,
        schema: this.schemaConfigMap, backup: props.backup, options: props.cloudNativePg ?? {},
        podMonitor: this.monitoring.scrape ? { labels: { ...this.monitoring.labels }, interval: this.monitoring.scrapeInterval } : undefined,
      });
      this.podSelector = this.cloudNativePg.instanceSelector;
    } else {
      this.podSelector = selectorLabels(this.identity);
      this.statefulSet = renderPostgresStatefulSet(this, {
        name: this.name, labels, selector: this.podSelector, image: image.toString(), owner: this.owner, databaseName: this.databaseName,
        credentialsSecret: this.credentialsSecret, storage, resources, scheduling: props.scheduling,
      });
      if (this.backupsEnabled) {
        this.backup = new DatabaseBackup(this, 'backup', {
          ...props.backup,
          name: `${this.name}-backup`,
          identity: { ...this.identity, component: 'database-backup' },
          source: { kind: 'postgres', connection: this.connection(), defaults: { database: this.databaseName, username: this.owner } },
        });
      }
    }

    if (props.migration?.enabled ?? true) {
      this.migration = new SchemaMigration(this, 'migration', {
        ...props.migration,
        waitTimeoutSeconds: validateInteger(this, 'migration.waitTimeoutSeconds', props.migration?.waitTimeoutSeconds ?? (cnpg ? 900 : 600), 10, 7200),
        name: `${this.name}-migrate`,
        identity: { ...this.identity, component: 'database-migration' },
        schema: this.schemaConfigMap,
        connection: this.connection(),
        defaults: { database: this.databaseName, username: this.owner },
      });
    }

    this.provideCredentials(props, labels);
    const endpoints = registerDatabaseConnectivity({
      networkPolicy: props.networkPolicy ?? true,
      labels,
      cluster: props.clusterNetwork ?? Connectivity.of(this).clusterNetwork,
      instances: { scope: this, name: this.name, podSelector: this.podSelector },
      cloudNativePg: this.cloudNativePg && {
        operator: props.cloudNativePg?.operator ?? DEFAULT_CNPG_OPERATOR,
        pooler: this.cloudNativePg.pooler && { scope: this, policyId: 'pooler-network-policy', name: this.cloudNativePg.pooler.name, podSelector: this.cloudNativePg.poolerSelector! },
      },
      scraped: cnpg && (this.monitoring.scrape ?? false),
      migration: this.migration && {
        scope: this.migration, name: `${this.name}-migrate`, podSelector: this.migration.podSelector, labels: recommendedLabels({ ...this.identity, component: 'database-migration' }),
      },
      backup: this.backup && {
        scope: this.backup, name: this.backup.cronJob.name, podSelector: this.backupSelector, labels: recommendedLabels({ ...this.identity, component: 'database-backup' }),
      },
      clients: props.clients ?? [],
    });
    this.clientEndpoint = endpoints.client;
    this.primaryEndpoint = endpoints.primary;
    this.alertTarget = {
      backend: this.backend, name: this.name, namespace: Chart.of(this).namespace, instances: this.instances,
      scraped: cnpg && (this.monitoring.scrape ?? false),
      backupCronJob: this.backup && { name: this.backup.cronJob.name, schedule: backup.schedule, timeZone: props.backup?.timeZone, activeDeadlineSeconds: props.backup?.activeDeadlineSeconds ?? 3600 },
      scheduledBackup: this.cloudNativePg?.backupMethod && { schedule: backup.schedule, method: this.cloudNativePg.backupMethod.method },
      pooler: this.cloudNativePg?.pooler?.name,
    };
    const alerts = pgvectorAlerts(this, this.alertTarget, this.monitoring.alerts);
    PANELS.set(this, pgvectorPanels(this.alertTarget));
    if (this.monitoring.prometheusRule && alerts.length) {
      createPrometheusRule(this, 'prometheus-rule', {
        metadata: { name: this.name, labels: { ...labels, ...this.monitoring.labels } },
        group: `${this.name}.rules`, alerts, alertLabels: { service: this.name }, runbookBaseUrl: this.monitoring.runbookBaseUrl,
      });
    }
  }

  /** Host clients connect to: the Pooler's `-pooler-rw` Service when there is one, else the primary's Service. */
  public get host(): string {
    return this.cloudNativePg?.pooler ? this.cloudNativePg.pooler.name : this.primaryHost;
  }

  /** Host of the primary itself (`<name>` for statefulset, `<name>-rw` for CloudNativePG), for DDL and dumps. */
  public get primaryHost(): string {
    return this.backend === 'cloudnative-pg' ? `${this.name}-rw` : this.name;
  }

  /** PostgreSQL port. */
  public get port(): number {
    return PGVECTOR_RUNTIME.port;
  }

  /** The schema SQL exactly as rendered into the ConfigMap. */
  public get schemaSql(): string {
    return this.schemaConfigMap.data[SCHEMA_SQL_KEY];
  }

  /** The PostgreSQL pods in the connectivity model. */
  public get workload(): Workload {
    return this.primaryEndpoint.target as Workload;
  }

  /** The owner's password: the Secret key every client of the database reads. */
  public get passwordSecret(): SecretKeyReference {
    return { secretName: this.credentialsSecret, key: 'password' };
  }

  /**
   * Labels of the backup Job's pods. A restore helper pod carrying them is admitted to the
   * database and may reach it, exactly like a scheduled backup (the README's restore recipe).
   */
  public get backupSelector(): Record<string, string> {
    return selectorLabels({ ...this.identity, component: 'database-backup' });
  }

  /** Owner connection to the primary, credentials from {@link credentialsSecret}. */
  public connection(): PostgresConnection {
    return { host: this.primaryHost, port: PGVECTOR_RUNTIME.port, database: this.databaseName, username: this.owner, password: this.passwordSecret };
  }

  /**
   * Facts for the environment policy. CloudNativePG reports its instances (HA), ScheduledBackup
   * and managed PDB. The statefulset backend is a single primary by design: it reports backups
   * only, since replicas and a PDB do not apply to it.
   */
  public policyFacts(): PolicyFacts {
    const base = {
      component: `PgvectorDatabase (${this.backend})`,
      backups: { enabled: this.backupsEnabled, field: 'backup.enabled' },
    };
    if (this.backend === 'statefulset') return base;
    return {
      ...base,
      haReplicas: { replicas: this.instances, field: 'instances' },
      disruptionBudget: { present: this.cloudNativePg!.podDisruptionBudget, field: 'instances (> 1) and cloudNativePg.enablePodDisruptionBudget' },
    };
  }

  /**
   * The credentials Secret: statefulset's comes to exist as `secretProvisioning` says, with only
   * a `password` key (the owner's name is a literal), so a generated one works; CloudNativePG's
   * default `<name>-app` is the operator's; a user's initdb Secret must exist.
   */
  private provideCredentials(props: PgvectorDatabaseProps, labels: Record<string, string>): void {
    if (this.backend === 'statefulset') {
      provideSecret(this, props.secretProvisioning, {
        secretName: this.credentialsSecret, labels, field: 'credentialsSecret',
        keys: { password: { generate: true, remoteKey: props.passwordRemoteKey } },
      });
    } else if (props.credentialsSecret === undefined) {
      declareProduced(this, 'Secret', this.credentialsSecret);
    } else {
      declareExternal(this, 'Secret', this.credentialsSecret, { keys: ['password', 'username'] });
    }
  }
}

/** A PostgreSQL identifier this library writes unquoted: lower-case letter first, then letters, digits, `_`; at most 63. */
function validateIdentifier(scope: Construct, field: string, value: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) invalid(scope, field, value, "use lower-case letters, digits and '_', starting with a letter or '_', at most 63 characters");
  return value;
}

/** The backup schedule and time zone, checked here so errors name the `backup.` fields. */
function validateBackupSchedule(scope: IConstruct, backup: BackupOptions | undefined): { enabled: boolean; schedule: string } {
  const schedule = validateCron(scope, 'backup.schedule', backup?.schedule ?? '0 2 * * *').join(' ');
  if (backup?.timeZone !== undefined) validateTimeZone(scope, 'backup.timeZone', backup.timeZone);
  return { enabled: backup?.enabled ?? true, schedule };
}
