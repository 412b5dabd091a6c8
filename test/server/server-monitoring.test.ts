import { Testing } from 'cdk8s';
import { defaultEnvironments } from '../../src/platform/presets';
import { McpServer } from '../../src/server/mcp-server';
import { K8sObject } from '../support/invariants';
import { checkRules, metricNames, prometheusRuleSpecs, promqlErrors, RuleFileSpec, testRules } from '../support/promtool';
import { synthChart, synthEnvironment } from '../support/synth';

// Servers export no metrics (see server-monitoring.ts), so every metric a rule or panel reads
// must be a standard kube-state-metrics or cAdvisor series.
const STANDARD_METRICS = [
  'kube_deployment_status_replicas_available', 'kube_deployment_spec_replicas', 'kube_pod_container_status_restarts_total',
  'container_cpu_usage_seconds_total', 'container_memory_working_set_bytes',
];

const NS = 'mcp-servers';
const github = (alerts = {}) => synthChart(chart => new McpServer(chart, 'github', {
  template: 'github', namespace: NS, replicas: 2, config: { github_token: { secretName: 'gh', key: 'token' } },
  monitoring: { prometheusRule: true, dashboard: true, labels: { release: 'kube-prometheus-stack' } }, alerts,
}), NS).objects;

function ruleSpec(objects: K8sObject[]): RuleFileSpec {
  return prometheusRuleSpecs(objects)[`${NS}/github`];
}

function dashboardExprs(objects: K8sObject[]): string[] {
  return objects.filter(o => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1')
    .flatMap(o => Object.values(o.data as Record<string, string>).flatMap(json => JSON.parse(json).panels.flatMap((p: any) => p.targets.map((t: any) => t.expr))));
}

const available = (values: string) => ({ series: `kube_deployment_status_replicas_available{namespace="${NS}", deployment="github"}`, values });
const desired = (values: string) => ({ series: `kube_deployment_spec_replicas{namespace="${NS}", deployment="github"}`, values });
const restarts = (pod: string, values: string) => ({ series: `kube_pod_container_status_restarts_total{namespace="${NS}", pod="${pod}", container="mcp-server"}`, values });
const labels = (extra: Record<string, string>) => ({ namespace: NS, mcp_server: 'github', ...extra });

describe('MCP server alerts and dashboard', () => {
  const objects = github();

  test('every server PrometheusRule of every environment passes promtool check rules, with the selector labels', () => {
    const specs = defaultEnvironments().flatMap(e => Object.values(prometheusRuleSpecs(synthEnvironment(e).objects.filter(o => o.metadata.namespace === `mcp-servers-${e.name}`))));
    expect(specs.length).toBeGreaterThan(0);
    const result = checkRules(...specs, ruleSpec(objects));
    expect(result.output).not.toMatch(/FAILED/);
    expect(result.ok).toBe(true);
    expect(objects.find(o => o.kind === 'PrometheusRule')!.metadata.labels?.release).toBe('kube-prometheus-stack');
  });

  test('McpServerDown fires after downFor with no available pod, and not before or while one is up', () => {
    const result = testRules(ruleSpec(objects), [
      { name: 'down', inputSeries: [available('2 0x15')], alerts: [
        { evalTime: '4m', alertname: 'McpServerDown', expected: [] },
        { evalTime: '7m', alertname: 'McpServerDown', expected: [{ labels: labels({ alertname: 'McpServerDown', severity: 'critical', deployment: 'github' }) }] },
      ] },
      { name: 'healthy', inputSeries: [available('2x15')], alerts: [{ evalTime: '15m', alertname: 'McpServerDown', expected: [] }] },
    ]);
    expect(result.output).toMatch(/SUCCESS/);
  });

  test('McpServerDegraded fires when fewer pods than desired stay available for degradedFor', () => {
    const result = testRules(ruleSpec(objects), [
      { name: 'degraded', inputSeries: [available('1x30'), desired('2x30')], alerts: [
        { evalTime: '10m', alertname: 'McpServerDegraded', expected: [] },
        { evalTime: '20m', alertname: 'McpServerDegraded', expected: [{ labels: labels({ alertname: 'McpServerDegraded', severity: 'warning', deployment: 'github' }) }] },
      ] },
      { name: 'healthy', inputSeries: [available('2x30'), desired('2x30')], alerts: [{ evalTime: '20m', alertname: 'McpServerDegraded', expected: [] }] },
    ]);
    expect(result.output).toMatch(/SUCCESS/);
  });

  test('McpServerRestarting fires above the threshold for this server\'s pods only', () => {
    const pod = 'github-7d9f8b6c5d-x2x4z';
    const other = 'github-enterprise-7d9f8b6c5d-x2x4z';
    const result = testRules(ruleSpec(objects), [
      { name: 'crash loop', inputSeries: [restarts(pod, '0+1x20'), restarts(other, '0+1x20')], alerts: [
        { evalTime: '10m', alertname: 'McpServerRestarting', expected: [{ labels: labels({ alertname: 'McpServerRestarting', severity: 'warning', pod, container: 'mcp-server' }) }] },
      ] },
      { name: 'stable', inputSeries: [restarts(pod, '2x20')], alerts: [{ evalTime: '10m', alertname: 'McpServerRestarting', expected: [] }] },
      { name: 'a few restarts', inputSeries: [restarts(pod, '0 1 2 3 3 3 3 3 3 3 3')], alerts: [{ evalTime: '10m', alertname: 'McpServerRestarting', expected: [] }] },
    ]);
    expect(result.output).toMatch(/SUCCESS/);
  });

  test('the thresholds are props: a tighter downFor fires earlier', () => {
    const result = testRules(ruleSpec(github({ downFor: '1m', restartThreshold: 0 })), [
      { name: 'fast', inputSeries: [available('0x5')], alerts: [
        { evalTime: '2m', alertname: 'McpServerDown', expected: [{ labels: labels({ alertname: 'McpServerDown', severity: 'critical', deployment: 'github' }) }] },
      ] },
    ]);
    expect(result.output).toMatch(/SUCCESS/);
  });

  test('every dashboard expression parses and reads only standard kube-state-metrics and cAdvisor metrics', () => {
    const exprs = dashboardExprs(objects);
    expect(exprs.length).toBe(5);
    expect([...promqlErrors(exprs).values()]).toEqual([]);
    const ruleExprs = ruleSpec(objects).groups.flatMap(g => g.rules.map(r => String(r.expr)));
    const used = [...new Set([...exprs, ...ruleExprs].flatMap(metricNames))].sort();
    expect(used.filter(m => !STANDARD_METRICS.includes(m))).toEqual([]);
  });

  test('nothing is scraped: no ServiceMonitor or PodMonitor for servers', () => {
    const chart = Testing.chart();
    new McpServer(chart, 'demo', { template: 'demo', monitoring: { scrape: true, prometheusRule: true } });
    expect((Testing.synth(chart) as K8sObject[]).filter(o => ['ServiceMonitor', 'PodMonitor'].includes(o.kind))).toEqual([]);
  });
});
