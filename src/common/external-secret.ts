import { Construct } from 'constructs';
import type * as externalSecrets from '../../imports/externalsecrets-external-secrets.io';
import { invalid } from './errors';
import { validateDnsSubdomain, validateInteger } from './validation';

// The external-secrets bindings (generated code) load on first use: only environments that take
// their Secrets from an external store render ExternalSecrets.
const bindings = (): typeof externalSecrets => require('../../imports/externalsecrets-external-secrets.io');

/** The external-secrets SecretStore or ClusterSecretStore ExternalSecrets read from. */
export interface SecretStoreReference {
  /** Name of the store. */
  readonly name: string;
  /** A namespaced SecretStore or a ClusterSecretStore. @default 'ClusterSecretStore' */
  readonly kind?: 'SecretStore' | 'ClusterSecretStore';
}

/** Where one key of a Secret comes from in the external store. */
export interface ExternalSecretKey {
  /** Key (path) of the secret in the external store. */
  readonly remoteKey: string;
  /** Property inside a structured (JSON) remote secret. @default - the whole value */
  readonly property?: string;
}

/** What {@link renderExternalSecret} renders. @internal */
export interface ExternalSecretOptions {
  /** Name of the ExternalSecret and of the Secret it writes. */
  readonly name: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly store: SecretStoreReference;
  /** @default 3600 */
  readonly refreshIntervalSeconds?: number;
  /** Keys of the written Secret and where each comes from. */
  readonly data: Record<string, ExternalSecretKey>;
  /** The prop configuring it, for error messages. */
  readonly field: string;
}

/**
 * An ExternalSecret that owns the Secret it writes (deleting the ExternalSecret deletes the
 * Secret) and keeps it refreshed from the store.
 * @throws McpConfigError for an invalid name, store, interval, key or an empty `data`
 * @internal
 */
export function renderExternalSecret(scope: Construct, id: string, o: ExternalSecretOptions): externalSecrets.ExternalSecret {
  validateDnsSubdomain(scope, `${o.field}.secretName`, o.name);
  validateDnsSubdomain(scope, `${o.field}.store.name`, o.store.name);
  const keys = Object.keys(o.data).sort();
  if (keys.length === 0) invalid(scope, `${o.field}.data`, o.data, "map at least one Secret key to a remote key, e.g. { 'api-key': { remoteKey: 'mcp/edge-mcp', property: 'api-key' } }");
  for (const k of keys) {
    if (!/^[-._a-zA-Z0-9]+$/.test(k)) invalid(scope, `${o.field}.data[${JSON.stringify(k)}]`, k, "use letters, digits, '-', '_' and '.' for Secret keys");
    if (!o.data[k].remoteKey) invalid(scope, `${o.field}.data[${JSON.stringify(k)}].remoteKey`, o.data[k].remoteKey, 'name the key of the secret in the external store');
  }
  const refresh = validateInteger(scope, `${o.field}.refreshIntervalSeconds`, o.refreshIntervalSeconds ?? 3600, 60);
  const { ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy, ExternalSecretSpecTargetDeletionPolicy } = bindings();
  return new ExternalSecret(scope, id, {
    metadata: { name: o.name, namespace: o.namespace, labels: o.labels },
    spec: {
      secretStoreRef: {
        name: o.store.name,
        kind: o.store.kind === 'SecretStore' ? ExternalSecretSpecSecretStoreRefKind.SECRET_STORE : ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE,
      },
      refreshInterval: `${refresh}s`,
      target: {
        name: o.name,
        creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
        deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
        template: { metadata: { labels: o.labels } },
      },
      data: keys.map(k => ({
        secretKey: k,
        remoteRef: { key: o.data[k].remoteKey, ...(o.data[k].property ? { property: o.data[k].property } : {}) },
      })),
    },
  });
}
