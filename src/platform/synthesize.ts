import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { renderGraphMarkdown } from '../agent/graph-markdown';
import { renderConnectivityDocument } from '../connectivity/connectivity-document';
import { McpConfigError } from '../common/errors';
import { protectData } from '../gitops/data-protection';
import { ManifestObject } from '../gitops/manifest-objects';
import { stringifyManifests } from '../gitops/manifest-yaml';
import { EnvironmentFiles, layoutOutput, RESERVED_FOLDERS } from '../gitops/output-layout';
import { checkOutputDir, publishOutput } from '../gitops/owned-files';
import { legacyOutputFile, readPreviousOutput } from '../gitops/previous-output';
import { checkUpgrade, UpgradeRefusedError } from '../gitops/upgrade-guard';
import { CRDS_CHART_ID, McpCrdsChart } from './crds-chart';
import { McpEnvironment } from './environment';
import { McpPlatformChart } from './platform-chart';
import { policyWarnings } from './policy';
import { renderChartObjects } from './render-chart';

/** Options of {@link synthesizePlatform}. */
export interface SynthesizeOptions {
  /** Receives each synth warning (e.g. an unresolved optional dependency). @default - written to stderr */
  readonly onWarning?: (message: string) => void;
  /**
   * Compare each environment with its previous output in `outdir` and refuse changes the API
   * server would reject (immutable fields) or that drop data, unless the environment
   * acknowledges them (`gitops.acknowledgedChanges`).
   * @default true
   */
  readonly upgradeCheck?: boolean;
  /**
   * Where to write one file per chart (`<chart>.k8s.yaml`, as `cdk8s synth` does) besides laying
   * out `outdir`: the cdk8s CLI's `output` directory. Left in place.
   * @default - no per-chart files
   */
  readonly stagingDir?: string;
}

/**
 * Synthesizes the platform CRDs into `<outdir>/crds/` and each environment into
 * `<outdir>/<env>/` (its manifests, a kustomization.yaml and its capability graph), plus the
 * Argo CD and Flux objects the environments ask for (`argocd/<env>.yaml`, `flux/<env>.yaml`).
 *
 * Everything is rendered, validated and checked against the previous output (the upgrade
 * guard) before the first byte is written, so a failed synth leaves `outdir` byte-identical.
 * Synth owns only the files it generated (listed in `<outdir>/.cdk8s-mcp-files`): it
 * replaces those, deletes the ones no longer generated and never touches anything else.
 * @returns the generated files, relative to `outdir`
 * @throws McpConfigError for a bad prop or policy violation, UpgradeRefusedError for a change
 *   Kubernetes would refuse, Error for an output directory synth must not own; `outdir` is then untouched
 */
export function synthesizePlatform(environments: McpEnvironment[], outdir: string, options: SynthesizeOptions = {}): string[] {
  const warn = options.onWarning ?? ((m: string) => process.stderr.write(`cdk8s-mcp: warning: ${m}\n`));
  const reserved = environments.find(e => RESERVED_FOLDERS.includes(e.name));
  if (reserved) throw new Error(`environment name '${reserved.name}' is reserved for the output folder ${outdir}/${reserved.name}: rename the environment`);
  const duplicate = environments.find((e, i) => environments.findIndex(o => o.name === e.name) < i);
  if (duplicate) {
    throw new McpConfigError(String(duplicate.name), 'name', duplicate.name, `an environment named '${duplicate.name}' is already in this app: give each environment a unique name`);
  }
  // One App per chart: rendering validates and orders the whole App a chart belongs to, so in a
  // shared App every environment would be validated again for each chart rendered. The CRDs and
  // the environments never depend on each other, which is all a shared App would add.
  const crds = renderChart(new McpCrdsChart(new App(), CRDS_CHART_ID));
  const rendered = environments.map(renderEnvironment);
  const outputs = rendered.map(r => r.files);
  if (options.stagingDir) stageCharts(options.stagingDir, [crds, ...outputs.map(o => ({ id: o.name, yaml: o.yaml }))]);
  if (options.upgradeCheck ?? true) checkUpgrades(outdir, outputs, environments, warn);
  for (const r of rendered) r.policyWarnings.forEach(warn);
  for (const r of rendered) r.agentWarnings.forEach(warn);
  const files = layoutOutput(crds.yaml, outputs);
  checkOutputDir(outdir, files.keys());
  for (const e of environments) {
    if (fs.existsSync(legacyOutputFile(outdir, e.name))) warn(`${legacyOutputFile(outdir, e.name)} is from an earlier layout (now ${outdir}/${e.name}/): delete it`);
  }
  return publishOutput(outdir, files).files;
}

