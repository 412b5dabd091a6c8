import { IConstruct } from 'constructs';
import { longestCronIntervalSeconds } from '../common/cron-interval';
import { AlertRule, DashboardPanel, MonitoringOptions } from '../common/monitoring';
import { validateInteger } from '../common/validation';
import { CNPG_METRICS } from './tool-registry-runtime';

/**
 * Thresholds and `for` durations of the database alerts. Each alert is listed with its meaning
 * in the README's Tool Registry section.
 */
export interface PgvectorAlertOptions {
  /**
   * Replication lag of a CloudNativePG standby, in seconds, above which
   * `ToolRegistryDatabaseReplicationLag` fires (cloudnative-pg backend with `monitoring.scrape`).
   * @default 30
   */
  readonly replicationLagSeconds?: number;
  /**
   * Age of the newest successful backup, in seconds, above which `ToolRegistryDatabaseBackupTooOld`
   * fires.
   * @default - the schedule's longest interval between two runs, plus the backup Job's
   * activeDeadlineSeconds and 30 minutes of start delay (statefulset), or plus 1 hour
   * (cloudnative-pg)
   */
  readonly backupMaxAgeSeconds?: number;
  /** How long each condition must hold before its alert fires, in minutes. @default - per alert, see {@link PgvectorAlertDurations} */
  readonly forMinutes?: PgvectorAlertDurations;
}

/** `for` durations of the database alerts, in minutes. */
export interface PgvectorAlertDurations {
  /** `ToolRegistryDatabaseUnavailable`. @default 5 */
  readonly unavailable?: number;
  /** `ToolRegistryDatabaseInstanceNotReady` (cloudnative-pg with more than one instance). @default 15 */
  readonly instanceNotReady?: number;
  /** `ToolRegistryDatabaseReplicationLag`. @default 10 */
  readonly replicationLag?: number;
  /** `ToolRegistryDatabaseBackupTooOld`. @default 15 */
  readonly backupTooOld?: number;
  /** `ToolRegistryDatabasePoolerUnavailable`. @default 5 */
  readonly poolerUnavailable?: number;
}

/** Monitoring of a PgvectorDatabase: the shared shape plus the database's alert thresholds. */
export interface PgvectorMonitoringOptions extends MonitoringOptions {
  /** Thresholds and `for` durations of the database alerts. @default - see {@link PgvectorAlertOptions} */
  readonly alerts?: PgvectorAlertOptions;
}

/** What the database alerts select on, resolved by PgvectorDatabase. @internal */
export interface PgvectorAlertTarget {
  readonly backend: 'statefulset' | 'cloudnative-pg';
  /** StatefulSet or Cluster name. */
  readonly name: string;
  readonly namespace?: string;
  readonly instances: number;
  /** Whether the instances' exporters are scraped (cloudnative-pg only). */
  readonly scraped: boolean;
  /** The pg_dump CronJob (statefulset) and its schedule. */
  readonly backupCronJob?: { readonly name: string; readonly schedule: string; readonly timeZone?: string; readonly activeDeadlineSeconds: number };
  /** The ScheduledBackup's five-field UTC schedule and method (cloudnative-pg). */
  readonly scheduledBackup?: { readonly schedule: string; readonly method: 'plugin' | 'volumeSnapshot' };
  /** The Pooler's Deployment name. */
  readonly pooler?: string;
}

// kube-state-metrics' CronJob metrics: kube_cronjob_status_last_successful_time exists only once
// a Job of the CronJob succeeded, so "never succeeded" is measured from kube_cronjob_created.
const KSM = {
  statefulSetReady: 'kube_statefulset_status_replicas_ready',
  podReady: 'kube_pod_status_ready',
  deploymentAvailable: 'kube_deployment_status_replicas_available',
  cronJobLastSuccess: 'kube_cronjob_status_last_successful_time',
  cronJobCreated: 'kube_cronjob_created',
} as const;

/**
 * The database alerts: availability from kube-state-metrics on both backends; on
 * cloudnative-pg, standby readiness, replication lag and the last available backup from the
 * instances' exporters (when scraped) and the Pooler's availability; on statefulset, the
 * backup CronJob's age since its last success.
 * @throws McpConfigError for a threshold or duration out of range
 * @internal
 */
