import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// `npx cdk8s synth` runs scripts/synth.js: the bundled app (lib/app/, built when sources change)
// loaded from a V8 code cache. It must render exactly the committed dist/, and the cache must
// belong to the bundle it was made from.
const repo = path.join(__dirname, '..', '..');
const bundle = path.join(repo, 'lib', 'app', 'cdk8s-mcp-app.js');

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (fs.statSync(path.join(dir, f)).isFile()) out[f] = fs.readFileSync(path.join(dir, f), 'utf8');
  }
  return out;
}

/** `node scripts/synth.js` with the CLI's output outside the project: dist/'s layout in that directory. */
function synth(outdir: string) {
  return spawnSync(process.execPath, [path.join(repo, 'scripts', 'synth.js')], {
    cwd: repo, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: outdir }, timeout: 240_000,
  });
}

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-mcp-app-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('the bundled app renders the committed dist/, with and without its code cache', () => {
  const first = synth(path.join(work, 'first'));
  expect(first.status).toBe(0);
  const digest = crypto.createHash('sha256').update(fs.readFileSync(bundle, 'utf8')).digest('hex').slice(0, 16);
  const caches = fs.readdirSync(path.dirname(bundle)).filter(f => f.startsWith('.v8-cache-'));
  // One cache, named by this bundle's content (V8 itself recognises a source by its length only).
  expect(caches).toEqual([`.v8-cache-${process.version}-${process.arch}-${digest}`]);

  const second = synth(path.join(work, 'second'));
  expect(second.status).toBe(0);
  const committed = tree(path.join(repo, 'dist'));
  expect(tree(path.join(work, 'first'))).toEqual(committed);
  expect(tree(path.join(work, 'second'))).toEqual(committed);
}, 300_000);

test('the bundle carries the linear converters of the generated bindings (scripts/generated-converters.js)', () => {
  // Built by the test above when sources changed.
  const source = fs.readFileSync(bundle, 'utf8');
  expect(source).toContain('cdk8sMcpDefinedFields(result)');
  // The quadratic filter, as esbuild writes it: no generated converter keeps it.
  expect(source).not.toContain('{...r,[i[0]]:');
});
