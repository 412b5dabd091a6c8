import { IConstruct } from 'constructs';
import { invalid } from '../common/errors';
import { AlertRule, DashboardPanel, MonitoringOptions } from '../common/monitoring';
import { validateInteger } from '../common/validation';
import { PgvectorAlertOptions } from './pgvector-monitoring';
import { TOOL_REGISTRY_METRICS as M } from './tool-registry-runtime';

/**
 * Thresholds and `for` durations of the Tool Registry API alerts. Each alert is listed with its
 * meaning in the README's Tool Registry section.
 */
export interface ToolRegistryAlertOptions {
  /** Share of requests answered with 5xx, in percent (1-100), above which `ToolRegistryHighErrorRate` fires. @default 10 */
  readonly errorRatePercent?: number;
  /** 95th percentile request latency, in seconds, above which `ToolRegistryHighLatency` fires. @default 2 */
  readonly latencyP95Seconds?: number;
  /** Container restarts within one hour above which `ToolRegistryRestarting` fires. @default 3 */
  readonly restartsPerHour?: number;
  /** CPU use, in percent of the CPU limit (1-100), above which `ToolRegistryCpuExhaustion` fires. @default 90 */
  readonly cpuLimitPercent?: number;
  /** Working-set memory, in percent of the memory limit (1-100), above which `ToolRegistryMemoryExhaustion` fires. @default 90 */
  readonly memoryLimitPercent?: number;
  /** How long each condition must hold before its alert fires, in minutes. @default - per alert, see {@link ToolRegistryAlertDurations} */
  readonly forMinutes?: ToolRegistryAlertDurations;
}

/** `for` durations of the Tool Registry API alerts, in minutes (0-1440). */
export interface ToolRegistryAlertDurations {
  /** `ToolRegistryUnavailable`. @default 5 */
  readonly unavailable?: number;
  /** `ToolRegistryRestarting`. @default 5 */
  readonly restarting?: number;
  /** `ToolRegistryHighErrorRate`. @default 5 */
  readonly highErrorRate?: number;
  /** `ToolRegistryHighLatency`. @default 10 */
  readonly highLatency?: number;
  /** `ToolRegistryCpuExhaustion`. @default 15 */
  readonly cpuExhaustion?: number;
  /** `ToolRegistryMemoryExhaustion`. @default 10 */
  readonly memoryExhaustion?: number;
  /** `ToolRegistryAutoscalerAtMaximum`. @default 15 */
  readonly autoscalerAtMaximum?: number;
}

/**
 * Monitoring of the Tool Registry: the shared shape (`scrape` renders a ServiceMonitor for the
 * API's `/metrics` and PodMonitors for a CloudNativePG database) plus typed alert thresholds.
 */
export interface ToolRegistryMonitoringOptions extends MonitoringOptions {
  /** Thresholds and `for` durations of the API alerts. @default - see {@link ToolRegistryAlertOptions} */
  readonly alerts?: ToolRegistryAlertOptions;
  /** Thresholds and `for` durations of the database alerts (overridden by `database.monitoring.alerts`). @default - see {@link PgvectorAlertOptions} */
  readonly databaseAlerts?: PgvectorAlertOptions;
}

/** What the API alerts and the dashboard select on. @internal */
export interface ToolRegistryMonitoringTarget {
  readonly namespace?: string;
  /** The scraped Service: Prometheus Operator sets `job` to its name. */
  readonly serviceName: string;
  readonly deploymentName: string;
  readonly containerName: string;
  /** Whether the API's /metrics is scraped (error rate and latency need it). */
  readonly scraped: boolean;
  /** HorizontalPodAutoscaler name, when autoscaled. */
  readonly autoscalerName?: string;
}

/**
 * The API alerts: availability and restarts from kube-state-metrics, CPU and memory against
 * the limits from cAdvisor, the autoscaler at its maximum; error rate and p95 latency from the
 * API's own metrics when they are scraped.
 * @throws McpConfigError for a threshold or duration out of range
 * @internal
 */
