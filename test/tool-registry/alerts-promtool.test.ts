/**
 * The Tool Registry's alerts under the real rule engine (promtool 2.42): every rendered rule
 * passes `promtool check rules`; each alert fires on a synthetic bad series and stays silent on
 * a healthy one (the backup alerts across fail -> success); every dashboard query parses; every
 * metric read is in the runtime contract or a standard kube-state-metrics/cAdvisor metric.
 */
import { ToolRegistry, ToolRegistryProps } from '../../src/tool-registry/tool-registry';
import { TOOL_REGISTRY_PRESETS } from '../../src/tool-registry/tool-registry-presets';
import { CNPG_METRICS, TOOL_REGISTRY_METRICS } from '../../src/tool-registry/tool-registry-runtime';
import { checkRules, metricNames, promqlErrors, RuleFileSpec, RuleUnitTest, testRules } from '../support/promtool';
import { synthChart } from '../support/synth';
import { find, K8sObject, TEST_IMAGE } from './helpers';

const monitoring = { scrape: true, prometheusRule: true, dashboard: true };
const statefulset = synthChart(chart => new ToolRegistry(chart, 'tool-registry', { ...TOOL_REGISTRY_PRESETS.staging, image: TEST_IMAGE, monitoring } as ToolRegistryProps)).objects;
const cnpg = synthChart(chart => new ToolRegistry(chart, 'tool-registry', { ...TOOL_REGISTRY_PRESETS.prod, image: TEST_IMAGE, monitoring } as ToolRegistryProps)).objects;
const rule = (objects: K8sObject[], name: string) => find(objects, 'PrometheusRule', name).spec as RuleFileSpec;

const NS = 'namespace="test"';
const api = { severity: 'critical', service: 'tool-registry' };
const warnApi = { ...api, severity: 'warning' };
const db = { severity: 'critical', service: 'tool-registry-db' };
const warnDb = { ...db, severity: 'warning' };
const POD = 'tool-registry-7d9f8c6b5-x2k4p';

/** A bad and a healthy test of one alert: `bad` series must fire with `labels` at `at`, `healthy` ones stay silent. */
function firesAndClears(alertname: string, at: string, labels: Record<string, string>, bad: [string, string][], healthy: [string, string][]): RuleUnitTest[] {
  const series = (s: [string, string][]) => s.map(([selector, values]) => ({ series: selector, values }));
  return [
    { name: `${alertname} fires`, inputSeries: series(bad), alerts: [{ evalTime: at, alertname, expected: [{ labels }] }] },
    { name: `${alertname} stays silent`, inputSeries: series(healthy), alerts: [{ evalTime: at, alertname, expected: [] }] },
  ];
}

function expectPasses(spec: RuleFileSpec, tests: RuleUnitTest[]): void {
  const result = testRules(spec, tests);
  expect(result.output).toContain('SUCCESS');
  expect(result.ok).toBe(true);
}

describe('promtool check rules', () => {
  test.each([
    ['API', statefulset, 'tool-registry'], ['statefulset database', statefulset, 'tool-registry-db'],
    ['API (cnpg)', cnpg, 'tool-registry'], ['cloudnative-pg database', cnpg, 'tool-registry-db'],
  ] as const)('%s rules pass', (_name, objects, name) => {
    const result = checkRules(rule(objects, name));
    expect(result).toMatchObject({ ok: true });
  });
});

