import { IConstruct } from 'constructs';
import * as SCHEMA from '../../schema/cdk8s-mcp.schema.json';
import { McpConfigError } from './errors';

// Props arrive from TypeScript, from `as any`, and from JSON/YAML values files: the type checker
// sees only the first. This walks the JSON Schema that scripts/generate-schema.js derives from the
// exported props types (so it cannot drift from them) and reports the first problem with the
// construct path, the field, the value and the fix: unknown keys with the closest valid key,
// wrong types, values outside an enum. Semantic checks (quantities, ranges, names) stay with the
// constructs. The subset walked is what the generator emits: $ref, type, enum, const,
// properties/required/additionalProperties, items and anyOf.

/** A JSON Schema node as the generator emits it. @internal */
export interface SchemaNode {
  readonly $ref?: string;
  readonly type?: string | string[];
  readonly enum?: unknown[];
  readonly const?: unknown;
  readonly properties?: Record<string, SchemaNode>;
  readonly required?: string[];
  readonly additionalProperties?: boolean | SchemaNode;
  readonly items?: SchemaNode;
  readonly anyOf?: SchemaNode[];
  readonly description?: string;
  readonly constructHandle?: boolean;
}

interface RootSchema { readonly definitions: Record<string, SchemaNode> }

const ROOT = SCHEMA as unknown as RootSchema;
const SECRET_FIELD = /(password|secret|token|apikey|api_key|credential|privatekey)/i;

/**
 * Values found to conform to their definition already, for walks that meet them again where that
 * definition is expected (e.g. an agent mesh's one cluster network in every agent): such a walk
 * skips them. Made by {@link conformingValue}.
 * @internal
 */
export interface ConformingValues {
  /** Values by the `$ref` of their definition. */
  readonly byRef: ReadonlyMap<string, unknown>;
}

/** `value` if it conforms to `definition`, for walks that meet it again; else nothing to skip. @internal */
export function conformingValue(definition: string, value: unknown): ConformingValues {
  const ref = definitionRef(definition);
  const conforms = value !== undefined && findProblem(ROOT, ref, value, '') === undefined;
  return { byRef: new Map(conforms ? [[ref.$ref!, value]] : []) };
}

/**
 * Checks `props` against the generated schema of `definition` (an exported props type name).
 * @param prefix field path of `props` in messages: '' for a construct's own props
 * @param conforming values found to conform already, not walked again
 * @throws McpConfigError for the first unknown key, wrong type or value outside an enum
 * @internal
 */
export function checkProps(scope: IConstruct, definition: string, props: unknown, prefix = '', conforming?: ConformingValues): void {
  const problem = valueProblem(walkOf(ROOT, false, conforming?.byRef.size ? conforming.byRef : undefined), definitionRef(definition), props, prefix);
  if (problem) throw new McpConfigError(scope.node.path, problem.field || definition, problem.shown, problem.fix);
}

/**
 * The first problem of an environment (or a values file when `partial`, where required fields may
 * come from a preset) against the schema, with field paths from the environment's root.
 * @internal
 */
export function findEnvironmentProblem(env: unknown, partial = false): Problem | undefined {
  return findProblem(ROOT, definitionRef('McpEnvironment'), env, '', partial);
}

const DEFINITION_REFS = new Map<string, SchemaNode>();

/** One `$ref` node per definition, so that its resolution is cached (see resolve). */
function definitionRef(definition: string): SchemaNode {
  let ref = DEFINITION_REFS.get(definition);
  if (!ref) DEFINITION_REFS.set(definition, ref = { $ref: `#/definitions/${definition}` });
  return ref;
}

/**
 * The first problem of `value` against `node`, or undefined. Exported for the schema's own tests.
 * @param field field path of `value` in messages
 * @internal
 */
export function findProblem(root: RootSchema, node: SchemaNode, value: unknown, field: string, partial = false): Problem | undefined {
  return valueProblem(walkOf(root, partial), node, value, field);
}

