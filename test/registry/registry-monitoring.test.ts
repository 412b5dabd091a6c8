import { Registry, RegistryProps } from '../../src/registry/registry';
import { backupMaxAgeSeconds } from '../../src/registry/registry-monitoring';
import { K8sObject } from '../support/invariants';
import { checkRules, metricNames, promqlErrors, RuleFileSpec, RuleUnitTest, testRules } from '../support/promtool';
import { find, ofKind, synthChart } from '../support/synth';

// The registry exports no metrics: its alerts and dashboard use kube-state-metrics, cAdvisor and
// kubelet metrics only. promtool (Debian prometheus 2.42) checks every rendered rule and runs one
// unit test per alert: it fires on a synthetic bad series and stays silent on a healthy one.

const STANDARD_METRICS = new Set([
  'kube_statefulset_status_replicas_ready', 'kube_statefulset_replicas', 'kube_pod_container_status_restarts_total',
  'kube_pod_container_resource_limits', 'kube_cronjob_status_last_successful_time', 'kube_cronjob_created',
  'container_cpu_usage_seconds_total', 'container_memory_working_set_bytes', 'container_network_receive_bytes_total',
  'container_network_transmit_bytes_total', 'kubelet_volume_stats_used_bytes', 'kubelet_volume_stats_capacity_bytes',
]);

const PG: RegistryProps = { replicas: 3, database: { type: 'postgres', url: { secretName: 'db', key: 'uri' }, host: 'registry-db-rw.db.svc' } };
const MONITORING = { prometheusRule: true, dashboard: true, labels: { release: 'kube-prometheus-stack' } };

function render(props: RegistryProps): K8sObject[] {
  return synthChart(chart => new Registry(chart, 'registry', { ...props, monitoring: MONITORING }), 'mcp').objects;
}

const ruleSpec = (objects: K8sObject[]) => find(objects, 'PrometheusRule', 'mcp-mesh-registry').spec as RuleFileSpec;
const groups = (objects: K8sObject[]) => ruleSpec(objects).groups as any[];
const alertNames = (objects: K8sObject[]) => groups(objects)[0].rules.map((r: any) => r.alert);
const dashboard = (objects: K8sObject[]) => JSON.parse(find(objects, 'ConfigMap', 'mcp-mesh-registry-dashboard').data['mcp-mesh-registry-dashboard.json']);
const exprs = (objects: K8sObject[]) => [
  ...groups(objects)[0].rules.map((r: any) => r.expr as string),
  ...dashboard(objects).panels.flatMap((p: any) => p.targets.map((t: any) => t.expr as string)),
];

describe.each([['PostgreSQL', PG], ['SQLite', {}]])('monitoring of a registry on %s', (_label, props) => {
  const objects = render(props as RegistryProps);

  test('no scrape target: the registry exports no metrics', () => {
    expect(ofKind(objects, 'ServiceMonitor').concat(ofKind(objects, 'PodMonitor'))).toEqual([]);
  });

  test('the PrometheusRule carries the monitoring labels, and every alert a runbook and a summary', () => {
    const rule = find(objects, 'PrometheusRule', 'mcp-mesh-registry');
    expect(rule.metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(alertNames(objects)).toEqual(['RegistryDown', 'RegistryReplicasUnavailable', 'RegistryRestarting', 'RegistryMemoryNearLimit', 'RegistryBackupTooOld']);
    for (const r of groups(objects)[0].rules) expect(Object.keys(r.annotations).sort()).toEqual(['description', 'runbook', 'summary']);
  });

  test('promtool check rules accepts every rule, and every dashboard expression parses', () => {
    expect(checkRules(ruleSpec(objects))).toMatchObject({ ok: true });
    const panels = dashboard(objects).panels.flatMap((p: any) => p.targets.map((t: any) => t.expr as string));
    expect(panels.length).toBeGreaterThan(5);
    expect([...promqlErrors(panels)]).toEqual([]);
  });

  test('every metric is a standard kube-state-metrics, cAdvisor or kubelet metric', () => {
    const names = exprs(objects).flatMap(metricNames);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter(n => !STANDARD_METRICS.has(n))).toEqual([]);
  });
});

