import { ApiObject, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { removeAddressLabel, setPodSeccompRuntimeDefault } from './escape-hatches';

/**
 * The numeric user a pod runs as. Pod Security Standards `restricted` requires a non-root
 * user; giving the image's own UID keeps file ownership in the image consistent.
 */
export interface PodUser {
  /** runAsUser: the UID the image is built for (e.g. 999 for mcpmesh images, 65532 for distroless nonroot). */
  readonly uid: number;
  /** runAsGroup @default - same as uid */
  readonly gid?: number;
  /** fsGroup for mounted volumes @default - same as gid */
  readonly fsGroup?: number;
}

/** Pod securityContext for the `restricted` profile (seccomp is added by {@link applyPodConventions}). */
export function restrictedPodSecurityContext(user: PodUser): kplus.PodSecurityContextProps {
  const gid = user.gid ?? user.uid;
  return {
    ensureNonRoot: true,
    user: user.uid,
    group: gid,
    fsGroup: user.fsGroup ?? gid,
    fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
  };
}

/** Container securityContext for the `restricted` profile: drop ALL, no escalation, read-only root FS. */
export function restrictedContainerSecurityContext(user: PodUser): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: user.uid,
    group: user.gid ?? user.uid,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: [kplus.Capability.ALL] },
  };
}

/** What {@link applyPodConventions} stamps on a workload's pod template. */
export interface PodConventions {
  /** Stable labels the workload selects on (never the version or cdk8s's address label). */
  readonly selector: Record<string, string>;
  /** Full recommended label set for the pod template. */
  readonly labels: Record<string, string>;
  /** Pod-template annotations, e.g. the config checksum. */
  readonly annotations?: Record<string, string>;
}

/**
 * Applies the conventions every workload shares: selects only on stable labels, copies the
 * recommended labels to the pod template (chart labels do not reach it), drops cdk8s-plus's
 * address label and sets the pod-level seccompProfile RuntimeDefault. Scheduling (topology
 * spread included) is {@link applyScheduling}'s.
 *
 * The workload must be created with `select: false`.
 */
export function applyPodConventions(workload: kplus.Workload, conventions: PodConventions): void {
  workload.select(kplus.LabelSelector.of({ labels: conventions.selector }));
  const pod = workload.podMetadata;
  for (const [k, v] of Object.entries(conventions.labels)) pod.addLabel(k, v);
  for (const [k, v] of Object.entries(conventions.annotations ?? {})) pod.addAnnotation(k, v);
  removeAddressLabel(workload);
  setPodSeccompRuntimeDefault(workload);
}

/** An emptyDir volume for a path the process writes to under a read-only root filesystem. */
export function scratchVolume(scope: kplus.AbstractPod, name: string, sizeLimitMebibytes = 64): kplus.Volume {
  return kplus.Volume.fromEmptyDir(scope, `${name}-volume`, name, { sizeLimit: Size.mebibytes(sizeLimitMebibytes) });
}

/**
 * Annotations that keep an object holding data out of GitOps pruning and cascading deletes:
 * Argo CD never prunes or deletes it, Flux never garbage-collects it. Removing the data is
 * then a deliberate `kubectl delete`.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#no-prune-resources
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#prune
 */
export const RETAIN_DATA_ANNOTATIONS: Readonly<Record<string, string>> = {
  'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};

/** A per-pod ReadWriteOnce volume of a StatefulSet. */
export interface DataVolumeClaim {
  /** Claim template name; PVCs are named `<name>-<statefulset>-<ordinal>`. */
  readonly name: string;
  /** Size in GiB. */
  readonly gibibytes: number;
  /** @default - the cluster default StorageClass */
  readonly storageClassName?: string;
  /** Where the first container mounts it. */
  readonly mountPath: string;
}

/**
 * Adds a volumeClaimTemplate to a StatefulSet, mounted in its first container, and keeps the
 * PVCs when pods, replicas or the StatefulSet go away (persistentVolumeClaimRetentionPolicy
 * Retain). cdk8s-plus-28 has no volumeClaimTemplates, so they are patched in; the L1
 * StatefulSet maps patched JSON through its typed converters, hence `Quantity`.
 */
export function addDataVolumeClaimTemplate(sts: kplus.StatefulSet, claim: DataVolumeClaim): void {
  const api = ApiObject.of(sts);
  // volumeClaimTemplates are immutable: only the (stable) selector labels go in, so routine
  // changes (image tags, common labels) never need the StatefulSet recreated. The claims the
  // controller creates inherit the retention annotations (Argo CD and Flux never prune them).
  api.addJsonPatch(JsonPatch.add('/spec/volumeClaimTemplates', [{
    metadata: { name: claim.name, labels: { ...sts.matchLabels }, annotations: { ...RETAIN_DATA_ANNOTATIONS } },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: kplus.k8s.Quantity.fromString(`${claim.gibibytes}Gi`) } },
      ...(claim.storageClassName ? { storageClassName: claim.storageClassName } : {}),
    },
  }]));
  api.addJsonPatch(JsonPatch.add('/spec/persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' }));
  api.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/-', { name: claim.name, mountPath: claim.mountPath }));
}