/** A chart's id and the YAML of its objects. */
interface RenderedChart {
  readonly id: string;
  readonly yaml: string;
}

/** An environment's chart rendered: its files and the warnings synth prints after the upgrade guard. */
interface RenderedEnvironment {
  readonly files: EnvironmentFiles;
  readonly policyWarnings: string[];
  readonly agentWarnings: readonly string[];
}

// What App.synth does for each chart, minus writing the file: as Chart.toJson(), it validates
// every construct of the app (node.validate(), which the policy checks rely on), turns construct
// dependencies into object dependencies and returns the objects in dependency order
// (render-chart.ts, the same objects at about half the cost). The YAML is byte for byte what
// App.synth writes (stringifyManifests), and the objects are used as they are, not parsed back.
function renderChart(chart: Chart): RenderedChart {
  return { id: chart.node.id, yaml: stringifyManifests(renderChartObjects(chart)) };
}

// The chart is built, rendered and described here and not referenced afterwards, so its
// construct tree can be collected while the next environment is built and the YAML is written:
// a large environment's peak memory is its tree or its output, not both.
function renderEnvironment(environment: McpEnvironment): RenderedEnvironment {
  const { objects, documents, policyWarnings: policy, agentWarnings } = describeEnvironment(environment);
  return { files: { ...documents, yaml: stringifyManifests(objects), objects }, policyWarnings: policy, agentWarnings };
}

/** Builds, protects and renders an environment's chart and takes what synth needs from it. */
function describeEnvironment(environment: McpEnvironment) {
  const chart = new McpPlatformChart(new App(), environment.name, { environment });
  protectData(chart);
  const objects = renderChartObjects(chart) as ManifestObject[];
  return {
    objects,
    documents: environmentDocuments(chart),
    policyWarnings: policyWarnings(chart, environment.name, environment.policy ?? {}),
    agentWarnings: chart.agents?.warnings ?? [],
  };
}

/** Writes `<chart>.k8s.yaml` per chart, as App.synth writes them into the cdk8s CLI's output directory. */
function stageCharts(dir: string, rendered: RenderedChart[]): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const r of rendered) fs.writeFileSync(path.join(dir, `${r.id}.k8s.yaml`), r.yaml);
}

/** An environment's files besides its manifests: names, GitOps settings, connectivity and capability graph. */
function environmentDocuments(chart: McpPlatformChart): Omit<EnvironmentFiles, 'yaml' | 'objects'> {
  const env = chart.environment;
  return {
    name: env.name,
    namespace: chart.namespaceName,
    gitops: env.gitops,
    connectivity: renderConnectivityDocument(chart.connectivity, { environment: env.name, namespace: chart.namespaceName }),
    graph: chart.agents && renderGraphMarkdown(chart.agents.graph, {
      environment: env.name,
      namespace: chart.namespaceName,
      registryName: chart.registry!.service.name,
      delivery: chart.agents.delivery,
      replicas: chart.agents.replicaSummary(),
      warnings: chart.agents.warnings,
    }),
  };
}

