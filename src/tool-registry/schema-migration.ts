import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { POSTGRES_ALPINE_UID, POSTGRES_CLIENT_IMAGE } from '../backup/database-backup';
import { contentHash, CONFIG_CHECKSUM_ANNOTATION } from '../common/checksum';
import { parseImageProp } from '../common/image';
import { templateHashedName } from '../common/job-name';
import { ComponentLabels, recommendedLabels, selectorLabels } from '../common/labels';
import { applyPodConventions, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolume } from '../common/pod';
import { libpqEnv, PostgresConnection, waitForPostgresScript } from '../common/postgres-connection';
import { HELPER_RESOURCE_DEFAULTS, resolveResources } from '../common/resources';

/** Key of the schema file in its ConfigMap (also what CloudNativePG's postInitApplicationSQLRefs points at). */
export const SCHEMA_SQL_KEY = 'schema.sql';

/** Options of the schema migration Job. */
export interface SchemaMigrationOptions {
  /** Render the migration Job. @default true */
  readonly enabled?: boolean;
  /** Seconds the Job waits for the database (pg_isready) before failing. @default 600 */
  readonly waitTimeoutSeconds?: number;
  /** Image with psql and pg_isready. @default POSTGRES_CLIENT_IMAGE */
  readonly image?: string;
}

/** Props of {@link SchemaMigration}. */
export interface SchemaMigrationProps extends SchemaMigrationOptions {
  /**
   * Name prefix: the Job is `<name>-<8 hex of its rendered pod template>`, so any change to
   * the template (SQL, client image, connection, labels) creates a new Job instead of an
   * apply error.
   */
  readonly name: string;
  /** Identity of the Job's pods (component is usually `database-migration`). */
  readonly identity: ComponentLabels;
  /** ConfigMap holding the SQL under {@link SCHEMA_SQL_KEY}. */
  readonly schema: kplus.ConfigMap;
  /** How to connect; the role must own the database. */
  readonly connection: PostgresConnection;
  /** Database and role used when the connection gives a host rather than a URL. */
  readonly defaults: { readonly database: string; readonly username: string };
}

/**
 * A Job that waits for PostgreSQL with pg_isready and then applies the schema SQL from its
 * ConfigMap with `psql --single-transaction -v ON_ERROR_STOP=1`: all of it or nothing.
 *
 * Job pod templates are immutable, so the Job's name carries a hash of its whole rendered pod
 * template: a changed schema, client image, connection or library version renders a new Job
 * (GitOps tools prune the old one) instead of an apply error, and `kubectl apply` keeps
 * working. No ttlSecondsAfterFinished: a deleted Job would be recreated and re-run by GitOps
 * tools.
 */
export class SchemaMigration extends Construct {
  /** The Job. Its name is a token resolved at synth (it hashes the rendered template). */
  public readonly job: kplus.Job;
  /** Labels of the Job's pods (for NetworkPolicies). */
  public readonly podSelector: Record<string, string>;

  public constructor(scope: Construct, id: string, props: SchemaMigrationProps) {
    super(scope, id);
    const sql = props.schema.data[SCHEMA_SQL_KEY];
    const timeout = props.waitTimeoutSeconds ?? 600;
    const image = parseImageProp(this, 'image', props.image ?? POSTGRES_CLIENT_IMAGE);
    const labels = recommendedLabels(props.identity);
    const user = { uid: POSTGRES_ALPINE_UID };
    this.podSelector = selectorLabels(props.identity);

    this.job = new kplus.Job(this, 'Resource', {
      metadata: { name: templateHashedName(() => this.job, props.name), labels },
      select: false,
      backoffLimit: 4,
      activeDeadline: Duration.seconds(timeout + 600),
      restartPolicy: kplus.RestartPolicy.NEVER,
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(user),
    });
    applyPodConventions(this.job, { selector: this.podSelector, labels, annotations: { [CONFIG_CHECKSUM_ANNOTATION]: contentHash(sql) } });
    const container = this.job.addContainer({
      name: 'migrate',
      image: image.toString(),
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['/bin/sh', '-c', [
        'set -eu',
        waitForPostgresScript(timeout),
        `exec psql -X --no-password -v ON_ERROR_STOP=1 --single-transaction \${DATABASE_URL:+--dbname="$DATABASE_URL"} --file=/schema/${SCHEMA_SQL_KEY}`,
      ].join('\n')],
      securityContext: restrictedContainerSecurityContext(user),
      resources: resolveResources(scope, 'migration.resources', undefined, HELPER_RESOURCE_DEFAULTS),
      envVariables: libpqEnv(this, props.connection, props.defaults),
    });
    container.mount('/schema', kplus.Volume.fromConfigMap(this, 'schema-volume', props.schema, { name: 'schema' }), { readOnly: true });
    container.mount('/tmp', scratchVolume(this.job, 'tmp'));
  }
}