describe('promtool unit tests: each alert fires on a bad series and stays silent on a healthy one', () => {
  const objects = render(PG);
  const sts = 'namespace="mcp", statefulset="mcp-mesh-registry"';
  const pod = 'namespace="mcp", pod="mcp-mesh-registry-0", container="registry"';
  const cron = 'namespace="mcp", cronjob="mcp-mesh-registry-backup"';
  const labels = { severity: 'critical', component: 'registry' };
  const warning = { ...labels, severity: 'warning' };
  const maxAge = backupMaxAgeSeconds('0 2 * * *', undefined, 1800, 3600);

  const cases: (RuleUnitTest & { name: string; alerts: NonNullable<RuleUnitTest['alerts']> })[] = [
    {
      name: 'RegistryDown fires when no pod is ready, not when all are or when scaled to zero on purpose',
      inputSeries: [
        { series: `kube_statefulset_status_replicas_ready{${sts}}`, values: '3 3 0x20' },
        { series: `kube_statefulset_replicas{${sts}}`, values: '3x22' },
        { series: 'kube_statefulset_status_replicas_ready{namespace="mcp", statefulset="other"}', values: '0x22' },
        { series: 'kube_statefulset_replicas{namespace="mcp", statefulset="other"}', values: '0x22' },
      ],
      alerts: [
        { evalTime: '1m', alertname: 'RegistryDown', expected: [] },
        { evalTime: '5m', alertname: 'RegistryDown', expected: [] },
        { evalTime: '8m', alertname: 'RegistryDown', expected: [{ labels: { ...labels, namespace: 'mcp', statefulset: 'mcp-mesh-registry' } }] },
      ],
    },
    {
      name: 'RegistryReplicasUnavailable fires after 15 minutes below the desired count',
      inputSeries: [
        { series: `kube_statefulset_status_replicas_ready{${sts}}`, values: '3 3 2x30' },
        { series: `kube_statefulset_replicas{${sts}}`, values: '3x32' },
      ],
      alerts: [
        { evalTime: '1m', alertname: 'RegistryReplicasUnavailable', expected: [] },
        { evalTime: '10m', alertname: 'RegistryReplicasUnavailable', expected: [] },
        { evalTime: '20m', alertname: 'RegistryReplicasUnavailable', expected: [{ labels: { ...warning, namespace: 'mcp', statefulset: 'mcp-mesh-registry' } }] },
      ],
    },
    {
      name: 'RegistryRestarting fires on 3 restarts within an hour, not on a steady counter',
      inputSeries: [
        { series: `kube_pod_container_status_restarts_total{${pod}}`, values: '0x10 1 2 3 4 4x50' },
        { series: 'kube_pod_container_status_restarts_total{namespace="mcp", pod="mcp-mesh-registry-1", container="registry"}', values: '7x70' },
      ],
      alerts: [
        { evalTime: '10m', alertname: 'RegistryRestarting', expected: [] },
        { evalTime: '20m', alertname: 'RegistryRestarting', expected: [{ labels: { ...warning, namespace: 'mcp', pod: 'mcp-mesh-registry-0', container: 'registry' } }] },
      ],
    },
    {
      name: 'RegistryMemoryNearLimit fires above 90 % of the limit for 15 minutes',
      inputSeries: [
        { series: `container_memory_working_set_bytes{${pod}}`, values: '100x5 470x30' },
        { series: `kube_pod_container_resource_limits{${pod}, resource="memory"}`, values: '512x35' },
        { series: 'container_memory_working_set_bytes{namespace="mcp", pod="mcp-mesh-registry-1", container="registry"}', values: '200x35' },
        { series: 'kube_pod_container_resource_limits{namespace="mcp", pod="mcp-mesh-registry-1", container="registry", resource="memory"}', values: '512x35' },
      ],
      alerts: [
        { evalTime: '10m', alertname: 'RegistryMemoryNearLimit', expected: [] },
        { evalTime: '25m', alertname: 'RegistryMemoryNearLimit', expected: [{ labels: { ...warning, namespace: 'mcp', pod: 'mcp-mesh-registry-0' } }] },
      ],
    },
    {
      // Created at 0 s, never succeeds, then succeeds at minute 1600 (96,000 s).
      name: 'RegistryBackupTooOld fires when no backup ever ran, and clears once one succeeds',
      inputSeries: [
        { series: `kube_cronjob_created{${cron}}`, values: '0x1700' },
        { series: `kube_cronjob_status_last_successful_time{${cron}}`, values: '_x1600 96000x100' },
      ],
      alerts: [
        { evalTime: `${Math.floor(maxAge / 60) - 10}m`, alertname: 'RegistryBackupTooOld', expected: [] },
        { evalTime: `${Math.ceil(maxAge / 60) + 10}m`, alertname: 'RegistryBackupTooOld', expected: [{ labels: { ...warning, namespace: 'mcp', cronjob: 'mcp-mesh-registry-backup' } }] },
        { evalTime: '1610m', alertname: 'RegistryBackupTooOld', expected: [] },
      ],
    },
    {
      // Succeeded at 1,000 s, then every run fails: the last success only ages.
      name: 'RegistryBackupTooOld fires when backups keep failing after a success',
      inputSeries: [
        { series: `kube_cronjob_created{${cron}}`, values: '0x1700' },
        { series: `kube_cronjob_status_last_successful_time{${cron}}`, values: '1000x1700' },
      ],
      alerts: [
        { evalTime: `${Math.floor((maxAge + 1000) / 60) - 10}m`, alertname: 'RegistryBackupTooOld', expected: [] },
        { evalTime: `${Math.ceil((maxAge + 1000) / 60) + 10}m`, alertname: 'RegistryBackupTooOld', expected: [{ labels: { ...warning, namespace: 'mcp', cronjob: 'mcp-mesh-registry-backup' } }] },
      ],
    },
  ];

  test('the default backup threshold is one daily interval plus the starting and active deadlines', () => {
    expect(maxAge).toBe(86400 + 1800 + 3600);
    expect(groups(objects)[0].rules.find((r: any) => r.alert === 'RegistryBackupTooOld').expr).toContain(`> ${maxAge}`);
    expect(backupMaxAgeSeconds('0 2 * * 0', undefined, 0, 0)).toBe(7 * 86400);
    // The autumn clock change makes one gap in Berlin 7 hours of real time: the alert must tolerate it.
    expect(backupMaxAgeSeconds('0 */6 * * *', 'Europe/Berlin', 0, 0)).toBe(7 * 3600);
    expect(backupMaxAgeSeconds('0 */6 * * *', 'UTC', 0, 0)).toBe(6 * 3600);
  });

  test('every alert has a unit test', () => {
    expect(new Set(cases.flatMap(c => c.alerts.map(a => a.alertname)))).toEqual(new Set(alertNames(objects)));
  });

  test.each(cases.map(c => [c.name, c] as const))('%s', (_name, c) => {
    // Annotations are template-checked by checkRules above; the unit tests compare labels.
    const result = testRules(ruleSpec(objects), [c]);
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });
});

test('alert thresholds and durations are props', () => {
  const objects = render({ ...PG, alerts: { downFor: '2m', restartsPerHour: 5, memoryLimitRatio: 0.8, backupMaxAgeSeconds: 7200 } });
  const rule = (name: string) => groups(objects)[0].rules.find((r: any) => r.alert === name);
  expect(rule('RegistryDown').for).toBe('2m');
  expect(rule('RegistryRestarting').expr).toMatch(/>= 5$/);
  expect(rule('RegistryMemoryNearLimit').expr).toMatch(/> 0.8$/);
  expect(rule('RegistryBackupTooOld').expr).toMatch(/> 7200$/);
});

test('no backup, no backup alert or panel; monitoring off renders nothing', () => {
  const objects = render({ backup: { enabled: false } });
  expect(alertNames(objects)).not.toContain('RegistryBackupTooOld');
  expect(JSON.stringify(dashboard(objects))).not.toContain('cronjob');
  const plain = synthChart(chart => new Registry(chart, 'registry'), 'mcp').objects;
  expect(ofKind(plain, 'PrometheusRule')).toEqual([]);
  expect(plain.filter(o => o.metadata.labels?.grafana_dashboard)).toEqual([]);
});
