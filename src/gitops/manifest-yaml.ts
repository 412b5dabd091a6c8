import { Yaml } from 'cdk8s';
import { Document } from 'yaml';

// cdk8s's App.synth writes each object with `YAML.stringify(o, { keepUndefined: true, lineWidth: 0,
// version: '1.1' })` (cdk8s lib/yaml.js, Yaml.stringify). That builds a node tree per object and
// costs about half of a synth of a large environment. This writes the same bytes for the
// JSON-shaped objects `ApiObject.toJson()` returns (plain maps, lists, strings, finite numbers,
// booleans, null) by following yaml 2.x's own rules (stringify/stringifyString.js, plainString and
// blockString; stringifyPair.js; stringifyCollection.js) for that subset. A document holding
// anything outside the subset (control characters, multi-line strings that need quotes, keys
// that need quotes over several lines or an explicit `?`, shared object references, which yaml
// writes as anchors) is handed to `yaml` itself, so the output is always what cdk8s writes.
// test/gitops/manifest-yaml.test.ts compares both on every rendered object and on random input.

/** Untagged scalars the YAML 1.1 schema reads as something else than a string (numbers, booleans, null, timestamps, `<<`), from yaml's own schema. */
const NON_STRING_TESTS: RegExp[] = new Document(null, { version: '1.1' }).schema.tags
  .filter(t => t.default && t.tag !== 'tag:yaml.org,2002:str' && 'test' in t && t.test instanceof RegExp)
  .map(t => (t as { test: RegExp }).test);
// The same tests as one alternation (they share their flags), run once per distinct string.
const NON_STRING = NON_STRING_TESTS.every(t => t.flags === NON_STRING_TESTS[0].flags)
  ? [new RegExp(NON_STRING_TESTS.map(t => `(?:${t.source})`).join('|'), NON_STRING_TESTS[0].flags)]
  : NON_STRING_TESTS;

// yaml's plainString: strings that cannot be written plain.
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
// yaml's stringifyString: forces double quotes with escapes.
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
const INDENT_STEP = '  ';

/** Thrown inside the fast writer for a value it does not write exactly as yaml does. */
class Unsupported extends Error {}

// A line break and the indent of each depth, built once: pushed as one flat piece per line.
const LINE_STARTS = Array.from({ length: 32 }, (_, depth) => `\n${INDENT_STEP.repeat(depth)}`);
const ITEM_STARTS = LINE_STARTS.map(start => `${start}- `);
const lineStart = (depth: number): string => LINE_STARTS[depth] ?? `\n${INDENT_STEP.repeat(depth)}`;
const itemStart = (depth: number): string => ITEM_STARTS[depth] ?? `${lineStart(depth)}- `;

/** A map key as written before a value on the same line (`key: `) and before a nested collection (`key:`). */
interface WrittenKey {
  readonly colonSpace: string;
  readonly colon: string;
}

/**
 * The multi-document YAML cdk8s writes for `objects` (its `Yaml.stringify`), byte for byte.
 * @internal
 */
export function stringifyManifests(objects: readonly unknown[]): string {
  const writer = new Writer();
  return objects.map(o => writer.document(o)).join('---\n');
}

// Writes with depths rather than indent strings and pushes few, flat pieces (a line start, a
// key with its colon, a value): joining them is most of the writer's cost.
class Writer {
  /** Objects seen in the current document: yaml writes a repeated reference as an alias. */
  private seen = new Set<object>();
  /** Single-line strings as written: the same labels, names and values recur in every object. */
  private readonly strings = new Map<string, string>();
  /** Map keys as written, with their colon. */
  private readonly keys = new Map<string, WrittenKey>();
  /** The pieces of the document being written (one array, reused). */
  private readonly out: string[] = [];

  /** One document as cdk8s writes it, ending with a newline. */
  document(object: unknown): string {
    if (object === undefined) return '\n';
    if (isPlainObject(object)) {
      this.seen = new Set();
      this.out.length = 0;
      try {
        this.writeValue(object, 0);
        this.out.push('\n');
        return this.out.join('');
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
      } finally {
        this.out.length = 0;
      }
    }
    return Yaml.stringify(object);
  }

