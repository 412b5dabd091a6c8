import * as fs from 'fs';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { renderGraphMarkdown } from '../agent/graph-markdown';
import { CRDS_CHART_ID, McpCrdsChart } from './crds-chart';
import { McpEnvironment } from './environment';
import { McpPlatformChart } from './platform-chart';
import { policyWarnings } from './policy';

/** Options of {@link synthesizePlatform}. */
export interface SynthesizeOptions {
  /** Receives each synth warning (e.g. an unresolved optional dependency). @default - written to stderr */
  readonly onWarning?: (message: string) => void;
}

/**
 * Synthesizes one chart per environment into `outdir` (`<outdir>/<env>.k8s.yaml`), the
 * platform CRDs into `<outdir>/crds.k8s.yaml` (apply first), and each environment's resolved
 * capability graph into `<outdir>/<env>.graph.md`.
 *
 * Everything is written to a staging directory beside `outdir` first and swapped in only
 * when the whole synth succeeded, so a failed synth (a validation error, a bad prop, an
 * unresolved dependency) leaves no partial manifest in `outdir`: GitOps tools never see half
 * an environment.
 * @returns the file names written
 * @throws the first construction or validation error; `outdir` is then untouched
 */
export function synthesizePlatform(environments: McpEnvironment[], outdir: string, options: SynthesizeOptions = {}): string[] {
  const target = path.resolve(outdir);
  const staging = `${path.join(path.dirname(target), `.${path.basename(target)}`)}.staging-${process.pid}`;
  const warn = options.onWarning ?? ((m: string) => process.stderr.write(`cdk8s-mcp: warning: ${m}\n`));
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const app = new App({ outdir: staging, yamlOutputType: YamlOutputType.FILE_PER_CHART });
    const reserved = environments.find(e => e.name === CRDS_CHART_ID);
    if (reserved) throw new Error(`environment name '${CRDS_CHART_ID}' is reserved for the CRD output ${CRDS_CHART_ID}.k8s.yaml: rename the environment`);
    new McpCrdsChart(app, CRDS_CHART_ID);
    const charts = environments.map(environment => new McpPlatformChart(app, environment.name, { environment }));
    app.synth();
    for (const chart of charts) policyWarnings(chart, chart.environment.name, chart.environment.policy ?? {}).forEach(warn);
    for (const chart of charts) {
      if (!chart.agents) continue;
      chart.agents.warnings.forEach(warn);
      fs.writeFileSync(path.join(staging, `${chart.environment.name}.graph.md`), renderGraphMarkdown(chart.agents.graph, {
        environment: chart.environment.name,
        namespace: chart.namespaceName,
        registryName: chart.registry!.service.name,
        delivery: chart.agents.delivery,
        replicas: chart.agents.replicaSummary(),
        warnings: chart.agents.warnings,
      }));
    }
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
    return fs.readdirSync(target).sort();
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
