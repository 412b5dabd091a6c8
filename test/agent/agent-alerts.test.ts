import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { AGENT_RUNTIME } from '../../src/agent/agent-runtime';
import { McpAgent } from '../../src/agent/mcp-agent';
import { McpMeshRegistry } from '../../src/agent/mesh-registry';
import { find, synthChart } from '../support/synth';

// The real rule engine (promtool from the Debian prometheus package, installed by .ci/run) checks
// every rendered rule and dashboard query, and a unit test per alert proves it fires on a bad
// series and stays silent on a healthy one.

const NS = 'mcp-prod';
const registry = McpMeshRegistry.fromAttributes({ url: 'http://mcp-mesh-registry.mcp-prod.svc:8000', selector: { 'app.kubernetes.io/name': 'mcp-mesh-registry' } });
const { objects } = synthChart((chart: Chart) => {
  new McpAgent(chart, 'hello-world', {
    name: 'hello-world', code: { script: 'print(1)' }, replicas: 2,
    monitoring: { scrape: true, prometheusRule: true, dashboard: true, runbookBaseUrl: 'https://example.com/runbooks' },
    alerts: { restartThreshold: 3, restartWindow: '15m' },
    registry,
  });
}, NS);
const rule = find(objects, 'PrometheusRule', 'hello-world') as any;
const dashboard = JSON.parse(Object.values<string>(find(objects, 'ConfigMap', 'hello-world-dashboard').data as Record<string, string>)[0]);

// Standard kube-state-metrics and cAdvisor series the rules and dashboards may use besides the runtime's own.
const STANDARD_METRICS = new Set([
  'kube_deployment_status_replicas_available', 'kube_deployment_spec_replicas', 'kube_pod_container_status_restarts_total',
  'kube_pod_container_status_ready', 'container_cpu_usage_seconds_total', 'container_memory_working_set_bytes',
]);

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-rules-'));
  fs.writeFileSync(path.join(dir, 'rules.yaml'), YAML.stringify({ groups: rule.spec.groups }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function promtool(...args: string[]): string {
  return execFileSync('promtool', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

test('promtool accepts every rendered rule', () => {
  expect(promtool('check', 'rules', 'rules.yaml')).toMatch(/SUCCESS: 4 rules found/);
});

test('every dashboard query parses (as a recording rule)', () => {
  const exprs = dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));
  const groups = [{ name: 'dashboard', rules: exprs.map((expr: string, i: number) => ({ record: `dashboard:query_${i}`, expr })) }];
  fs.writeFileSync(path.join(dir, 'dashboard.yaml'), YAML.stringify({ groups }));
  expect(promtool('check', 'rules', 'dashboard.yaml')).toMatch(new RegExp(`SUCCESS: ${exprs.length} rules found`));
});

test('rules and dashboard use only contract metrics and standard kube-state-metrics/cAdvisor metrics', () => {
  const exprs = [...rule.spec.groups[0].rules.map((r: any) => r.expr), ...dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr))];
  const names = new Set(exprs.flatMap((e: string) => [...e.matchAll(/\b([a-z_][a-z0-9_]*)\{/g)].map(m => m[1])));
  for (const name of names) expect([name, AGENT_RUNTIME.metrics.includes(name) || STANDARD_METRICS.has(name)]).toEqual([name, true]);
  expect([...names]).toEqual(expect.arrayContaining(['mcp_mesh_up', 'kube_deployment_status_replicas_available']));
});

test('each alert carries a runbook anchor', () => {
  for (const r of rule.spec.groups[0].rules) expect(r.annotations.runbook_url).toBe(`https://example.com/runbooks#${r.alert.toLowerCase()}`);
});

const POD = 'hello-world-5d4f8b7c9-abcde';
const deployment = `{namespace="${NS}", deployment="hello-world"}`;
const labels = (alert: string, extra: Record<string, string>) => ({ severity: alert === 'McpAgentDown' ? 'critical' : 'warning', service: 'hello-world', ...extra });
/** The rendered annotations of `alert`, templated for `extra`'s labels as Prometheus would. */
const annotations = (alert: string, extra: Record<string, string>) => {
  const rendered = rule.spec.groups[0].rules.find((r: any) => r.alert === alert).annotations as Record<string, string>;
  return Object.fromEntries(Object.entries(rendered).map(([k, v]) => [k, v.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_m, l: string) => extra[l])]));
};
const fired = (alert: string, at: string, extra: Record<string, string>) =>
  ({ eval_time: at, alertname: alert, exp_alerts: [{ exp_labels: labels(alert, extra), exp_annotations: annotations(alert, extra) }] });
