import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import * as ts from 'typescript';

// The app bundle rewrites the undefined-value filters of the generated Kubernetes bindings
// (scripts/generated-converters.js). Every converter of every binding the app bundles must read
// as the rewrite expects, and each rewritten converter must return what the generated one returns
// (the same keys in the same order, the same values) or throw the same error, for any input.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { rewriteGeneratedConverters } = require('../../scripts/generated-converters');

const repo = path.join(__dirname, '..', '..');
const tsconfig = JSON.parse(fs.readFileSync(path.join(repo, 'tsconfig.json'), 'utf8'));

/** cdk8s-plus-28's bindings of the Kubernetes API, and ours of the CRDs as tsc compiles them. */
function generatedModules(): Array<{ name: string; file: string; source: string }> {
  const k8s = require.resolve('cdk8s-plus-28/lib/imports/k8s.js', { paths: [repo] });
  const ours = fs.readdirSync(path.join(repo, 'imports')).filter(f => f.endsWith('.ts')).map(f => {
    const file = path.join(repo, 'imports', f);
    const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      compilerOptions: { ...tsconfig.compilerOptions, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, declaration: false, sourceMap: false, inlineSourceMap: false },
      fileName: file,
    });
    return { name: `imports/${f}`, file: file.replace(/\.ts$/, '.js'), source: outputText };
  });
  return [{ name: 'cdk8s-plus-28 k8s', file: k8s, source: fs.readFileSync(k8s, 'utf8') }, ...ours];
}

/** Evaluates a module's source as Node would load it from `file` (outside jest's module registry). */
function load(file: string, source: string): Record<string, unknown> {
  const m = new Module(file) as Module & { _compile(code: string, file: string): void; paths: string[] };
  m.filename = file;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  m._compile(source, file);
  return m.exports;
}

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The fields a converter reads, in order: what it reads from an object without any. */
function fieldsRead(convert: (obj: unknown) => unknown): string[] {
  const fields: string[] = [];
  convert(new Proxy({}, { get: (_, k) => (typeof k === 'string' && fields.push(k), undefined) }));
  return fields;
}

/** Values of every shape a converter meets or must survive: scalars, lists, maps, unions, nested objects, odd keys. */
function valueMaker(next: () => number, keys: string[]) {
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)];
  const make = (depth: number): unknown => {
    switch (Math.floor(next() * (depth > 2 ? 6 : 11))) {
      case 0: return undefined;
      case 1: return pick(['a', '', 'http', '1000m']);
      case 2: return pick([0, 8080, -1.5]);
      case 3: return pick([true, false]);
      case 4: return { value: pick(['v', 42]) };
      case 5: return next() < 0.5 ? null : new Date(0);
      case 6: return Array.from({ length: Math.floor(next() * 3) }, () => make(depth + 1));
      case 7: return JSON.parse('{"__proto__": "p", "constructor": "c", "toString": 1}');
      default: {
        const o: Record<string, unknown> = {};
        for (let i = Math.floor(next() * 6); i > 0; i--) o[pick(keys)] = make(depth + 1);
        return o;
      }
    }
  };
  return make;
}

/** A value with its key order, prototypes and the difference between absent and undefined made visible. */
function shape(x: unknown): unknown {
  if (typeof x !== 'object' || x === null) return x === undefined ? '(undefined)' : x;
  if (x instanceof Date) return `(Date ${x.getTime()})`;
  const proto = Object.getPrototypeOf(x);
  const kind = proto === null ? 'null' : Array.isArray(x) ? 'Array' : proto.constructor?.name;
  return [kind, Reflect.ownKeys(x).map(k => [String(k), Object.getOwnPropertyDescriptor(x, k)?.enumerable, shape((x as Record<PropertyKey, unknown>)[k])])];
}

function outcome(convert: (obj: unknown) => unknown, input: unknown): unknown {
  try {
    return shape(convert(input));
  } catch (e) {
    return `throws ${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

const modules = generatedModules();

test.each(modules.map(m => [m.name, m]))('%s: every converter reads as the rewrite expects', (_, m) => {
  const r = rewriteGeneratedConverters(m.source);
  expect(r.converters).toBeGreaterThan(0);
  expect(r.filters).toBe(r.converters);
  // No quadratic reduce is left, for fields or for maps.
  expect(r.code).not.toMatch(/\.reduce\(\(r, i\) => \(i\[1\] === undefined\) \? r : \(\{ \.\.\.r/);
});

test.each(modules.map(m => [m.name, m]))('%s: each rewritten converter returns what the generated one returns', (_, m) => {
  const generated = load(m.file, m.source);
  const rewritten = load(m.file, rewriteGeneratedConverters(m.source).code);
  const names = Object.keys(generated).filter(k => k.startsWith('toJson_'));
  const converters = names.map(n => generated[n] as (obj: unknown) => unknown);
  const keys = [...new Set(converters.flatMap(fieldsRead))];
  const next = random(0x5eed);
  const make = valueMaker(next, keys);
  let compared = 0;
  for (const name of names) {
    const [original, fast] = [generated[name], rewritten[name]] as Array<(obj: unknown) => unknown>;
    const fields = fieldsRead(original);
    for (let i = 0; i < 25; i++) {
      const input: Record<string, unknown> = {};
      for (const f of fields) if (next() < 0.6) input[f] = make(0);
      expect([name, outcome(fast, input)]).toEqual([name, outcome(original, input)]);
      compared++;
    }
    expect(outcome(fast, undefined)).toEqual(outcome(original, undefined));
  }
  expect(compared).toBe(names.length * 25);
});

test('a module that was not generated, or was rewritten already, is left as it is', () => {
  const plain = 'function f(o) { return Object.entries(o).reduce((r, i) => ({ ...r, [i[0]]: i[1] }), {}); }';
  expect(rewriteGeneratedConverters(plain)).toEqual({ code: plain, converters: 0, filters: 0, maps: 0 });
  const once = rewriteGeneratedConverters(modules[0].source).code;
  expect(rewriteGeneratedConverters(once).code).toBe(once);
});
