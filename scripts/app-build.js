// Builds what `npx cdk8s synth` runs: the package's compiled JavaScript (`tsc -b
// tsconfig.build.json`, incremental, type-checked) and, from it, one bundle of the app with its
// dependencies (esbuild), so a synth neither transpiles TypeScript nor resolves and reads ~400
// module files. The bundle is the project's own app only: the published library is lib/src.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
// child_process loads only when a build runs: a synth with nothing to build does not pay for it.
const spawnSync = (...args) => require('child_process').spawnSync(...args);
const lib = path.join(root, 'lib');
/** The bundled app: the public API plus `runApp()` (src/main.ts), with cdk8s, cdk8s-plus-28 and constructs inside. */
const APP_BUNDLE = path.join(lib, 'app', 'cdk8s-mcp-app.js');
// Touched after each successful build; tsc's own .tsbuildinfo is also written when the build fails.
const stamp = path.join(lib, '.build-ok');
const inputs = ['src', 'imports', 'schema'].map(d => path.join(root, d));
const configs = [
  ...['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map(f => path.join(root, f)),
  ...['app-build.js', 'bundle-app.js', 'generated-converters.js'].map(f => path.join(__dirname, f)),
];

/** Newest modification time (ms) of the TypeScript sources, the build configuration and the lockfile. */
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

/** True when a source, a tsconfig or the lockfile is newer than the last successful build. */
function isStale() {
  try {
    return fs.statSync(stamp).mtimeMs < newestInput() || !fs.existsSync(APP_BUNDLE);
  } catch {
    return true; // never built here
  }
}

/** `tsc -b tsconfig.build.json`, then the app bundle. @returns false when the TypeScript build failed */
function build() {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const r = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) return false;
  bundleApp();
  fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
  return true;
}

function bundleApp() {
  // Code caches of earlier bundles (scripts/load-app.js) are never read again.
  const dir = path.dirname(APP_BUNDLE);
  if (fs.existsSync(dir)) fs.readdirSync(dir).filter(f => f.startsWith('.v8-cache-')).forEach(f => fs.rmSync(path.join(dir, f), { force: true }));
  const r = spawnSync(process.execPath, [path.join(__dirname, 'bundle-app.js'), APP_BUNDLE], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`bundling the app failed (scripts/bundle-app.js exited with ${r.status ?? r.signal})`);
}

/** Builds when stale; exits the process with the build's status when the TypeScript build fails. */
function ensureBuilt() {
  if (process.env.CDK8S_MCP_SKIP_BUILD === '1' || !isStale()) return;
  process.stderr.write('cdk8s-mcp: sources changed, building (tsc -b tsconfig.build.json, then the app bundle)\n');
  if (!build()) {
    process.stderr.write('cdk8s-mcp: build failed, nothing synthesized\n');
    process.exit(1);
  }
}

module.exports = { APP_BUNDLE, build, ensureBuilt, isStale };
