#!/usr/bin/env node
// `npm run bench`: synth wall time and peak memory (median of several runs) of the full app
// through the cdk8s CLI, as users run it. A benchmark, not a test: it prints figures only.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const root = path.join(__dirname, '..');

/** Runs `cmd args` under GNU time when present (peak RSS of the largest process), else wall time only. */
function measure(cmd, args, env) {
  const hasTime = fs.existsSync('/usr/bin/time');
  const start = process.hrtime.bigint();
  const r = hasTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { cwd: root, env, encoding: 'utf8' })
    : spawnSync(cmd, args, { cwd: root, env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  const rssKb = hasTime ? Number(r.stderr.trim().split('\n').pop()) : NaN;
  return { wallMs, rssMb: rssKb / 1024 };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Benchmarks one command over RUNS runs and prints median wall time and peak RSS. */
function bench(label, cmd, args, env = process.env) {
  const results = Array.from({ length: RUNS }, () => measure(cmd, args, env));
  const wall = median(results.map(r => r.wallMs));
  const rss = median(results.map(r => r.rssMb));
  console.log(`${label.padEnd(44)} median ${(wall / 1000).toFixed(2)} s   peak RSS ${Number.isNaN(rss) ? 'n/a' : `${rss.toFixed(0)} MB`}   (${RUNS} runs)`);
  return { wall, rss };
}

function main() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-mcp-bench-'));
  try {
    console.log(`cdk8s-mcp benchmark: node ${process.version}, ${os.cpus().length} cores`);
    bench('cdk8s synth (CLI, 3 environments)', 'npx', ['cdk8s', 'synth', '--no-check-upgrade', '--output', path.join(out, 'cli')]);
    bench('app only (scripts/synth.js, 3 environments)', 'node', ['scripts/synth.js'], { ...process.env, CDK8S_OUTDIR: path.join(out, 'app') });
    // One environment with generated agents (each provides a capability and depends on the next
    // one's): graph resolution and policy generation must stay linear in the number of agents.
    const sizes = (process.env.BENCH_AGENTS ?? '10,100,1000').split(',').map(Number);
    const results = sizes.map(n => ({ n, ...bench(`generated agents: ${n}`, 'node', ['scripts/synth-generated.js', String(n), path.join(out, `agents-${n}`)]) }));
    for (let i = 1; i < results.length; i++) {
      const [a, b] = [results[i - 1], results[i]];
      const growth = (b.wall - a.wall) / (b.n - a.n);
      console.log(`  ${a.n} -> ${b.n} agents: +${growth.toFixed(2)} ms per added agent (time x${(b.wall / a.wall).toFixed(1)} for agents x${(b.n / a.n).toFixed(0)})`);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

if (require.main === module) main();
module.exports = { bench, measure, median };
