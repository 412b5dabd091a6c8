import { formatValue } from '../common/errors';

/**
 * A small schema language whose definitions are the single source of truth for three things:
 * the TypeScript type of a spec ({@link Infer}), the structural openAPIV3Schema of a CRD
 * ({@link toOpenApi}) and the construct-time validation of props ({@link validateAgainst}).
 * A field added to a definition shows up in all three; none can drift from the others.
 *
 * Only what a structural schema can express is modelled: every node has a type, objects
 * declare their properties (maps their value type), and "exactly one of" is a `oneOf` of
 * `required` lists, the form apiextensions.k8s.io/v1 accepts.
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#specifying-a-structural-schema
 */

/** The Kubernetes quantity grammar (the API server's own pattern for int-or-string quantities). */
export const QUANTITY_PATTERN = '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/** Fields every node carries. */
interface Documented {
  /** Rendered as the schema `description` (what `kubectl explain` prints). */
  readonly description: string;
}

/** A string; `E` is the literal union when `enum` is given. */
export interface StringSchema<E extends string = string> extends Documented {
  readonly type: 'string';
  readonly enum?: readonly E[];
  /** An RE2-compatible regular expression (also valid in JavaScript). */
  readonly pattern?: string;
  /** What the pattern means, in words, for error messages. */
  readonly hint?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly default?: E;
}

/** A whole number. */
export interface IntegerSchema extends Documented {
  readonly type: 'integer';
  readonly minimum?: number;
  readonly maximum?: number;
  readonly default?: number;
}

/** true or false. */
export interface BooleanSchema extends Documented {
  readonly type: 'boolean';
  readonly default?: boolean;
}

/** A Kubernetes quantity (`500m`, `2`, `512Mi`): a string or a number (`x-kubernetes-int-or-string`). */
export interface QuantitySchema extends Documented {
  readonly type: 'quantity';
}

/** A free-form object kept as given (`x-kubernetes-preserve-unknown-fields`), e.g. a pod `affinity`. */
export interface FreeformSchema extends Documented {
  readonly type: 'freeform';
}

/** A list; with `mapKeys` a list-map whose items are unique by those keys. */
export interface ArraySchema<I extends Schema = Schema> extends Documented {
  readonly type: 'array';
  readonly items: I;
  readonly minItems?: number;
  readonly maxItems?: number;
  /** Render `x-kubernetes-list-type: map` keyed by these (required, scalar) item fields. */
  readonly mapKeys?: readonly string[];
}

/** A string-keyed map (`additionalProperties`). */
export interface MapSchema<V extends Schema = Schema> extends Documented {
  readonly type: 'map';
  readonly values: V;
  /** Keys must match this pattern (checked by the construct; structural schemas cannot express it). */
  readonly keyPattern?: string;
  readonly keyHint?: string;
  readonly maxProperties?: number;
}

/** An object with declared properties. */
export interface ObjectSchema<P extends Record<string, Schema> = Record<string, Schema>, R extends keyof P = keyof P> extends Documented {
  readonly type: 'object';
  readonly properties: P;
  readonly required: readonly R[];
  /** Exactly one of these properties must be set. */
  readonly exactlyOne?: readonly (keyof P & string)[];
}

/** Any schema node. */
export type Schema = StringSchema<any> | IntegerSchema | BooleanSchema | QuantitySchema | FreeformSchema | ArraySchema<any> | MapSchema<any> | ObjectSchema<any, any>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The TypeScript type a schema describes: required properties mandatory, the others optional. */
export type Infer<S> =
  S extends StringSchema<infer E> ? E :
    S extends IntegerSchema ? number :
      S extends BooleanSchema ? boolean :
        S extends QuantitySchema ? string | number :
          S extends FreeformSchema ? Record<string, unknown> :
        S extends ArraySchema<infer I> ? ReadonlyArray<Infer<I>> :
          S extends MapSchema<infer V> ? Readonly<Record<string, Infer<V>>> :
            S extends ObjectSchema<infer P, infer R> ? Simplify<
              { readonly [K in Extract<keyof P, R>]: Infer<P[K]> } &
              { readonly [K in Exclude<keyof P, R>]?: Infer<P[K]> }
            > : never;

