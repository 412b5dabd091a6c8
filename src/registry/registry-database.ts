import { PostgresConnection } from '../common/postgres-connection';

/** SQLite on the registry's own data volume; valid only with one replica. */
export interface SqliteDatabase {
  readonly type: 'sqlite';
  /** Size of the data volume in GiB. @default 1 */
  readonly storageGibibytes?: number;
  /** StorageClass of the data volume. @default - the cluster default */
  readonly storageClassName?: string;
}

/** An existing PostgreSQL database, with credentials from Secrets. */
export interface PostgresDatabase extends PostgresConnection {
  readonly type: 'postgres';
  /**
   * Seconds the wait-for-database init container waits before failing the pod start.
   * @default 120
   */
  readonly waitTimeoutSeconds?: number;
}

/** The registry's database backend. */
export type RegistryDatabase = SqliteDatabase | PostgresDatabase;

/** Database and role names the registry uses when a PostgreSQL connection gives a host. */
export const REGISTRY_POSTGRES_DEFAULTS = { database: 'mcp_mesh', username: 'mcp_mesh' } as const;
