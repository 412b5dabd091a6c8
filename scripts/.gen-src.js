#!/usr/bin/env node
// `node scripts/synth-generated.js <agents> [outdir]`: synthesizes one environment (the dev
// preset) with <agents> generated agents, agent i providing capability cap-i 1.<i>.0 and depending on
// cap-(i+1) ^1.0.0 (a ring, so every dependency resolves and the graph is one cycle).
// Used by `npm run bench` to show that synth cost grows linearly with the number of agents.
// Runs the bundled app from its code cache, as `npx cdk8s synth` does (scripts/synth.js).
const os = require('os');
const path = require('path');
const { ensureBuilt } = require('./app-build');


const { devEnvironment, synthesizePlatform } = require('../lib/src/index.js');

const n = Number(process.argv[2]);
if (!Number.isInteger(n) || n < 1) throw new Error('usage: synth-generated.js <agents> [outdir]');
const agents = Array.from({ length: n }, (_, i) => ({
  name: `agent-${i}`,
  code: { script: `print("agent ${i}")\n` },
  capabilities: [{ name: `cap-${i}`, version: `1.${i}.0` }],
  dependencies: [{ name: `cap-${(i + 1) % n}`, version: '^1.0.0' }],
}));
const outdir = process.argv[3] ?? path.join(os.tmpdir(), `cdk8s-mcp-generated-${n}`);
synthesizePlatform([{ ...devEnvironment(), name: 'generated', namespace: 'mcp-generated', agents }], outdir);
