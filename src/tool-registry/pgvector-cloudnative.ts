import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type * as clusters from '../../imports/clusters-postgresql.cnpg.io';
import type * as poolers from '../../imports/poolers-postgresql.cnpg.io';
import type * as scheduledBackups from '../../imports/scheduledbackups-postgresql.cnpg.io';
import { BackupOptions } from '../backup/database-backup';
import { invalid } from '../common/errors';
import { declareExternal } from '../common/external-references';
import { createPodMonitor } from '../common/monitoring';
import { NetworkPeer } from '../common/network';
import { SchedulingOptions, topologySpreadConstraints } from '../common/scheduling';
import { validateCron, validateDnsSubdomain, validateInteger, validateLabels } from '../common/validation';
import { cnpgInstanceSelector, ResolvedStorage } from './pgvector-shared';
import { SCHEMA_SQL_KEY } from './schema-migration';
import { PGVECTOR_RUNTIME } from './tool-registry-runtime';

// The CloudNativePG bindings (over 500 kB of generated code) load on first use: only a tool
// registry on the cloudnative-pg backend renders these objects.
const bindings = {
  clusters: (): typeof clusters => require('../../imports/clusters-postgresql.cnpg.io'),
  poolers: (): typeof poolers => require('../../imports/poolers-postgresql.cnpg.io'),
  scheduledBackups: (): typeof scheduledBackups => require('../../imports/scheduledbackups-postgresql.cnpg.io'),
};

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

/** CloudNativePG-only settings of a PgvectorDatabase. */
export interface CloudNativePgOptions {
  /** Backup method of the ScheduledBackup. Required when backups are enabled. */
  readonly backupMethod?: CloudNativePgBackupMethod;
  /** Optional PgBouncer Pooler in front of the primary (`<cluster>-pooler-rw`). @default - none */
  readonly pooler?: {
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
  };
  /** Where the operator runs (it calls each instance's status port). @default namespace cnpg-system, pods app.kubernetes.io/name=cloudnative-pg */
  readonly operator?: NetworkPeer;
  /** Let the operator manage PodDisruptionBudgets (spec.enablePDB). @default true */
  readonly enablePodDisruptionBudget?: boolean;
}

/** Inputs of {@link renderCloudNativePg}, resolved by PgvectorDatabase. @internal */
export interface CloudNativePgSpec {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly image: string;
  readonly instances: number;
  readonly owner: string;
  readonly databaseName: string;
  readonly credentialsSecret?: string;
  readonly storage: ResolvedStorage;
  readonly resources: kplus.ContainerResources;
  readonly scheduling?: SchedulingOptions;
  readonly schema: kplus.ConfigMap;
  readonly backup?: BackupOptions;
  readonly options: CloudNativePgOptions;
  /** PodMonitors for the instances' and poolers' exporters, with these extra labels; none when undefined. */
  readonly podMonitor?: { readonly labels: Record<string, string>; readonly interval?: string };
}

/** The CloudNativePG objects a PgvectorDatabase rendered. */
export interface CloudNativePgObjects {
  readonly cluster: clusters.Cluster;
  readonly scheduledBackup?: scheduledBackups.ScheduledBackup;
  readonly pooler?: poolers.Pooler;
  /** Labels CloudNativePG puts on the instance pods. */
  readonly instanceSelector: Record<string, string>;
  /** Labels CloudNativePG puts on the Pooler pods. */
  readonly poolerSelector?: Record<string, string>;
  /** Whether the operator maintains a PDB (enablePDB and more than one instance). */
  readonly podDisruptionBudget: boolean;
  /** The backup method in use, when backups are enabled. */
  readonly backupMethod?: CloudNativePgBackupMethod;
}

/**
 * The cloudnative-pg backend: a Cluster whose initdb bootstrap creates the owner and database
 * and then runs the schema ConfigMap through postInitApplicationSQLRefs (as the superuser, in
 * the application database; the SQL hands the table to the owner), a ScheduledBackup, an
 * optional Pooler, and PodMonitors (CloudNativePG's own enablePodMonitor is deprecated).
 * @internal
 */
