import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { setPodSpecField } from './escape-hatches';
import { invalid } from './errors';
import { quantityBytes } from './quantity';
import { envFromSecret, SecretKeyReference } from './secrets';
import { validateDnsLabel, validateDnsSubdomain, validateLabels } from './validation';

/**
 * One extra environment variable of the component's main container: a literal value, a key of
 * a Secret or ConfigMap, or a pod field. Names the component sets itself are refused.
 * @see https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/
 */
export interface ExtraEnvVar {
  /** Variable name (C identifier). */
  readonly name: string;
  /** Literal value; never put a secret here, use `secretKeyRef`. @default - one of the other sources */
  readonly value?: string;
  /** A key of an existing Secret. @default - none */
  readonly secretKeyRef?: SecretKeyReference;
  /** A key of an existing ConfigMap. @default - none */
  readonly configMapKeyRef?: { readonly name: string; readonly key: string };
  /** A pod field through the downward API, e.g. `metadata.name`, `status.podIP`. @default - none */
  readonly fieldPath?: string;
}

/**
 * One extra volume mounted into the component's main container. Set exactly one source.
 * @see https://kubernetes.io/docs/concepts/storage/volumes/
 */
export interface ExtraVolume {
  /** Volume name (RFC 1123 label), unique in the pod. */
  readonly name: string;
  /** Absolute path in the container. */
  readonly mountPath: string;
  /** Mount read-only. @default true */
  readonly readOnly?: boolean;
  /** An existing ConfigMap. @default - another source */
  readonly configMap?: string;
  /** An existing Secret. @default - another source */
  readonly secret?: string;
  /** An existing PersistentVolumeClaim. @default - another source */
  readonly persistentVolumeClaim?: string;
  /** A scratch directory that lives as long as the pod; the value is its size limit as a quantity (`'1Gi'`). @default - another source */
  readonly emptyDir?: string;
}

/**
 * What every component lets users add to its pods without forking it: the same props, with the
 * same meaning, on every component.
 */
export interface PodTemplateOptions {
  /**
   * Secrets of type `kubernetes.io/dockerconfigjson` to pull images with.
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/
   * @default - none
   */
  readonly imagePullSecrets?: string[];
  /** Extra labels on the pods (not used by any selector). @default - none */
  readonly podLabels?: Record<string, string>;
  /** Extra annotations on the pods (e.g. for a service mesh or log shipper). @default - none */
  readonly podAnnotations?: Record<string, string>;
  /**
   * Annotations on the component's ServiceAccount, e.g. for workload identity
   * (`eks.amazonaws.com/role-arn`, `iam.gke.io/gcp-service-account`).
   * @default - none
   */
  readonly serviceAccountAnnotations?: Record<string, string>;
  /** Extra environment variables of the main container. @default - none */
  readonly extraEnv?: ExtraEnvVar[];
  /** Extra volumes mounted into the main container. @default - none */
  readonly extraVolumes?: ExtraVolume[];
}