export function pgvectorAlerts(scope: IConstruct, t: PgvectorAlertTarget, options: PgvectorAlertOptions = {}): AlertRule[] {
  const ns = t.namespace ? `namespace="${t.namespace}", ` : '';
  const where = t.namespace ? ` in ${t.namespace}` : '';
  const minutes = (key: keyof PgvectorAlertDurations, fallback: number) => `${validateInteger(scope, `monitoring.alerts.forMinutes.${key}`, options.forMinutes?.[key] ?? fallback, 0, 1440)}m`;
  // Every threshold is checked, whether or not its alert renders.
  for (const key of Object.keys(options.forMinutes ?? {}) as (keyof PgvectorAlertDurations)[]) minutes(key, 0);
  const lag = positive(scope, 'monitoring.alerts.replicationLagSeconds', options.replicationLagSeconds ?? 30);
  if (options.backupMaxAgeSeconds !== undefined) positive(scope, 'monitoring.alerts.backupMaxAgeSeconds', options.backupMaxAgeSeconds);
  const alerts: AlertRule[] = [];
  const get = `kubectl -n ${t.namespace ?? '<namespace>'}`;
  if (t.backend === 'statefulset') {
    alerts.push({
      alert: 'ToolRegistryDatabaseUnavailable', severity: 'critical', for: minutes('unavailable', 5),
      expr: `${KSM.statefulSetReady}{${ns}statefulset="${t.name}"} < 1`,
      summary: `The Tool Registry database ${t.name} has no ready instance${where}`,
      description: `StatefulSet ${t.name} has had no ready PostgreSQL pod for the alert's duration: the Tool Registry API cannot read or write tools.`,
      runbook: `${get} describe statefulset ${t.name}; ${get} logs ${t.name}-0; check the data PVC (full disk, pending attach) and the credentials Secret.`,
    });
  } else {
    const ready = `sum(${KSM.podReady}{${ns}pod=~"${t.name}-[0-9]+", condition="true"})`;
    alerts.push({
      alert: 'ToolRegistryDatabaseUnavailable', severity: 'critical', for: minutes('unavailable', 5),
      expr: `(${ready} or vector(0)) < 1`,
      summary: `The Tool Registry database cluster ${t.name} has no ready instance${where}`,
      description: `No PostgreSQL instance of CloudNativePG cluster ${t.name} has been ready for the alert's duration: the Tool Registry API cannot read or write tools.`,
      runbook: `kubectl cnpg status ${t.name} -n ${t.namespace ?? '<namespace>'}; ${get} get pods -l cnpg.io/cluster=${t.name}; check the operator logs in cnpg-system.`,
    });
    if (t.instances > 1) {
      alerts.push({
        alert: 'ToolRegistryDatabaseInstanceNotReady', severity: 'warning', for: minutes('instanceNotReady', 15),
        expr: `(${ready} or vector(0)) < ${t.instances}`,
        summary: `The Tool Registry database cluster ${t.name} runs fewer than ${t.instances} ready instances${where}`,
        description: 'A standby is missing or not ready: the cluster tolerates one fewer failure until it recovers.',
        runbook: `kubectl cnpg status ${t.name} -n ${t.namespace ?? '<namespace>'}; look for pending pods (node capacity, PVC) or a standby stuck re-cloning.`,
      });
    }
    const pods = `${ns}pod=~"${t.name}-[0-9]+"`;
    if (t.scraped) {
      alerts.push({
        alert: 'ToolRegistryDatabaseReplicationLag', severity: 'warning', for: minutes('replicationLag', 10),
        expr: `max by (pod) (${CNPG_METRICS.replicationLag}{${pods}}) > ${lag}`,
        summary: `Tool Registry database standby {{ $labels.pod }} lags the primary by {{ $value | humanizeDuration }}${where}`,
        description: 'A standby replays WAL late: a failover to it would lose recent writes, and reads from it are stale.',
        runbook: 'Check the standby\'s CPU and disk I/O, the network between nodes, and long-running queries on the standby (hot_standby_feedback conflicts).',
      });
    }
    if (t.scraped && t.scheduledBackup) {
      const metric = t.scheduledBackup.method === 'plugin' ? CNPG_METRICS.lastBackupPlugin : CNPG_METRICS.lastBackupInCore;
      const maxAge = options.backupMaxAgeSeconds ?? longestCronIntervalSeconds(t.scheduledBackup.schedule, 'UTC') + 3600;
      alerts.push({
        alert: 'ToolRegistryDatabaseBackupTooOld', severity: 'warning', for: minutes('backupTooOld', 15),
        // Absent while the instances are scraped: no backup has ever completed.
        expr: `(time() - max(${metric}{${pods}})) > ${positive(scope, 'monitoring.alerts.backupMaxAgeSeconds', maxAge)} or (absent(${metric}{${pods}}) and on() (max(${CNPG_METRICS.up}{${pods}}) == 1))`,
        summary: `The newest backup of the Tool Registry database ${t.name} is too old${where}`,
        description: `No CloudNativePG backup of ${t.name} has completed within ${humanSeconds(maxAge)}: a restore would lose everything since the last one.`,
        runbook: `${get} get backups -l cnpg.io/cluster=${t.name}; ${get} describe scheduledbackup ${t.name}-backup; check the ObjectStore credentials or the VolumeSnapshotClass.`,
      });
    }
    if (t.pooler) {
      alerts.push({
        alert: 'ToolRegistryDatabasePoolerUnavailable', severity: 'critical', for: minutes('poolerUnavailable', 5),
        expr: `${KSM.deploymentAvailable}{${ns}deployment="${t.pooler}"} < 1`,
        summary: `The Tool Registry database pooler ${t.pooler} has no available pod${where}`,
        description: 'The API connects through PgBouncer: with no pooler pod it cannot reach the database.',
        runbook: `${get} describe deployment ${t.pooler}; ${get} logs deployment/${t.pooler}.`,
      });
    }
  }
  if (t.backupCronJob) {
    const c = t.backupCronJob;
    const cron = `${ns}cronjob="${c.name}"`;
    const maxAge = positive(scope, 'monitoring.alerts.backupMaxAgeSeconds',
      options.backupMaxAgeSeconds ?? longestCronIntervalSeconds(c.schedule, c.timeZone ?? 'UTC') + c.activeDeadlineSeconds + 1800);
    alerts.push({
      alert: 'ToolRegistryDatabaseBackupTooOld', severity: 'warning', for: minutes('backupTooOld', 15),
      // Fires when the last success is too old, and when none ever happened since the CronJob was created.
      expr: `(time() - ${KSM.cronJobLastSuccess}{${cron}}) > ${maxAge} or ((time() - ${KSM.cronJobCreated}{${cron}}) > ${maxAge} unless on (namespace, cronjob) ${KSM.cronJobLastSuccess}{${cron}})`,
      summary: `The newest pg_dump backup of the Tool Registry database is too old${where}`,
      description: `CronJob ${c.name} has not completed a backup within ${humanSeconds(maxAge)}: a restore would lose everything since the last one.`,
      runbook: `${get} get jobs -l app.kubernetes.io/component=database-backup; ${get} logs job/<newest job>; check the backup PVC's free space and the database credentials.`,
    });
  }
  return alerts;
}

