import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');

test('npm pack ships compiled JS and typings of the public API, and no tests', () => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  const files: string[] = pack.files.map((f: { path: string }) => f.path);
  expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'lib/src/index.js', 'lib/src/index.d.ts', 'lib/src/registry/registry.d.ts', 'lib/imports/servicemonitors-monitoring.coreos.com.js']));
  expect(files.filter(f => /(^|\/)test\/|\.test\.|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
  expect(files.filter(f => f.startsWith('lib/src/main.'))).toEqual([]);

  const api = require(path.join(root, 'lib', 'src', 'index.js'));
  for (const name of ['McpPlatformChart', 'Registry', 'DatabaseBackup', 'devEnvironment', 'stagingEnvironment', 'prodEnvironment', 'defineEnvironment', 'synthesizePlatform']) {
    expect(typeof api[name]).toBe('function');
  }
  expect(fs.existsSync(path.join(root, 'lib', 'src', 'index.d.ts'))).toBe(true);
}, 120_000);
