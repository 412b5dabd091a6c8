import { Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { contentHash, CONFIG_CHECKSUM_ANNOTATION } from '../common/checksum';
import { parseImageProp } from '../common/image';
import { ComponentLabels, recommendedLabels, selectorLabels } from '../common/labels';
import { applyPodConventions, PodUser, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume } from '../common/pod';
import { HELPER_RESOURCES, toContainerResources } from '../common/resources';
import { libpqEnv, PostgresConnection } from '../common/postgres-connection';
import { validateCron, validateInteger } from '../common/validation';
import { BACKUP_ENV, BACKUP_SCRIPT } from './backup-script';

/** sqlite3 CLI image (alpine, busybox userland) used for SQLite online backups. */
export const SQLITE_BACKUP_IMAGE = 'keinos/sqlite3:3.47.2';
/** PostgreSQL client image used for pg_dump; its client must be at least the server's major version. */
export const POSTGRES_CLIENT_IMAGE = 'postgres:17.2-alpine';
/** UID of the `postgres` user in the alpine PostgreSQL images. */
export const POSTGRES_ALPINE_UID = 70;

/** A SQLite database living on a ReadWriteOnce volume of a running pod. */
export interface SqliteBackupSource {
  readonly kind: 'sqlite';
  /** PVC holding the live database (for a StatefulSet: `<claim template>-<statefulset>-0`). */
  readonly claimName: string;
  /** Where the PVC is mounted in the backup pod, and the database file below it. */
  readonly mountPath: string;
  readonly databaseFile: string;
  /**
   * Labels of the pod that mounts the volume. The backup pod is scheduled onto the same node
   * (required pod affinity): a ReadWriteOnce volume attaches to one node at a time, and
   * several pods on that node may mount it.
   */
  readonly colocateWith: Record<string, string>;
  /** The user the database's own pod runs as, so the backup can take SQLite's locks. */
  readonly user: PodUser;
}

/** A PostgreSQL database reached over the network with libpq. */
export interface PostgresBackupSource {
  readonly kind: 'postgres';
  /** How to connect; credentials come from Secrets. */
  readonly connection: PostgresConnection;
  /** Database and role used when the connection gives a host rather than a URL. */
  readonly defaults: { readonly database: string; readonly username: string };
}

/** What a {@link DatabaseBackup} copies. */
export type BackupSource = SqliteBackupSource | PostgresBackupSource;

/** Retention of backup files: both rules apply when both are set. */
export interface BackupRetention {
  /** Keep the N newest backups. @default 7 */
  readonly keepLast?: number;
  /** Delete backups older than D days. @default - no age limit */
  readonly maxAgeDays?: number;
}

/** Options of a backup schedule, shared by every component that takes backups. */
export interface BackupOptions {
  /** Render the backup CronJob. @default true */
  readonly enabled?: boolean;
  /** Cron schedule (five fields or a macro such as `@daily`). @default '0 2 * * *' (daily 02:00) */
  readonly schedule?: string;
  /** IANA time zone of the schedule. @default - the kube-controller-manager's (usually UTC) */
  readonly timeZone?: string;
  /** How many backups to keep. @default { keepLast: 7 } */
  readonly retention?: BackupRetention;
  /** Size of the backup volume in GiB. @default 10 */
  readonly storageGibibytes?: number;
  /** StorageClass of the backup volume. @default - the cluster default */
  readonly storageClassName?: string;
  /**
   * An existing PersistentVolume (cluster-scoped, so outside the environment's namespace) the
   * backup claim binds to. With `persistentVolumeReclaimPolicy: Retain` the backups outlive
   * the claim, the namespace and the environment; give the claim the volume's StorageClass.
   * @default - a volume provisioned from the StorageClass
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reserving-a-persistentvolume
   */
  readonly volumeName?: string;
  /** Image with sqlite3 or pg_dump. @default - SQLITE_BACKUP_IMAGE or POSTGRES_CLIENT_IMAGE */
  readonly image?: string;
  /** Seconds a backup Job may run before it is stopped. @default 3600 */
  readonly activeDeadlineSeconds?: number;
}

/** Props of {@link DatabaseBackup}. */
export interface DatabaseBackupProps extends BackupOptions {
  /** Name of the CronJob, PVC and script ConfigMap (`<name>`, `<name>`, `<name>-script`). */
  readonly name: string;
  /** Identity of the backup Job (component is usually `<owner>-backup`). */
  readonly identity: ComponentLabels;
  /** The database to copy. */
  readonly source: BackupSource;
}

/**
 * A CronJob that takes a consistent online backup into its own PVC and enforces retention,
 * running {@link BACKUP_SCRIPT}: concurrencyPolicy Forbid, bounded history and deadlines,
 * and a pod that is always schedulable (see {@link SqliteBackupSource.colocateWith}).
 * @throws McpConfigError for an invalid schedule, retention below 1 or storage below 1 GiB.
 */
export class DatabaseBackup extends Construct {
  /** The CronJob. */
  public readonly cronJob: kplus.CronJob;
  /**
   * The PVC the backups are written to. GitOps tools never prune or delete it, and Argo CD
   * ignores its health (it binds at the first backup).
   */
  public readonly claim: kplus.PersistentVolumeClaim;
  /** The ConfigMap holding the script. */
  public readonly script: kplus.ConfigMap;

  public constructor(scope: Construct, id: string, props: DatabaseBackupProps) {
    super(scope, id);
    const schedule = validateCron(this, 'schedule', props.schedule ?? '0 2 * * *');
    const keepLast = validateInteger(this, 'retention.keepLast', props.retention?.keepLast ?? 7, 1);
    const maxAgeDays = props.retention?.maxAgeDays === undefined ? 0 : validateInteger(this, 'retention.maxAgeDays', props.retention.maxAgeDays, 1);
    const storage = validateInteger(this, 'storageGibibytes', props.storageGibibytes ?? 10, 1);
    const deadline = validateInteger(this, 'activeDeadlineSeconds', props.activeDeadlineSeconds ?? 3600, 60);
    const source = props.source;
    const image = parseImageProp(this, 'image', props.image ?? (source.kind === 'sqlite' ? SQLITE_BACKUP_IMAGE : POSTGRES_CLIENT_IMAGE));
    const labels = recommendedLabels(props.identity);
    const user = source.kind === 'sqlite' ? source.user : { uid: POSTGRES_ALPINE_UID };

    this.script = new kplus.ConfigMap(this, 'script', {
      metadata: { name: `${props.name}-script`, labels },
      data: { 'backup.sh': BACKUP_SCRIPT },
    });
    this.claim = new kplus.PersistentVolumeClaim(this, 'claim', {
      metadata: { name: props.name, labels },
      accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
      storage: Size.gibibytes(storage),
      storageClassName: props.storageClassName,
      volume: props.volumeName ? kplus.PersistentVolume.fromPersistentVolumeName(this, 'backup-pv', props.volumeName) : undefined,
    });
    // With a WaitForFirstConsumer StorageClass the claim stays Pending until the first backup
    // runs (up to a day): keep it out of the Argo CD Application's health meanwhile.
    this.claim.metadata.addAnnotation('argocd.argoproj.io/ignore-healthcheck', 'true');

    const [minute, hour, day, month, weekDay] = schedule;
    this.cronJob = new kplus.CronJob(this, 'Resource', {
      metadata: { name: props.name, labels },
      select: false,
      schedule: Cron.schedule({ minute, hour, day, month, weekDay }),
      timeZone: props.timeZone,
      concurrencyPolicy: kplus.ConcurrencyPolicy.FORBID,
      startingDeadline: Duration.minutes(30),
      successfulJobsRetained: 3,
      failedJobsRetained: 3,
      backoffLimit: 2,
      activeDeadline: Duration.seconds(deadline),
      restartPolicy: kplus.RestartPolicy.NEVER,
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(user),
    });
    applyPodConventions(this.cronJob, {
      selector: selectorLabels(props.identity),
      labels,
      annotations: { [CONFIG_CHECKSUM_ANNOTATION]: contentHash(BACKUP_SCRIPT) },
    });

    const container = this.cronJob.addContainer({
      name: 'backup',
      image: image.toString(),
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['/bin/sh', '/scripts/backup.sh'],
      securityContext: restrictedContainerSecurityContext(user),
      resources: toContainerResources({ ...HELPER_RESOURCES, memoryLimitMebibytes: 512, cpuLimitMillis: 1000 }),
      envVariables: {
        [BACKUP_ENV.source]: kplus.EnvValue.fromValue(source.kind),
        [BACKUP_ENV.dir]: kplus.EnvValue.fromValue('/backup'),
        [BACKUP_ENV.prefix]: kplus.EnvValue.fromValue(props.name),
        [BACKUP_ENV.keepLast]: kplus.EnvValue.fromValue(String(keepLast)),
        [BACKUP_ENV.maxAgeDays]: kplus.EnvValue.fromValue(String(maxAgeDays)),
      },
    });
    container.mount('/scripts', kplus.Volume.fromConfigMap(this, 'script-volume', this.script, { name: 'script' }), { readOnly: true });
    container.mount('/backup', kplus.Volume.fromPersistentVolumeClaim(this, 'backup-volume', this.claim, { name: 'backup' }));
    container.mount('/tmp', scratchVolume(this.cronJob, 'tmp'));

    if (source.kind === 'sqlite') {
      container.env.addVariable(BACKUP_ENV.sqliteDatabase, kplus.EnvValue.fromValue(`${source.mountPath}/${source.databaseFile}`));
      const data = kplus.PersistentVolumeClaim.fromClaimName(this, 'data-claim', source.claimName);
      container.mount(source.mountPath, kplus.Volume.fromPersistentVolumeClaim(this, 'data-volume', data, { name: 'data' }));
      this.cronJob.scheduling.colocate(kplus.Pods.select(this, 'database-pod', { labels: source.colocateWith }));
    } else {
      for (const [name, value] of Object.entries(libpqEnv(this, source.connection, source.defaults))) container.env.addVariable(name, value);
    }
  }
}