function checkUpgrades(outdir: string, outputs: EnvironmentFiles[], environments: McpEnvironment[], warn: (m: string) => void): void {
  for (const [i, output] of outputs.entries()) {
    const previous = readPreviousOutput(outdir, output.name, output);
    if (!previous) continue;
    const check = checkUpgrade(previous, output.objects, environments[i].gitops?.acknowledgedChanges);
    if (check.refused.length) throw new UpgradeRefusedError(output.name, check.refused);
    for (const c of check.acknowledged) warn(`${output.name}: acknowledged ${c.object} ${c.field}: ${c.recipe}`);
    for (const a of check.stale) warn(`${output.name}: gitops.acknowledgedChanges entry ${a.object} ${a.field} matches no change any more: remove it`);
  }
}

/** Where {@link runSynthApp} publishes and stages. */
export interface SynthAppOptions {
  /** The committed output directory. @default process.env.CDK8S_MCP_OUTDIR ?? 'dist' */
  readonly dist?: string;
  /** The cdk8s CLI's output directory (`CDK8S_OUTDIR`), used as the staging directory. @default process.env.CDK8S_OUTDIR */
  readonly scratch?: string;
  /** Receives progress and error lines. @default - stderr */
  readonly log?: (line: string) => void;
}

/** The temporary directory `cdk8s synth --stdout` gives the app (`<tmpdir>/cdk8s-XXXXXX`). */
function isCliStdoutDir(dir: string): boolean {
  const resolved = path.resolve(dir);
  return path.dirname(resolved) === path.resolve(os.tmpdir()) && /^cdk8s-[A-Za-z0-9]{6}$/.test(path.basename(resolved));
}

/**
 * The app behind `npm run synth` / `npx cdk8s synth`. The cdk8s CLI empties its `output`
 * directory (cdk8s.yaml) before it runs the app, so that must be a scratch directory: cdk8s
 * stages each chart there and the app publishes to `dist/` only when everything succeeded, so
 * a failed synth leaves `dist/` byte-identical. Under `cdk8s synth --stdout` it prints only and
 * publishes nothing; with `--output <dir outside the project>` it lays that directory out as
 * dist/ (without the upgrade guard), so a fresh synth can be diffed against the committed output.
 * @returns the process exit code: 0, or 1 after printing the error
 */
export function runSynthApp(environments: McpEnvironment[], options: SynthAppOptions = {}): number {
  const dist = options.dist ?? process.env.CDK8S_MCP_OUTDIR ?? 'dist';
  const scratch = options.scratch ?? process.env.CDK8S_OUTDIR;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  try {
    if (scratch && path.resolve(scratch) === path.resolve(dist)) {
      throw new Error(`cdk8s.yaml output is ${scratch}, which the cdk8s CLI empties before every synth: set it to a scratch directory such as .cdk8s.out; the app publishes to ${dist}/`);
    }
    if (scratch && path.relative(process.cwd(), path.resolve(scratch)).startsWith('..')) {
      const onWarning = (m: string) => log(`cdk8s-mcp: warning: ${m}`);
      if (isCliStdoutDir(scratch)) {
        // `cdk8s synth --stdout` prints every YAML file of its temporary directory: stage the
        // plain manifests there (no kustomization.yaml) and publish nothing.
        const throwaway = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-mcp-print-'));
        try {
          synthesizePlatform(environments, throwaway, { stagingDir: scratch, upgradeCheck: false, onWarning });
        } finally {
          fs.rmSync(throwaway, { recursive: true, force: true });
        }
        return 0;
      }
      // `cdk8s synth --output <dir outside the project>`: the same layout as dist/ in that
      // directory (the CLI emptied it), e.g. to diff a fresh synth against the committed dist/.
      synthesizePlatform(environments, scratch, { upgradeCheck: false, onWarning });
      return 0;
    }
    const files = synthesizePlatform(environments, dist, { stagingDir: scratch, onWarning: m => log(`cdk8s-mcp: warning: ${m}`) });
    const folders = [...new Set(files.map(f => f.split('/')[0]))];
    log(`cdk8s-mcp: ${dist}/ holds ${files.length} generated files in ${folders.map(f => `${f}/`).join(', ')}`);
    return 0;
  } catch (e) {
    log(`cdk8s-mcp: synth failed, ${dist}/ left unchanged\n${(e as Error).message}`);
    return 1;
  }
}
