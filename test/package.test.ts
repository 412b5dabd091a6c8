import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The package as users get it: `npm pack` (what `npm publish` and a git-URL install ship, built by
// `prepare`), unpacked into a copy of examples/own-chart, which then runs as a user runs it:
// `cdk8s synth` -> `npx ts-node main.ts`, resolving 'cdk8s-mcp' through the package's `exports`,
// with no jest module mapping. Dependencies are linked from this repository's node_modules
// instead of downloaded, so the test runs offline; only the packed package's declared
// `dependencies` and `peerDependencies` are linked, so an undeclared runtime import fails here.

const root = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const example = path.join(root, 'examples', 'own-chart');

let work: string;
let files: string[];
let tarball: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-mcp-pack-'));
  // `npm run build`: incremental, so this is quick when `prepare` already built lib/.
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
    cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  }));
  files = pack.files.map((f: { path: string }) => f.path);
  tarball = path.join(work, pack.filename);
}, 180_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('npm pack ships the license, compiled JS and typings, and no sources, tests or build state', () => {
  expect(files).toEqual(expect.arrayContaining([
    'package.json', 'README.md', 'LICENSE', 'lib/src/index.js', 'lib/src/index.d.ts', 'lib/src/common/index.js', 'lib/src/registry/registry.d.ts',
    'lib/imports/servicemonitors-monitoring.coreos.com.js',
  ]));
  expect(files.filter(f => /(^|\/)test\/|\.test\.|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
  expect(files.filter(f => f.startsWith('lib/src/main.') || f.startsWith('lib/app/') || /tsbuildinfo|\.build-ok|v8-cache/.test(f) || f.startsWith('examples/'))).toEqual([]);
});

test('cdk8s, constructs and cdk8s-plus-28 are peer dependencies, so a user app has one copy of each', () => {
  for (const peer of ['cdk8s', 'constructs', 'cdk8s-plus-28']) {
    expect(pkg.peerDependencies[peer]).toBeDefined();
    expect(pkg.dependencies[peer]).toBeUndefined();
    expect(pkg.devDependencies[peer]).toBe(pkg.peerDependencies[peer]);
  }
  // What a user's install pulls in: the runtime libraries only (dev tools such as the MCP Mesh
  // registry binary the tests run stay in devDependencies).
  expect(Object.keys(pkg.dependencies).sort()).toEqual(['cron-parser', 'js-yaml', 'semver', 'yaml']);
  expect(pkg.optionalDependencies).toBeUndefined();
  expect(pkg.scripts.prepare).toBe('npm run build'); // a git-URL install builds lib/
  expect(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8')).toContain('Apache License\n                           Version 2.0, January 2004');
});

describe('examples/own-chart, installed from the packed tarball', () => {
  let app: string;
  beforeAll(() => {
    app = path.join(work, 'own-chart');
    fs.mkdirSync(path.join(app, 'node_modules', '.bin'), { recursive: true });
    for (const f of fs.readdirSync(example).filter(f => !['node_modules', 'dist'].includes(f))) fs.copyFileSync(path.join(example, f), path.join(app, f));
    const installed = path.join(app, 'node_modules', 'cdk8s-mcp');
    fs.mkdirSync(installed);
    execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
    const packed = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    const exampleDevTools = Object.keys(JSON.parse(fs.readFileSync(path.join(example, 'package.json'), 'utf8')).devDependencies);
    for (const dep of [...Object.keys(packed.dependencies), ...Object.keys(packed.peerDependencies), ...exampleDevTools]) {
      const target = path.join(app, 'node_modules', dep);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.symlinkSync(path.join(root, 'node_modules', dep), target, 'dir');
    }
    fs.symlinkSync(path.join(root, 'node_modules', 'ts-node', 'dist', 'bin.js'), path.join(app, 'node_modules', '.bin', 'ts-node'));
  });

  test('`cdk8s synth` runs the example with ts-node (type-checked) and writes its chart', () => {
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth', '--no-check-upgrade'], {
      cwd: app, stdio: 'pipe', env: { ...process.env, npm_config_offline: 'true', TS_NODE_PROJECT: path.join(app, 'tsconfig.json') },
    });
    const manifest = fs.readFileSync(path.join(app, 'dist', 'team-a.k8s.yaml'), 'utf8');
    expect(manifest).toMatch(/^kind: StatefulSet\nmetadata:\n(?:  .*\n)*  name: mcp-mesh-registry\n  namespace: team-a$/m);
    expect(manifest).toContain('kind: CronJob');
  }, 120_000);

  test('the exports map exposes the entry point and hides internal modules', () => {
    const run = (code: string) => execFileSync(process.execPath, ['-e', code], { cwd: app, encoding: 'utf8', stdio: 'pipe' });
    expect(run("const m = require('cdk8s-mcp'); console.log(typeof m.McpPlatformChart, typeof m.invalid)").trim()).toBe('function undefined');
    expect(() => run("require('cdk8s-mcp/lib/src/common/errors')")).toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });
});