describe('API alerts under promtool test rules', () => {
  const pod = `${NS}, pod="${POD}", container="tool-registry"`;
  const requests = (status: string) => `${TOOL_REGISTRY_METRICS.requests}{${NS}, job="tool-registry", status="${status}", handler="/mcp/find_tool", method="POST"}`;
  const bucket = (le: string) => `${TOOL_REGISTRY_METRICS.requestDuration}_bucket{${NS}, job="tool-registry", handler="/mcp/find_tool", method="POST", le="${le}"}`;
  const hpa = `${NS}, horizontalpodautoscaler="tool-registry"`;
  test.each([
    ['ToolRegistryUnavailable', firesAndClears('ToolRegistryUnavailable', '10m', { ...api, namespace: 'test', deployment: 'tool-registry' },
      [[`kube_deployment_status_replicas_available{${NS}, deployment="tool-registry"}`, '0x15']],
      [[`kube_deployment_status_replicas_available{${NS}, deployment="tool-registry"}`, '2x15']])],
    ['ToolRegistryRestarting', firesAndClears('ToolRegistryRestarting', '60m', { ...warnApi, namespace: 'test', pod: POD, container: 'tool-registry' },
      [[`kube_pod_container_status_restarts_total{${pod}}`, '0+1x70']],
      [[`kube_pod_container_status_restarts_total{${pod}}`, '0x70']])],
    ['ToolRegistryHighErrorRate', firesAndClears('ToolRegistryHighErrorRate', '15m', api,
      [[requests('5xx'), '0+30x20'], [requests('2xx'), '0+60x20']],
      [[requests('5xx'), '0+1x20'], [requests('2xx'), '0+100x20']])],
    ['ToolRegistryHighLatency', firesAndClears('ToolRegistryHighLatency', '20m', warnApi,
      [[bucket('0.5'), '0x30'], [bucket('1'), '0x30'], [bucket('5'), '0+10x30'], [bucket('+Inf'), '0+10x30']],
      [[bucket('0.5'), '0+10x30'], [bucket('1'), '0+10x30'], [bucket('5'), '0+10x30'], [bucket('+Inf'), '0+10x30']])],
    ['ToolRegistryCpuExhaustion', firesAndClears('ToolRegistryCpuExhaustion', '25m', { ...warnApi, pod: POD },
      [[`container_cpu_usage_seconds_total{${pod}}`, '0+57x30'], [`kube_pod_container_resource_limits{${pod}, resource="cpu", unit="core"}`, '1x30']],
      [[`container_cpu_usage_seconds_total{${pod}}`, '0+6x30'], [`kube_pod_container_resource_limits{${pod}, resource="cpu", unit="core"}`, '1x30']])],
    ['ToolRegistryMemoryExhaustion', firesAndClears('ToolRegistryMemoryExhaustion', '15m', { ...warnApi, pod: POD },
      [[`container_memory_working_set_bytes{${pod}}`, '2000000000x20'], [`kube_pod_container_resource_limits{${pod}, resource="memory", unit="byte"}`, '2147483648x20']],
      [[`container_memory_working_set_bytes{${pod}}`, '1000000000x20'], [`kube_pod_container_resource_limits{${pod}, resource="memory", unit="byte"}`, '2147483648x20']])],
    ['ToolRegistryAutoscalerAtMaximum', firesAndClears('ToolRegistryAutoscalerAtMaximum', '20m', { ...warnApi, namespace: 'test', horizontalpodautoscaler: 'tool-registry' },
      [[`kube_horizontalpodautoscaler_status_current_replicas{${hpa}}`, '10x20'], [`kube_horizontalpodautoscaler_spec_max_replicas{${hpa}}`, '10x20']],
      [[`kube_horizontalpodautoscaler_status_current_replicas{${hpa}}`, '4x20'], [`kube_horizontalpodautoscaler_spec_max_replicas{${hpa}}`, '10x20']])],
  ])('%s', (_name, tests) => {
    expectPasses(rule(statefulset, 'tool-registry'), tests);
  });

  test('every API alert has a promtool unit test', () => {
    expect(rule(statefulset, 'tool-registry').groups[0].rules.map(r => r.alert)).toEqual([
      'ToolRegistryUnavailable', 'ToolRegistryRestarting', 'ToolRegistryHighErrorRate', 'ToolRegistryHighLatency',
      'ToolRegistryCpuExhaustion', 'ToolRegistryMemoryExhaustion', 'ToolRegistryAutoscalerAtMaximum',
    ]);
  });
});