/** Builders that keep literal types for {@link Infer}. */
export const s = {
  string: (description: string, opts: Omit<StringSchema, 'type' | 'description' | 'enum'> = {}): StringSchema => ({ type: 'string', description, ...opts }),
  enum: <E extends string>(description: string, values: readonly E[], def?: E): StringSchema<E> => ({ type: 'string', description, enum: values, ...(def !== undefined ? { default: def } : {}) }),
  integer: (description: string, opts: Omit<IntegerSchema, 'type' | 'description'> = {}): IntegerSchema => ({ type: 'integer', description, ...opts }),
  quantity: (description: string): QuantitySchema => ({ type: 'quantity', description }),
  freeform: (description: string): FreeformSchema => ({ type: 'freeform', description }),
  boolean: (description: string, def?: boolean): BooleanSchema => ({ type: 'boolean', description, ...(def !== undefined ? { default: def } : {}) }),
  array: <I extends Schema>(description: string, items: I, opts: Omit<ArraySchema<I>, 'type' | 'description' | 'items'> = {}): ArraySchema<I> => ({ type: 'array', description, items, ...opts }),
  map: <V extends Schema>(description: string, values: V, opts: Omit<MapSchema<V>, 'type' | 'description' | 'values'> = {}): MapSchema<V> => ({ type: 'map', description, values, ...opts }),
  object: <P extends Record<string, Schema>, R extends keyof P = never>(description: string, properties: P, required: readonly R[] = [], exactlyOne?: readonly (keyof P & string)[]): ObjectSchema<NoInfer<P>, NoInfer<R>> =>
    ({ type: 'object', description, properties, required, ...(exactlyOne ? { exactlyOne } : {}) }),
};

