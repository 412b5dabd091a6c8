import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defineEnvironment } from '../../src/platform/environment';
import { devEnvironment, prodEnvironment } from '../../src/platform/presets';
import { synthesizePlatform } from '../../src/platform/synthesize';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-mcp-synth-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

test('writes one manifest and one graph per environment, plus the CRDs', () => {
  expect(synthesizePlatform([devEnvironment(), prodEnvironment()], path.join(root, 'dist')))
    .toEqual(['crds.k8s.yaml', 'dev.graph.md', 'dev.k8s.yaml', 'prod.graph.md', 'prod.k8s.yaml']);
});

test.each([
  ['a policy violation found at synth', defineEnvironment(prodEnvironment(), { registry: { replicas: 1 } }), /^prod\/registry: invalid replicas 1: the 'prod' policy requires at least 2 replicas/],
  ['a bad prop found at construction', defineEnvironment(prodEnvironment(), { registry: { backup: { schedule: 'every day' } } }), /invalid schedule "every day"/],
])('%s leaves the previous output untouched and nothing partial', (_label, bad, message) => {
  const out = path.join(root, 'dist');
  const files = synthesizePlatform([devEnvironment()], out);
  const before = files.map(f => fs.readFileSync(path.join(out, f), 'utf8'));

  expect(() => synthesizePlatform([devEnvironment(), bad], out)).toThrow(message);
  expect(fs.readdirSync(out).sort()).toEqual(files);
  expect(files.map(f => fs.readFileSync(path.join(out, f), 'utf8'))).toEqual(before);
  expect(fs.readdirSync(root)).toEqual(['dist']); // no staging directory left behind
});

test('a failed first synth creates no output directory at all', () => {
  const bad = defineEnvironment(prodEnvironment(), { registry: { replicas: 0 } });
  expect(() => synthesizePlatform([bad], path.join(root, 'dist'))).toThrow(/invalid replicas 0/);
  expect(fs.readdirSync(root)).toEqual([]);
});

test('stale files from a previous synth are removed', () => {
  const out = path.join(root, 'dist');
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, 'old-env.k8s.yaml'), 'stale');
  expect(synthesizePlatform([devEnvironment()], out)).not.toContain('old-env.k8s.yaml');
  expect(fs.existsSync(path.join(out, 'old-env.k8s.yaml'))).toBe(false);
});
