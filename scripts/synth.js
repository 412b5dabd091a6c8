#!/usr/bin/env node
// The `app` of cdk8s.yaml. It runs the compiled, bundled app (scripts/app-build.js) from a V8 code
// cache (scripts/load-app.js), so a synth spends its time synthesizing, not transpiling 45,000
// lines of generated CRD bindings or loading 400 modules. When a source file, a tsconfig or the
// lockfile is newer than the last successful build, it first runs the incremental build (which
// type-checks what changed); a type error fails the synth.
const { ensureBuilt } = require('./app-build');

ensureBuilt();
// src/main.ts: one chart per environment, published to dist/.
require('./load-app').loadApp().runApp();