/** Renders a schema as a structural openAPIV3Schema (apiextensions.k8s.io/v1 JSONSchemaProps). */
export function toOpenApi(schema: Schema): Record<string, unknown> {
  const base = { description: schema.description };
  switch (schema.type) {
    case 'string':
      return prune({ type: 'string', ...base, enum: schema.enum, pattern: schema.pattern, minLength: schema.minLength, maxLength: schema.maxLength, default: schema.default });
    case 'integer':
      return prune({ type: 'integer', ...base, minimum: schema.minimum, maximum: schema.maximum, default: schema.default });
    case 'boolean':
      return prune({ type: 'boolean', ...base, default: schema.default });
    case 'quantity':
      return { 'x-kubernetes-int-or-string': true, ...base, pattern: QUANTITY_PATTERN };
    case 'freeform':
      return { type: 'object', ...base, 'x-kubernetes-preserve-unknown-fields': true };
    case 'array':
      return prune({
        type: 'array', ...base, items: toOpenApi(schema.items), minItems: schema.minItems, maxItems: schema.maxItems,
        ...(schema.mapKeys ? { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': [...schema.mapKeys] } : {}),
      });
    case 'map':
      return prune({ type: 'object', ...base, additionalProperties: toOpenApi(schema.values), maxProperties: schema.maxProperties });
    case 'object': {
      const properties: Record<string, unknown> = {};
      for (const [k, v] of Object.entries<Schema>(schema.properties)) properties[k] = toOpenApi(v);
      return prune({
        type: 'object', ...base, properties,
        required: schema.required.length ? [...schema.required].map(String) : undefined,
        oneOf: schema.exactlyOne ? schema.exactlyOne.map(k => ({ required: [k] })) : undefined,
      });
    }
  }
}

/** One problem found by {@link validateAgainst}. */
export interface SchemaViolation {
  /** Dotted path below the validated root, e.g. `capabilities[0].name`. */
  readonly field: string;
  readonly value: unknown;
  /** What to change, phrased as an instruction. */
  readonly fix: string;
}

/**
 * Validates `value` against `schema` the way the API server validates a custom resource, and
 * also rejects unknown fields (typos) and map keys outside `keyPattern`.
 * @param prefix path of `value` inside the props, prepended to every field
 * @param conforming values found valid already, not walked again
 * @returns every violation, in document order; empty when valid
 */
export function validateAgainst(schema: Schema, value: unknown, prefix = '', conforming?: ConformingValues): SchemaViolation[] {
  const w: SpecWalk = { out: [], conforming };
  check(schema, value, prefix, w);
  return w.out;
}

/**
 * Values found valid against a schema node already (by {@link validateAgainst}), by node: a walk
 * that meets one of them at that node does not walk it again (e.g. an agent mesh's one cluster
 * network in every agent's spec).
 */
export type ConformingValues = ReadonlyMap<Schema, unknown>;

/** One walk: the violations found so far and the values known valid. */
interface SpecWalk {
  readonly out: SchemaViolation[];
  readonly conforming?: ConformingValues;
}

// A field path is built only when a violation is reported: a valid spec has dozens of values, and
// concatenating each one's path cost more than checking it (speed). A path is the caller's prefix,
// or a property, map key or index below a parent path.
type FieldPath = string | { readonly parent: FieldPath; readonly key: string | number; readonly mapKey?: boolean };

function fieldOf(path: FieldPath): string {
  if (typeof path === 'string') return path;
  const parent = fieldOf(path.parent);
  if (typeof path.key === 'number') return `${parent}[${path.key}]`;
  if (path.mapKey) return `${parent}[${JSON.stringify(path.key)}]`;
  return parent ? `${parent}.${path.key}` : path.key;
}

function check(schema: Schema, value: unknown, path: FieldPath, w: SpecWalk): void {
  if (w.conforming?.has(schema) && w.conforming.get(schema) === value) return;
  switch (schema.type) {
    case 'string': return checkString(schema, value, path, w);
    case 'integer': return checkInteger(schema, value, path, w);
    case 'boolean':
      if (typeof value !== 'boolean') fail(w, path, value, 'use true or false');
      return;
    case 'quantity':
      if (typeof value === 'number' ? !(Number.isFinite(value) && value >= 0) : typeof value !== 'string' || !compiled(QUANTITY_PATTERN).test(value)) {
        fail(w, path, value, "use a Kubernetes quantity such as '500m', '2', '512Mi' or '1Gi'");
      }
      return;
    case 'freeform':
      if (!isRecord(value)) fail(w, path, value, 'use an object');
      return;
    case 'array': return checkArray(schema, value, path, w);
    case 'map': return checkMap(schema, value, path, w);
    case 'object': return checkObject(schema, value, path, w);
  }
}

/** A violation of the value at `path` itself (the root shows as `(root)`). */
function fail(w: SpecWalk, path: FieldPath, value: unknown, fix: string): void {
  w.out.push({ field: fieldOf(path) || '(root)', value, fix });
}

/** A violation of a key below the value being checked. */
function violation(w: SpecWalk, path: FieldPath, value: unknown, fix: string): void {
  w.out.push({ field: fieldOf(path), value, fix });
}

function checkString(schema: StringSchema, value: unknown, path: FieldPath, w: SpecWalk): void {
  if (typeof value !== 'string') return fail(w, path, value, 'use a string');
  if (schema.enum && !schema.enum.includes(value)) return fail(w, path, value, `use one of ${schema.enum.map(e => JSON.stringify(e)).join(', ')}`);
  if (schema.minLength !== undefined && value.length < schema.minLength) return fail(w, path, value, `use at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return fail(w, path, value, `use at most ${schema.maxLength} characters`);
  if (schema.pattern && !compiled(schema.pattern).test(value)) fail(w, path, value, schema.hint ?? `match the pattern ${schema.pattern}`);
}

function checkInteger(schema: IntegerSchema, value: unknown, path: FieldPath, w: SpecWalk): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) return fail(w, path, value, 'use a whole number');
  if (schema.minimum !== undefined && value < schema.minimum) return fail(w, path, value, `use a whole number >= ${schema.minimum}${schema.maximum !== undefined ? ` and <= ${schema.maximum}` : ''}`);
  if (schema.maximum !== undefined && value > schema.maximum) fail(w, path, value, `use a whole number <= ${schema.maximum}${schema.minimum !== undefined ? ` and >= ${schema.minimum}` : ''}`);
}

function checkArray(schema: ArraySchema, value: unknown, path: FieldPath, w: SpecWalk): void {
  if (!Array.isArray(value)) return fail(w, path, value, 'use a list');
  if (schema.minItems !== undefined && value.length < schema.minItems) return fail(w, path, value, `list at least ${schema.minItems} item(s)`);
  if (schema.maxItems !== undefined && value.length > schema.maxItems) return fail(w, path, value, `list at most ${schema.maxItems} items`);
  value.forEach((item, i) => check(schema.items, item, { parent: path, key: i }, w));
  // One item cannot repeat a key (speed: most lists of an agent hold one).
  if (schema.mapKeys && value.length > 1) {
    const mapKeys = schema.mapKeys;
    const seen = new Map<string, number>();
    value.forEach((item, i) => {
      const key = mapKeys.map(k => String((item as Record<string, unknown>)?.[k])).join('/');
      const first = seen.get(key);
      if (first !== undefined) {
        const field = fieldOf(path);
        w.out.push({ field: `${field}[${i}].${mapKeys.join('/')}`, value: key, fix: `each ${mapKeys.join('/')} may appear once; ${field}[${first}] already uses it` });
      } else seen.set(key, i);
    });
  }
}

function checkMap(schema: MapSchema, value: unknown, path: FieldPath, w: SpecWalk): void {
  if (!isRecord(value)) return fail(w, path, value, 'use an object of key-value pairs');
  const keys = Object.keys(value);
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) return fail(w, path, value, `use at most ${schema.maxProperties} entries`);
  for (const k of keys) {
    const entry = { parent: path, key: k, mapKey: true };
    if (schema.keyPattern && !compiled(schema.keyPattern).test(k)) violation(w, entry, k, schema.keyHint ?? `use keys matching ${schema.keyPattern}`);
    check(schema.values, value[k], entry, w);
  }
}

function checkObject(schema: ObjectSchema, value: unknown, path: FieldPath, w: SpecWalk): void {
  if (!isRecord(value)) return fail(w, path, value, 'use an object');
  const props = schema.properties;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (!(k in props) && value[k] !== undefined) {
      const field = fieldOf(path);
      violation(w, { parent: path, key: k }, value[k], `remove it: ${field || 'the spec'} has no field '${k}' (known: ${Object.keys(props).join(', ')})`);
    }
  }
  const plan = objectPlan(schema);
  for (const k of plan.required) {
    if (value[k] === undefined) violation(w, { parent: path, key: k }, undefined, `set it: ${props[k].description}`);
  }
  if (schema.exactlyOne) {
    const set = schema.exactlyOne.filter(k => value[k] !== undefined);
    if (set.length !== 1) {
      fail(w, path, set.length ? Object.fromEntries(set.map(k => [k, '...'])) : value, `set exactly one of ${schema.exactlyOne.join(', ')}`);
    }
  }
  const { names, schemas } = plan;
  for (let i = 0; i < names.length; i++) {
    const v = value[names[i]];
    if (v !== undefined) check(schemas[i], v, { parent: path, key: names[i] }, w);
  }
}

// Patterns compiled once each: every agent checks the same dozen (speed). Without the g and y
// flags a RegExp keeps no state between tests, so sharing one is safe.
const PATTERNS = new Map<string, RegExp>();

function compiled(pattern: string): RegExp {
  let re = PATTERNS.get(pattern);
  if (!re) PATTERNS.set(pattern, re = new RegExp(pattern));
  return re;
}

/** An object schema's declared properties and required names, listed once. */
interface ObjectPlan {
  readonly names: readonly string[];
  /** The schema of each of `names`. */
  readonly schemas: readonly Schema[];
  readonly required: readonly string[];
}

// Listed once per object schema: schemas are constants and every agent walks the same ones (speed).
const OBJECT_PLANS = new WeakMap<ObjectSchema, ObjectPlan>();

function objectPlan(schema: ObjectSchema): ObjectPlan {
  let plan = OBJECT_PLANS.get(schema);
  if (!plan) {
    const names = Object.keys(schema.properties);
    plan = { names, schemas: names.map(k => (schema.properties as Record<string, Schema>)[k]), required: schema.required.map(String) };
    OBJECT_PLANS.set(schema, plan);
  }
  return plan;
}

/** Formats violations as one message per line: `field value: fix`. */
export function formatViolations(violations: readonly SchemaViolation[]): string {
  return violations.map(v => `${v.field} ${formatValue(v.value)}: ${v.fix}`).join('\n');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function prune(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
