import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

/**
 * Strict schema validation of rendered objects: core kinds against the Kubernetes v1.28.0
 * OpenAPI definitions (schemas/), custom resources against the openAPIV3Schema of their CRD
 * (crds/, or a CRD rendered in the same output). Objects with declared properties are
 * closed, as the API server's strict field validation treats them: an unknown field is an
 * error, not silently dropped.
 */
export class SchemaValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: re2 } });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly crdSchemas = new Map<string, unknown>();
  private readonly coreKinds = new Map<string, string>();

  public constructor(extraCrds: unknown[] = []) {
    const root = path.join(__dirname, '..', '..');
    const defs = JSON.parse(fs.readFileSync(path.join(root, 'schemas', 'k8s-v1.28.0-definitions.json'), 'utf8')).definitions;
    for (const [name, def] of Object.entries<any>(defs)) {
      for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
        this.coreKinds.set(gvkKey(gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version, gvk.kind), name);
      }
    }
    this.ajv.addSchema({ $id: 'k8s', definitions: close(rewriteRefs(defs)) });
    for (const crd of [...loadCrdFiles(path.join(root, 'crds')), ...extraCrds]) this.addCrd(crd);
  }

  /** Registers a CustomResourceDefinition's served versions. */
  public addCrd(crd: any): void {
    if (crd?.kind !== 'CustomResourceDefinition') return;
    for (const v of crd.spec.versions) {
      const key = gvkKey(`${crd.spec.group}/${v.name}`, crd.spec.names.kind);
      this.crdSchemas.set(key, v.schema.openAPIV3Schema);
      this.validators.delete(key);
    }
  }

  /** Errors of one object, as `Kind/name: /path message` strings; empty when valid. */
  public validate(obj: any): string[] {
    const key = gvkKey(obj.apiVersion, obj.kind);
    let validator = this.validators.get(key);
    if (!validator && this.crdSchemas.has(key)) {
      validator = this.ajv.compile(close(this.crdSchemas.get(key)));
      this.validators.set(key, validator);
    } else if (!validator && this.coreKinds.has(key)) {
      validator = this.ajv.compile({ $ref: `k8s#/definitions/${this.coreKinds.get(key)}` });
      this.validators.set(key, validator);
    }
    const id = `${obj.kind}/${obj.metadata?.name}`;
    if (!validator) return [`${id}: no schema for ${key}`];
    if (validator(obj)) return [];
    return (validator.errors ?? []).map(e => `${id}: ${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` '${(e.params as any).additionalProperty}'` : ''}`);
  }
}

/** CRD patterns are Go RE2: turn a leading `(?i)` (also right after `^`) into JavaScript's `i` flag. */
const re2 = Object.assign((pattern: string, flags: string) => {
  const m = /^(\^?)\(\?i\)/.exec(pattern);
  return new RegExp(m ? m[1] + pattern.slice(m[0].length) : pattern, m ? `${flags}i` : flags);
}, { code: 'new RegExp' });

function gvkKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

function loadCrdFiles(dir: string): unknown[] {
  if (!fs.existsSync(dir)) return [];
  const files = fs.readdirSync(dir, { recursive: true }).map(String).filter(f => f.endsWith('.yaml'));
  return files.flatMap(f => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map(d => d.toJSON()));
}

function rewriteRefs(node: any): any {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node && typeof node === 'object') {
    const out: any = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'properties') out[k] = mapValues(v as object, rewriteRefs); // keys here are field names (JSONSchemaProps has one called $ref)
      else out[k] = k === '$ref' && typeof v === 'string' ? v.replace('#/definitions/', 'k8s#/definitions/') : rewriteRefs(v);
    }
    return out;
  }
  return node;
}

/** Closes every object schema that declares properties and no additionalProperties. */
function close(node: any): any {
  if (Array.isArray(node)) return node.map(close);
  if (!node || typeof node !== 'object') return node;
  const out: any = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'properties' || k === 'definitions' ? mapValues(v as object, close) : close(v);
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

function mapValues(obj: object, fn: (v: any) => any): any {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fn(v)]));
}
