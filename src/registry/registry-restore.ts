import { Cron, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { POSTGRES_ALPINE_UID, POSTGRES_CLIENT_IMAGE, SQLITE_BACKUP_IMAGE } from '../backup/database-backup';
import { contentHash, CONFIG_CHECKSUM_ANNOTATION } from '../common/checksum';
import { ComponentLabels, recommendedLabels, selectorLabels } from '../common/labels';
import { applyPodConventions, PodUser, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume } from '../common/pod';
import { HELPER_RESOURCE_DEFAULTS, resolveResources } from '../common/resources';
import { envFromSecret, SecretKeyReference } from '../common/secrets';

/**
 * The restore script the restore Job runs, taken verbatim from the rendered CronJob by the tests
 * and run against real SQLite and PostgreSQL 15. POSIX sh (busybox in the alpine images).
 *
 * Environment: RESTORE_SOURCE (`sqlite` | `postgres`), BACKUP_PREFIX, RESTORE_FILE (a file name in
 * /backup; empty restores the newest backup), SQLITE_DATABASE (sqlite) or DATABASE_URL (postgres).
 * It checks the file against its `.sha256` before touching the database.
 * @internal
 */
export const RESTORE_SCRIPT = `#!/bin/sh
set -eu
: "\${RESTORE_SOURCE:?}" "\${BACKUP_PREFIX:?}"
case "$RESTORE_SOURCE" in
  sqlite) ext=db ;;
  postgres) ext=dump ;;
  *) echo "restore: unknown RESTORE_SOURCE '$RESTORE_SOURCE' (sqlite or postgres)" >&2; exit 2 ;;
esac
cd "\${BACKUP_DIR:-/backup}"
file="\${RESTORE_FILE:-}"
if [ -z "$file" ]; then
  # Backup names carry a UTC stamp, so the newest sorts last.
  file=$(ls -1 | grep -E "^$BACKUP_PREFIX-[0-9]{8}T[0-9]{6}Z\\.$ext\\$" | sort | tail -n 1 || true)
  [ -n "$file" ] || { echo "restore: no backup $BACKUP_PREFIX-*.$ext in $(pwd)" >&2; exit 1; }
fi
case "$file" in
  *[!A-Za-z0-9._-]*|.*) echo "restore: RESTORE_FILE '$file' is not a backup file name" >&2; exit 2 ;;
esac
[ -f "$file" ] || { echo "restore: no file $file in $(pwd)" >&2; exit 1; }
sha256sum -c "$file.sha256"
echo "restore: restoring $file"
if [ "$RESTORE_SOURCE" = sqlite ]; then
  : "\${SQLITE_DATABASE:?}"
  # The registry is stopped: a leftover WAL belongs to the database being replaced.
  rm -f "$SQLITE_DATABASE-wal" "$SQLITE_DATABASE-shm"
  sqlite3 "$SQLITE_DATABASE" ".restore '$(pwd)/$file'"
  [ "$(sqlite3 "$SQLITE_DATABASE" 'PRAGMA integrity_check;')" = ok ] || { echo "restore: integrity check failed" >&2; exit 1; }
else
  pg_restore --clean --if-exists --no-owner --exit-on-error --dbname="\${DATABASE_URL:?}" "$file"
fi
echo "restore: restored $file"
`;

/** The database a {@link RegistryRestore} writes into. @internal */
export type RestoreTarget =
  | { readonly kind: 'sqlite'; readonly claimName: string; readonly mountPath: string; readonly databaseFile: string; readonly user: PodUser; readonly separateFrom: Record<string, string> }
  | { readonly kind: 'postgres'; readonly url: SecretKeyReference };

/** Props of {@link RegistryRestore}. @internal */
export interface RegistryRestoreProps {
  /** Name of the CronJob (`<registry>-restore`). */
  readonly name: string;
  readonly identity: ComponentLabels;
  /** The backup PVC and the backups' file prefix. */
  readonly backupClaim: kplus.IPersistentVolumeClaim;
  readonly backupPrefix: string;
  readonly target: RestoreTarget;
  /** Image with sqlite3 or pg_restore. */
  readonly image?: string;
}

// Never due (30 February): the CronJob is a template that `kubectl create job --from` starts.
const NEVER = { minute: '0', hour: '0', day: '30', month: '2', weekDay: '*' };

/**
 * The registry's restore, rendered as a suspended CronJob that never runs on its own: an operator
 * starts it with `kubectl create job --from=cronjob/<name>` after stopping the registry. Being a
 * rendered workload, its pods carry labels the connectivity model knows, so the environment's
 * NetworkPolicies admit exactly its flows; it has the Pod Security settings, volumes and Secret
 * references the backup has, so the documented restore needs no hand-written pod.
 * @internal
 */
export class RegistryRestore extends Construct {
  public readonly cronJob: kplus.CronJob;
  /** The ConfigMap holding the script. */
  public readonly script: kplus.ConfigMap;
  /** Labels of the restore pods. */
  public readonly selector: Record<string, string>;

  public constructor(scope: Construct, id: string, props: RegistryRestoreProps) {
    super(scope, id);
    const target = props.target;
    const user: PodUser = target.kind === 'sqlite' ? target.user : { uid: POSTGRES_ALPINE_UID };
    this.selector = selectorLabels(props.identity);
    const labels = recommendedLabels(props.identity);
    this.script = new kplus.ConfigMap(this, 'script', { metadata: { name: `${props.name}-script`, labels }, data: { 'restore.sh': RESTORE_SCRIPT } });
    this.cronJob = new kplus.CronJob(this, 'Resource', {
      metadata: { name: props.name, labels },
      select: false,
      schedule: Cron.schedule(NEVER),
      suspend: true,
      concurrencyPolicy: kplus.ConcurrencyPolicy.FORBID,
      successfulJobsRetained: 1,
      failedJobsRetained: 1,
      // A failed restore is looked at, not repeated.
      backoffLimit: 0,
      activeDeadline: Duration.hours(2),
      restartPolicy: kplus.RestartPolicy.NEVER,
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(user),
    });
    applyPodConventions(this.cronJob, { selector: this.selector, labels, annotations: { [CONFIG_CHECKSUM_ANNOTATION]: contentHash(RESTORE_SCRIPT) } });
    const container = this.cronJob.addContainer({
      name: 'restore',
      image: props.image ?? (target.kind === 'sqlite' ? SQLITE_BACKUP_IMAGE : POSTGRES_CLIENT_IMAGE),
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['/bin/sh', '/scripts/restore.sh'],
      securityContext: restrictedContainerSecurityContext(user),
      resources: resolveResources(this, 'resources', undefined, { requests: HELPER_RESOURCE_DEFAULTS.requests, limits: { cpu: '1', memory: '512Mi' } }),
      envVariables: {
        RESTORE_SOURCE: kplus.EnvValue.fromValue(target.kind),
        BACKUP_PREFIX: kplus.EnvValue.fromValue(props.backupPrefix),
        RESTORE_FILE: kplus.EnvValue.fromValue(''),
      },
    });
    container.mount('/scripts', kplus.Volume.fromConfigMap(this, 'script-volume', this.script, { name: 'script' }), { readOnly: true });
    container.mount('/backup', kplus.Volume.fromPersistentVolumeClaim(this, 'backup-volume', props.backupClaim, { name: 'backup', readOnly: true }), { readOnly: true });
    container.mount('/tmp', scratchVolume(this.cronJob, 'tmp'));
    if (target.kind === 'sqlite') {
      container.env.addVariable('SQLITE_DATABASE', kplus.EnvValue.fromValue(`${target.mountPath}/${target.databaseFile}`));
      const data = kplus.PersistentVolumeClaim.fromClaimName(this, 'data-claim', target.claimName);
      container.mount(target.mountPath, kplus.Volume.fromPersistentVolumeClaim(this, 'data-volume', data, { name: 'data' }));
      // Never next to a running registry pod: with the ReadWriteOnce volume attached to that
      // node, the restore then waits (Pending) until the registry is scaled to zero.
      this.cronJob.scheduling.separate(kplus.Pods.select(this, 'registry-pods', { labels: target.separateFrom }));
    } else {
      container.env.addVariable('DATABASE_URL', envFromSecret(this, target.url));
    }
  }
}
