import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Kinds of objects a component may reference without creating them (`ObjectStore` is the
 * CloudNativePG Barman Cloud plugin's, barmancloud.cnpg.io).
 */
export type ExternalKind = 'Secret' | 'ConfigMap' | 'PersistentVolumeClaim' | 'ServiceAccount' | 'SecretStore' | 'ClusterSecretStore' | 'ObjectStore' | 'VolumeSnapshotClass';

/** An object the chart references but expects to exist already (e.g. a user-managed Secret). */
export interface ExternalReference {
  readonly kind: ExternalKind;
  /** Namespace the object must exist in; none for cluster-scoped kinds (ClusterSecretStore). */
  readonly namespace?: string;
  readonly name: string;
  /** Keys the chart reads from it (Secret and ConfigMap keys), sorted. @default - none listed */
  readonly keys: string[];
  /** Construct path of the component that references it. */
  readonly referencedBy: string;
}

/** Options of {@link declareExternal}. */
export interface DeclareExternalOptions {
  /** @default - the chart's namespace (none for cluster-scoped kinds) */
  readonly namespace?: string;
  /** Keys read from the object. */
  readonly keys?: readonly string[];
}

const CLUSTER_SCOPED: ReadonlySet<ExternalKind> = new Set(['ClusterSecretStore', 'VolumeSnapshotClass']);

interface Registry {
  readonly refs: Map<string, { kind: ExternalKind; namespace?: string; name: string; keys: Set<string>; referencedBy: string }>;
  /** Objects the chart itself produces (through an operator or a Job), by the same key. */
  readonly provided: Set<string>;
}

// Keyed by `<kind>/<namespace>/<name>`, so declaring stays constant-time for charts with many components.
const registries = new WeakMap<Chart, Registry>();

function registryOf(scope: IConstruct): Registry {
  const chart = Chart.of(scope);
  let r = registries.get(chart);
  if (!r) {
    r = { refs: new Map(), provided: new Set() };
    registries.set(chart, r);
  }
  return r;
}

function keyOf(scope: IConstruct, kind: ExternalKind, name: string, namespace?: string): { key: string; namespace?: string } {
  const ns = CLUSTER_SCOPED.has(kind) ? undefined : namespace ?? Chart.of(scope).namespace;
  return { key: `${kind}/${ns ?? ''}/${name}`, namespace: ns };
}

/**
 * Records that `scope` references an object it does not create. The chart's list is what
 * a user must provide before applying it (see {@link externalReferences}) and what the
 * tests accept as existing outside the chart. An object the chart produces itself (see
 * {@link declareProduced}) is left out.
 */
export function declareExternal(scope: IConstruct, kind: ExternalKind, name: string, options: DeclareExternalOptions = {}): void {
  const refs = registryOf(scope).refs;
  const { key, namespace } = keyOf(scope, kind, name, options.namespace);
  let ref = refs.get(key);
  if (!ref) {
    ref = { kind, namespace, name, keys: new Set(), referencedBy: scope.node.path };
    refs.set(key, ref);
  }
  for (const k of options.keys ?? []) ref.keys.add(k);
}

/**
 * Records that the chart produces `kind/name` although it renders no such object: an ExternalSecret
 * or a Job writes the Secret, an operator (CloudNativePG's `<cluster>-app`) creates it. Such an
 * object is no prerequisite.
 */
export function declareProduced(scope: IConstruct, kind: ExternalKind, name: string, namespace?: string): void {
  registryOf(scope).provided.add(keyOf(scope, kind, name, namespace).key);
}

/** The objects `chart` references but neither renders nor produces, sorted by kind, namespace then name. */
export function externalReferences(chart: Chart): ExternalReference[] {
  const r = registries.get(chart);
  if (!r) return [];
  return [...r.refs.entries()]
    .filter(([key]) => !r.provided.has(key))
    .map(([, ref]) => ({ kind: ref.kind, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}), name: ref.name, keys: [...ref.keys].sort(), referencedBy: ref.referencedBy }))
    .sort((a, b) => `${a.kind}/${a.namespace ?? ''}/${a.name}`.localeCompare(`${b.kind}/${b.namespace ?? ''}/${b.name}`));
}
