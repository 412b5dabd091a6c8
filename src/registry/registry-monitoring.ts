import { IConstruct } from 'constructs';
import { longestCronIntervalSeconds } from '../common/cron-interval';
import { invalid } from '../common/errors';
import { AlertRule, DashboardPanel } from '../common/monitoring';
import { validateInteger } from '../common/validation';
import { RegistryAlertOptions } from './registry-props';

// The registry exports no metrics (registry-runtime.ts), so everything here comes from
// kube-state-metrics (kube_*), cAdvisor (container_*) and the kubelet (kubelet_volume_stats_*):
// the metrics a default kube-prometheus-stack scrapes.

/** What the registry's alerts and dashboard select on. @internal */
export interface RegistryMonitoringTarget {
  /** The StatefulSet's name (pods are `<name>-<ordinal>`). */
  readonly name: string;
  /** The registry container. */
  readonly container: string;
  /** Namespace, when the chart has one. */
  readonly namespace?: string;
  /** The backup CronJob and its PVC, when backups are on. */
  readonly backup?: { readonly cronJob: string; readonly claim: string; readonly maxAgeSeconds: number };
  /** The SQLite data volume's claim template name, when SQLite is used. */
  readonly dataClaimTemplate?: string;
}

/** {@link RegistryAlertOptions} with defaults applied (backup age comes with the target). @internal */
export type ResolvedRegistryAlerts = Required<Omit<RegistryAlertOptions, 'backupMaxAgeSeconds'>>;

const DURATION = /^[0-9]+(ms|s|m|h|d|w|y)$/;

/**
 * Applies the alert defaults and checks the values.
 * @throws McpConfigError naming `alerts.<field>` for a malformed duration or a value out of range
 * @internal
 */
export function resolveRegistryAlerts(scope: IConstruct, options: RegistryAlertOptions | undefined): ResolvedRegistryAlerts {
  const o = options ?? {};
  const duration = (field: keyof RegistryAlertOptions, value: string) => {
    if (typeof value !== 'string' || !DURATION.test(value)) invalid(scope, `alerts.${field}`, value, "use a Prometheus duration such as '30s', '5m' or '1h'");
    return value;
  };
  const ratio = o.memoryLimitRatio ?? 0.9;
  if (!(ratio > 0 && ratio < 1)) invalid(scope, 'alerts.memoryLimitRatio', ratio, 'use a share of the limit between 0 and 1, such as 0.9');
  return {
    downFor: duration('downFor', o.downFor ?? '5m'),
    unavailableFor: duration('unavailableFor', o.unavailableFor ?? '15m'),
    restartsPerHour: validateInteger(scope, 'alerts.restartsPerHour', o.restartsPerHour ?? 3, 1),
    memoryLimitRatio: ratio,
    memoryFor: duration('memoryFor', o.memoryFor ?? '15m'),
  };
}

/**
 * Seconds after which a backup counts as missed: the longest gap between two runs of `cron`
 * (over its next 200 runs) plus how late a run may start and how long it may take.
 * @internal
 */
export function backupMaxAgeSeconds(cron: string, timeZone: string | undefined, startingDeadlineSeconds: number, activeDeadlineSeconds: number): number {
  return longestCronIntervalSeconds(cron, timeZone) + startingDeadlineSeconds + activeDeadlineSeconds;
}

function selectors(t: RegistryMonitoringTarget) {
  const ns = t.namespace ? `namespace="${t.namespace}", ` : '';
  return {
    statefulSet: `${ns}statefulset="${t.name}"`,
    container: `${ns}pod=~"${t.name}-[0-9]+", container="${t.container}"`,
    pods: `${ns}pod=~"${t.name}-[0-9]+"`,
    cronJob: t.backup ? `${ns}cronjob="${t.backup.cronJob}"` : '',
    claims: `${ns}persistentvolumeclaim=~"${[t.dataClaimTemplate && `${t.dataClaimTemplate}-${t.name}-[0-9]+`, t.backup?.claim].filter(Boolean).join('|')}"`,
    where: t.namespace ? ` in ${t.namespace}` : '',
  };
}

