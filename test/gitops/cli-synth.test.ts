import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';

// The real cdk8s CLI empties its `output` directory before it runs the app. With cdk8s.yaml's
// `output` a scratch directory and the app publishing to dist/, a failed `npx cdk8s synth`
// leaves the committed dist/ byte-identical.
const repo = path.join(__dirname, '..', '..');
const config = parse(fs.readFileSync(path.join(repo, 'cdk8s.yaml'), 'utf8'));
const synthScript: string = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).scripts.synth;

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (fs.statSync(path.join(dir, f)).isFile()) out[f] = fs.readFileSync(path.join(dir, f), 'utf8');
  }
  return out;
}

let project: string;
beforeAll(() => {
  // A project whose app is the platform's synth app with the preset environments, where
  // BAD=1 gives prod an invalid prop; its dist/ is a copy of the committed output.
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-mcp-cli-'));
  fs.writeFileSync(path.join(project, 'cdk8s.yaml'), `language: typescript\napp: node app.js\noutput: ${config.output}\n`);
  fs.writeFileSync(path.join(project, 'app.js'), [
    `require(${JSON.stringify(require.resolve('ts-node', { paths: [repo] }))}).register({ transpileOnly: true, project: ${JSON.stringify(path.join(repo, 'tsconfig.json'))} });`,
    `const { runSynthApp } = require(${JSON.stringify(path.join(repo, 'src', 'platform', 'synthesize.ts'))});`,
    `const { defineEnvironment } = require(${JSON.stringify(path.join(repo, 'src', 'platform', 'environment.ts'))});`,
    `const { defaultEnvironments } = require(${JSON.stringify(path.join(repo, 'src', 'platform', 'presets.ts'))});`,
    "const envs = defaultEnvironments().map(e => process.env.BAD === '1' && e.name === 'prod' ? defineEnvironment(e, { registry: { replicas: 0 } }) : e);",
    'process.exitCode = runSynthApp(envs);',
  ].join('\n'));
  fs.cpSync(path.join(repo, 'dist'), path.join(project, 'dist'), { recursive: true });
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

/** Runs the package.json synth script (`cdk8s synth ...`) in the project. */
function synth(env: Record<string, string> = {}) {
  const [command, ...args] = synthScript.split(' ');
  return spawnSync(path.join(repo, 'node_modules', '.bin', command), args, {
    cwd: project, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 240_000,
  });
}

test('cdk8s.yaml stages in a scratch directory, never in dist/', () => {
  expect(config.output).not.toMatch(/^(\.\/)?dist\/?$/);
});

test('a failed `cdk8s synth` leaves the committed dist/ byte-identical', () => {
  const before = tree(path.join(project, 'dist'));
  const result = synth({ BAD: '1' });
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain('cdk8s-mcp: synth failed, dist/ left unchanged');
  expect(result.stderr).toContain('invalid replicas 0');
  expect(tree(path.join(project, 'dist'))).toEqual(before);
}, 300_000);

test('a good `npm run synth` republishes the same bytes and prints no upgrade-check noise', () => {
  const result = synth();
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.stringContaining('cdk8s-mcp: dist/ holds 14 generated files') });
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/upgrade|npmjs|ENOTFOUND|at .*\.js:\d+/i);
  expect(tree(path.join(project, 'dist'))).toEqual(tree(path.join(repo, 'dist')));
}, 300_000);
