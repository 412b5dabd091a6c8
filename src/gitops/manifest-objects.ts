import { CORE_SCHEMA, loadAll } from 'js-yaml';

/** A rendered Kubernetes object, as it appears in the synthesized YAML. */
export interface ManifestObject {
  /** `<group>/<version>`, or `v1` for the core group. */
  readonly apiVersion: string;
  /** The object's kind, e.g. `StatefulSet`. */
  readonly kind: string;
  /** Name, namespace (absent for cluster-scoped objects), labels, annotations. */
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: any };
  /** The rest of the object (`spec`, `data`, `roleRef`, ...). */
  readonly [field: string]: any;
}

/** `<Kind>/<namespace>/<name>` (`<Kind>/<name>` for cluster-scoped objects): how the guard names an object. */
export function objectRef(o: ManifestObject): string {
  return [o.kind, o.metadata.namespace, o.metadata.name].filter(Boolean).join('/');
}

/** Identity of an object for the API server: API group, kind, namespace and name (the version may change). */
export function objectKey(o: ManifestObject): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${group}|${objectRef(o)}`;
}

/**
 * Parses a multi-document YAML manifest, skipping empty documents and comments. Scalars are read
 * with the YAML 1.2 core schema (no timestamps, no merge keys), as `yaml`'s parser reads them;
 * js-yaml reads a large environment about ten times faster.
 */
export function parseManifests(yaml: string): ManifestObject[] {
  return loadAll(yaml, undefined, { schema: CORE_SCHEMA }).filter((o): o is ManifestObject => !!o && typeof o === 'object' && 'kind' in o);
}