describe('statefulset database alerts under promtool test rules', () => {
  const spec = rule(statefulset, 'tool-registry-db');
  const cron = `${NS}, cronjob="tool-registry-db-backup"`;
  const backupLabels = { ...warnDb, namespace: 'test', cronjob: 'tool-registry-db-backup' };

  test('ToolRegistryDatabaseUnavailable', () => {
    expectPasses(spec, firesAndClears('ToolRegistryDatabaseUnavailable', '10m', { ...db, namespace: 'test', statefulset: 'tool-registry-db' },
      [[`kube_statefulset_status_replicas_ready{${NS}, statefulset="tool-registry-db"}`, '0x15']],
      [[`kube_statefulset_status_replicas_ready{${NS}, statefulset="tool-registry-db"}`, '1x15']]));
  });

  test('the backup threshold derives from the daily schedule: 24 h + the 1 h Job deadline + 30 min start delay', () => {
    expect(spec.groups[0].rules.find(r => r.alert === 'ToolRegistryDatabaseBackupTooOld')!.expr).toContain('> 91800');
  });

  test('ToolRegistryDatabaseBackupTooOld: silent before the threshold, fires when no backup ever succeeded, clears after a success', () => {
    // The CronJob exists from t=0; its Jobs fail (no last successful time) until minute 2000.
    expectPasses(spec, [{
      name: 'fail -> success',
      inputSeries: [
        { series: `kube_cronjob_created{${cron}}`, values: '0x2200' },
        { series: `kube_cronjob_status_last_successful_time{${cron}}`, values: '_x2000 120000x200' },
      ],
      alerts: [
        { evalTime: '1500m', alertname: 'ToolRegistryDatabaseBackupTooOld', expected: [] },
        { evalTime: '1900m', alertname: 'ToolRegistryDatabaseBackupTooOld', expected: [{ labels: backupLabels }] },
        { evalTime: '2100m', alertname: 'ToolRegistryDatabaseBackupTooOld', expected: [] },
      ],
    }, {
      name: 'success, then every run fails',
      inputSeries: [
        { series: `kube_cronjob_created{${cron}}`, values: '0x1700' },
        { series: `kube_cronjob_status_last_successful_time{${cron}}`, values: '_x9 600x1690' },
      ],
      alerts: [
        { evalTime: '1500m', alertname: 'ToolRegistryDatabaseBackupTooOld', expected: [] },
        { evalTime: '1600m', alertname: 'ToolRegistryDatabaseBackupTooOld', expected: [{ labels: backupLabels }] },
      ],
    }]);
  });
});

