import { Chart } from 'cdk8s';
import { AGENT_RUNTIME } from '../../src/agent/agent-runtime';
import { McpAgent } from '../../src/agent/mcp-agent';
import { McpMeshRegistry } from '../../src/agent/mesh-registry';
import { checkRules, metricNames, promqlErrors, RuleUnitTest, testRules } from '../support/promtool';
import { find, synthChart } from '../support/synth';

// The real rule engine (promtool from the Debian prometheus package, installed by .ci/run) checks
// every rendered rule and dashboard query, and a unit test per alert proves it fires on a bad
// series (labels and templated annotations) and stays silent on a healthy one.

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

const dashboardExprs: string[] = dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));

test('promtool accepts every rendered rule', () => {
  const result = checkRules(rule.spec);
  expect([result.ok, result.output]).toEqual([true, expect.stringMatching(/SUCCESS: 4 rules found/)]);
});

test('every dashboard query parses', () => {
  expect(promqlErrors(dashboardExprs)).toEqual(new Map());
});

test('rules and dashboard use only contract metrics and standard kube-state-metrics/cAdvisor metrics', () => {
  const names = new Set([...rule.spec.groups[0].rules.map((r: any) => r.expr), ...dashboardExprs].flatMap(metricNames));
  for (const name of names) expect([name, AGENT_RUNTIME.metrics.includes(name) || STANDARD_METRICS.has(name)]).toEqual([name, true]);
  expect([...names]).toEqual(expect.arrayContaining(['mcp_mesh_up', 'mcp_mesh_wrappers_total', 'kube_deployment_status_replicas_available']));
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
  ({ evalTime: at, alertname: alert, expected: [{ labels: labels(alert, extra), annotations: annotations(alert, extra) }] });
const silent = (alert: string, at: string) => ({ evalTime: at, alertname: alert, expected: [] });
const run = (tests: RuleUnitTest[]) => {
  const result = testRules(rule.spec, tests, { compareAnnotations: true });
  expect([result.ok, result.output]).toEqual([true, expect.stringMatching(/SUCCESS/)]);
};

const CASES: Record<string, { bad: { series: string; values: string }[]; good: { series: string; values: string }[]; at: string; extra: Record<string, string> }> = {
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
  run([
    { name: `${alert} bad`, inputSeries: c.bad, alerts: [fired(alert, c.at, c.extra)] },
    { name: `${alert} healthy`, inputSeries: c.good, alerts: [silent(alert, c.at)] },
  ]);
});

test('McpAgentMetricsMissing also fires when no pod exports mcp_mesh_up at all', () => {
  run([{
    inputSeries: [{ series: `kube_deployment_status_replicas_available${deployment}`, values: '2x20' }],
    alerts: [fired('McpAgentMetricsMissing', '15m', { namespace: NS, deployment: 'hello-world' })],
  }]);
});
