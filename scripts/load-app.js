// Loads the bundled app (scripts/app-build.js) with a V8 code cache: the bytecode of every function
// the previous run compiled is stored beside the bundle, so a synth skips parsing and compiling
// most of its 2 MB. Node 22 offers this as module.enableCompileCache(); Node 20 has only vm.Script's
// cachedData. V8 rejects a cache made by another V8 version or other flags, but it recognises the
// source by its length only, so the cache file is named by the bundle's SHA-256: a rebuilt bundle
// never runs another bundle's bytecode. A missing or rejected cache is written at exit.
const { isAscii } = require('buffer');
const crypto = require('crypto');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');
const { APP_BUNDLE } = require('./app-build');

/** Where the code cache of this bundle (its bytes) is kept, by Node version, architecture and content. */
function cachePath(bytes) {
  const digest = crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  return path.join(path.dirname(APP_BUNDLE), `.v8-cache-${process.version}-${process.arch}-${digest}`);
}

function readCache(cacheFile) {
  try {
    return fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

/** Writes the cache atomically (two synths may run at once); a cache is only an optimization. */
function writeCache(cacheFile, script) {
  try {
    const tmp = `${cacheFile}.${process.pid}`;
    fs.writeFileSync(tmp, script.createCachedData());
    fs.renameSync(tmp, cacheFile);
  } catch {
    // read-only checkout or full disk: the next run compiles again
  }
}

/** The app's exports: the public API of lib/src/index.js plus runApp(), which runs src/main.ts. */
function loadApp() {
  const bytes = fs.readFileSync(APP_BUNDLE);
  // esbuild writes ASCII (it escapes the rest), which decodes fastest as Latin-1.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const cacheFile = cachePath(bytes);
  const cachedData = readCache(cacheFile);
  const script = new vm.Script(Module.wrap(source), { filename: APP_BUNDLE, cachedData });
  // Created after the run, so it holds the functions compiled lazily while synthesizing too.
  if (!cachedData || script.cachedDataRejected) process.once('exit', () => writeCache(cacheFile, script));
  const mod = { exports: {}, filename: APP_BUNDLE, id: APP_BUNDLE };
  script.runInThisContext()(mod.exports, Module.createRequire(APP_BUNDLE), mod, APP_BUNDLE, path.dirname(APP_BUNDLE));
  return mod.exports;
}

module.exports = { loadApp };
