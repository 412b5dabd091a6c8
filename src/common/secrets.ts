import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { declareExternal } from './external-references';

/**
 * A key in a Secret that already exists in the namespace (created by hand, by a
 * controller such as external-secrets, or by another chart). The library never writes
 * secret values outside dev: it only references them.
 */
export interface SecretKeyReference {
  /** Name of the Secret in the component's namespace. */
  readonly secretName: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/**
 * An env value read from a referenced Secret key; records the Secret (in `namespace`, default the
 * chart's) as an external reference of the chart unless the chart produces it (see `provideSecret`).
 */
export function envFromSecret(scope: Construct, ref: SecretKeyReference, optional = false, namespace?: string): kplus.EnvValue {
  declareExternal(scope, 'Secret', ref.secretName, { namespace, keys: [ref.key] });
  const id = `secret-${ref.secretName}`;
  const secret = (scope.node.tryFindChild(id) as kplus.ISecret | undefined) ?? kplus.Secret.fromSecretName(scope, id, ref.secretName);
  return kplus.EnvValue.fromSecretValue({ secret, key: ref.key }, { optional });
}