/** One walk: the schema, its prepared nodes and whether required fields may be absent. */
interface Walk {
  readonly root: RootSchema;
  readonly refs: WeakMap<SchemaNode, SchemaNode>;
  readonly prepared: WeakMap<SchemaNode, Prepared>;
  readonly partial: boolean;
  /** Values known to conform, by the `$ref` of their definition. */
  readonly conforming?: ReadonlyMap<string, unknown>;
}

function walkOf(root: RootSchema, partial: boolean, conforming?: ReadonlyMap<string, unknown>): Walk {
  return { root, refs: refCache(root), prepared: preparedCache(root), partial, conforming };
}

// A field path is built only when a problem is reported: a valid agent has hundreds of values,
// and concatenating each one's dotted path cost more than checking it (speed). A path is the
// caller's prefix, or a key or index below a parent path.
type FieldPath = string | { readonly parent: FieldPath; readonly key: string | number };

function fieldOf(path: FieldPath): string {
  if (typeof path === 'string') return path;
  const parent = fieldOf(path.parent);
  return typeof path.key === 'number' ? `${parent}[${path.key}]` : join(parent, path.key);
}

/**
 * A schema node as the walk reads it: its reference resolved, every keyword in the same fields
 * for every node, and its children prepared on first use. Schema nodes come in dozens of shapes,
 * and reading keywords they mostly lack cost more than the checks (speed).
 */
interface Prepared {
  /** The `$ref` of the referencing node, if any (what conforming values are known by). */
  readonly ref: string | undefined;
  /** The resolved node, for messages. */
  readonly node: SchemaNode;
  readonly skip: boolean;
  readonly anyOf: SchemaNode[] | undefined;
  readonly hasConst: boolean;
  readonly enumValues: unknown[] | undefined;
  readonly type: SchemaNode['type'];
  readonly items: SchemaNode | undefined;
  /** The node declares properties or additionalProperties. */
  readonly object: boolean;
  readonly names: string[];
  readonly required: string[] | undefined;
  /** Prepared children, filled on first use: by property position, the items, the additional properties. */
  readonly children: (Prepared | undefined)[];
  itemsPrepared: Prepared | undefined;
}

function prepare(w: Walk, node: SchemaNode): Prepared {
  let p = w.prepared.get(node);
  if (!p) {
    const n = resolve(w, node);
    const names = Object.keys(n.properties ?? {});
    p = {
      ref: node.$ref, node: n, skip: !!n.constructHandle, anyOf: n.anyOf, hasConst: n.const !== undefined, enumValues: n.enum,
      type: n.type, items: n.items, object: !!n.properties || n.additionalProperties !== undefined, names, required: n.required,
      children: names.map(() => undefined), itemsPrepared: undefined,
    };
    w.prepared.set(node, p);
  }
  return p;
}

function valueProblem(w: Walk, node: SchemaNode, value: unknown, path: FieldPath): Problem | undefined {
  return value === undefined ? undefined : preparedProblem(w, prepare(w, node), value, path);
}

function preparedProblem(w: Walk, p: Prepared, value: unknown, path: FieldPath): Problem | undefined {
  if (value === undefined) return undefined;
  if (w.conforming && p.ref && w.conforming.get(p.ref) === value) return undefined;
  if (p.skip) return undefined;
  const n = p.node;
  if (p.anyOf) return anyOfProblem(w, p.anyOf, value, fieldOf(path));
  if (p.hasConst && value !== n.const) return problem(fieldOf(path), value, `use ${JSON.stringify(n.const)}`);
  if (p.enumValues && !p.enumValues.includes(value)) return problem(fieldOf(path), value, `use one of ${p.enumValues.map(v => JSON.stringify(v)).join(', ')}`);
  if (!typeMatches(p.type, value)) {
    const types = Array.isArray(n.type) ? n.type : [n.type!];
    return problem(fieldOf(path), value, `use ${types.map(describeType).join(' or ')}${hint(n)}`, expectsObject(types));
  }
  if (p.items && Array.isArray(value)) {
    const items = p.itemsPrepared ??= prepare(w, p.items);
    for (let i = 0; i < value.length; i++) {
      const problemOfItem = preparedProblem(w, items, value[i], { parent: path, key: i });
      if (problemOfItem) return problemOfItem;
    }
  }
  if (p.object && isObject(value)) return objectProblem(w, p, value, path);
  return undefined;
}

