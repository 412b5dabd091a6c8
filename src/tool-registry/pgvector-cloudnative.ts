import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Cluster, ClusterSpecPrimaryUpdateStrategy, ClusterSpecResourcesLimits, ClusterSpecResourcesRequests } from '../../imports/clusters-postgresql.cnpg.io';
import { PodMonitor, PodMonitorSpecPodMetricsEndpointsScheme } from '../../imports/podmonitors-monitoring.coreos.com';
import { Pooler, PoolerSpecPgbouncerPoolMode, PoolerSpecType } from '../../imports/poolers-postgresql.cnpg.io';
import { ScheduledBackup, ScheduledBackupSpecBackupOwnerReference, ScheduledBackupSpecMethod } from '../../imports/scheduledbackups-postgresql.cnpg.io';
import { BackupOptions } from '../backup/database-backup';
import { invalid } from '../common/errors';
import { NetworkPeer } from '../common/network';
import { ResourceSpec } from '../common/resources';
import { validateCron, validateDnsSubdomain, validateInteger } from '../common/validation';
import { PgvectorStorage } from './pgvector-database';
import { SCHEMA_SQL_KEY } from './schema-migration';

/** The CloudNativePG Barman Cloud plugin's name (https://cloudnative-pg.io/plugin-barman-cloud/). */
export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';

/**
 * How CloudNativePG takes backups.
 * - `plugin`: the Barman Cloud plugin with WAL archiving (point-in-time recovery) into an
 *   existing `ObjectStore` (barmancloud.cnpg.io/v1) named `barmanObjectName`, which also holds
 *   the retention policy. Needs the plugin installed.
 * - `volumeSnapshot`: CSI volume snapshots with an existing VolumeSnapshotClass.
 */
export type CloudNativePgBackupMethod =
  | { readonly method: 'plugin'; readonly barmanObjectName: string }
  | { readonly method: 'volumeSnapshot'; readonly volumeSnapshotClassName: string };

/** A PgBouncer Pooler in front of the primary (`<cluster>-pooler-rw`). */
export interface CloudNativePgPoolerOptions {
  /** Render the Pooler. @default false */
  readonly enabled?: boolean;
  /** PgBouncer pods. @default 2 */
  readonly instances?: number;
  /**
   * Pool mode. asyncpg (the API's driver) prepares statements per connection, which needs
   * `session` unless PgBouncer tracks prepared statements.
   * @default 'session'
   */
  readonly poolMode?: 'session' | 'transaction';
  /** PgBouncer max_client_conn. @default 1000 */
  readonly maxClientConnections?: number;
  /** PgBouncer default_pool_size (server connections per user/database). @default 20 */
  readonly defaultPoolSize?: number;
}

/** CloudNativePG-only settings of a PgvectorDatabase. */
export interface CloudNativePgOptions {
  /** Backup method of the ScheduledBackup. Required when backups are enabled. */
  readonly backupMethod?: CloudNativePgBackupMethod;
  /** Optional PgBouncer Pooler. @default - none */
  readonly pooler?: CloudNativePgPoolerOptions;
  /** Where the operator runs (it calls each instance's status port). @default namespace cnpg-system, pods app.kubernetes.io/name=cloudnative-pg */
  readonly operator?: NetworkPeer;
  /** Let the operator manage PodDisruptionBudgets (spec.enablePDB). @default true */
  readonly enablePodDisruptionBudget?: boolean;
}

/** Inputs of {@link renderCloudNativePg}, resolved by PgvectorDatabase. */
export interface CloudNativePgSpec {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly image: string;
  readonly instances: number;
  readonly owner: string;
  readonly databaseName: string;
  readonly credentialsSecret?: string;
  readonly storage?: PgvectorStorage;
  readonly resources: ResourceSpec;
  readonly schema: kplus.ConfigMap;
  readonly backup?: BackupOptions;
  readonly options: CloudNativePgOptions;
  readonly podMonitor: boolean;
}

/** What {@link renderCloudNativePg} created. */
export interface CloudNativePgObjects {
  readonly cluster: Cluster;
  readonly scheduledBackup?: ScheduledBackup;
  readonly pooler?: Pooler;
  /** Labels CloudNativePG puts on the instance pods. */
  readonly instanceSelector: Record<string, string>;
  /** Labels CloudNativePG puts on the Pooler pods. */
  readonly poolerSelector?: Record<string, string>;
  /** Whether the operator maintains a PDB (enablePDB and more than one instance). */
  readonly podDisruptionBudget: boolean;
}

