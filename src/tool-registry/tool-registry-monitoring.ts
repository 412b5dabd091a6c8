import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/prometheusrules-monitoring.coreos.com';
import { GRAFANA_DASHBOARD_LABEL } from '../common/monitoring';
import { TOOL_REGISTRY_METRICS as M } from './tool-registry-runtime';

/** What the alerts and the dashboard select on. */
export interface ToolRegistryMonitoringTarget {
  /** Name of the rule and dashboard objects. */
  readonly name: string;
  readonly labels: Record<string, string>;
  /** Namespace of the API (omitted from the selectors when the chart has none). */
  readonly namespace?: string;
  /** The scraped Service: Prometheus Operator sets `job` to its name. */
  readonly serviceName: string;
  /** Deployment and container, for the resource alerts. */
  readonly deploymentName: string;
  readonly containerName: string;
  /** HorizontalPodAutoscaler name, when autoscaled. */
  readonly autoscalerName?: string;
  /** Name prefix of the database's backup CronJob's Jobs, when there is one. */
  readonly backupCronJobName?: string;
  /** Base URL of the runbooks; each alert links `<base>#<alert name in lower case>`. */
  readonly runbookBaseUrl?: string;
}

/** One alert of {@link toolRegistryAlerts}. */
export interface ToolRegistryAlert {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: 'critical' | 'warning';
  readonly summary: string;
  readonly description: string;
  /** Short first steps, always in the `runbook` annotation. */
  readonly runbook: string;
}

/**
 * The seed's alerts: service down, error rate above 10 %, p95 latency above 2 s, CPU and memory
 * exhaustion; plus the autoscaler pinned at its maximum and failed database backups.
 */
export function toolRegistryAlerts(t: ToolRegistryMonitoringTarget): ToolRegistryAlert[] {
  const ns = t.namespace ? `namespace="${t.namespace}", ` : '';
  const job = `${ns}job="${t.serviceName}"`;
  const pods = `${ns}pod=~"${t.deploymentName}-[a-z0-9]+-[a-z0-9]+", container="${t.containerName}"`;
  const where = t.namespace ? ` in ${t.namespace}` : '';
  const alerts: ToolRegistryAlert[] = [
    {
      alert: 'ToolRegistryDown', severity: 'critical', for: '5m',
      expr: `absent(up{${job}} == 1)`,
      summary: `Tool Registry API is down${where}`,
      description: `No ${t.serviceName} target has been scraped successfully for 5 minutes: the API is down or unreachable.`,
      runbook: `kubectl -n ${t.namespace ?? '<ns>'} get pods -l app.kubernetes.io/instance=${t.deploymentName}; kubectl describe / logs the failing pods; check the database and the DATABASE_URL Secret.`,
    },
    {
      alert: 'ToolRegistryHighErrorRate', severity: 'critical', for: '5m',
      expr: `sum(rate(${M.requests}{${job}, status=~"5.."}[5m])) / sum(rate(${M.requests}{${job}}[5m])) > 0.10`,
      summary: `Tool Registry API answers more than 10 % of requests with 5xx${where}`,
      description: 'The share of 5xx responses has been {{ $value | humanizePercentage }} for 5 minutes.',
      runbook: 'Check the API logs for tracebacks, the database (connections, disk) and the embedding endpoint; roll back a recent release with kubectl rollout undo.',
    },
    {
      alert: 'ToolRegistryHighLatency', severity: 'warning', for: '10m',
      expr: `histogram_quantile(0.95, sum by (le) (rate(${M.requestDuration}_bucket{${job}}[5m]))) > 2`,
      summary: `Tool Registry API p95 latency is above 2 s${where}`,
      description: 'The 95th percentile request latency has been {{ $value | humanizeDuration }} for 10 minutes.',
      runbook: 'Check the embedding endpoint latency, slow queries (pg_stat_statements), the vector index (EXPLAIN the similarity query), and CPU throttling of the pods.',
    },
    {
      alert: 'ToolRegistryCpuExhaustion', severity: 'warning', for: '15m',
      expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{${pods}}[5m])) / sum by (pod) (kube_pod_container_resource_limits{${pods}, resource="cpu"}) > 0.9`,
      summary: `Tool Registry pod {{ $labels.pod }} uses more than 90 % of its CPU limit${where}`,
      description: 'CPU usage has been {{ $value | humanizePercentage }} of the limit for 15 minutes; requests are throttled.',
      runbook: 'Check whether the autoscaler is at its maximum; raise autoscaling.maxReplicas or resources.cpuLimitMillis.',
    },
    {
      alert: 'ToolRegistryMemoryExhaustion', severity: 'warning', for: '10m',
      expr: `sum by (pod) (container_memory_working_set_bytes{${pods}}) / sum by (pod) (kube_pod_container_resource_limits{${pods}, resource="memory"}) > 0.9`,
      summary: `Tool Registry pod {{ $labels.pod }} uses more than 90 % of its memory limit${where}`,
      description: 'Working-set memory has been {{ $value | humanizePercentage }} of the limit for 10 minutes; the pod is close to an OOM kill.',
      runbook: 'Lower WORKERS or ENABLE_CACHE, or raise resources.memoryLimitMebibytes; check for a leak across restarts.',
    },
  ];
  if (t.autoscalerName) {
    const hpa = `${ns}horizontalpodautoscaler="${t.autoscalerName}"`;
    alerts.push({
      alert: 'ToolRegistryAutoscalerAtMaximum', severity: 'warning', for: '15m',
      expr: `kube_horizontalpodautoscaler_status_current_replicas{${hpa}} >= kube_horizontalpodautoscaler_spec_max_replicas{${hpa}}`,
      summary: `Tool Registry autoscaler has been at its maximum for 15 minutes${where}`,
      description: 'The API cannot scale out any further; CPU or memory exhaustion follows.',
      runbook: 'Raise autoscaling.maxReplicas (check the database connection limit first) or the per-pod resources.',
    });
  }
  if (t.backupCronJobName) {
    alerts.push({
      alert: 'ToolRegistryDatabaseBackupFailed', severity: 'warning', for: '0m',
      expr: `max(kube_job_status_failed{${ns}job_name=~"${t.backupCronJobName}-[0-9]+"}) > 0`,
      summary: `A Tool Registry database backup Job failed${where}`,
      description: 'The last pg_dump backup did not complete; the newest good dump is getting older.',
      runbook: `kubectl -n ${t.namespace ?? '<ns>'} logs job/<failed job>; check the backup PVC's free space and the database credentials.`,
    });
  }
  return alerts;
}

