import { Testing, Yaml } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { parseManifests } from '../../src/gitops/manifest-objects';
import { stringifyManifests } from '../../src/gitops/manifest-yaml';
import { McpPlatformChart } from '../../src/platform/platform-chart';
import { devEnvironment, prodEnvironment, stagingEnvironment } from '../../src/platform/presets';

// stringifyManifests must write exactly what cdk8s's App.synth writes (Yaml.stringify), so
// dist/ stays byte-identical: checked on every object the presets render and on random
// JSON-shaped documents built from the characters and words YAML treats specially.

const cdk8s = (docs: unknown[]) => Yaml.stringify(...docs);

test.each([devEnvironment(), stagingEnvironment(), prodEnvironment()])('every object of the $name preset is written as cdk8s writes it', env => {
  const objects = Testing.synth(new McpPlatformChart(Testing.app(), env.name, { environment: env }));
  expect(stringifyManifests(objects)).toBe(cdk8s(objects));
});

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  'a', 'name', 'Z9', ' ', '  ', '\n', '\n\n', '\t', ':', ': ', '#', ' #', '-', '- ', '?', '"', "'", '%', '.', ',', '[', ']', '{', '}',
  '&', '*', '!', '|', '>', '@', '`', '\\', '\\n', 'é', '😀', '\r', '\x00', '\x7f', '\u2028', '\ud800', '---', '...', 'true', 'True',
  'yes', 'NO', 'on', 'Off', 'y', 'null', '~', '<<', '=', '0', '1', '42', '-1', '+1', '.5', '1.0', '1e3', '0x1F', '0o17', '0b101',
  '017', '1_000', '1:30', '.inf', '.NaN', '2001-12-14', '2001-12-14t21:59:43.10-05:00', 'http://x:8080/p?q=1', '100m', '1Gi',
];

function randomString(next: () => number): string {
  const n = Math.floor(next() * 7);
  let s = '';
  for (let i = 0; i < n; i++) s += TOKENS[Math.floor(next() * TOKENS.length)];
  return s;
}

function randomValue(next: () => number, depth: number, shared: object[]): unknown {
  const r = next();
  if (depth > 3 || r < 0.45) {
    const s = next();
    if (s < 0.6) return randomString(next);
    if (s < 0.7) return Math.floor(next() * 2e6) - 1e6;
    if (s < 0.75) return [0.5, -0, 1e21, 1.5e-7, -3.25, Number.MAX_SAFE_INTEGER, NaN, Infinity][Math.floor(next() * 8)];
    if (s < 0.85) return next() < 0.5;
    if (s < 0.97) return null;
    return undefined;
  }
  if (r < 0.5 && shared.length) return shared[Math.floor(next() * shared.length)];
  const size = Math.floor(next() * 4);
  const value: any = r < 0.75 ? Array.from({ length: size }, () => randomValue(next, depth + 1, shared)) : {};
  if (!Array.isArray(value)) for (let i = 0; i < size; i++) value[randomString(next)] = randomValue(next, depth + 1, shared);
  if (next() < 0.05) shared.push(value);
  return value;
}

test('random documents with YAML-significant strings, numbers, nulls, empty and shared collections are written as cdk8s writes them', () => {
  const next = random(9);
  for (let i = 0; i < 3000; i++) {
    const shared: object[] = [];
    const doc: Record<string, unknown> = {};
    const keys = 1 + Math.floor(next() * 4);
    for (let k = 0; k < keys; k++) doc[randomString(next)] = randomValue(next, 0, shared);
    const docs = [doc, { kind: 'ConfigMap', data: { script: randomString(next) + '\n' + randomString(next) } }];
    let expected: string;
    try {
      expected = cdk8s(docs);
    } catch (e) {
      expect(() => stringifyManifests(docs)).toThrow((e as Error).message);
      continue;
    }
    expect([i, stringifyManifests(docs)]).toEqual([i, expected]);
  }
});

test('deeply nested maps and lists are written as cdk8s writes them', () => {
  let value: unknown = { leaf: 'x\ny', list: [[], {}, 1] };
  for (let depth = 0; depth < 40; depth++) value = depth % 3 ? { [`k${depth}`]: value, n: depth } : [value, `s${depth}`];
  const docs = [{ root: value }];
  expect(stringifyManifests(docs)).toBe(cdk8s(docs));
});

test('documents that are not plain objects are left to yaml', () => {
  const docs = [undefined, null, 'text', 3, [1, { a: 1 }], new Map([['a', 1]])];
  expect(stringifyManifests(docs)).toBe(cdk8s(docs));
});

test('parseManifests reads the written YAML back to the same objects, as yaml reads it', () => {
  const env = prodEnvironment();
  const objects = Testing.synth(new McpPlatformChart(Testing.app(), env.name, { environment: env }));
  const text = stringifyManifests(objects);
  expect(parseManifests(text)).toEqual(objects);
  expect(parseManifests(text)).toEqual(parseAllDocuments(text).map(d => d.toJS()));
});

test('parseManifests reads YAML-significant strings as yaml reads them', () => {
  const next = random(3);
  const docs = Array.from({ length: 500 }, () => ({ kind: 'ConfigMap', data: Object.fromEntries(Array.from({ length: 5 }, () => [randomString(next), randomString(next)])) }));
  const text = stringifyManifests(docs);
  expect(parseManifests(text)).toEqual(parseAllDocuments(text).map(d => d.toJS()));
});
