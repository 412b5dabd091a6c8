/**
 * The gateway's and its Redis's PrometheusRules in the real rule engine (promtool): every rule
 * passes `check rules`, every alert fires on a synthetic bad series and stays silent on a
 * healthy one, every dashboard expression parses, and every metric read is one the pinned
 * software records (runtime contract) or a standard kube-state-metrics / cAdvisor metric.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EdgeGateway, EdgeGatewayProps } from '../../src/edge-gateway/edge-gateway';
import { GATEWAY_STANDARD_METRICS } from '../../src/edge-gateway/edge-gateway-monitoring';
import { EDGE_GATEWAY_METRICS, REDIS_METRICS } from '../../src/edge-gateway/edge-gateway-runtime';
import { prodEnvironment, stagingEnvironment } from '../../src/platform/presets';
import { K8sObject } from '../support/invariants';
import { checkRules, InputSeries, metricNames, promqlErrors, RuleFileSpec, RuleUnitTest, testRules } from '../support/promtool';
import { find, ofKind, synthChart, synthEnvironment } from '../support/synth';

const PROPS: EdgeGatewayProps = {
  autoscaling: { minReplicas: 2, maxReplicas: 4 },
  corePlatform: { url: 'https://core.example.com', apiKey: { secretName: 'edge-mcp', key: 'core' } },
  redis: { type: 'bundled', password: { secretName: 'edge-mcp', key: 'redis-password' }, exporter: { enabled: true } },
  monitoring: { scrape: true, prometheusRule: true, dashboard: true, runbookBaseUrl: 'https://github.com/example/cdk8s-mcp/blob/main/README.md' },
};
const { objects } = synthChart(c => new EdgeGateway(c, 'gw', PROPS));
const gatewayRule = find(objects, 'PrometheusRule', 'edge-mcp').spec as RuleFileSpec;
const redisRule = find(objects, 'PrometheusRule', 'edge-mcp-redis').spec as RuleFileSpec;
const alertsOf = (spec: RuleFileSpec) => spec.groups.flatMap(g => g.rules.map(r => r.alert as string));

const NS = 'namespace="test"';
const POD = 'pod="edge-mcp-5d4f8c9b7-x2x9k"';
const gatewayLabels = { service: 'edge-mcp' };
const redisLabels = { service: 'edge-mcp-redis' };

/** One alert's unit tests: a bad series that fires (with the labels expected) and a healthy one. */
interface AlertCase {
  readonly bad: InputSeries[];
  readonly healthy: InputSeries[];
  readonly evalTime: string;
  readonly labels: Record<string, string>;
}

const s = (series: string, values: string): InputSeries => ({ series, values });
const ksmAvailable = (v: string) => s(`kube_deployment_status_replicas_available{${NS}, deployment="edge-mcp"}`, v);
const ksmDesired = (v: string) => s(`kube_deployment_spec_replicas{${NS}, deployment="edge-mcp"}`, v);
const memory = (bytes: string) => [
  s(`container_memory_working_set_bytes{${NS}, ${POD}, container="edge-mcp"}`, bytes),
  s(`kube_pod_container_resource_limits{${NS}, ${POD}, container="edge-mcp", resource="memory"}`, '536870912x40'),
];
const hpa = (current: string) => [
  s(`kube_horizontalpodautoscaler_status_current_replicas{${NS}, horizontalpodautoscaler="edge-mcp"}`, current),
  s(`kube_horizontalpodautoscaler_spec_max_replicas{${NS}, horizontalpodautoscaler="edge-mcp"}`, '4x40'),
];
const rateLimited = (perMinute: number) => s(`edge_mcp_errors_total{${NS}, job="edge-mcp", ${POD}, error_type="rate_limit", error_code="tenant"}`, `0+${perMinute}x40`);
const redisMemory = (used: string) => [
  s(`redis_memory_used_bytes{${NS}, job="edge-mcp-redis"}`, used),
  s(`redis_memory_max_bytes{${NS}, job="edge-mcp-redis"}`, '402653184x40'),
];

