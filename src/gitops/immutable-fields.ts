import { ManifestObject } from './manifest-objects';

/** One change the API server would refuse (or that would lose data), with the way to make it. */
export interface RefusedChange {
  /** `<Kind>/<namespace>/<name>` of the object. */
  readonly object: string;
  /** Dotted path of the field that changed, e.g. `spec.volumeClaimTemplates`. */
  readonly field: string;
  /** Why the change cannot simply be applied. */
  readonly reason: string;
  /** The commands or steps that make the change, to follow before acknowledging it. */
  readonly recipe: string;
}

// Mutable spec fields of a StatefulSet; the API server forbids updates to any other
// (k8s.io/kubernetes pkg/apis/apps/validation ValidateStatefulSetUpdate, 1.28).
const STATEFULSET_MUTABLE = new Set(['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds']);

/**
 * Whether two values have the same content as `contentHash` (common/checksum) sees it (JSON with sorted keys,
 * so key order does not matter), compared in place: hashing both sides of every checked field
 * costs more than the rest of a re-synth's guard.
 */
export function sameContent(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const aObject = typeof a === 'object' && a !== null;
  const bObject = typeof b === 'object' && b !== null;
  if (!aObject || !bObject) return !aObject && !bObject && (JSON.stringify(a) ?? 'null') === (JSON.stringify(b) ?? 'null');
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && sameItems(a, b);
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every(k => Object.prototype.propertyIsEnumerable.call(b, k) && sameContent((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function sameItems(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if ((i in a) !== (i in b) || !sameContent(a[i], b[i])) return false;
  }
  return true;
}

const ns = (o: ManifestObject): string => (o.metadata.namespace ? `-n ${o.metadata.namespace} ` : '');
const kubectlDelete = (o: ManifestObject, flags = ''): string => `kubectl ${ns(o)}delete ${o.kind.toLowerCase()} ${o.metadata.name}${flags}`;

/** The immutable fields that differ between two versions of the same object. */
export function immutableFieldChanges(before: ManifestObject, after: ManifestObject, ref: string): RefusedChange[] {
  const rule = RULES[after.kind];
  return rule ? rule(before, after).map(c => ({ object: ref, ...c })) : [];
}

type Change = Omit<RefusedChange, 'object'>;

const RULES: Record<string, (before: ManifestObject, after: ManifestObject) => Change[]> = {
  StatefulSet: (b, a) => {
    const keys = new Set([...Object.keys(b.spec ?? {}), ...Object.keys(a.spec ?? {})]);
    return [...keys].filter(k => !STATEFULSET_MUTABLE.has(k) && !sameContent(b.spec?.[k], a.spec?.[k])).sort().map(k => ({
      field: `spec.${k}`,
      reason: `a StatefulSet's spec.${k} is immutable`,
      recipe: `${kubectlDelete(a, ' --cascade=orphan')} (pods and claims keep running), ${k === 'volumeClaimTemplates' ? claimResizeStep(b, a) : ''}`
        + 'then apply; the new StatefulSet adopts the pods',
    }));
  },
  Deployment: selectorRule,
  ReplicaSet: selectorRule,
  DaemonSet: selectorRule,
  Job: (b, a) => (['template', 'selector'] as const).filter(k => !sameContent(b.spec?.[k], a.spec?.[k])).map(k => ({
    field: `spec.${k}`,
    reason: `a Job's spec.${k} is immutable and the Job kept its name`,
    recipe: `give the Job a name derived from its pod template, or ${kubectlDelete(a)} (it runs again), then apply`,
  })),
  Service: (b, a) => (['clusterIP', 'clusterIPs', 'ipFamilies'] as const).filter(k => !sameContent(b.spec?.[k], a.spec?.[k])).map(k => ({
    field: `spec.${k}`,
    reason: `a Service's spec.${k} is immutable once allocated`,
    recipe: `${kubectlDelete(a)}, then apply (clients resolve the new address through DNS)`,
  })),
  PersistentVolumeClaim: (b, a) => {
    const keys = new Set([...Object.keys(b.spec ?? {}), ...Object.keys(a.spec ?? {})]);
    const changes: Change[] = [...keys].filter(k => k !== 'resources' && !sameContent(b.spec?.[k], a.spec?.[k])).sort().map(k => ({
      field: `spec.${k}`,
      reason: `a PersistentVolumeClaim's spec.${k} is immutable`,
      recipe: `copy the data out, ${kubectlDelete(a)} (its data is lost unless the PersistentVolume is Retain), apply, then copy the data back`,
    }));
    const before = gibibytes(b.spec?.resources?.requests?.storage);
    const after = gibibytes(a.spec?.resources?.requests?.storage);
    if (after < before) {
      changes.push({
        field: 'spec.resources.requests.storage',
        reason: `a PersistentVolumeClaim cannot shrink (${b.spec.resources.requests.storage} -> ${a.spec.resources.requests.storage})`,
        recipe: `keep the size, or copy the data out, ${kubectlDelete(a)}, apply, then copy the data back`,
      });
    }
    return changes;
  },
  RoleBinding: roleRefRule,
  ClusterRoleBinding: roleRefRule,
  ConfigMap: immutableDataRule,
  Secret: immutableDataRule,
};

// Existing claims keep their size when the template grows: resize each one in place.
function claimResizeStep(b: ManifestObject, a: ManifestObject): string {
  const size = (o: ManifestObject, name: string) => o.spec?.volumeClaimTemplates?.find((t: any) => t.metadata?.name === name)?.spec?.resources?.requests?.storage;
  return (a.spec?.volumeClaimTemplates ?? []).filter((t: any) => size(b, t.metadata.name) !== undefined && size(b, t.metadata.name) !== size(a, t.metadata.name))
    .map((t: any) => `resize each existing claim: \`kubectl ${ns(a)}patch pvc ${t.metadata.name}-${a.metadata.name}-<ordinal> `
      + `-p '{"spec":{"resources":{"requests":{"storage":"${size(a, t.metadata.name)}"}}}}'\` (the StorageClass must allow volume expansion), `).join('');
}

function selectorRule(b: ManifestObject, a: ManifestObject): Change[] {
  if (sameContent(b.spec?.selector, a.spec?.selector)) return [];
  return [{
    field: 'spec.selector',
    reason: `a ${a.kind}'s spec.selector is immutable`,
    recipe: `${kubectlDelete(a)} (its pods stop), then apply`,
  }];
}

function roleRefRule(b: ManifestObject, a: ManifestObject): Change[] {
  if (sameContent(b.roleRef, a.roleRef)) return [];
  return [{ field: 'roleRef', reason: `a ${a.kind}'s roleRef is immutable`, recipe: `${kubectlDelete(a)}, then apply` }];
}

function immutableDataRule(b: ManifestObject, a: ManifestObject): Change[] {
  if (b.immutable !== true) return [];
  return (['data', 'binaryData', 'stringData', 'immutable'] as const).filter(k => !sameContent(b[k], a[k])).map(k => ({
    field: k,
    reason: `the ${a.kind} is immutable (immutable: true)`,
    recipe: `give it a new name (a content hash) so pods roll to it, or ${kubectlDelete(a)}, then apply`,
  }));
}

/** A Kubernetes quantity in GiB (binary and decimal suffixes); NaN when unparseable. */
export function gibibytes(quantity: unknown): number {
  const m = /^(\d+(?:\.\d+)?)([KMGTPE]i?)?$/.exec(String(quantity ?? ''));
  if (!m) return NaN;
  const binary: Record<string, number> = { Ki: 2 ** -20, Mi: 2 ** -10, Gi: 1, Ti: 2 ** 10, Pi: 2 ** 20, Ei: 2 ** 30 };
  const decimal: Record<string, number> = { K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
  const unit = m[2] ?? '';
  return Number(m[1]) * (binary[unit] ?? (decimal[unit] ?? 1) / 2 ** 30);
}