/** A PrometheusRule with {@link toolRegistryAlerts}; every alert has a severity label and runbook annotations. */
export function createToolRegistryRule(scope: Construct, id: string, t: ToolRegistryMonitoringTarget): PrometheusRule {
  return new PrometheusRule(scope, id, {
    metadata: { name: t.name, labels: t.labels },
    spec: {
      groups: [{
        name: `${t.name}.rules`,
        rules: toolRegistryAlerts(t).map(a => ({
          alert: a.alert,
          expr: PrometheusRuleSpecGroupsRulesExpr.fromString(a.expr),
          for: a.for,
          labels: { severity: a.severity, service: t.serviceName },
          annotations: {
            summary: a.summary,
            description: a.description,
            runbook: a.runbook,
            ...(t.runbookBaseUrl ? { runbook_url: `${t.runbookBaseUrl}#${a.alert.toLowerCase()}` } : {}),
          },
        })),
      }],
    },
  });
}


/**
 * A ConfigMap holding the Grafana dashboard, labelled `grafana_dashboard: "1"` for the Grafana
 * sidecar: request rate, error ratio, latency percentiles, tool count, embedding cache hits.
 */
export function createToolRegistryDashboard(scope: Construct, id: string, t: ToolRegistryMonitoringTarget): kplus.ConfigMap {
  return new kplus.ConfigMap(scope, id, {
    metadata: {
      name: `${t.name}-dashboard`,
      labels: { ...t.labels, [GRAFANA_DASHBOARD_LABEL]: '1' },
      annotations: { grafana_folder: 'MCP Platform' },
    },
    data: { [`${t.name}.json`]: JSON.stringify(toolRegistryDashboard(t), null, 2) },
  });
}

/** The dashboard model (Grafana schema 39). */
export function toolRegistryDashboard(t: ToolRegistryMonitoringTarget): Record<string, unknown> {
  const ns = t.namespace ? `namespace="${t.namespace}", ` : '';
  const job = `${ns}job="${t.serviceName}"`;
  const ds = { type: 'prometheus', uid: '${datasource}' };
  let panelId = 0;
  const panel = (title: string, type: string, unit: string, grid: [number, number, number, number], targets: [string, string][]) => ({
    id: ++panelId,
    title,
    type,
    datasource: ds,
    gridPos: { x: grid[0], y: grid[1], w: grid[2], h: grid[3] },
    fieldConfig: { defaults: { unit }, overrides: [] },
    targets: targets.map(([expr, legendFormat], i) => ({ refId: String.fromCharCode(65 + i), datasource: ds, expr, legendFormat })),
  });
  const q = (quantile: number) => `histogram_quantile(${quantile}, sum by (le) (rate(${M.requestDuration}_bucket{${job}}[5m])))`;
  return {
    uid: `${t.namespace ?? 'default'}-${t.name}`.slice(0, 40),
    title: `Tool Registry${t.namespace ? ` (${t.namespace})` : ''}`,
    tags: ['mcp-platform', 'tool-registry'],
    schemaVersion: 39,
    editable: false,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: { list: [{ name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus' }] },
    panels: [
      panel('Request rate by status', 'timeseries', 'reqps', [0, 0, 12, 8], [[`sum by (status) (rate(${M.requests}{${job}}[5m]))`, '{{status}}']]),
      panel('Error ratio (5xx)', 'timeseries', 'percentunit', [12, 0, 12, 8], [[`sum(rate(${M.requests}{${job}, status=~"5.."}[5m])) / sum(rate(${M.requests}{${job}}[5m]))`, '5xx']]),
      panel('Latency percentiles', 'timeseries', 's', [0, 8, 12, 8], [[q(0.5), 'p50'], [q(0.95), 'p95'], [q(0.99), 'p99']]),
      panel('Registered tools', 'stat', 'short', [12, 8, 6, 8], [[`max(${M.toolCount}{${job}})`, 'tools']]),
      panel('Embedding cache hit ratio', 'stat', 'percentunit', [18, 8, 6, 8], [[
        `sum(rate(${M.cacheHits}{${job}}[5m])) / (sum(rate(${M.cacheHits}{${job}}[5m])) + sum(rate(${M.cacheMisses}{${job}}[5m])))`, 'hit ratio']]),
      panel('Embedding cache hits', 'timeseries', 'ops', [0, 16, 12, 8], [[`sum(rate(${M.cacheHits}{${job}}[5m]))`, 'hits/s'], [`sum(rate(${M.cacheMisses}{${job}}[5m]))`, 'misses/s']]),
      panel('Available replicas', 'timeseries', 'short', [12, 16, 12, 8], [[`kube_deployment_status_replicas_available{${ns}deployment="${t.deploymentName}"}`, 'available']]),
    ],
  };
}
