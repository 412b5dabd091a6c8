import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from './errors';
import { declareExternal, declareProduced } from './external-references';
import { ExternalSecretKey, renderExternalSecret, SecretStoreReference } from './external-secret';
import { SecretGenerator } from './secret-generator';

/**
 * How the Secrets a component reads come to exist:
 * - `existing`: they are prerequisites, created by hand or by another tool before the apply
 *   (`externalReferences()` lists each with its namespace and keys);
 * - `generated`: a one-shot Job of the output creates each missing Secret with random values in
 *   the cluster (never in git); for dev on a bare cluster. Credentials issued elsewhere (a
 *   GitHub token, an external database URL) cannot be generated and stay prerequisites;
 * - `external-secrets`: an ExternalSecret per Secret materialises it from the store (needs the
 *   external-secrets operator); only the store is a prerequisite.
 * @see https://external-secrets.io/latest/api/externalsecret/
 */
export type SecretsProvisioning =
  | { readonly source: 'existing' }
  | { readonly source: 'generated' }
  | ExternalSecretsProvisioning;

/** Secrets from an external store through the external-secrets operator. */
export interface ExternalSecretsProvisioning {
  readonly source: 'external-secrets';
  /** The SecretStore (in the namespace) or ClusterSecretStore to read from. */
  readonly store: SecretStoreReference;
  /** Seconds between refreshes from the store. @default 3600 */
  readonly refreshIntervalSeconds?: number;
  /**
   * Prefix of the default remote keys: a Secret key without an explicit remote key is read from
   * `<prefix><Secret name>`, property `<key>`.
   * @default 'mcp/<namespace>/'
   */
  readonly remoteKeyPrefix?: string;
}

/** One key of a Secret a component reads. */
export interface SecretKeySource {
  /** Whether a random value is a valid value (an API key or password the platform chooses). */
  readonly generate: boolean;
  /** Where an ExternalSecret reads it. @default - `<remoteKeyPrefix><Secret name>`, property `<key>` */
  readonly remoteKey?: ExternalSecretKey;
}

/** What {@link provideSecret} makes available. */
export interface SecretRequest {
  /** Name of the Secret the component's pods read. */
  readonly secretName: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  /** Labels of the objects rendered for it (ExternalSecret, generated Secret). */
  readonly labels: Record<string, string>;
  /** Keys the component reads. */
  readonly keys: Record<string, SecretKeySource>;
  /** The prop that configures the Secret, for error messages (e.g. `secrets`). */
  readonly field: string;
}

/**
 * Makes the Secret of `request` exist as `provisioning` says: declared as a prerequisite, generated
 * by the namespace's secret generator Job, or written by an ExternalSecret rendered in `scope`.
 * Components then read it with `envFromSecret`; a produced Secret is no external reference.
 * @throws McpConfigError for a remote key without a key, or an invalid store name
 */
export function provideSecret(scope: Construct, provisioning: SecretsProvisioning | undefined, request: SecretRequest): void {
  const namespace = request.namespace ?? Chart.of(scope).namespace;
  const keys = Object.keys(request.keys).sort();
  const source = provisioning?.source ?? 'existing';
  if (source === 'generated' && keys.every(k => request.keys[k].generate)) {
    SecretGenerator.of(scope, namespace).add({ name: request.secretName, keys, labels: request.labels }, scope.node.path);
    declareProduced(scope, 'Secret', request.secretName, namespace);
    return;
  }
  if (provisioning?.source === 'external-secrets') {
    const prefix = provisioning.remoteKeyPrefix ?? `mcp/${namespace ?? 'default'}/`;
    const data = Object.fromEntries(keys.map(k => {
      const remote = request.keys[k].remoteKey ?? { remoteKey: `${prefix}${request.secretName}`, property: k };
      if (!remote.remoteKey) invalid(scope, `${request.field}.remoteKeys.${k}.remoteKey`, remote.remoteKey, 'name the key of the secret in the external store');
      return [k, remote];
    }));
    renderExternalSecret(scope, `external-secret-${request.secretName}`, {
      name: request.secretName,
      namespace: request.namespace,
      labels: request.labels,
      store: provisioning.store,
      refreshIntervalSeconds: provisioning.refreshIntervalSeconds,
      data,
      field: request.field,
    });
    declareProduced(scope, 'Secret', request.secretName, namespace);
    declareExternal(scope, provisioning.store.kind ?? 'ClusterSecretStore', provisioning.store.name, { namespace });
    return;
  }
  declareExternal(scope, 'Secret', request.secretName, { namespace, keys });
}
