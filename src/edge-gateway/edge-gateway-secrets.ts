import { Construct } from 'constructs';
import { invalid } from '../common/errors';
import { ExternalSecretKey } from '../common/external-secret';
import { provideSecret, SecretKeySource, SecretsProvisioning } from '../common/secret-provisioning';
import { SecretKeyReference } from '../common/secrets';
import { validateDnsSubdomain } from '../common/validation';

/**
 * Where the ExternalSecrets (`secretProvisioning: { source: 'external-secrets' }`) read each
 * Secret key the gateway and its bundled Redis use, when the store does not hold it at the
 * default `<remoteKeyPrefix><Secret name>`, property `<key>`. Ignored by the other sources.
 * @see https://external-secrets.io/latest/api/externalsecret/
 */
export interface EdgeGatewaySecretRemoteKeys {
  /** The key the gateway authenticates to the core platform with (`corePlatform.apiKey`, DEV_MESH_API_KEY). @default - the default remote key */
  readonly corePlatformApiKey?: ExternalSecretKey;
  /** The core platform URL when `corePlatform.url` is a Secret key (DEV_MESH_URL). @default - the default remote key */
  readonly corePlatformUrl?: ExternalSecretKey;
  /** EDGE_MCP_API_KEY (`apiKey`). @default - the default remote key */
  readonly apiKey?: ExternalSecretKey;
  /** The Redis password (`redis.password`), read by the gateway and a bundled Redis. @default - the default remote key */
  readonly redisPassword?: ExternalSecretKey;
}

/** One Secret key the gateway or its bundled Redis reads. @internal */
export interface GatewaySecretKey {
  /** The prop that references it, e.g. `corePlatform.apiKey`. */
  readonly field: string;
  readonly ref: SecretKeyReference;
  /**
   * A random value is a valid value: a key or password the platform chooses itself, unlike a
   * credential another system issued (the core platform's API key, a managed Redis's password).
   */
  readonly generate: boolean;
  /** The override from `secretRemoteKeys`, and its name there. */
  readonly remoteKey?: ExternalSecretKey;
  readonly remoteKeyField: keyof EdgeGatewaySecretRemoteKeys;
}

/**
 * Makes every Secret in `keys` exist as `provisioning` says, one {@link provideSecret} per Secret
 * (keys of one Secret, from several props, share one ExternalSecret or one generated Secret). A
 * Secret with a key that cannot be generated stays a prerequisite under `generated`.
 * @throws McpConfigError for an invalid Secret name, an empty remote key, or two different remote
 * keys for one Secret key
 * @internal
 */
export function provideGatewaySecrets(scope: Construct, provisioning: SecretsProvisioning | undefined, labels: Record<string, string>, keys: readonly GatewaySecretKey[]): void {
  const bySecret = new Map<string, Map<string, { source: SecretKeySource; remoteKeyField?: string }>>();
  for (const k of keys) {
    validateDnsSubdomain(scope, `${k.field}.secretName`, k.ref.secretName);
    if (k.remoteKey !== undefined) checkRemoteKey(scope, `secretRemoteKeys.${k.remoteKeyField}`, k.remoteKey);
    const secret = bySecret.get(k.ref.secretName) ?? new Map<string, { source: SecretKeySource; remoteKeyField?: string }>();
    bySecret.set(k.ref.secretName, secret);
    const known = secret.get(k.ref.key);
    if (known?.source.remoteKey && k.remoteKey && JSON.stringify(known.source.remoteKey) !== JSON.stringify(k.remoteKey)) {
      invalid(scope, `secretRemoteKeys.${k.remoteKeyField}`, k.remoteKey, `${k.field} reads the same Secret key as secretRemoteKeys.${known.remoteKeyField}: give both the same remote key or reference different Secret keys`);
    }
    secret.set(k.ref.key, {
      // A key shared by two props is generated only when both accept a random value.
      source: { generate: (known?.source.generate ?? true) && k.generate, remoteKey: known?.source.remoteKey ?? k.remoteKey },
      remoteKeyField: known?.remoteKeyField ?? (k.remoteKey ? k.remoteKeyField : undefined),
    });
  }
  for (const [secretName, secret] of bySecret) {
    provideSecret(scope, provisioning, {
      secretName,
      labels,
      keys: Object.fromEntries([...secret].map(([key, v]) => [key, v.source])),
      field: 'secretProvisioning',
    });
  }
}

/**
 * Checks a typed remote key override: a non-empty key and, when given, a non-empty property.
 * @throws McpConfigError naming `<field>.remoteKey` or `<field>.property`
 * @internal
 */
export function checkRemoteKey(scope: Construct, field: string, remote: ExternalSecretKey): void {
  if (typeof remote.remoteKey !== 'string' || remote.remoteKey.trim() === '') {
    invalid(scope, `${field}.remoteKey`, remote.remoteKey, "name the secret in the external store, e.g. { remoteKey: 'mcp/mcp-prod/edge-mcp', property: 'core-platform-api-key' }");
  }
  if (remote.property !== undefined && remote.property.trim() === '') {
    invalid(scope, `${field}.property`, remote.property, 'name the property inside the remote secret, or leave it out to read the whole value');
  }
}
