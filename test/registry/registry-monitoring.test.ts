import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { Registry, RegistryProps } from '../../src/registry/registry';
import { backupMaxAgeSeconds } from '../../src/registry/registry-monitoring';
import { K8sObject } from '../support/invariants';
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

const PG: RegistryProps = { replicas: 3, database: { type: 'postgres', url: { secretName: 'db', key: 'uri' } } };
const MONITORING = { prometheusRule: true, dashboard: true, labels: { release: 'kube-prometheus-stack' } };

function render(props: RegistryProps): K8sObject[] {
  return synthChart(chart => new Registry(chart, 'registry', { ...props, monitoring: MONITORING }), 'mcp').objects;
}

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-rules-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function promtool(args: string[], files: Record<string, unknown>): { status: number | null; output: string } {
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(work, name), stringify(content));
  const r = spawnSync('promtool', args, { cwd: work, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const groups = (objects: K8sObject[]) => find(objects, 'PrometheusRule', 'mcp-mesh-registry').spec.groups;
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

  test('promtool check rules accepts every rule, and every dashboard expression as a recording rule', () => {
    const recording = dashboard(objects).panels.flatMap((p: any, i: number) => p.targets.map((t: any, j: number) => ({ record: `dashboard:panel${i}_${j}`, expr: t.expr })));
    const r = promtool(['check', 'rules', 'alerts.yaml', 'dashboard.yaml'], {
      'alerts.yaml': { groups: groups(objects) },
      'dashboard.yaml': { groups: [{ name: 'dashboard', rules: recording }] },
    });
    expect(r.output).not.toMatch(/FAILED|error/i);
    expect(r.status).toBe(0);
  });

  test('every metric is a standard kube-state-metrics, cAdvisor or kubelet metric', () => {
    const names = exprs(objects).flatMap(e => [...e.matchAll(/([a-z_:][a-z0-9_:]*)\{/g)].map(m => m[1]));
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

  // Annotations are template-checked by `promtool check rules`; the unit tests compare labels only.
  const rules = { groups: groups(objects).map((g: any) => ({ ...g, rules: g.rules.map(({ annotations, ...r }: any) => r) })) };

  const cases = [
    {
      name: 'RegistryDown fires when no pod is ready, not when all are or when scaled to zero on purpose',
      input: [
        { series: `kube_statefulset_status_replicas_ready{${sts}}`, values: '3 3 0x20' },
        { series: `kube_statefulset_replicas{${sts}}`, values: '3x22' },
        { series: 'kube_statefulset_status_replicas_ready{namespace="mcp", statefulset="other"}', values: '0x22' },
        { series: 'kube_statefulset_replicas{namespace="mcp", statefulset="other"}', values: '0x22' },
      ],
      alerts: [
        { eval_time: '1m', alertname: 'RegistryDown', exp_alerts: [] },
        { eval_time: '5m', alertname: 'RegistryDown', exp_alerts: [] },
        { eval_time: '8m', alertname: 'RegistryDown', exp_alerts: [{ exp_labels: { ...labels, namespace: 'mcp', statefulset: 'mcp-mesh-registry' } }] },
      ],
    },
    {
      name: 'RegistryReplicasUnavailable fires after 15 minutes below the desired count',
      input: [
        { series: `kube_statefulset_status_replicas_ready{${sts}}`, values: '3 3 2x30' },
        { series: `kube_statefulset_replicas{${sts}}`, values: '3x32' },
      ],
      alerts: [
        { eval_time: '1m', alertname: 'RegistryReplicasUnavailable', exp_alerts: [] },
        { eval_time: '10m', alertname: 'RegistryReplicasUnavailable', exp_alerts: [] },
        { eval_time: '20m', alertname: 'RegistryReplicasUnavailable', exp_alerts: [{ exp_labels: { ...warning, namespace: 'mcp', statefulset: 'mcp-mesh-registry' } }] },
      ],
    },
    {
      name: 'RegistryRestarting fires on 3 restarts within an hour, not on a steady counter',
      input: [
        { series: `kube_pod_container_status_restarts_total{${pod}}`, values: '0x10 1 2 3 4 4x50' },
        { series: 'kube_pod_container_status_restarts_total{namespace="mcp", pod="mcp-mesh-registry-1", container="registry"}', values: '7x70' },
      ],
      alerts: [
        { eval_time: '10m', alertname: 'RegistryRestarting', exp_alerts: [] },
        { eval_time: '20m', alertname: 'RegistryRestarting', exp_alerts: [{ exp_labels: { ...warning, namespace: 'mcp', pod: 'mcp-mesh-registry-0', container: 'registry' } }] },
      ],
    },
    {
      name: 'RegistryMemoryNearLimit fires above 90 % of the limit for 15 minutes',
      input: [
        { series: `container_memory_working_set_bytes{${pod}}`, values: '100x5 470x30' },
        { series: `kube_pod_container_resource_limits{${pod}, resource="memory"}`, values: '512x35' },
        { series: 'container_memory_working_set_bytes{namespace="mcp", pod="mcp-mesh-registry-1", container="registry"}', values: '200x35' },
        { series: 'kube_pod_container_resource_limits{namespace="mcp", pod="mcp-mesh-registry-1", container="registry", resource="memory"}', values: '512x35' },
      ],
      alerts: [
        { eval_time: '10m', alertname: 'RegistryMemoryNearLimit', exp_alerts: [] },
        { eval_time: '25m', alertname: 'RegistryMemoryNearLimit', exp_alerts: [{ exp_labels: { ...warning, namespace: 'mcp', pod: 'mcp-mesh-registry-0' } }] },
      ],
    },
    {
      // Created at 0 s, never succeeds, then succeeds at minute 1600 (96,000 s).
      name: 'RegistryBackupTooOld fires when no backup ever ran, and clears once one succeeds',
      input: [
        { series: `kube_cronjob_created{${cron}}`, values: '0x1700' },
        { series: `kube_cronjob_status_last_successful_time{${cron}}`, values: '_x1600 96000x100' },
      ],
      alerts: [
        { eval_time: `${Math.floor(maxAge / 60) - 10}m`, alertname: 'RegistryBackupTooOld', exp_alerts: [] },
        { eval_time: `${Math.ceil(maxAge / 60) + 10}m`, alertname: 'RegistryBackupTooOld', exp_alerts: [{ exp_labels: { ...warning, namespace: 'mcp', cronjob: 'mcp-mesh-registry-backup' } }] },
        { eval_time: '1610m', alertname: 'RegistryBackupTooOld', exp_alerts: [] },
      ],
    },
    {
      // Succeeded at 1,000 s, then every run fails: the last success only ages.
      name: 'RegistryBackupTooOld fires when backups keep failing after a success',
      input: [
        { series: `kube_cronjob_created{${cron}}`, values: '0x1700' },
        { series: `kube_cronjob_status_last_successful_time{${cron}}`, values: '1000x1700' },
      ],
      alerts: [
        { eval_time: `${Math.floor((maxAge + 1000) / 60) - 10}m`, alertname: 'RegistryBackupTooOld', exp_alerts: [] },
        { eval_time: `${Math.ceil((maxAge + 1000) / 60) + 10}m`, alertname: 'RegistryBackupTooOld', exp_alerts: [{ exp_labels: { ...warning, namespace: 'mcp', cronjob: 'mcp-mesh-registry-backup' } }] },
      ],
    },
  ];

  test('the default backup threshold is one daily interval plus the starting and active deadlines', () => {
    expect(maxAge).toBe(86400 + 1800 + 3600);
    expect(groups(objects)[0].rules.find((r: any) => r.alert === 'RegistryBackupTooOld').expr).toContain(`> ${maxAge}`);
    expect(backupMaxAgeSeconds('0 2 * * 0', undefined, 0, 0)).toBe(7 * 86400);
    expect(backupMaxAgeSeconds('0 */6 * * *', 'Europe/Berlin', 0, 0)).toBe(6 * 3600);
  });

  test('every alert has a unit test', () => {
    expect(new Set(cases.flatMap(c => c.alerts.map(a => a.alertname)))).toEqual(new Set(alertNames(objects)));
  });

  test.each(cases.map(c => [c.name, c]))('%s', (_name, c: any) => {
    const r = promtool(['test', 'rules', 'test.yaml'], {
      'rules.yaml': rules,
      'test.yaml': { rule_files: ['rules.yaml'], evaluation_interval: '1m', tests: [{ interval: '1m', input_series: c.input, alert_rule_test: c.alerts }] },
    });
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
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