/** One problem: the field path, the value as shown (secrets masked) and the fix. @internal */
export interface Problem {
  readonly field: string;
  readonly shown: unknown;
  readonly fix: string;
}

function objectProblem(w: Walk, p: Prepared, value: Record<string, unknown>, path: FieldPath): Problem | undefined {
  const n = p.node;
  const known = p.names;
  for (const key of Object.keys(value)) {
    if (n.properties?.[key]) continue;
    if (isObject(n.additionalProperties)) {
      const problemOfValue = valueProblem(w, n.additionalProperties, value[key], { parent: path, key });
      if (problemOfValue) return problemOfValue;
      continue;
    }
    if (n.additionalProperties === false) {
      const close = closestKey(key, known);
      const fix = close ? `unknown field; did you mean '${close}'?` : `unknown field; valid fields are ${known.join(', ')}`;
      return problem(join(fieldOf(path), key), value[key], fix, true);
    }
  }
  if (!w.partial && p.required) {
    for (const key of p.required) {
      if (value[key] === undefined) {
        const description = resolve(w, n.properties?.[key] ?? {}).description ?? n.properties?.[key]?.description;
        return { field: join(fieldOf(path), key), shown: undefined, fix: `set ${key}${description ? ` (${firstSentence(description)})` : ''}` };
      }
    }
  }
  for (let i = 0; i < known.length; i++) {
    const key = known[i];
    if (value[key] === undefined) continue;
    const child = p.children[i] ??= prepare(w, n.properties![key]);
    const problemOfProperty = preparedProblem(w, child, value[key], { parent: path, key });
    if (problemOfProperty) return problemOfProperty;
  }
  return undefined;
}

function anyOfProblem(w: Walk, branches: SchemaNode[], value: unknown, field: string): Problem | undefined {
  const resolved = branches.map(b => resolve(w, b));
  // Discriminated unions ({ type: 'sqlite' } | { type: 'postgres' }): judge by the matching branch.
  const discriminator = isObject(value) ? discriminatorKey(resolved) : undefined;
  // A partial block (a values file over a preset) may leave the discriminator to the preset.
  if (discriminator && isObject(value) && !(w.partial && value[discriminator] === undefined)) {
    const options = resolved.map(b => resolve(w, b.properties![discriminator]).const ?? resolve(w, b.properties![discriminator]).enum?.[0]);
    const index = options.findIndex(o => o === value[discriminator]);
    if (index < 0) return problem(join(field, discriminator), value[discriminator], `use one of ${options.map(o => JSON.stringify(o)).join(', ')}`);
    return valueProblem(w, resolved[index], value, field);
  }
  const problems = resolved.map(b => valueProblem(w, b, value, field));
  if (problems.some(p => p === undefined)) return undefined;
  // Prefer the branch whose type matched and that failed deepest.
  const typed = problems.filter((p, i) => p!.field !== field || typesOf(resolved[i]).some(t => hasType(value, t)));
  if (typed.length) return typed.sort((a, b) => b!.field.length - a!.field.length)[0];
  const types = [...new Set(resolved.flatMap(typesOf))];
  return problem(field, value, `use ${types.map(describeType).join(' or ')}`, types.includes('object'));
}

function discriminatorKey(branches: SchemaNode[]): string | undefined {
  if (branches.length < 2 || !branches.every(b => b.properties)) return undefined;
  return Object.keys(branches[0].properties!).find(k => branches.every(b => {
    const p = b.properties![k];
    return p && (p.const !== undefined || p.enum?.length === 1) && b.required?.includes(k);
  }));
}