/** Dashboard panels of the database from kube-state-metrics (and the exporters when scraped). @internal */
export function pgvectorPanels(t: PgvectorAlertTarget): DashboardPanel[] {
  const ns = t.namespace ? `namespace="${t.namespace}", ` : '';
  const panels: DashboardPanel[] = [{
    title: 'Database ready instances', unit: 'short',
    targets: [{
      expr: t.backend === 'statefulset'
        ? `${KSM.statefulSetReady}{${ns}statefulset="${t.name}"}`
        : `sum(${KSM.podReady}{${ns}pod=~"${t.name}-[0-9]+", condition="true"})`,
      legend: 'ready',
    }],
  }];
  if (t.backend === 'cloudnative-pg' && t.scraped) {
    panels.push({ title: 'Database replication lag', unit: 's', targets: [{ expr: `max by (pod) (${CNPG_METRICS.replicationLag}{${ns}pod=~"${t.name}-[0-9]+"})`, legend: '{{pod}}' }] });
  }
  if (t.backupCronJob) {
    panels.push({ title: 'Time since the last successful backup', unit: 's', targets: [{ expr: `time() - ${KSM.cronJobLastSuccess}{${ns}cronjob="${t.backupCronJob.name}"}`, legend: 'age' }] });
  }
  return panels;
}

function positive(scope: IConstruct, field: string, value: number): number {
  return validateInteger(scope, field, value, 1);
}

function humanSeconds(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} hours` : `${Math.round(seconds / 60)} minutes`;
}
