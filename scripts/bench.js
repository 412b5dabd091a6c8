#!/usr/bin/env node
// `npm run bench`: what a synth costs, measured in one run (medians of BENCH_RUNS runs; peak RSS
// from GNU time when installed). A benchmark, not a test: it prints figures and targets only.
//   1. `npx cdk8s synth` against a bare `npx cdk8s --version` (the CLI's own start-up cost);
//   2. the app alone (scripts/synth.js, the bundled app) against `require('cdk8s-plus-28')`;
//   3. one environment with 10 .. 10,000 generated agents (BENCH_AGENTS), to show linear growth,
//      and a re-synth of 1,000 agents over their previous output.
// Both synths of the three presets run the path `npx cdk8s synth` runs in a project: staging in
// .cdk8s.out and publishing into a copy of the committed dist/ (CDK8S_MCP_OUTDIR), so the
// upgrade guard reads the previous output as it does for a user.
// It builds first (scripts/app-build.js: `tsc -b`, then the app bundle), so every measured run
// starts from the compiled, bundled app, as `npx cdk8s synth` runs it.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { build } = require('./app-build');

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const root = path.join(__dirname, '..');
const hasTime = fs.existsSync('/usr/bin/time');

/** Runs `cmd args` once: wall time, user+system CPU and peak RSS of the largest process (GNU time). */
function measure(cmd, args, env = process.env) {
  const start = process.hrtime.bigint();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], { cwd: root, env, encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(cmd, args, { cwd: root, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  const [rssKb, user, sys] = hasTime ? r.stderr.trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN, NaN];
  return { wallMs, cpuMs: (user + sys) * 1000, rssMb: rssKb / 1024 };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const fmt = ms => `${(ms / 1000).toFixed(2)} s`;

/** Runs one command `runs` times (`args` may depend on the run) and prints median wall time, CPU time and peak RSS. */
function bench(label, cmd, args, { env, runs = RUNS } = {}) {
  const results = Array.from({ length: runs }, (_, i) => measure(cmd, typeof args === 'function' ? args(i) : args, env));
  const r = { wall: median(results.map(x => x.wallMs)), cpu: median(results.map(x => x.cpuMs)), rss: Math.max(...results.map(x => x.rssMb)) };
  const rss = Number.isNaN(r.rss) ? 'n/a' : `${r.rss.toFixed(0)} MB`;
  console.log(`${label.padEnd(46)} wall ${fmt(r.wall).padStart(8)}   cpu ${Number.isNaN(r.cpu) ? 'n/a' : fmt(r.cpu)}   peak RSS ${rss}   (${runs} runs)`);
  return r;
}

function ratio(label, a, b, target) {
  const x = a.wall / b.wall;
  console.log(`  => ${label}: ${x.toFixed(2)} (target <= ${target}) ${x <= target ? 'ok' : 'MISSED'}; on CPU time ${(a.cpu / b.cpu).toFixed(2)}`);
}

function main() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-mcp-bench-'));
  try {
    if (!build()) throw new Error('build failed');
    console.log(`cdk8s-mcp benchmark: node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map(l => l.toFixed(1)).join(' ')}`);

    // A copy of the committed output: each synth re-publishes the same files into it.
    const dist = path.join(out, 'dist');
    fs.cpSync(path.join(root, 'dist'), dist, { recursive: true });
    const projectEnv = { ...process.env, CDK8S_MCP_OUTDIR: dist };
    // One unmeasured synth writes the app's V8 code cache, as the first synth after a build does.
    measure('node', ['scripts/synth.js'], { ...projectEnv, CDK8S_OUTDIR: path.join(root, '.cdk8s.out') });
    const cliBare = bench('npx cdk8s --version', 'npx', ['cdk8s', '--version']);
    const cliSynth = bench('npx cdk8s synth (3 environments)', 'npx', ['cdk8s', 'synth', '--no-check-upgrade'], { env: projectEnv });
    ratio('cdk8s synth / cdk8s --version', cliSynth, cliBare, 1.5);

    const plus = bench("node -e \"require('cdk8s-plus-28')\"", 'node', ['-e', "require('cdk8s-plus-28')"]);
    const app = bench('app alone (node scripts/synth.js)', 'node', ['scripts/synth.js'], { env: { ...projectEnv, CDK8S_OUTDIR: path.join(root, '.cdk8s.out') } });
    ratio("app / require('cdk8s-plus-28')", app, plus, 2);

    // One environment whose agents each provide a capability and depend on the next one's:
    // graph resolution, policies and rendering must stay linear in the number of agents.
    const sizes = (process.env.BENCH_AGENTS ?? '10,100,1000,10000').split(',').map(Number);
    const targets = { 1000: { wall: 2000 }, 10000: { wall: 20000, rssMb: 1024 } };
    const results = sizes.map(n => ({
      n,
      // A fresh output directory per run: a first synth, not a re-synth. Plain `node`, as the
      // cdk8s CLI runs the app (V8 refuses a code cache made under other flags).
      ...bench(`generated agents: ${n}`, 'node', i => ['scripts/synth-generated.js', String(n), path.join(out, `agents-${n}-${i}`)], { runs: n >= 10000 ? 1 : n >= 1000 ? Math.min(RUNS, 3) : RUNS }),
    }));
    for (let i = 1; i < results.length; i++) {
      const [a, b] = [results[i - 1], results[i]];
      const perAgent = (key) => ((b[key] - a[key]) / (b.n - a.n)).toFixed(2);
      console.log(`  ${a.n} -> ${b.n} agents: +${perAgent('wall')} ms wall, +${perAgent('cpu')} ms CPU per added agent (CPU x${(b.cpu / a.cpu).toFixed(1)} for agents x${(b.n / a.n).toFixed(0)})`);
    }
    if (sizes.includes(1000)) {
      // The usual GitOps synth: the previous output exists and the upgrade guard compares with it.
      bench('generated agents: 1000, re-synth', 'node', ['scripts/synth-generated.js', '1000', path.join(out, 'agents-1000-0')], { runs: 1 });
    }
    for (const r of results) {
      const t = targets[r.n];
      if (!t) continue;
      const ok = r.wall <= t.wall && (!t.rssMb || r.rss <= t.rssMb);
      console.log(`  => ${r.n} agents: ${fmt(r.wall)}, ${r.rss.toFixed(0)} MB (target <= ${fmt(t.wall)}${t.rssMb ? `, <= ${t.rssMb} MB` : ''}) ${ok ? 'ok' : 'MISSED'}`);
    }
    console.log(`load average at the end ${os.loadavg().map(l => l.toFixed(1)).join(' ')}`);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

if (require.main === module) main();
module.exports = { bench, measure, median };
