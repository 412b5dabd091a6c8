import { McpConfigError } from '../common/errors';
import { immutableFieldChanges, RefusedChange } from './immutable-fields';
import { ManifestObject, objectKey, objectRef } from './manifest-objects';

/**
 * A deliberate change the upgrade guard would otherwise refuse: the recipe it printed was (or
 * will be) followed by hand, so synth may write the new output. Copy `object` and `field`
 * from the guard's error; remove the entry once the change is committed, when it matches
 * nothing any more (synth warns about such stale entries).
 */
export interface AcknowledgedChange {
  /** `<Kind>/<namespace>/<name>` (`<Kind>/<name>` when cluster-scoped), e.g. `StatefulSet/mcp-prod/tool-registry-db`. */
  readonly object: string;
  /** The field path the guard reported, e.g. `spec.volumeClaimTemplates` or `(removed)`. */
  readonly field: string;
  /** Why the change is made and how its recipe is carried out, for reviewers. */
  readonly reason: string;
}

/** The outcome of comparing an environment's new output with its previous output. */
export interface UpgradeCheck {
  /** Changes Kubernetes would refuse, or that would drop data, and no acknowledgement covers. */
  readonly refused: RefusedChange[];
  /** Refused changes an acknowledgement covers. */
  readonly acknowledged: RefusedChange[];
  /** Acknowledgements that matched no change (already committed; remove them). */
  readonly stale: AcknowledgedChange[];
}

/** The field the guard reports for an object that disappeared. */
export const REMOVED_FIELD = '(removed)';

// Kinds that hold data: removing one from the output (a backend switch, an environment
// change) must be deliberate. Their claims and clusters carry GitOps prune protection too.
const DATA_HOLDERS = new Set(['v1/PersistentVolumeClaim', 'postgresql.cnpg.io/Cluster', 'barmancloud.cnpg.io/ObjectStore']);

/**
 * Compares each object of `next` with the object of the same group, kind, namespace and name
 * in `previous` (the committed output of the same environment) and reports every change the
 * API server would refuse on apply (immutable fields), plus removed objects that hold data.
 */
export function checkUpgrade(previous: ManifestObject[], next: ManifestObject[], acknowledgements: AcknowledgedChange[] = []): UpgradeCheck {
  const after = new Map<string, ManifestObject>();
  const keys = new Map<ManifestObject, string>();
  for (const o of next) {
    const key = objectKey(o);
    after.set(key, o);
    keys.set(o, key);
  }
  // readPreviousOutput hands back the new object itself for a document that did not change:
  // its key is known and it cannot differ from itself.
  const before = new Map<string, ManifestObject>();
  for (const o of previous) before.set(keys.get(o) ?? objectKey(o), o);
  const changes: RefusedChange[] = [];
  for (const [key, a] of after) {
    const b = before.get(key);
    if (b && b !== a) changes.push(...immutableFieldChanges(b, a, objectRef(a)));
  }
  for (const [key, b] of before) {
    if (!after.has(key) && holdsData(b)) changes.push(removedDataHolder(b));
  }
  const matches = (ack: AcknowledgedChange, c: RefusedChange) => ack.object === c.object && (c.field === ack.field || c.field.startsWith(`${ack.field}.`));
  return {
    refused: changes.filter(c => !acknowledgements.some(ack => matches(ack, c))),
    acknowledged: changes.filter(c => acknowledgements.some(ack => matches(ack, c))),
    stale: acknowledgements.filter(ack => !changes.some(c => matches(ack, c))),
  };
}

function holdsData(o: ManifestObject): boolean {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : 'v1';
  return DATA_HOLDERS.has(`${group}/${o.kind}`) || (o.kind === 'StatefulSet' && (o.spec?.volumeClaimTemplates?.length ?? 0) > 0);
}

function removedDataHolder(o: ManifestObject): RefusedChange {
  const claims = o.kind === 'StatefulSet'
    ? `its claims (${o.spec.volumeClaimTemplates.map((t: any) => `${t.metadata.name}-${o.metadata.name}-<ordinal>`).join(', ')}) stay`
    : 'it stays in the cluster';
  return {
    object: objectRef(o),
    field: REMOVED_FIELD,
    reason: `the ${o.kind} holds data and is no longer rendered (a backend switch or removed component)`,
    recipe: `copy its data to the new store (dump and restore; see the README's recipes) before the switch; GitOps tools do not prune it and ${claims}: `
      + 'delete them by hand once the data is safe',
  };
}

/**
 * The error synth throws when the new output would not apply over the previous one: one line
 * per refused change with the object, the field path and the recipe, then how to acknowledge
 * it. An {@link McpConfigError} whose path is the environment.
 */
export class UpgradeRefusedError extends McpConfigError {
  public constructor(environment: string, public readonly refused: RefusedChange[]) {
    super(environment, 'upgrade', refused.map(c => `${c.object} ${c.field}`), 'see below');
    this.name = 'UpgradeRefusedError';
    this.message = [
      `${environment}: ${refused.length} change(s) would be refused by the API server or drop data when applied over the committed output:`,
      ...refused.map(c => `  - ${c.object} ${c.field}: ${c.reason}.\n    Recipe: ${c.recipe}.`),
      'Keep the previous value, or follow the recipe and acknowledge the change in the environment:',
      `  gitops: { acknowledgedChanges: [${refused.map(c => `{ object: '${c.object}', field: '${c.field}', reason: '...' }`).join(', ')}] }`,
    ].join('\n');
  }
}
