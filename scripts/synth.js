#!/usr/bin/env node
// The `app` of cdk8s.yaml. Runs src/main.ts transpiled without type-checking, so a
// synth takes about a second; type-checking belongs to `npm run build` and `npm test`.
require('ts-node').register({ transpileOnly: true, project: require('path').join(__dirname, '..', 'tsconfig.json') });
require('../src/main.ts');