/** Where {@link applyPodTemplateOptions} applies the options. @internal */
export interface PodTemplateTarget {
  readonly workload: kplus.AbstractPod;
  /** The main container. */
  readonly container: kplus.Container;
  readonly serviceAccount?: kplus.ServiceAccount;
  /** Names of the env vars the component sets itself (extraEnv may not shadow them). */
  readonly reservedEnv: string[];
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Applies {@link PodTemplateOptions} to a component's workload and main container.
 * @param prefix field path of the options in error messages: '' for a component's top-level props
 * @throws McpConfigError for invalid labels or names, an env var the component sets itself, an
 * env var or volume without exactly one source, or a relative mount path
 * @internal
 */
export function applyPodTemplateOptions(scope: Construct, prefix: string, target: PodTemplateTarget, options: PodTemplateOptions | undefined): void {
  const o = options ?? {};
  const { workload, container } = target;
  for (const [k, v] of Object.entries(validateLabels(scope, `${prefix}podLabels`, o.podLabels ?? {}))) workload.podMetadata.addLabel(k, v);
  for (const [k, v] of Object.entries(o.podAnnotations ?? {})) workload.podMetadata.addAnnotation(k, v);
  if (o.serviceAccountAnnotations && target.serviceAccount) {
    for (const [k, v] of Object.entries(o.serviceAccountAnnotations)) target.serviceAccount.metadata.addAnnotation(k, v);
  }
  if (o.imagePullSecrets?.length) {
    setPodSpecField(workload, 'imagePullSecrets', o.imagePullSecrets.map((name, i) => ({ name: validateDnsSubdomain(scope, `${prefix}imagePullSecrets[${i}]`, name) })));
  }
  (o.extraEnv ?? []).forEach((e, i) => container.env.addVariable(e.name, extraEnvValue(scope, `${prefix}extraEnv[${i}]`, e, target.reservedEnv)));
  (o.extraVolumes ?? []).forEach((v, i) => mountExtraVolume(scope, `${prefix}extraVolumes[${i}]`, container, v));
}

function extraEnvValue(scope: Construct, field: string, e: ExtraEnvVar, reserved: string[]): kplus.EnvValue {
  if (!ENV_NAME.test(e.name ?? '')) invalid(scope, `${field}.name`, e.name, 'use a C identifier: letters, digits and _, not starting with a digit');
  if (reserved.includes(e.name)) invalid(scope, `${field}.name`, e.name, 'the component sets this variable itself: use the component prop that controls it instead');
  const sources = (['value', 'secretKeyRef', 'configMapKeyRef', 'fieldPath'] as const).filter(k => e[k] !== undefined);
  if (sources.length !== 1) invalid(scope, field, { name: e.name, sources }, 'set exactly one of value, secretKeyRef, configMapKeyRef and fieldPath');
  if (e.secretKeyRef) return envFromSecret(scope, e.secretKeyRef);
  if (e.configMapKeyRef) {
    const cm = kplus.ConfigMap.fromConfigMapName(scope, `extra-env-cm-${e.name}`, validateDnsSubdomain(scope, `${field}.configMapKeyRef.name`, e.configMapKeyRef.name));
    return kplus.EnvValue.fromConfigMap(cm, e.configMapKeyRef.key);
  }
  if (e.fieldPath) return kplus.EnvValue.fromFieldRef(e.fieldPath as kplus.EnvFieldPaths);
  return kplus.EnvValue.fromValue(e.value!);
}

function mountExtraVolume(scope: Construct, field: string, container: kplus.Container, v: ExtraVolume): void {
  const name = validateDnsLabel(scope, `${field}.name`, v.name);
  if (!v.mountPath?.startsWith('/')) invalid(scope, `${field}.mountPath`, v.mountPath, "use an absolute path such as '/etc/extra'");
  const sources = (['configMap', 'secret', 'persistentVolumeClaim', 'emptyDir'] as const).filter(k => v[k] !== undefined);
  if (sources.length !== 1) invalid(scope, field, { name, sources }, 'set exactly one of configMap, secret, persistentVolumeClaim and emptyDir');
  const id = `extra-volume-${name}`;
  const volume = v.configMap !== undefined ? kplus.Volume.fromConfigMap(scope, id, kplus.ConfigMap.fromConfigMapName(scope, `${id}-cm`, v.configMap), { name })
    : v.secret !== undefined ? kplus.Volume.fromSecret(scope, id, kplus.Secret.fromSecretName(scope, `${id}-secret`, v.secret), { name })
      : v.persistentVolumeClaim !== undefined ? kplus.Volume.fromPersistentVolumeClaim(scope, id, kplus.PersistentVolumeClaim.fromClaimName(scope, `${id}-pvc`, v.persistentVolumeClaim), { name })
        : kplus.Volume.fromEmptyDir(scope, id, name, { sizeLimit: emptyDirSize(scope, `${field}.emptyDir`, v.emptyDir!) });
  container.mount(v.mountPath, volume, { readOnly: v.readOnly ?? true });
}

function emptyDirSize(scope: IConstruct, field: string, quantity: string): Size {
  const bytes = quantityBytes(scope, field, quantity, 'storage', 2 ** 20);
  if (bytes % 2 ** 20 !== 0) invalid(scope, field, quantity, "use a whole number of MiB, such as '512Mi' or '1Gi'");
  return Size.mebibytes(bytes / 2 ** 20);
}
