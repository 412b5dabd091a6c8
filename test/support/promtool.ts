/**
 * The real Prometheus rule engine in tests, through `promtool` (Debian package `prometheus`,
 * 2.42): `check rules` over rendered PrometheusRule specs, `test rules` unit tests generated
 * from a typed description, PromQL parse checks, and the metric names an expression reads.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { K8sObject } from './invariants';

/** A PrometheusRule `spec` (also the Prometheus rule file format). */
export interface RuleFileSpec {
  readonly groups: { name: string; interval?: string; rules: Record<string, unknown>[]; [k: string]: unknown }[];
}

/** What promtool said. */
export interface PromtoolResult {
  readonly ok: boolean;
  /** stdout and stderr. */
  readonly output: string;
}

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';

/**
 * Runs promtool with files written to a temp dir.
 * @throws Error when promtool is not installed (`.ci/run` installs it; tests must fail, not skip)
 */
function runPromtool(args: (dir: string) => string[], files: Record<string, string>): PromtoolResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promtool-'));
  try {
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
    const r = spawnSync(PROMTOOL, args(dir), { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    if (r.error) throw new Error(`cannot run ${PROMTOOL} (apt-get install prometheus): ${r.error.message}`);
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.split(dir + path.sep).join('') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `promtool check rules` over one or more rule files (e.g. PrometheusRule specs), in one run. */
export function checkRules(...specs: RuleFileSpec[]): PromtoolResult {
  const files = Object.fromEntries(specs.map((s, i) => [`rules-${i}.yaml`, stringify(plain(s))]));
  return runPromtool(() => ['check', 'rules', ...Object.keys(files)], files);
}

/** The `spec` of every PrometheusRule in `objects`, keyed `namespace/name`. */
export function prometheusRuleSpecs(objects: K8sObject[]): Record<string, RuleFileSpec> {
  return Object.fromEntries(objects.filter(o => o.kind === 'PrometheusRule').map(o => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.spec as RuleFileSpec]));
}

/** One input series of a rule unit test, in promtool's expanding notation (`'0+1x10 _ stale'`). */
export interface InputSeries {
  /** Series selector with labels, e.g. `kube_deployment_status_replicas_available{deployment="x"}`. */
  readonly series: string;
  readonly values: string;
}

/** An alert expected to be firing at `evalTime` (an empty list expects silence). */
export interface ExpectedAlert {
  /** Every label of the alert: the series' labels plus the rule's own. */
  readonly labels: Record<string, string>;
  /** Every annotation after templating; compared only with `compareAnnotations`. */
  readonly annotations?: Record<string, string>;
}

/** One `tests[]` entry of a promtool unit test file. */
export interface RuleUnitTest {
  readonly name?: string;
  /** Scrape interval of the input series. @default '1m' */
  readonly interval?: string;
  readonly inputSeries: InputSeries[];
  readonly alerts?: { evalTime: string; alertname: string; expected: ExpectedAlert[] }[];
  readonly expressions?: { evalTime: string; expr: string; expected: { labels: string; value: number }[] }[];
}

/** Options of {@link testRules}. */
export interface TestRulesOptions {
  /** Rule evaluation interval. @default '1m' */
  readonly evaluationInterval?: string;
  /**
   * Compare annotations. promtool compares them exactly, so by default the annotations are
   * removed from the rules under test and only labels are compared. @default false
   */
  readonly compareAnnotations?: boolean;
}

/** `promtool test rules` with a unit test file generated from `tests`. */
export function testRules(spec: RuleFileSpec, tests: RuleUnitTest[], options: TestRulesOptions = {}): PromtoolResult {
  const rules = options.compareAnnotations ? plain(spec) : withoutAnnotations(spec);
  const unit = {
    rule_files: ['rules.yaml'],
    evaluation_interval: options.evaluationInterval ?? '1m',
    tests: tests.map(t => ({
      ...(t.name ? { name: t.name } : {}),
      interval: t.interval ?? '1m',
      input_series: t.inputSeries.map(s => ({ series: s.series, values: s.values })),
      alert_rule_test: (t.alerts ?? []).map(a => ({
        eval_time: a.evalTime,
        alertname: a.alertname,
        exp_alerts: a.expected.map(e => ({ exp_labels: e.labels, ...(options.compareAnnotations ? { exp_annotations: e.annotations ?? {} } : {}) })),
      })),
      promql_expr_test: (t.expressions ?? []).map(e => ({ expr: e.expr, eval_time: e.evalTime, exp_samples: e.expected })),
    })),
  };
  return runPromtool(() => ['test', 'rules', 'unit.yaml'], { 'rules.yaml': stringify(rules), 'unit.yaml': stringify(unit) });
}

/**
 * Parse errors of PromQL expressions, by index (an empty map when all parse): each is
 * wrapped as a recording rule in its own group and checked in one promtool run.
 */
export function promqlErrors(exprs: string[]): Map<number, string> {
  const spec: RuleFileSpec = { groups: exprs.map((expr, i) => ({ name: `expr-${i}`, rules: [{ record: `check:expr_${i}`, expr }] })) };
  const result = checkRules(spec);
  const errors = new Map<number, string>();
  for (const line of result.output.split('\n')) {
    const m = /group "expr-(\d+)", rule \d+, "[^"]*": (.*)$/.exec(line);
    if (m) errors.set(Number(m[1]), m[2]);
  }
  if (!result.ok && errors.size === 0) throw new Error(`promtool failed without a per-expression error:\n${result.output}`);
  return errors;
}

/** Whether one PromQL expression parses. */
export function promqlParses(expr: string): boolean {
  return promqlErrors([expr]).size === 0;
}

const KEYWORDS = new Set([
  'and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'atan2',
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio',
  'inf', 'nan', 'start', 'end',
]);

/**
 * Metric names a PromQL expression selects: identifiers that are not functions (followed by
 * `(`), keywords, aggregation operators, label names (inside `{}` or grouping lists),
 * durations or numbers, plus `{__name__="..."}` matchers. Grafana variables (`$__rate_interval`,
 * `$job`) are treated as opaque.
 */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  const strings: string[] = [];
  let s = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, m => {
    strings.push(m.slice(1, -1));
    return ` __str${strings.length - 1}__ `;
  });
  s = s.replace(/\{([^}]*)\}/g, (_, body: string) => {
    const m = /__name__\s*=\s*__str(\d+)__/.exec(body);
    if (m) names.add(strings[Number(m[1])]);
    return ' ';
  });
  s = s
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*(?::[a-z]+)?\}?/g, ' ')
    .replace(/__str\d+__/g, ' ')
    .replace(/\boffset\s+-?[0-9a-z.]+/gi, ' ')
    .replace(/@\s*[0-9.a-z()]+/gi, ' ');
  const token = /(?<![A-Za-z0-9_:.])([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g;
  for (let m = token.exec(s); m; m = token.exec(s)) {
    if (m[2] || KEYWORDS.has(m[1].toLowerCase())) continue;
    names.add(m[1]);
  }
  return [...names].sort();
}

function withoutAnnotations(spec: RuleFileSpec): RuleFileSpec {
  return { ...plain(spec), groups: spec.groups.map(g => ({ ...g, rules: g.rules.map(({ annotations: _ignored, ...r }) => r) })) };
}

function plain<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}
