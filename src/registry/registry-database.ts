import { ExternalSecretKey } from '../common/external-secret';
import { NetworkPeer } from '../common/network';
import { SecretKeyReference } from '../common/secrets';

/**
 * SQLite on the registry's own data volume (a StatefulSet volumeClaimTemplate kept when pods or
 * the StatefulSet go away). SQLite keeps one file per pod, so it takes exactly one replica.
 */
export interface SqliteDatabase {
  /** Selects SQLite. */
  readonly type: 'sqlite';
  /**
   * Size of the data volume in GiB (whole number, at least 1).
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/
   * @default 1
   */
  readonly storageGibibytes?: number;
  /**
   * StorageClass of the data volume.
   * @see https://kubernetes.io/docs/concepts/storage/storage-classes/
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

/**
 * An existing PostgreSQL database. The registry reads one setting, `DATABASE_URL`, so the whole
 * `postgresql://user:password@host:5432/db` URI comes from a Secret key (the `uri` key of a
 * CloudNativePG `<cluster>-app` Secret has this shape).
 */
export interface PostgresDatabase {
  /** Selects PostgreSQL. */
  readonly type: 'postgres';
  /**
   * The Secret key holding the connection URI (`postgres://` or `postgresql://`; add
   * `?sslmode=disable` for a server without TLS, the driver requires TLS by default).
   * @see https://kubernetes.io/docs/concepts/configuration/secret/
   */
  readonly url: SecretKeyReference;
  /**
   * Where the ExternalSecret reads the URI when the environment's secrets come from an
   * external-secrets store.
   * @see https://external-secrets.io/latest/api/externalsecret/
   * @default - remote key `<remoteKeyPrefix><url.secretName>`, property `<url.key>`
   */
  readonly urlRemoteKey?: ExternalSecretKey;
  /**
   * Where the database server runs, for the egress rules of the registry, its backup and its
   * restore (the URI sits in a Secret, so the chart cannot read its host). An in-cluster server
   * by namespace and pod labels (a CloudNativePG cluster:
   * `{ namespace: 'db', podLabels: { 'cnpg.io/cluster': 'registry-db' } }`), an external one by
   * IP block (`{ cidr: '10.20.0.5/32' }`). Set this or `host`.
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
   * @default - from `host`
   */
  readonly peer?: NetworkPeer;
  /**
   * The host the URI names, when it is a cluster Service (`<service>.<namespace>.svc`,
   * optionally followed by the cluster domain, or `<service>` in the registry's namespace): the
   * egress rules then admit the pods of that namespace on `port`. Set this or `peer`.
   * @default - none: `peer` is required
   */
  readonly host?: string;
  /**
   * TCP port of the database server, for the egress rules (the registry connects to whatever the
   * URI says).
   * @default 5432
   */
  readonly port?: number;
  /**
   * Seconds the wait-for-database init container waits for the server before it fails the pod
   * start (5-3600).
   * @default 120
   */
  readonly waitTimeoutSeconds?: number;
}

/** The registry's database backend. */
export type RegistryDatabase = SqliteDatabase | PostgresDatabase;

/** Database and role names for backup tooling that connects without a URI. @internal */
export const REGISTRY_POSTGRES_DEFAULTS = { database: 'mcp_mesh', username: 'mcp_mesh' } as const;
