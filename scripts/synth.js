#!/usr/bin/env node
// The `app` of cdk8s.yaml. Runs src/main.ts transpiled by SWC without type-checking, so a
// synth takes about a second; type-checking belongs to `npm run build` and `npm test`.
require('ts-node').register({ transpileOnly: true, swc: true, project: require('path').join(__dirname, '..', 'tsconfig.json') });
require('../src/main.ts');
