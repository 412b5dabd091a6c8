import { createHash } from 'crypto';
import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import {
  ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy, ExternalSecretSpecTargetDeletionPolicy,
} from '../../imports/externalsecrets-external-secrets.io';
import { invalid } from '../common/errors';
import { ExternalSecretKey } from '../common/external-secret';
import { envFromSecret, SecretKeyReference } from '../common/secrets';
import { validateDnsSubdomain, validateInteger } from '../common/validation';

/** The label that marks a Secret whose value is generated into the manifest (dev only). */
export const DEV_ONLY_LABEL = 'mcp.platform/dev-only';


/**
 * A Secret materialised by the external-secrets operator from a SecretStore or
 * ClusterSecretStore (needs the external-secrets.io CRDs and a configured store).
 * @see https://external-secrets.io/latest/api/externalsecret/
 */
export interface EdgeGatewayExternalSecret {
  /** Name of the ExternalSecret and of the Secret it writes. @default - the gateway's name */
  readonly secretName?: string;
  /** The store to read from. */
  readonly storeRef: { readonly name: string; readonly kind?: 'SecretStore' | 'ClusterSecretStore' };
  /** Seconds between refreshes from the store. @default 3600 */
  readonly refreshIntervalSeconds?: number;
  /** Keys of the written Secret (e.g. `api-key`, `redis-password`) and where each comes from. */
  readonly data: Record<string, ExternalSecretKey>;
}

/**
 * Renders an ExternalSecret that owns the Secret it writes (deleting the ExternalSecret
 * deletes the Secret) and keeps it refreshed.
 * @throws McpConfigError for an invalid name, store, interval or an empty `data`.
 */
export function renderExternalSecret(scope: Construct, id: string, name: string, labels: Record<string, string>, spec: EdgeGatewayExternalSecret): ExternalSecret {
  validateDnsSubdomain(scope, 'externalSecret.secretName', name);
  validateDnsSubdomain(scope, 'externalSecret.storeRef.name', spec.storeRef.name);
  const keys = Object.keys(spec.data);
  if (keys.length === 0) invalid(scope, 'externalSecret.data', spec.data, "map at least one Secret key to a remote key, e.g. { 'api-key': { remoteKey: 'mcp/edge-mcp', property: 'api-key' } }");
  for (const k of keys) {
    if (!/^[-._a-zA-Z0-9]+$/.test(k)) invalid(scope, `externalSecret.data[${JSON.stringify(k)}]`, k, "use letters, digits, '-', '_' and '.' for Secret keys");
    if (!spec.data[k].remoteKey) invalid(scope, `externalSecret.data[${JSON.stringify(k)}].remoteKey`, spec.data[k].remoteKey, 'name the key of the secret in the external store');
  }
  const refresh = validateInteger(scope, 'externalSecret.refreshIntervalSeconds', spec.refreshIntervalSeconds ?? 3600, 60);
  return new ExternalSecret(scope, id, {
    metadata: { name, labels },
    spec: {
      secretStoreRef: {
        name: spec.storeRef.name,
        kind: spec.storeRef.kind === 'SecretStore' ? ExternalSecretSpecSecretStoreRefKind.SECRET_STORE : ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE,
      },
      refreshInterval: `${refresh}s`,
      target: {
        name,
        creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
        deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
        template: { metadata: { labels } },
      },
      data: keys.sort().map(k => ({
        secretKey: k,
        remoteRef: { key: spec.data[k].remoteKey, ...(spec.data[k].property ? { property: spec.data[k].property } : {}) },
      })),
    },
  });
}

/**
 * A Secret whose values are derived deterministically from its namespace, name and key
 * (synth output must be reproducible). The values end up in the committed manifest, so the
 * Secret is labelled dev-only and components report it as a generated Secret, which the
 * staging and prod policies refuse.
 */
export function renderDevSecret(scope: Construct, id: string, name: string, labels: Record<string, string>, keys: string[]): kplus.Secret {
  const namespace = Chart.of(scope).namespace ?? 'default';
  const stringData = Object.fromEntries([...keys].sort().map(k => [k, createHash('sha256').update(`cdk8s-mcp/dev/${namespace}/${name}/${k}`).digest('base64url').slice(0, 40)]));
  return new kplus.Secret(scope, id, {
    metadata: {
      name,
      labels: { ...labels, [DEV_ONLY_LABEL]: 'true' },
      annotations: { 'mcp.platform/generated': 'Derived at synth and committed in plain text: dev clusters only. Staging and prod reference an existing Secret or an ExternalSecret.' },
    },
    stringData,
  });
}

/**
 * An env value from a Secret key. A Secret the chart renders itself (the generated dev
 * Secret) is an internal reference; any other Secret, including one an ExternalSecret of
 * the chart writes (it exists only once the operator has synced it), is declared as an
 * external reference the namespace must provide.
 */
export function secretKeyEnv(scope: Construct, ref: SecretKeyReference): kplus.EnvValue {
  if (!chartRendersSecret(scope, ref.secretName)) return envFromSecret(scope, ref);
  const id = `secret-${ref.secretName}`;
  const secret = (scope.node.tryFindChild(id) as kplus.ISecret | undefined) ?? kplus.Secret.fromSecretName(scope, id, ref.secretName);
  return kplus.EnvValue.fromSecretValue({ secret, key: ref.key });
}

/** Whether the chart of `scope` renders a Secret named `name`. */
export function chartRendersSecret(scope: IConstruct, name: string): boolean {
  return Chart.of(scope).node.findAll().some(c => c instanceof ApiObject && c.kind === 'Secret' && c.name === name);
}