/**
 * The cloudnative-pg backend: a Cluster whose initdb bootstrap creates the owner and database
 * and then runs the schema ConfigMap through postInitApplicationSQLRefs (as the superuser, in
 * the application database; the SQL hands the table to the owner), a ScheduledBackup, an
 * optional Pooler, and PodMonitors (CloudNativePG's own enablePodMonitor is deprecated).
 */
export function renderCloudNativePg(scope: Construct, spec: CloudNativePgSpec): CloudNativePgObjects {
  const { options } = spec;
  const gibibytes = spec.storage?.sizeGibibytes ?? 10;
  const enablePdb = options.enablePodDisruptionBudget ?? true;
  const backupsEnabled = spec.backup?.enabled ?? true;
  const r = spec.resources;
  const method = backupsEnabled ? validateBackupMethod(scope, spec) : undefined;

  const cluster = new Cluster(scope, 'Resource', {
    metadata: { name: spec.name, labels: spec.labels },
    spec: {
      instances: spec.instances,
      imageName: spec.image,
      imagePullPolicy: 'IfNotPresent',
      primaryUpdateStrategy: ClusterSpecPrimaryUpdateStrategy.UNSUPERVISED,
      enablePdb,
      // Only labels CloudNativePG does not set itself (it owns app.kubernetes.io/name, instance, component, managed-by).
      inheritedMetadata: { labels: { 'app.kubernetes.io/part-of': spec.labels['app.kubernetes.io/part-of'] } },
      storage: { size: `${gibibytes}Gi`, ...(spec.storage?.storageClassName ? { storageClass: spec.storage.storageClassName } : {}) },
      resources: {
        requests: { cpu: ClusterSpecResourcesRequests.fromString(`${r.cpuRequestMillis}m`), memory: ClusterSpecResourcesRequests.fromString(`${r.memoryRequestMebibytes}Mi`) },
        limits: { cpu: ClusterSpecResourcesLimits.fromString(`${r.cpuLimitMillis}m`), memory: ClusterSpecResourcesLimits.fromString(`${r.memoryLimitMebibytes}Mi`) },
      },
      affinity: { enablePodAntiAffinity: true, topologyKey: 'kubernetes.io/hostname', podAntiAffinityType: 'preferred' },
      bootstrap: {
        initdb: {
          database: spec.databaseName,
          owner: spec.owner,
          dataChecksums: true,
          ...(spec.credentialsSecret ? { secret: { name: spec.credentialsSecret } } : {}),
          postInitApplicationSqlRefs: { configMapRefs: [{ name: spec.schema.name, key: SCHEMA_SQL_KEY }] },
        },
      },
      ...(method?.method === 'plugin' ? { plugins: [{ name: BARMAN_CLOUD_PLUGIN, isWalArchiver: true, parameters: { barmanObjectName: method.barmanObjectName } }] } : {}),
      ...(method?.method === 'volumeSnapshot' ? { backup: { volumeSnapshot: { className: method.volumeSnapshotClassName, online: true } } } : {}),
    },
  });
  // The bootstrap reads the schema ConfigMap: apply it first.
  ApiObject.of(cluster).addDependency(spec.schema);

  let scheduledBackup: ScheduledBackup | undefined;
  if (method) {
    const fields = validateCron(scope, 'backup.schedule', spec.backup?.schedule ?? '0 2 * * *');
    scheduledBackup = new ScheduledBackup(scope, 'scheduled-backup', {
      metadata: { name: `${spec.name}-backup`, labels: spec.labels },
      spec: {
        cluster: { name: spec.name },
        // CloudNativePG schedules have a leading seconds field.
        schedule: ['0', ...fields].join(' '),
        immediate: true,
        backupOwnerReference: ScheduledBackupSpecBackupOwnerReference.SELF,
        method: method.method === 'plugin' ? ScheduledBackupSpecMethod.PLUGIN : ScheduledBackupSpecMethod.VOLUME_SNAPSHOT,
        ...(method.method === 'plugin' ? { pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN } } : {}),
      },
    });
  }

  const instanceSelector = { 'cnpg.io/cluster': spec.name, 'cnpg.io/podRole': 'instance' };
  let pooler: Pooler | undefined;
  let poolerSelector: Record<string, string> | undefined;
  if (options.pooler?.enabled) {
    const p = options.pooler;
    const name = `${spec.name}-pooler-rw`;
    pooler = new Pooler(scope, 'pooler', {
      metadata: { name, labels: { ...spec.labels, 'app.kubernetes.io/component': 'database-pooler' } },
      spec: {
        cluster: { name: spec.name },
        instances: validateInteger(scope, 'cloudNativePg.pooler.instances', p.instances ?? 2, 1),
        type: PoolerSpecType.RW,
        pgbouncer: {
          poolMode: (p.poolMode ?? 'session') === 'session' ? PoolerSpecPgbouncerPoolMode.SESSION : PoolerSpecPgbouncerPoolMode.TRANSACTION,
          parameters: {
            max_client_conn: String(validateInteger(scope, 'cloudNativePg.pooler.maxClientConnections', p.maxClientConnections ?? 1000, 1)),
            default_pool_size: String(validateInteger(scope, 'cloudNativePg.pooler.defaultPoolSize', p.defaultPoolSize ?? 20, 1)),
          },
        },
      },
    });
    poolerSelector = { 'cnpg.io/poolerName': name };
  }

  if (spec.podMonitor) {
    podMonitor(scope, 'pod-monitor', spec.name, spec.labels, instanceSelector);
    if (pooler && poolerSelector) podMonitor(scope, 'pooler-pod-monitor', pooler.name, spec.labels, poolerSelector);
  }
  return { cluster, scheduledBackup, pooler, instanceSelector, poolerSelector, podDisruptionBudget: enablePdb && spec.instances > 1 };
}

