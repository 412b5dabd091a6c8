import { Construct } from 'constructs';
import { invalid } from '../common/errors';
import { ExternalSecretKey } from '../common/external-secret';
import { provideSecret, SecretKeySource } from '../common/secret-provisioning';
import { SecretKeyReference } from '../common/secrets';
import { RegistryProps } from './registry-props';

interface SecretUse {
  readonly ref: SecretKeyReference;
  readonly remoteKey?: ExternalSecretKey;
  /** The prop naming the Secret key, and the prop naming its remote key. */
  readonly field: string;
  readonly remoteKeyField: string;
}

/**
 * Makes every Secret the registry's pods read exist as `props.secretProvisioning` says: the
 * PostgreSQL URI and a Redis URL with a password. Neither can be generated (they name servers
 * run elsewhere), so with `generated` they stay prerequisites; with `external-secrets` each
 * Secret is an ExternalSecret. SQLite without tracing reads no Secret at all. Keys of one Secret
 * used by two props are provided together.
 * @internal
 */
export function provideRegistrySecrets(scope: Construct, props: RegistryProps, labels: Record<string, string>): void {
  const uses: SecretUse[] = [];
  const db = props.database;
  if (db?.type === 'postgres') uses.push({ ref: db.url, remoteKey: db.urlRemoteKey, field: 'database.url', remoteKeyField: 'database.urlRemoteKey' });
  const tracing = props.tracing;
  if (tracing && tracing.enabled !== false && tracing.redisUrlSecret) {
    uses.push({ ref: tracing.redisUrlSecret, remoteKey: tracing.redisUrlRemoteKey, field: 'tracing.redisUrlSecret', remoteKeyField: 'tracing.redisUrlRemoteKey' });
  }
  const bySecret = new Map<string, { keys: Record<string, SecretKeySource>; field: string }>();
  for (const use of uses) {
    if (use.remoteKey && !use.remoteKey.remoteKey) invalid(scope, `${use.remoteKeyField}.remoteKey`, use.remoteKey.remoteKey, "name the secret in the external store, e.g. { remoteKey: 'databases/mcp-mesh-registry', property: 'uri' }");
    const entry = bySecret.get(use.ref.secretName) ?? { keys: {}, field: use.field };
    entry.keys[use.ref.key] = { generate: false, remoteKey: use.remoteKey };
    bySecret.set(use.ref.secretName, entry);
  }
  for (const [secretName, { keys, field }] of bySecret) {
    provideSecret(scope, props.secretProvisioning, { secretName, labels, keys, field });
  }
}