const silent = (alert: string, at: string) => ({ eval_time: at, alertname: alert, exp_alerts: [] });

const CASES: Record<string, { bad: object[]; good: object[]; at: string; extra: Record<string, string> }> = {
  McpAgentDown: {
    bad: [{ series: `kube_deployment_status_replicas_available${deployment}`, values: '0x20' }, { series: `kube_deployment_spec_replicas${deployment}`, values: '2x20' }],
    good: [{ series: `kube_deployment_status_replicas_available${deployment}`, values: '2x20' }, { series: `kube_deployment_spec_replicas${deployment}`, values: '2x20' }],
    at: '10m', extra: { namespace: NS, deployment: 'hello-world' },
  },
  McpAgentDegraded: {
    bad: [{ series: `kube_deployment_status_replicas_available${deployment}`, values: '1x30' }, { series: `kube_deployment_spec_replicas${deployment}`, values: '2x30' }],
    good: [{ series: `kube_deployment_status_replicas_available${deployment}`, values: '2x30' }, { series: `kube_deployment_spec_replicas${deployment}`, values: '2x30' }],
    at: '20m', extra: { namespace: NS, deployment: 'hello-world' },
  },
  McpAgentRestarting: {
    bad: [{ series: `kube_pod_container_status_restarts_total{namespace="${NS}", pod="${POD}", container="agent"}`, values: '0+1x20' }],
    // Another agent whose name extends this one's restarts: not this agent's alert.
    good: [
      { series: `kube_pod_container_status_restarts_total{namespace="${NS}", pod="${POD}", container="agent"}`, values: '0x20' },
      { series: `kube_pod_container_status_restarts_total{namespace="${NS}", pod="hello-world-extra-5d4f8b7c9-abcde", container="agent"}`, values: '0+1x20' },
    ],
    at: '16m', extra: { namespace: NS, pod: POD },
  },
  McpAgentMetricsMissing: {
    bad: [{ series: `kube_deployment_status_replicas_available${deployment}`, values: '2x20' }, { series: `mcp_mesh_up{namespace="${NS}", pod="${POD}", agent="hello-world"}`, values: '1x20' }],
    good: [
      { series: `kube_deployment_status_replicas_available${deployment}`, values: '2x20' },
      { series: `mcp_mesh_up{namespace="${NS}", pod="${POD}", agent="hello-world"}`, values: '1x20' },
      { series: `mcp_mesh_up{namespace="${NS}", pod="hello-world-5d4f8b7c9-fghij", agent="hello-world"}`, values: '1x20' },
    ],
    at: '15m', extra: { namespace: NS, deployment: 'hello-world' },
  },
};

test('there is a promtool unit test for every rendered alert', () => {
  expect(rule.spec.groups[0].rules.map((r: any) => r.alert).sort()).toEqual(Object.keys(CASES).sort());
});

test.each(Object.keys(CASES))('%s fires on a bad series and stays silent on a healthy one', alert => {
  const c = CASES[alert];
  const tests = [
    { interval: '1m', input_series: c.bad, alert_rule_test: [fired(alert, c.at, c.extra)] },
    { interval: '1m', input_series: c.good, alert_rule_test: [silent(alert, c.at)] },
  ];
  fs.writeFileSync(path.join(dir, `${alert}.test.yaml`), YAML.stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }));
  let output: string;
  try {
    output = promtool('test', 'rules', `${alert}.test.yaml`);
  } catch (e) {
    throw new Error(`promtool test rules failed for ${alert}:\n${(e as { stdout?: string; stderr?: string }).stdout}${(e as { stderr?: string }).stderr}`);
  }
  expect(output).toMatch(/SUCCESS/);
});

test('McpAgentMetricsMissing also fires when no pod exports mcp_mesh_up at all', () => {
  const tests = [{
    interval: '1m',
    input_series: [{ series: `kube_deployment_status_replicas_available${deployment}`, values: '2x20' }],
    alert_rule_test: [fired('McpAgentMetricsMissing', '15m', { namespace: NS, deployment: 'hello-world' })],
  }];
  fs.writeFileSync(path.join(dir, 'none.test.yaml'), YAML.stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }));
  expect(promtool('test', 'rules', 'none.test.yaml')).toMatch(/SUCCESS/);
});
