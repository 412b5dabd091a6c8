#!/usr/bin/env node
// The `app` of cdk8s.yaml: runs the compiled app (lib/src/main.js), so a synth spends its time
// synthesizing, not transpiling 45,000 lines of generated CRD bindings. When a source file or a
// tsconfig is newer than the last successful build, it first runs the package's incremental build
// (`tsc -b tsconfig.build.json`, which type-checks only what changed); a type error fails the synth.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const lib = path.join(root, 'lib');
// Touched after each successful build; tsc's own .tsbuildinfo is also written when the build fails.
const stamp = path.join(lib, '.build-ok');
const inputs = ['src', 'imports', 'schema'].map(d => path.join(root, d));
const configs = ['tsconfig.json', 'tsconfig.build.json'].map(f => path.join(root, f));

/** Newest modification time (ms) of the TypeScript sources and the build configuration. */
function newestInput() {
  let newest = Math.max(...configs.map(f => fs.statSync(f).mtimeMs));
  const walk = dir => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') || e.name.endsWith('.json')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  inputs.forEach(walk);
  return newest;
}

function isStale() {
  try {
    return fs.statSync(stamp).mtimeMs < newestInput();
  } catch {
    return true; // never built here
  }
}

function build() {
  process.stderr.write('cdk8s-mcp: sources changed, building (tsc -b tsconfig.build.json)\n');
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const r = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write('cdk8s-mcp: build failed, nothing synthesized\n');
    process.exit(r.status ?? 1);
  }
  fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

if (process.env.CDK8S_MCP_SKIP_BUILD !== '1' && isStale()) build();
require(path.join(lib, 'src', 'main.js'));