export function toolRegistryAlerts(scope: IConstruct, t: ToolRegistryMonitoringTarget, options: ToolRegistryAlertOptions = {}): AlertRule[] {
  const s = selectors(t);
  const where = t.namespace ? ` in ${t.namespace}` : '';
  const minutes = (key: keyof ToolRegistryAlertDurations, fallback: number) => `${validateInteger(scope, `monitoring.alerts.forMinutes.${key}`, options.forMinutes?.[key] ?? fallback, 0, 1440)}m`;
  const percent = (key: 'errorRatePercent' | 'cpuLimitPercent' | 'memoryLimitPercent', fallback: number) => validateInteger(scope, `monitoring.alerts.${key}`, options[key] ?? fallback, 1, 100) / 100;
  const kubectl = `kubectl -n ${t.namespace ?? '<namespace>'}`;
  // Every threshold is checked, whether or not its alert renders.
  for (const key of Object.keys(options.forMinutes ?? {}) as (keyof ToolRegistryAlertDurations)[]) minutes(key, 0);
  const errorRatio = percent('errorRatePercent', 10);
  const latency = positiveNumber(scope, 'monitoring.alerts.latencyP95Seconds', options.latencyP95Seconds ?? 2);
  const restarts = validateInteger(scope, 'monitoring.alerts.restartsPerHour', options.restartsPerHour ?? 3, 1);
  const cpu = percent('cpuLimitPercent', 90);
  const memory = percent('memoryLimitPercent', 90);
  const alerts: AlertRule[] = [
    {
      alert: 'ToolRegistryUnavailable', severity: 'critical', for: minutes('unavailable', 5),
      expr: `kube_deployment_status_replicas_available{${s.deployment}} < 1`,
      summary: `The Tool Registry API has no available pod${where}`,
      description: `Deployment ${t.deploymentName} has had no available replica for the alert's duration: every tool search and call fails.`,
      runbook: `${kubectl} describe deployment ${t.deploymentName}; ${kubectl} logs deployment/${t.deploymentName}; check the database and the DATABASE_URL Secret.`,
    },
    {
      alert: 'ToolRegistryRestarting', severity: 'warning', for: minutes('restarting', 5),
      expr: `increase(kube_pod_container_status_restarts_total{${s.pods}}[1h]) > ${restarts}`,
      summary: `Tool Registry pod {{ $labels.pod }} restarts repeatedly${where}`,
      description: 'The container has restarted {{ $value | printf "%.0f" }} times in the last hour (crash, OOM kill or failing liveness probe).',
      runbook: `${kubectl} describe pod {{ $labels.pod }} (last state, exit code); ${kubectl} logs {{ $labels.pod }} --previous.`,
    },
  ];
  if (t.scraped) {
    alerts.push({
      alert: 'ToolRegistryHighErrorRate', severity: 'critical', for: minutes('highErrorRate', 5),
      expr: `sum(rate(${M.requests}{${s.job}, status=~"5.."}[5m])) / sum(rate(${M.requests}{${s.job}}[5m])) > ${errorRatio}`,
      summary: `The Tool Registry API answers too many requests with 5xx${where}`,
      description: 'The share of 5xx responses has been {{ $value | humanizePercentage }} for the alert\'s duration.',
      runbook: 'Check the API logs for tracebacks, the database (connections, disk) and the embedding endpoint; roll back a recent release with kubectl rollout undo.',
    }, {
      alert: 'ToolRegistryHighLatency', severity: 'warning', for: minutes('highLatency', 10),
      expr: `histogram_quantile(0.95, sum by (le) (rate(${M.requestDuration}_bucket{${s.job}}[5m]))) > ${latency}`,
      summary: `The Tool Registry API's p95 latency is too high${where}`,
      description: 'The 95th percentile request latency has been {{ $value | humanizeDuration }} for the alert\'s duration.',
      runbook: 'Check the embedding endpoint\'s latency, slow queries (pg_stat_statements), the vector index (EXPLAIN the similarity query), and CPU throttling of the pods.',
    });
  }
  alerts.push({
    alert: 'ToolRegistryCpuExhaustion', severity: 'warning', for: minutes('cpuExhaustion', 15),
    expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{${s.pods}}[5m])) / sum by (pod) (kube_pod_container_resource_limits{${s.pods}, resource="cpu"}) > ${cpu}`,
    summary: `Tool Registry pod {{ $labels.pod }} is close to its CPU limit${where}`,
    description: 'CPU use has been {{ $value | humanizePercentage }} of the limit for the alert\'s duration; requests are throttled.',
    runbook: 'Check whether the autoscaler is at its maximum; raise autoscaling.maxReplicas or resources.limits.cpu.',
  }, {
    alert: 'ToolRegistryMemoryExhaustion', severity: 'warning', for: minutes('memoryExhaustion', 10),
    expr: `sum by (pod) (container_memory_working_set_bytes{${s.pods}}) / sum by (pod) (kube_pod_container_resource_limits{${s.pods}, resource="memory"}) > ${memory}`,
    summary: `Tool Registry pod {{ $labels.pod }} is close to its memory limit${where}`,
    description: 'Working-set memory has been {{ $value | humanizePercentage }} of the limit for the alert\'s duration; the pod is close to an OOM kill.',
    runbook: 'Lower workers or enableCache, or raise resources.limits.memory; check for a leak across restarts.',
  });
  if (t.autoscalerName) {
    const hpa = `${s.ns}horizontalpodautoscaler="${t.autoscalerName}"`;
    alerts.push({
      alert: 'ToolRegistryAutoscalerAtMaximum', severity: 'warning', for: minutes('autoscalerAtMaximum', 15),
      expr: `kube_horizontalpodautoscaler_status_current_replicas{${hpa}} >= kube_horizontalpodautoscaler_spec_max_replicas{${hpa}}`,
      summary: `The Tool Registry autoscaler is at its maximum${where}`,
      description: 'The API cannot scale out any further; CPU or memory exhaustion follows.',
      runbook: 'Raise autoscaling.maxReplicas (check the database connection limit first) or the per-pod resources.',
    });
  }
  return alerts;
}

/**
 * Dashboard panels of the API: request rate, error ratio and latency from its own metrics when
 * scraped; available replicas and restarts from kube-state-metrics; CPU and memory from cAdvisor.
 * @internal
 */
export function toolRegistryPanels(t: ToolRegistryMonitoringTarget): DashboardPanel[] {
  const s = selectors(t);
  const q = (quantile: number) => ({ expr: `histogram_quantile(${quantile}, sum by (le) (rate(${M.requestDuration}_bucket{${s.job}}[5m])))`, legend: `p${quantile * 100}` });
  const scraped: DashboardPanel[] = t.scraped ? [
    { title: 'Request rate by status', unit: 'reqps', targets: [{ expr: `sum by (status) (rate(${M.requests}{${s.job}}[5m]))`, legend: '{{status}}' }] },
    { title: 'Error ratio (5xx)', unit: 'percentunit', targets: [{ expr: `sum(rate(${M.requests}{${s.job}, status=~"5.."}[5m])) / sum(rate(${M.requests}{${s.job}}[5m]))`, legend: '5xx' }] },
    { title: 'Latency percentiles', unit: 's', targets: [q(0.5), q(0.95), q(0.99)] },
  ] : [];
  return [
    ...scraped,
    { title: 'Available replicas', unit: 'short', targets: [{ expr: `kube_deployment_status_replicas_available{${s.deployment}}`, legend: 'available' }] },
    { title: 'Container restarts (1h)', unit: 'short', targets: [{ expr: `sum by (pod) (increase(kube_pod_container_status_restarts_total{${s.pods}}[1h]))`, legend: '{{pod}}' }] },
    { title: 'CPU use of the limit', unit: 'percentunit', targets: [{ expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{${s.pods}}[5m])) / sum by (pod) (kube_pod_container_resource_limits{${s.pods}, resource="cpu"})`, legend: '{{pod}}' }] },
    { title: 'Memory working set', unit: 'bytes', targets: [{ expr: `sum by (pod) (container_memory_working_set_bytes{${s.pods}})`, legend: '{{pod}}' }] },
  ];
}

function selectors(t: ToolRegistryMonitoringTarget) {
  const ns = t.namespace ? `namespace="${t.namespace}", ` : '';
  return {
    ns,
    job: `${ns}job="${t.serviceName}"`,
    deployment: `${ns}deployment="${t.deploymentName}"`,
    // Pods of the Deployment's ReplicaSets: <deployment>-<pod-template-hash>-<suffix>.
    pods: `${ns}pod=~"${t.deploymentName}-[a-z0-9]+-[a-z0-9]+", container="${t.containerName}"`,
  };
}

function positiveNumber(scope: IConstruct, field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) invalid(scope, field, value, 'use a number of seconds above 0, such as 2 or 0.5');
  return value;
}
