import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalid } from './errors';
import { envFromSecret, SecretKeyReference } from './secrets';
import { validateDnsSubdomain, validateInteger } from './validation';

/**
 * How to reach an existing PostgreSQL database: either `url` (a Secret key holding a full
 * `postgresql://user:password@host:5432/db` URI, e.g. the `uri` key of a CloudNativePG
 * `<cluster>-app` Secret) or `host` plus a `password` Secret key.
 */
export interface PostgresConnection {
  /** Secret key holding the whole libpq connection URI. */
  readonly url?: SecretKeyReference;
  /** Host name: a Service DNS name or FQDN. */
  readonly host?: string;
  /** @default 5432 */
  readonly port?: number;
  /** Database name. @default - the component's default */
  readonly database?: string;
  /** Role name. @default - the component's default */
  readonly username?: string;
  /** Secret key holding the role's password. */
  readonly password?: SecretKeyReference;
}

/**
 * Checks that `conn` names a URL Secret, or a host and a password Secret.
 * @throws McpConfigError naming `field` otherwise.
 */
export function validatePostgresConnection(scope: Construct, field: string, conn: PostgresConnection): void {
  if (conn.url && conn.host) invalid(scope, `${field}.url/${field}.host`, { url: conn.url, host: conn.host }, 'set either url (a Secret reference) or host with password, not both');
  if (!conn.url && !(conn.host && conn.password)) {
    invalid(scope, `${field}.url`, conn.url, `reference the database credentials in an existing Secret: set ${field}.url = { secretName, key } or ${field}.host with ${field}.password = { secretName, key }`);
  }
  if (conn.host) validateDnsSubdomain(scope, `${field}.host`, conn.host);
  if (conn.port !== undefined) validateInteger(scope, `${field}.port`, conn.port, 1, 65535);
}

/**
 * libpq environment for clients in the pod (pg_isready, pg_dump): `DATABASE_URL` when a URL
 * Secret is given, else PGHOST, PGPORT, PGDATABASE, PGUSER and PGPASSWORD.
 */
export function libpqEnv(scope: Construct, conn: PostgresConnection, defaults: { database: string; username: string }): Record<string, kplus.EnvValue> {
  if (conn.url) return { DATABASE_URL: envFromSecret(scope, conn.url) };
  return {
    PGHOST: kplus.EnvValue.fromValue(conn.host!),
    PGPORT: kplus.EnvValue.fromValue(String(conn.port ?? 5432)),
    PGDATABASE: kplus.EnvValue.fromValue(conn.database ?? defaults.database),
    PGUSER: kplus.EnvValue.fromValue(conn.username ?? defaults.username),
    PGPASSWORD: envFromSecret(scope, conn.password!),
  };
}

/**
 * Shell for an init container that waits for the database with pg_isready, giving up
 * after `timeoutSeconds` so a missing database fails the pod visibly instead of hanging.
 */
export function waitForPostgresScript(timeoutSeconds: number): string {
  return [
    `deadline=$(( $(date +%s) + ${timeoutSeconds} ))`,
    'until pg_isready --timeout=3 ${DATABASE_URL:+--dbname="$DATABASE_URL"}; do',
    `  if [ "$(date +%s)" -ge "$deadline" ]; then echo "database not ready after ${timeoutSeconds}s" >&2; exit 1; fi`,
    '  sleep 2',
    'done',
  ].join('\n');
}
