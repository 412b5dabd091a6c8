import * as fs from 'fs';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { McpEnvironment } from './environment';
import { McpPlatformChart } from './platform-chart';

/**
 * Synthesizes one chart per environment into `outdir` (`<outdir>/<env>.k8s.yaml`).
 *
 * Everything is written to a staging directory beside `outdir` first and swapped in only
 * when the whole synth succeeded, so a failed synth (a validation error, a bad prop) leaves
 * no partial manifest in `outdir`: GitOps tools never see half an environment.
 * @returns the file names written
 * @throws the first construction or validation error; `outdir` is then untouched
 */
export function synthesizePlatform(environments: McpEnvironment[], outdir: string): string[] {
  const target = path.resolve(outdir);
  const staging = `${path.join(path.dirname(target), `.${path.basename(target)}`)}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const app = new App({ outdir: staging, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    for (const environment of environments) new McpPlatformChart(app, environment.name, { environment });
    app.synth();
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
    return fs.readdirSync(target).sort();
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