const GATEWAY_CASES: Record<string, AlertCase> = {
  EdgeGatewayDown: { bad: [ksmAvailable('2 0x20')], healthy: [ksmAvailable('2x20')], evalTime: '10m', labels: { deployment: 'edge-mcp', namespace: 'test', severity: 'critical' } },
  EdgeGatewayDegraded: { bad: [ksmAvailable('1x30'), ksmDesired('2x30')], healthy: [ksmAvailable('2x30'), ksmDesired('2x30')], evalTime: '20m', labels: { deployment: 'edge-mcp', namespace: 'test', severity: 'warning' } },
  EdgeGatewayRestarting: {
    bad: [s(`kube_pod_container_status_restarts_total{${NS}, ${POD}, container="edge-mcp"}`, '0 1 2 3 4 5x20')],
    healthy: [s(`kube_pod_container_status_restarts_total{${NS}, ${POD}, container="edge-mcp"}`, '0 1x20')],
    evalTime: '6m', labels: { namespace: 'test', pod: 'edge-mcp-5d4f8c9b7-x2x9k', container: 'edge-mcp', severity: 'warning' },
  },
  EdgeGatewayMemoryNearLimit: { bad: memory('524288000x40'), healthy: memory('268435456x40'), evalTime: '20m', labels: { pod: 'edge-mcp-5d4f8c9b7-x2x9k', severity: 'warning' } },
  EdgeGatewayRateLimiting: { bad: [rateLimited(600)], healthy: [rateLimited(6)], evalTime: '20m', labels: { error_code: 'tenant', severity: 'warning' } },
  EdgeGatewayAutoscalerAtMaximum: { bad: hpa('4x40'), healthy: hpa('3x40'), evalTime: '20m', labels: { horizontalpodautoscaler: 'edge-mcp', namespace: 'test', severity: 'warning' } },
};

const REDIS_CASES: Record<string, AlertCase> = {
  EdgeRedisDown: {
    bad: [s(`kube_statefulset_status_replicas_ready{${NS}, statefulset="edge-mcp-redis"}`, '1 0x20')],
    healthy: [s(`kube_statefulset_status_replicas_ready{${NS}, statefulset="edge-mcp-redis"}`, '1x20')],
    evalTime: '10m', labels: { namespace: 'test', statefulset: 'edge-mcp-redis', severity: 'warning' },
  },
  EdgeRedisMemoryNearMaxmemory: { bad: redisMemory('390000000x40'), healthy: redisMemory('100000000x40'), evalTime: '20m', labels: { namespace: 'test', job: 'edge-mcp-redis', severity: 'warning' } },
  EdgeRedisEvictingKeys: {
    bad: [s(`redis_evicted_keys_total{${NS}, job="edge-mcp-redis"}`, '0+500x40')],
    healthy: [s(`redis_evicted_keys_total{${NS}, job="edge-mcp-redis"}`, '0+5x40')],
    evalTime: '25m', labels: { namespace: 'test', job: 'edge-mcp-redis', severity: 'warning' },
  },
};

function unitTests(alert: string, c: AlertCase, ruleLabels: Record<string, string>): RuleUnitTest[] {
  return [
    { name: `${alert} fires`, inputSeries: c.bad, alerts: [{ evalTime: c.evalTime, alertname: alert, expected: [{ labels: { alertname: alert, ...ruleLabels, ...c.labels } }] }] },
    { name: `${alert} is silent when healthy`, inputSeries: c.healthy, alerts: [{ evalTime: c.evalTime, alertname: alert, expected: [] }] },
  ];
}

