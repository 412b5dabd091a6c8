import type * as JsYaml from 'js-yaml';

// js-yaml loads on first use: a synth parses previous output only where a file changed.
const jsYaml = (): typeof JsYaml => require('js-yaml');

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
  // Concatenated rather than filter/join: the guard names every object of both outputs.
  let ref = '';
  for (const part of [o.kind, o.metadata.namespace, o.metadata.name]) if (part) ref += ref ? `/${part}` : `${part}`;
  return ref;
}

/** Identity of an object for the API server: API group, kind, namespace and name (the version may change). */
export function objectKey(o: ManifestObject): string {
  const slash = o.apiVersion.indexOf('/');
  return `${slash === -1 ? '' : o.apiVersion.slice(0, slash)}|${objectRef(o)}`;
}

/**
 * Parses a multi-document YAML manifest, skipping empty documents and comments. Scalars are read
 * with the YAML 1.2 core schema (no timestamps, no merge keys), as `yaml`'s parser reads them;
 * js-yaml reads a large environment about ten times faster.
 */
export function parseManifests(yaml: string): ManifestObject[] {
  const { CORE_SCHEMA, loadAll } = jsYaml();
  return loadAll(yaml, undefined, { schema: CORE_SCHEMA }).filter(isManifestObject);
}

/** Whether a parsed document is an object (not an empty document or a scalar). */
export function isManifestObject(o: unknown): o is ManifestObject {
  return !!o && typeof o === 'object' && 'kind' in o;
}