/** The registry's alerts: availability, restarts, memory and backups. @internal */
export function registryAlerts(t: RegistryMonitoringTarget, a: ResolvedRegistryAlerts): AlertRule[] {
  const s = selectors(t);
  const ns = t.namespace ?? '<namespace>';
  const alerts: AlertRule[] = [
    {
      alert: 'RegistryDown', severity: 'critical', for: a.downFor,
      expr: `kube_statefulset_status_replicas_ready{${s.statefulSet}} == 0 and on (namespace, statefulset) kube_statefulset_replicas{${s.statefulSet}} > 0`,
      summary: `MCP Mesh registry ${t.name} has no ready pod${s.where}`,
      description: `No pod of StatefulSet ${t.name} has been ready for ${a.downFor}: agents cannot register, heartbeat or resolve dependencies.`,
      runbook: `kubectl -n ${ns} describe statefulset ${t.name}; kubectl -n ${ns} logs ${t.name}-0 --previous; check the database (DATABASE_URL Secret, the wait-for-database init container) and the data volume.`,
    },
    {
      alert: 'RegistryReplicasUnavailable', severity: 'warning', for: a.unavailableFor,
      expr: `kube_statefulset_status_replicas_ready{${s.statefulSet}} < on (namespace, statefulset) kube_statefulset_replicas{${s.statefulSet}}`,
      summary: `MCP Mesh registry ${t.name} runs fewer ready pods than desired${s.where}`,
      description: `Only {{ $value }} pods of StatefulSet ${t.name} have been ready for ${a.unavailableFor}; the registry has lost redundancy.`,
      runbook: `kubectl -n ${ns} get pods -l app.kubernetes.io/instance=${t.name} -o wide; describe the pods that are not ready (scheduling, probes, image pulls).`,
    },
    {
      alert: 'RegistryRestarting', severity: 'warning', for: '0m',
      expr: `increase(kube_pod_container_status_restarts_total{${s.container}}[1h]) >= ${a.restartsPerHour}`,
      summary: `MCP Mesh registry pod {{ $labels.pod }} restarted often${s.where}`,
      description: `The registry container restarted {{ $value | humanize }} times in the last hour (threshold ${a.restartsPerHour}).`,
      runbook: `kubectl -n ${ns} logs {{ $labels.pod }} --previous; look for database errors and OOMKilled in kubectl describe pod.`,
    },
    {
      alert: 'RegistryMemoryNearLimit', severity: 'warning', for: a.memoryFor,
      expr: `max by (namespace, pod) (container_memory_working_set_bytes{${s.container}}) / max by (namespace, pod) (kube_pod_container_resource_limits{${s.container}, resource="memory"}) > ${a.memoryLimitRatio}`,
      summary: `MCP Mesh registry pod {{ $labels.pod }} is close to its memory limit${s.where}`,
      description: `The working set has been {{ $value | humanizePercentage }} of the memory limit for ${a.memoryFor}; the pod will be OOM-killed when it reaches the limit.`,
      runbook: 'Raise resources.limits.memory, or look for a growing number of registered agents or trace fragments (tracing.exporter console keeps traces in memory).',
    },
  ];
  if (t.backup) {
    const hours = Math.round(t.backup.maxAgeSeconds / 360) / 10;
    alerts.push({
      alert: 'RegistryBackupTooOld', severity: 'warning', for: '0m',
      // A CronJob that never succeeded has no last_successful_time: its creation time counts instead.
      expr: `time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{${s.cronJob}} or kube_cronjob_created{${s.cronJob}}) > ${t.backup.maxAgeSeconds}`,
      summary: `MCP Mesh registry backup ${t.backup.cronJob} has not succeeded for more than ${hours} h${s.where}`,
      description: `The last successful backup is {{ $value | humanizeDuration }} old; the schedule expects one at least every ${hours} h.`,
      runbook: `kubectl -n ${ns} get jobs -l app.kubernetes.io/component=registry-backup; kubectl -n ${ns} logs job/<latest job>; run one now with kubectl -n ${ns} create job --from=cronjob/${t.backup.cronJob} manual-backup.`,
    });
  }
  return alerts;
}

/** Panels of the registry's dashboard. @internal */
export function registryDashboardPanels(t: RegistryMonitoringTarget): DashboardPanel[] {
  const s = selectors(t);
  const panels: DashboardPanel[] = [
    {
      title: 'Ready pods', unit: 'short',
      targets: [
        { expr: `kube_statefulset_status_replicas_ready{${s.statefulSet}}`, legend: 'ready' },
        { expr: `kube_statefulset_replicas{${s.statefulSet}}`, legend: 'desired' },
      ],
    },
    {
      title: 'Container restarts (1h)', unit: 'short',
      targets: [{ expr: `increase(kube_pod_container_status_restarts_total{${s.container}}[1h])`, legend: '{{pod}}' }],
    },
    {
      title: 'CPU', unit: 'cores',
      targets: [
        { expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{${s.container}}[5m]))`, legend: '{{pod}}' },
        { expr: `max(kube_pod_container_resource_limits{${s.container}, resource="cpu"})`, legend: 'limit' },
      ],
    },
    {
      title: 'Memory (working set)', unit: 'bytes',
      targets: [
        { expr: `sum by (pod) (container_memory_working_set_bytes{${s.container}})`, legend: '{{pod}}' },
        { expr: `max(kube_pod_container_resource_limits{${s.container}, resource="memory"})`, legend: 'limit' },
      ],
    },
    {
      title: 'Network', unit: 'Bps',
      targets: [
        { expr: `sum by (pod) (rate(container_network_receive_bytes_total{${s.pods}}[5m]))`, legend: '{{pod}} in' },
        { expr: `sum by (pod) (rate(container_network_transmit_bytes_total{${s.pods}}[5m]))`, legend: '{{pod}} out' },
      ],
    },
  ];
  if (t.dataClaimTemplate || t.backup) {
    panels.push({
      title: 'Volume usage', unit: 'percentunit',
      targets: [{ expr: `max by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes{${s.claims}} / kubelet_volume_stats_capacity_bytes{${s.claims}})`, legend: '{{persistentvolumeclaim}}' }],
    });
  }
  if (t.backup) {
    panels.push({
      title: 'Time since the last successful backup', type: 'stat', unit: 's',
      targets: [{ expr: `time() - max(kube_cronjob_status_last_successful_time{${s.cronJob}})`, legend: t.backup.cronJob }],
    });
  }
  return panels;
}