describe('gateway and Redis alerts in promtool', () => {
  test('every rendered rule passes promtool check rules (presets included)', () => {
    const presetRules = [stagingEnvironment(), prodEnvironment()].flatMap(e => ofKind(synthEnvironment(e).objects, 'PrometheusRule'))
      .filter(r => r.metadata.name.startsWith('edge-mcp')).map(r => r.spec as RuleFileSpec);
    expect(presetRules).toHaveLength(2);
    const result = checkRules(gatewayRule, redisRule, ...presetRules);
    expect(result.output).not.toMatch(/FAILED/);
    expect(result.ok).toBe(true);
  });

  test('the alert sets are the documented ones, each with a case below', () => {
    expect(alertsOf(gatewayRule)).toEqual(Object.keys(GATEWAY_CASES));
    expect(alertsOf(redisRule)).toEqual(Object.keys(REDIS_CASES));
  });

  test.each(Object.entries(GATEWAY_CASES))('%s fires on a bad series and is silent on a healthy one', (alert, c) => {
    const result = testRules(gatewayRule, unitTests(alert, c, gatewayLabels));
    expect(result.output).not.toMatch(/FAILED/);
    expect(result.ok).toBe(true);
  });

  test.each(Object.entries(REDIS_CASES))('%s fires on a bad series and is silent on a healthy one', (alert, c) => {
    const result = testRules(redisRule, unitTests(alert, c, redisLabels));
    expect(result.output).not.toMatch(/FAILED/);
    expect(result.ok).toBe(true);
  });

  test('thresholds and hold times are the typed props', () => {
    const custom = synthChart(c => new EdgeGateway(c, 'gw', { ...PROPS, monitoring: { ...PROPS.monitoring, alerts: { restarting: { threshold: 10, for: '5m' }, rateLimiting: { enabled: false } } } })).objects;
    const rules = (find(custom, 'PrometheusRule', 'edge-mcp').spec as RuleFileSpec).groups[0].rules;
    expect(rules.find(r => r.alert === 'EdgeGatewayRestarting')).toMatchObject({ for: '5m', expr: expect.stringMatching(/\[15m\]\) > 10$/) });
    expect(rules.map(r => r.alert)).not.toContain('EdgeGatewayRateLimiting');
  });

  test('every alert links its README runbook anchor', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const rule of [...gatewayRule.groups[0].rules, ...redisRule.groups[0].rules]) {
      const anchor = String(rule.alert).toLowerCase();
      expect((rule.annotations as Record<string, string>).runbook_url).toBe(`${PROPS.monitoring!.runbookBaseUrl}#${anchor}`);
      expect(readme).toContain(`#### ${rule.alert}\n`);
    }
  });
});

describe('dashboards and metric names', () => {
  const dashboards = ofKind(objects, 'ConfigMap').filter(o => o.metadata.labels?.grafana_dashboard === '1');
  const dashboardExprs = dashboards.flatMap(d => Object.values<string>(d.data).flatMap(json => JSON.parse(json).panels.flatMap((p: any) => p.targets.map((t: any) => t.expr as string))));
  const ruleExprs = [gatewayRule, redisRule].flatMap(r => r.groups[0].rules.map(x => String(x.expr)));

  test('both dashboards render, and every dashboard expression parses', () => {
    expect(dashboards.map(d => d.metadata.name)).toEqual(['edge-mcp-redis-dashboard', 'edge-mcp-dashboard']);
    expect([...promqlErrors(dashboardExprs).entries()]).toEqual([]);
  });

  test('every metric read is recorded by the pinned software or is a standard kube-state-metrics/cAdvisor metric', () => {
    const recorded = Object.values(EDGE_GATEWAY_METRICS).filter(m => m.recorded).map(m => m.name as string);
    const allowed = new Set<string>([...recorded, ...Object.values(REDIS_METRICS), ...GATEWAY_STANDARD_METRICS, 'kube_statefulset_status_replicas_ready']);
    const used = [...new Set([...ruleExprs, ...dashboardExprs].flatMap(metricNames))].sort();
    expect(used.filter(n => !allowed.has(n))).toEqual([]);
    expect(used).toContain('edge_mcp_errors_total');
    // Registered but never recorded by the pinned version: no rule or panel may rely on them.
    for (const m of Object.values(EDGE_GATEWAY_METRICS).filter(x => !x.recorded)) expect(used).not.toContain(m.name);
  });

  test('the ServiceMonitor scrapes only /metrics on the one port, carrying monitoring.labels', () => {
    const labelled = synthChart(c => new EdgeGateway(c, 'gw', { ...PROPS, monitoring: { ...PROPS.monitoring, labels: { release: 'prom' } } })).objects;
    for (const o of [...ofKind(labelled, 'ServiceMonitor'), ...ofKind(labelled, 'PrometheusRule')]) expect(o.metadata.labels!.release).toBe('prom');
    expect(find(objects, 'ServiceMonitor', 'edge-mcp').spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
    const svc: K8sObject = find(objects, 'Service', 'edge-mcp');
    expect(svc.spec.ports).toEqual([expect.objectContaining({ name: 'http', port: 8082 })]);
  });
});
