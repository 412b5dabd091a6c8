import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalid } from '../common/errors';
import { declareExternal } from '../common/external-references';
import { ObjectMetadata } from '../common/metadata';
import { Quantity, quantityBytes } from '../common/quantity';
import { validateDnsSubdomain } from '../common/validation';
import { McpServerTemplate } from './server-template';

/**
 * A PersistentVolumeClaim the server renders for one of its template's volumes, named
 * `<server>-<volume>`. Deleting the server leaves the claim's data to the claim's reclaim policy.
 * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#persistentvolumeclaims
 */
export interface McpServerVolumeClaim {
  /** Requested storage, as a quantity (`'10Gi'`), a whole number of MiB. */
  readonly size: Quantity;
  /**
   * StorageClass. More than one pod mounting the claim needs a class that offers ReadWriteMany
   * (NFS, EFS, Azure Files, Filestore, CephFS).
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * Access mode. ReadWriteOnce is refused when more than one pod may run (pods on another node
   * could never mount it).
   * @default - 'ReadWriteMany' when more than one pod may run, else 'ReadWriteOnce'
   */
  readonly accessMode?: 'ReadWriteOnce' | 'ReadWriteMany';
}

/** What {@link mountTemplateVolumes} needs besides the template. */
export interface TemplateVolumeOptions {
  /** Existing claim names, or claims to render, by volume name. */
  readonly claims?: Readonly<Record<string, string | McpServerVolumeClaim>>;
  /** Metadata of rendered claims (`name` is the server's: claims are `<name>-<volume>`). */
  readonly metadata: ObjectMetadata;
  /** More than one pod may run (replicas or an autoscaler above 1). */
  readonly multiplePods: boolean;
}

/**
 * Mounts the template's writable directories into the container that runs the server (the
 * bridge, for a stdio server): an existing claim named in `claims`, a claim rendered from a claim
 * spec, else an emptyDir.
 * @throws McpConfigError for a claim of a volume the template does not have, an invalid claim
 * name or size, or a ReadWriteOnce claim shared by several pods
 */
export function mountTemplateVolumes(scope: Construct, workload: kplus.Deployment, container: kplus.Container, template: McpServerTemplate, options: TemplateVolumeOptions): void {
  const volumes = template.volumes ?? [];
  const claims = options.claims ?? {};
  for (const [key, claim] of Object.entries(claims)) {
    if (!volumes.some(v => v.name === key)) {
      invalid(scope, `volumeClaims.${key}`, claim, `template '${template.id}' has no volume '${key}': use one of ${volumes.map(v => v.name).join(', ') || '(none)'}`);
    }
    if (typeof claim === 'string') validateDnsSubdomain(scope, `volumeClaims.${key}`, claim);
  }
  for (const v of volumes) {
    const claim = claims[v.name];
    let volume: kplus.Volume;
    if (typeof claim === 'string') {
      declareExternal(scope, 'PersistentVolumeClaim', claim, { namespace: options.metadata.namespace });
      volume = kplus.Volume.fromPersistentVolumeClaim(scope, `${v.name}-volume`, kplus.PersistentVolumeClaim.fromClaimName(scope, `${v.name}-claim`, claim), { name: v.name });
    } else if (claim) {
      volume = kplus.Volume.fromPersistentVolumeClaim(scope, `${v.name}-volume`, renderClaim(scope, v.name, claim, options), { name: v.name });
    } else {
      const bytes = quantityBytes(scope, `templates.${template.id}.volumes.${v.name}.sizeLimit`, v.sizeLimit ?? '256Mi', 'storage', 2 ** 20);
      volume = kplus.Volume.fromEmptyDir(workload, `${v.name}-volume`, v.name, { sizeLimit: Size.mebibytes(Math.ceil(bytes / 2 ** 20)) });
    }
    container.mount(v.mountPath, volume);
  }
}

function renderClaim(scope: Construct, volume: string, claim: McpServerVolumeClaim, options: TemplateVolumeOptions): kplus.PersistentVolumeClaim {
  const field = `volumeClaims.${volume}`;
  const bytes = quantityBytes(scope, `${field}.size`, claim.size, 'storage', 2 ** 20);
  if (bytes % 2 ** 20 !== 0) invalid(scope, `${field}.size`, claim.size, "use a whole number of MiB, such as '10Gi' or '512Mi'");
  if (claim.accessMode !== undefined && !['ReadWriteOnce', 'ReadWriteMany'].includes(claim.accessMode)) {
    invalid(scope, `${field}.accessMode`, claim.accessMode, "use 'ReadWriteOnce' or 'ReadWriteMany'");
  }
  const accessMode = claim.accessMode ?? (options.multiplePods ? 'ReadWriteMany' : 'ReadWriteOnce');
  if (accessMode === 'ReadWriteOnce' && options.multiplePods) {
    invalid(scope, `${field}.accessMode`, accessMode, 'more than one pod mounts the claim, and pods on another node cannot mount a ReadWriteOnce volume: use ReadWriteMany with a StorageClass that offers it, or run one pod');
  }
  if (claim.storageClassName !== undefined) validateDnsSubdomain(scope, `${field}.storageClassName`, claim.storageClassName);
  return new kplus.PersistentVolumeClaim(scope, `${volume}-claim`, {
    metadata: { ...options.metadata, name: `${options.metadata.name}-${volume}` },
    storage: bytes % 2 ** 30 === 0 ? Size.gibibytes(bytes / 2 ** 30) : Size.mebibytes(bytes / 2 ** 20),
    accessModes: [accessMode === 'ReadWriteMany' ? kplus.PersistentVolumeAccessMode.READ_WRITE_MANY : kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
    storageClassName: claim.storageClassName,
  });
}