  /**
   * The keys of a map (undefined for a list), after checking that yaml would write the collection
   * as this writer does: a plain map or list, not seen before in the document.
   */
  private enter(value: object): string[] | undefined {
    if (this.seen.has(value)) throw new Unsupported();
    this.seen.add(value);
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) throw new Unsupported();
      return undefined;
    }
    if (!isPlainObject(value)) throw new Unsupported();
    return Object.keys(value);
  }

  /** A value at `depth` after `- ` or at the top (yaml's stringifyBlockCollection for collections, in flow form when empty). */
  private writeValue(value: unknown, depth: number): void {
    if (typeof value === 'string') this.out.push(this.string(value, depth, false));
    else if (typeof value === 'object' && value !== null) {
      const keys = this.enter(value);
      if (keys) this.writeMap(value as Record<string, unknown>, keys, depth);
      else this.writeList(value as unknown[], depth);
    } else this.out.push(scalar(value));
  }

  private writeMap(value: Record<string, unknown>, keys: string[], depth: number): void {
    const out = this.out;
    if (keys.length === 0) {
      out.push('{}');
      return;
    }
    const inner = depth + 1;
    for (let i = 0; i < keys.length; i++) {
      if (i) out.push(lineStart(depth));
      const key = this.key(keys[i], inner);
      // The separator and value of a map entry (yaml's stringifyPair).
      const v = value[keys[i]];
      if (typeof v === 'string') {
        out.push(key.colonSpace, this.string(v, inner, false));
      } else if (typeof v === 'object' && v !== null) {
        const nested = this.enter(v);
        if (nested ? nested.length === 0 : (v as unknown[]).length === 0) {
          out.push(key.colonSpace, nested ? '{}' : '[]');
        } else {
          out.push(key.colon, lineStart(inner));
          if (nested) this.writeMap(v as Record<string, unknown>, nested, inner);
          else this.writeList(v as unknown[], inner);
        }
      } else {
        out.push(key.colonSpace, scalar(v));
      }
    }
  }

  private writeList(items: unknown[], depth: number): void {
    if (items.length === 0) {
      this.out.push('[]');
      return;
    }
    for (let i = 0; i < items.length; i++) {
      if (!(i in items)) throw new Unsupported();
      this.out.push(i ? itemStart(depth) : '- ');
      this.writeValue(items[i], depth + 1);
    }
  }

  private key(key: string, depth: number): WrittenKey {
    let written = this.keys.get(key);
    if (written === undefined) {
      const s = this.string(key, depth, true);
      if (s.length > 1024) throw new Unsupported(); // becomes an explicit key
      written = { colonSpace: `${s}: `, colon: `${s}:` };
      this.keys.set(key, written);
    }
    return written;
  }

  private string(value: string, depth: number, implicitKey: boolean): string {
    let s = this.strings.get(value);
    if (s === undefined) {
      s = scalarString(value, INDENT_STEP.repeat(depth), implicitKey);
      // A single-line string is written the same way at any indent, as a key or as a value.
      if (!value.includes('\n')) this.strings.set(value, s);
    }
    return s;
  }
}

function scalar(value: unknown): string {
  switch (typeof value) {
    case 'boolean': return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Unsupported();
      return Object.is(value, -0) ? '-0' : String(value); // what JSON.stringify writes for a finite number, with less overhead
    default:
      if (value === null) return 'null';
      throw new Unsupported(); // undefined, bigint, functions, class instances
  }
}

/** A string as yaml writes it with `actualString` (stringifyString/plainString), `indent` being the context's indent. */
function scalarString(value: string, indent: string, implicitKey: boolean): string {
  if (CONTROL.test(value)) throw new Unsupported();
  if (value.includes('\n')) {
    if (implicitKey) throw new Unsupported();
    return blockLiteral(value, indent);
  }
  if (NOT_PLAIN.test(value)) return quoted(value);
  if (DOCUMENT_MARKER.test(value)) throw new Unsupported();
  if (value === '<<') throw new Unsupported(); // the YAML 1.1 merge key has a tag of its own
  if (NON_STRING.some(t => t.test(value))) return quoted(value);
  return value;
}

/** yaml's quotedString for a single-line string without control characters. */
function quoted(value: string): string {
  const hasDouble = value.includes('"');
  const hasSingle = value.includes("'");
  if (hasDouble && !hasSingle) return `'${value}'`;
  return JSON.stringify(value);
}

/** yaml's blockString, literal style (lineWidth 0 never folds), no comment, non-empty `indent`. */
function blockLiteral(text: string, indent: string): string {
  if (/\n[\t ]+$/.test(text)) throw new Unsupported(); // yaml double-quotes it
  let value = text;
  let endStart = value.length;
  while (endStart > 0 && ['\n', '\t', ' '].includes(value[endStart - 1])) endStart--;
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  const chomp = endNlPos === -1 ? '-' : value === end || endNlPos !== end.length - 1 ? '+' : '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(/(^|(?<!\n))\n+(?!\n|$)/g, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd = 0;
  let startNlPos = -1;
  for (; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? '2' : '') + chomp;
  value = value.replace(/\n+/g, `$&${indent}`);
  return `|${header}\n${indent}${start}${value}${end}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