// Resolved nodes per referencing node: the same definitions are walked for every construct and
// every agent, and resolving copies the definition.
const RESOLVED_REFS = new WeakMap<RootSchema, WeakMap<SchemaNode, SchemaNode>>();

function refCache(root: RootSchema): WeakMap<SchemaNode, SchemaNode> {
  let cache = RESOLVED_REFS.get(root);
  if (!cache) RESOLVED_REFS.set(root, cache = new WeakMap());
  return cache;
}

// Prepared nodes per node, like resolved references (a node's preparation depends on the schema only).
const PREPARED = new WeakMap<RootSchema, WeakMap<SchemaNode, Prepared>>();

function preparedCache(root: RootSchema): WeakMap<SchemaNode, Prepared> {
  let cache = PREPARED.get(root);
  if (!cache) PREPARED.set(root, cache = new WeakMap());
  return cache;
}

function resolve(w: Walk, node: SchemaNode): SchemaNode {
  if (!node.$ref) return node;
  let n = w.refs.get(node);
  if (!n) w.refs.set(node, n = resolveRef(w.root, node));
  return n;
}

function resolveRef(root: RootSchema, node: SchemaNode): SchemaNode {
  let n = node;
  for (let depth = 0; n.$ref && depth < 20; depth++) {
    const name = decodeURIComponent(n.$ref.replace('#/definitions/', ''));
    const target = root.definitions[name];
    if (!target) throw new Error(`schema has no definition ${name}`);
    n = { ...target, description: n.description ?? target.description };
  }
  return n;
}

function problem(field: string, value: unknown, fix: string, maskStrings = false): Problem {
  const secret = SECRET_FIELD.test(field.split('.').pop() ?? '') || (maskStrings && typeof value === 'string');
  return { field, shown: secret && typeof value === 'string' ? '<a string, not shown>' : value, fix };
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string': return typeof value === 'string';
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'integer': return Number.isInteger(value);
    case 'boolean': return typeof value === 'boolean';
    case 'array': return Array.isArray(value);
    case 'object': return isObject(value);
    case 'null': return value === null;
    default: return true;
  }
}

/** Whether `value` has the node's type (any of them), or the node declares none. */
function typeMatches(type: SchemaNode['type'], value: unknown): boolean {
  if (type === undefined) return true;
  if (typeof type === 'string') return hasType(value, type);
  return type.length === 0 || type.some(t => hasType(value, t));
}

function typesOf(n: SchemaNode): string[] {
  if (n.type) return Array.isArray(n.type) ? n.type : [n.type];
  if (n.enum) return [...new Set(n.enum.map(v => typeof v))];
  if (n.const !== undefined) return [typeof n.const];
  return [];
}

function describeType(type: string): string {
  return ({ string: 'a string', number: 'a number', integer: 'a whole number', boolean: 'true or false', array: 'a list', object: 'an object' } as Record<string, string>)[type] ?? type;
}

function expectsObject(types: string[]): boolean {
  return types.includes('object');
}

function hint(n: SchemaNode): string {
  if (!n.properties) return '';
  const required = n.required ?? [];
  return required.length ? ` with ${required.join(', ')}` : ` with fields ${Object.keys(n.properties).join(', ')}`;
}

function firstSentence(text: string): string {
  return text.split(/(?<=\.)\s/)[0].replace(/\.$/, '');
}

function join(field: string, key: string): string {
  return field ? `${field}.${key}` : key;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The valid key closest to `key` (edit distance, case and prefix), if any is close enough. @internal */
export function closestKey(key: string, candidates: string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { key: string; score: number } | undefined;
  for (const c of candidates) {
    const cl = c.toLowerCase();
    let score = editDistance(lower, cl);
    if (cl.startsWith(lower) || lower.startsWith(cl)) score = Math.min(score, 1.5);
    if (!best || score < best.score) best = { key: c, score };
  }
  return best && best.score <= Math.max(2, Math.floor(key.length / 3)) ? best.key : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