describe('cloudnative-pg database alerts under promtool test rules', () => {
  const spec = rule(cnpg, 'tool-registry-db');
  const ready = (pod: number) => `kube_pod_status_ready{${NS}, pod="tool-registry-db-${pod}", condition="true"}`;
  const up = (pod: number) => `${CNPG_METRICS.up}{${NS}, pod="tool-registry-db-${pod}", cluster="tool-registry-db"}`;
  const lastBackup = `${CNPG_METRICS.lastBackupPlugin}{${NS}, pod="tool-registry-db-1"}`;

  test.each([
    ['ToolRegistryDatabaseUnavailable', firesAndClears('ToolRegistryDatabaseUnavailable', '10m', db,
      [[ready(1), '0x15'], [ready(2), '0x15'], [ready(3), '0x15']],
      [[ready(1), '1x15'], [ready(2), '0x15'], [ready(3), '0x15']])],
    ['ToolRegistryDatabaseInstanceNotReady', firesAndClears('ToolRegistryDatabaseInstanceNotReady', '20m', warnDb,
      [[ready(1), '1x25'], [ready(2), '1x25'], [ready(3), '0x25']],
      [[ready(1), '1x25'], [ready(2), '1x25'], [ready(3), '1x25']])],
    ['ToolRegistryDatabaseReplicationLag', firesAndClears('ToolRegistryDatabaseReplicationLag', '15m', { ...warnDb, pod: 'tool-registry-db-2' },
      [[`${CNPG_METRICS.replicationLag}{${NS}, pod="tool-registry-db-2"}`, '120x20']],
      [[`${CNPG_METRICS.replicationLag}{${NS}, pod="tool-registry-db-2"}`, '0x20']])],
    ['ToolRegistryDatabasePoolerUnavailable', firesAndClears('ToolRegistryDatabasePoolerUnavailable', '10m', { ...db, namespace: 'test', deployment: 'tool-registry-db-pooler-rw' },
      [[`kube_deployment_status_replicas_available{${NS}, deployment="tool-registry-db-pooler-rw"}`, '0x15']],
      [[`kube_deployment_status_replicas_available{${NS}, deployment="tool-registry-db-pooler-rw"}`, '2x15']])],
  ])('%s', (_name, tests) => {
    expectPasses(spec, tests);
  });

  test('ToolRegistryDatabaseBackupTooOld: fires while no backup exists, clears after one, fires again when the newest is older than the schedule allows', () => {
    expectPasses(spec, [{
      name: 'no backup -> backup',
      inputSeries: [{ series: up(1), values: '1x200' }, { series: lastBackup, values: '_x99 6000x100' }],
      alerts: [
        { evalTime: '30m', alertname: 'ToolRegistryDatabaseBackupTooOld', expected: [{ labels: { ...warnDb, namespace: 'test' } }] },
        { evalTime: '150m', alertname: 'ToolRegistryDatabaseBackupTooOld', expected: [] },
      ],
    }, {
      name: 'backup too old',
      inputSeries: [{ series: up(1), values: '1x1600' }, { series: lastBackup, values: '0x1600' }],
      alerts: [
        { evalTime: '1400m', alertname: 'ToolRegistryDatabaseBackupTooOld', expected: [] },
        { evalTime: '1530m', alertname: 'ToolRegistryDatabaseBackupTooOld', expected: [{ labels: warnDb }] },
      ],
    }]);
  });
});

describe('dashboards and metric names', () => {
  const dashboardExprs = (objects: K8sObject[]) => {
    const cm = find(objects, 'ConfigMap', 'tool-registry-dashboard');
    return JSON.parse(Object.values(cm.data as Record<string, string>)[0]).panels.flatMap((p: any) => p.targets.map((t: any) => t.expr as string));
  };
  const ruleExprs = (objects: K8sObject[]) => ['tool-registry', 'tool-registry-db'].flatMap(n => rule(objects, n).groups[0].rules.map(r => String(r.expr)));
  // Standard kube-state-metrics and cAdvisor (kubelet) series.
  const STANDARD = [
    'kube_deployment_status_replicas_available', 'kube_statefulset_status_replicas_ready', 'kube_pod_status_ready', 'kube_pod_container_status_restarts_total',
    'kube_pod_container_resource_limits', 'kube_horizontalpodautoscaler_status_current_replicas', 'kube_horizontalpodautoscaler_spec_max_replicas',
    'kube_cronjob_status_last_successful_time', 'kube_cronjob_created', 'container_cpu_usage_seconds_total', 'container_memory_working_set_bytes',
  ];
  const CONTRACT = [...Object.values(TOOL_REGISTRY_METRICS), `${TOOL_REGISTRY_METRICS.requestDuration}_bucket`, ...Object.values(CNPG_METRICS)];

  test.each([['statefulset', statefulset], ['cloudnative-pg', cnpg]] as const)('%s: every dashboard query parses', (_name, objects) => {
    expect([...promqlErrors(dashboardExprs(objects)).values()]).toEqual([]);
  });

  test.each([['statefulset', statefulset], ['cloudnative-pg', cnpg]] as const)('%s: every metric is in the runtime contract or standard', (_name, objects) => {
    const names = [...new Set([...dashboardExprs(objects), ...ruleExprs(objects)].flatMap(metricNames))];
    expect(names.filter(n => !STANDARD.includes(n) && !CONTRACT.includes(n))).toEqual([]);
    expect(names).not.toEqual(expect.arrayContaining(['tool_registry_tools_total']));
  });
});