export function renderCloudNativePg(scope: Construct, spec: CloudNativePgSpec): CloudNativePgObjects {
  const { options } = spec;
  const enablePdb = options.enablePodDisruptionBudget ?? true;
  const backupsEnabled = spec.backup?.enabled ?? true;
  const r = spec.resources;
  const method = backupsEnabled ? validateBackupMethod(scope, spec) : undefined;
  const instanceSelector = cnpgInstanceSelector(spec.name);
  const scheduling = spec.scheduling ?? {};

  const { Cluster, ClusterSpecPrimaryUpdateStrategy, ClusterSpecResourcesLimits, ClusterSpecResourcesRequests } = bindings.clusters();
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
      storage: { size: `${spec.storage.gibibytes}Gi`, ...(spec.storage.storageClassName ? { storageClass: spec.storage.storageClassName } : {}) },
      resources: {
        requests: { cpu: ClusterSpecResourcesRequests.fromString(r.cpu!.request!.amount), memory: ClusterSpecResourcesRequests.fromString(`${r.memory!.request!.toMebibytes()}Mi`) },
        limits: { cpu: ClusterSpecResourcesLimits.fromString(r.cpu!.limit!.amount), memory: ClusterSpecResourcesLimits.fromString(`${r.memory!.limit!.toMebibytes()}Mi`) },
      },
      affinity: clusterAffinity(scope, scheduling),
      ...(scheduling.priorityClassName !== undefined ? { priorityClassName: validateDnsSubdomain(scope, 'scheduling.priorityClassName', scheduling.priorityClassName) } : {}),
      ...(scheduling.topologySpread ? { topologySpreadConstraints: topologySpreadConstraints(instanceSelector) as never } : {}),
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

  let scheduledBackup: scheduledBackups.ScheduledBackup | undefined;
  if (method) {
    const fields = validateCron(scope, 'backup.schedule', spec.backup?.schedule ?? '0 2 * * *');
    const { ScheduledBackup, ScheduledBackupSpecBackupOwnerReference, ScheduledBackupSpecMethod } = bindings.scheduledBackups();
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

  let pooler: poolers.Pooler | undefined;
  let poolerSelector: Record<string, string> | undefined;
  if (options.pooler?.enabled) {
    const p = options.pooler;
    const name = `${spec.name}-pooler-rw`;
    const { Pooler, PoolerSpecPgbouncerPoolMode, PoolerSpecType } = bindings.poolers();
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
    // CloudNativePG's own enablePodMonitor is deprecated upstream: the PodMonitors are ours.
    const labels = { ...spec.labels, ...spec.podMonitor.labels };
    const endpoint = { port: PGVECTOR_RUNTIME.metricsPortName, interval: spec.podMonitor.interval };
    createPodMonitor(scope, 'pod-monitor', { metadata: { name: spec.name, labels }, podSelector: instanceSelector, ...endpoint });
    if (pooler && poolerSelector) createPodMonitor(scope, 'pooler-pod-monitor', { metadata: { name: pooler.name, labels }, podSelector: poolerSelector, ...endpoint });
  }
  return { cluster, scheduledBackup, pooler, instanceSelector, poolerSelector, podDisruptionBudget: enablePdb && spec.instances > 1, backupMethod: method };
}

/**
 * The Cluster's `affinity` from the shared scheduling shape: CloudNativePG's preferred
 * anti-affinity between instances, plus the user's node selector, tolerations and (pod-spec
 * shaped) affinity mapped onto CloudNativePG's fields.
 */
function clusterAffinity(scope: Construct, s: SchedulingOptions): clusters.ClusterSpecAffinity {
  const affinity = (s.affinity ?? {}) as { nodeAffinity?: unknown; podAffinity?: unknown; podAntiAffinity?: unknown };
  const unknownKey = Object.keys(affinity).find(k => !['nodeAffinity', 'podAffinity', 'podAntiAffinity'].includes(k));
  if (unknownKey) invalid(scope, `scheduling.affinity.${unknownKey}`, affinity[unknownKey as keyof typeof affinity], 'use nodeAffinity, podAffinity or podAntiAffinity (the pod spec affinity fields)');
  return {
    enablePodAntiAffinity: true, topologyKey: 'kubernetes.io/hostname', podAntiAffinityType: 'preferred',
    ...(s.nodeSelector && Object.keys(s.nodeSelector).length ? { nodeSelector: validateLabels(scope, 'scheduling.nodeSelector', s.nodeSelector) } : {}),
    ...(s.tolerations?.length ? { tolerations: s.tolerations.map(t => ({ ...t })) } : {}),
    ...(affinity.nodeAffinity ? { nodeAffinity: affinity.nodeAffinity as never } : {}),
    ...(affinity.podAffinity ? { additionalPodAffinity: affinity.podAffinity as never } : {}),
    ...(affinity.podAntiAffinity ? { additionalPodAntiAffinity: affinity.podAntiAffinity as never } : {}),
  };
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
  // The object store (with its credentials) or the snapshot class is the user's: a prerequisite.
  if (m.method === 'plugin') {
    validateDnsSubdomain(scope, 'cloudNativePg.backupMethod.barmanObjectName', m.barmanObjectName);
    declareExternal(scope, 'ObjectStore', m.barmanObjectName);
  } else if (m.method === 'volumeSnapshot') {
    validateDnsSubdomain(scope, 'cloudNativePg.backupMethod.volumeSnapshotClassName', m.volumeSnapshotClassName);
    declareExternal(scope, 'VolumeSnapshotClass', m.volumeSnapshotClassName);
  }
  else invalid(scope, 'cloudNativePg.backupMethod.method', (m as { method: unknown }).method, "use 'plugin' or 'volumeSnapshot'");
  return m;
}
