import { defaultEnvironments } from './platform/presets';
import { synthesizePlatform } from './platform/synthesize';

// `cdk8s synth` passes its output directory in CDK8S_OUTDIR (cdk8s.yaml `output`).
const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
try {
  const files = synthesizePlatform(defaultEnvironments(), outdir);
  process.stderr.write(`cdk8s-mcp: wrote ${files.map(f => `${outdir}/${f}`).join(', ')}\n`);
} catch (e) {
  process.stderr.write(`cdk8s-mcp: synth failed, nothing written to ${outdir}/\n${(e as Error).message}\n`);
  process.exitCode = 1;
}
