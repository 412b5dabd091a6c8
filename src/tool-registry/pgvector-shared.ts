import { IConstruct } from 'constructs';
import { invalid } from '../common/errors';
import { Quantity, quantityBytes } from '../common/quantity';
import { validateDnsSubdomain } from '../common/validation';

// What both pgvector backends (pgvector-statefulset.ts, pgvector-cloudnative.ts) share, so
// neither imports the other nor the PgvectorDatabase construct that composes them.

/**
 * The data volume of each PostgreSQL instance, as a PersistentVolumeClaim request.
 * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#persistentvolumeclaims
 */
export interface PgvectorStorage {
  /** Size of each instance's volume, as a storage quantity in whole GiB (`'10Gi'`, `'1Ti'`). @default '10Gi' */
  readonly size?: Quantity;
  /** StorageClass of the volume. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/** {@link PgvectorStorage} with its size parsed. @internal */
export interface ResolvedStorage {
  readonly gibibytes: number;
  readonly storageClassName?: string;
}

const GIB = 2 ** 30;

/**
 * Parses the storage size (at least 1Gi, whole GiB) and checks the StorageClass name.
 * @throws McpConfigError naming `<field>.size` or `<field>.storageClassName`
 * @internal
 */
export function resolveStorage(scope: IConstruct, field: string, storage: PgvectorStorage | undefined): ResolvedStorage {
  const size = storage?.size ?? '10Gi';
  const bytes = quantityBytes(scope, `${field}.size`, size, 'storage', GIB);
  if (bytes % GIB !== 0) invalid(scope, `${field}.size`, size, "use a whole number of GiB, such as '10Gi' or '1Ti'");
  const storageClassName = storage?.storageClassName === undefined ? undefined : validateDnsSubdomain(scope, `${field}.storageClassName`, storage.storageClassName);
  return { gibibytes: bytes / GIB, storageClassName };
}

/** Labels CloudNativePG puts on a cluster's instance pods. @internal */
export function cnpgInstanceSelector(cluster: string): Record<string, string> {
  return { 'cnpg.io/cluster': cluster, 'cnpg.io/podRole': 'instance' };
}

/**
 * A Secret name. A value that is no valid name is most likely a password or connection string
 * typed where the name belongs: the message never shows it.
 * @throws McpConfigError naming `field`, with the value masked
 * @internal
 */
export function validateSecretName(scope: IConstruct, field: string, value: string): string {
  if (typeof value !== 'string' || !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(value)) {
    invalid(scope, field, '<not shown: not a Secret name>', "give the name of an existing Secret (lower-case letters, digits, '-' and '.'), never the secret value itself");
  }
  return value;
}