function podMonitor(scope: Construct, id: string, name: string, labels: Record<string, string>, selector: Record<string, string>): PodMonitor {
  return new PodMonitor(scope, id, {
    metadata: { name, labels },
    spec: {
      selector: { matchLabels: selector },
      podMetricsEndpoints: [{ port: 'metrics', scheme: PodMonitorSpecPodMetricsEndpointsScheme.HTTP, interval: '30s' }],
    },
  });
}

/** CloudNativePG backups are configured on the Cluster; the dump-only BackupOptions fields do not apply. */
function validateBackupMethod(scope: Construct, spec: CloudNativePgSpec): CloudNativePgBackupMethod {
  const b = spec.backup ?? {};
  const dumpOnly: (keyof BackupOptions)[] = ['retention', 'storageGibibytes', 'storageClassName', 'volumeName', 'image', 'activeDeadlineSeconds', 'timeZone'];
  for (const field of dumpOnly) {
    if (b[field] !== undefined) {
      invalid(scope, `backup.${field}`, b[field], field === 'retention'
        ? 'CloudNativePG keeps backups by the ObjectStore retentionPolicy (plugin) or your snapshot tooling: remove backup.retention'
        : field === 'timeZone' ? 'CloudNativePG runs ScheduledBackups in UTC: remove backup.timeZone and give the schedule in UTC'
          : `backup.${field} applies to the statefulset backend's pg_dump CronJob only: remove it`);
    }
  }
  const m = spec.options.backupMethod;
  if (!m) {
    invalid(scope, 'cloudNativePg.backupMethod', m, "choose how CloudNativePG stores backups: { method: 'plugin', barmanObjectName: '<ObjectStore name>' } (Barman Cloud plugin, WAL archive and PITR) or { method: 'volumeSnapshot', volumeSnapshotClassName: '<class>' }; or set backup.enabled to false");
  }
  if (m.method === 'plugin') validateDnsSubdomain(scope, 'cloudNativePg.backupMethod.barmanObjectName', m.barmanObjectName);
  else if (m.method === 'volumeSnapshot') validateDnsSubdomain(scope, 'cloudNativePg.backupMethod.volumeSnapshotClassName', m.volumeSnapshotClassName);
  else invalid(scope, 'cloudNativePg.backupMethod.method', (m as { method: unknown }).method, "use 'plugin' or 'volumeSnapshot'");
  return m;
}
