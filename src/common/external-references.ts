import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/** Kinds of namespaced objects a component may reference without creating them. */
export type ExternalKind = 'Secret' | 'ConfigMap' | 'PersistentVolumeClaim' | 'ServiceAccount';

/** An object the chart references but expects to exist already (e.g. a user-managed Secret). */
export interface ExternalReference {
  readonly kind: ExternalKind;
  readonly name: string;
  /** Construct path of the component that references it. */
  readonly referencedBy: string;
}

// Keyed by `<kind>/<name>`, so declaring stays constant-time for charts with many components.
const registry = new WeakMap<Chart, Map<string, ExternalReference>>();

/**
 * Records that `scope` references an object it does not create. The chart's list is what
 * a user must provide before applying it (see {@link externalReferences}) and what the
 * tests accept as existing outside the chart.
 */
export function declareExternal(scope: IConstruct, kind: ExternalKind, name: string): void {
  const chart = Chart.of(scope);
  const refs = registry.get(chart) ?? new Map<string, ExternalReference>();
  const key = `${kind}/${name}`;
  if (!refs.has(key)) refs.set(key, { kind, name, referencedBy: scope.node.path });
  registry.set(chart, refs);
}

/** The objects `chart` references but does not create, sorted by kind then name. */
export function externalReferences(chart: Chart): ExternalReference[] {
  return [...(registry.get(chart)?.values() ?? [])].sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));
}
