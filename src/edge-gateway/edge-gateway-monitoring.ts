import { Construct } from 'constructs';
import { AlertRule, createGrafanaDashboard, createPrometheusRule, createServiceMonitor, DashboardPanel, METRICS_SERVICE_LABEL, MonitoringOptions } from '../common/monitoring';
import { EdgeGatewayAlertSettings, namespaceMatcher, resolveAlert } from './alert-settings';
import { EDGE_GATEWAY_METRICS as M, EDGE_GATEWAY_RUNTIME } from './edge-gateway-runtime';

/**
 * Thresholds of the gateway's alerts. The pinned Edge MCP version records no request,
 * latency or connection metrics (they are registered but never updated), so availability,
 * restarts and memory come from kube-state-metrics and cAdvisor, and the only gateway metric
 * alerted on is its rate-limit rejections.
 */
export interface EdgeGatewayAlerts {
  /** EdgeGatewayDown: no pod available (kube-state-metrics). @default { for: '5m' } */
  readonly down?: EdgeGatewayAlertSettings;
  /** EdgeGatewayDegraded: fewer pods available than desired. @default { for: '15m' } */
  readonly degraded?: EdgeGatewayAlertSettings;
  /** EdgeGatewayRestarting: container restarts of one pod in 15 minutes. @default { threshold: 3, for: '0m' } */
  readonly restarting?: EdgeGatewayAlertSettings;
  /** EdgeGatewayMemoryNearLimit: working-set memory as a fraction of the limit (cAdvisor). @default { threshold: 0.9, for: '15m' } */
  readonly memoryNearLimit?: EdgeGatewayAlertSettings;
  /** EdgeGatewayRateLimiting: requests rejected by the rate limiter, per second (needs `scrape`). @default { threshold: 1, for: '10m' } */
  readonly rateLimiting?: EdgeGatewayAlertSettings;
  /** EdgeGatewayAutoscalerAtMaximum: the HPA has been at maxReplicas (autoscaled gateways only). @default { for: '15m' } */
  readonly autoscalerAtMaximum?: EdgeGatewayAlertSettings;
}

/** Monitoring of the gateway: the shared switches plus alert thresholds. */
export interface EdgeGatewayMonitoring extends MonitoringOptions {
  /** Alert thresholds and hold times. @default - each alert's documented default */
  readonly alerts?: EdgeGatewayAlerts;
}

/** What the gateway's monitoring selects on. @internal */
export interface GatewayMonitoringTarget {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly namespace?: string;
  /** The Service (`job` label of scraped series) and the selector labels of the one Service to scrape. */
  readonly serviceName: string;
  readonly serviceSelector: Record<string, string>;
  readonly containerName: string;
  readonly autoscalerName?: string;
  readonly monitoring: EdgeGatewayMonitoring;
}

/** kube-state-metrics and cAdvisor metrics the gateway's alerts and dashboard use. @internal */
export const GATEWAY_STANDARD_METRICS = [
  'kube_deployment_status_replicas_available', 'kube_deployment_spec_replicas', 'kube_pod_container_status_restarts_total',
  'kube_pod_container_resource_limits', 'kube_horizontalpodautoscaler_status_current_replicas', 'kube_horizontalpodautoscaler_spec_max_replicas',
  'container_memory_working_set_bytes', 'container_cpu_usage_seconds_total',
] as const;

/** The gateway's alerts. @internal */
export function gatewayAlerts(scope: Construct, t: GatewayMonitoringTarget): AlertRule[] {
  const a = t.monitoring.alerts ?? {};
  const ns = namespaceMatcher(t.namespace);
  const where = t.namespace ? ` in ${t.namespace}` : '';
  const deployment = `${ns}deployment="${t.name}"`;
  const pods = `${ns}pod=~"${t.name}-[a-z0-9]+-[a-z0-9]+", container="${t.containerName}"`;
  const kubectl = `kubectl -n ${t.namespace ?? '<ns>'}`;
  const rule = (field: keyof EdgeGatewayAlerts, defaults: { threshold?: number; for: string }, build: (r: { threshold: number; for: string }) => AlertRule) => {
    const r = resolveAlert(scope, `monitoring.alerts.${field}`, a[field], defaults);
    return r.enabled ? [build(r)] : [];
  };
  return [
    ...rule('down', { for: '5m' }, r => ({
      alert: 'EdgeGatewayDown', severity: 'critical', for: r.for,
      expr: `kube_deployment_status_replicas_available{${deployment}} < 1`,
      summary: `Edge MCP gateway ${t.name} has no available pod${where}`,
      description: `No pod of ${t.name} has been available for ${r.for}: every MCP WebSocket client is disconnected.`,
      runbook: `${kubectl} get pods -l app.kubernetes.io/instance=${t.name}; describe and read the logs of the failing pods (image pull, crash on startup, failing /health/startup).`,
    })),
    ...rule('degraded', { for: '15m' }, r => ({
      alert: 'EdgeGatewayDegraded', severity: 'warning', for: r.for,
      expr: `kube_deployment_status_replicas_available{${deployment}} < kube_deployment_spec_replicas{${deployment}}`,
      summary: `Edge MCP gateway ${t.name} runs fewer pods than desired${where}`,
      description: `{{ $value }} pods have been available for ${r.for}, fewer than the Deployment wants; the remaining pods carry all WebSocket sessions.`,
      runbook: `${kubectl} get pods -l app.kubernetes.io/instance=${t.name}; check Pending pods (resources, topology spread) and failing readiness (/health/ready).`,
    })),
    ...rule('restarting', { threshold: 3, for: '0m' }, r => ({
      alert: 'EdgeGatewayRestarting', severity: 'warning', for: r.for,
      expr: `increase(kube_pod_container_status_restarts_total{${pods}}[15m]) > ${r.threshold}`,
      summary: `Edge MCP gateway pod {{ $labels.pod }} restarts repeatedly${where}`,
      description: `The container restarted more than ${r.threshold} times in 15 minutes; each restart drops the pod's WebSocket sessions.`,
      runbook: `${kubectl} logs {{ $labels.pod }} --previous; look for OOM kills (raise resources.limits.memory) and failing liveness probes (/health/live).`,
    })),
    ...rule('memoryNearLimit', { threshold: 0.9, for: '15m' }, r => ({
      alert: 'EdgeGatewayMemoryNearLimit', severity: 'warning', for: r.for,
      expr: `max by (pod) (container_memory_working_set_bytes{${pods}}) / max by (pod) (kube_pod_container_resource_limits{${pods}, resource="memory"}) > ${r.threshold}`,
      summary: `Edge MCP gateway pod {{ $labels.pod }} is close to its memory limit${where}`,
      description: 'Working-set memory has been {{ $value | humanizePercentage }} of the limit; the pod is close to an OOM kill.',
      runbook: 'Raise resources.limits.memory (and requests), or scale out: check the number of sessions per pod.',
    })),
    ...(t.monitoring.scrape ? rule('rateLimiting', { threshold: 1, for: '10m' }, r => ({
      alert: 'EdgeGatewayRateLimiting', severity: 'warning', for: r.for,
      expr: `sum by (error_code) (rate(${M.errors.name}{${ns}job="${t.serviceName}", error_type="rate_limit"}[5m])) > ${r.threshold}`,
      summary: `Edge MCP gateway ${t.name} rejects requests at its {{ $labels.error_code }} rate limit${where}`,
      description: 'More than the configured rate of MCP requests per second is being rejected ({{ $value | humanize }}/s); clients see rate-limit errors.',
      runbook: 'Find the tenant or tool that drives the load in the gateway logs; scale out (global limits are per pod) or throttle the client.',
    })) : []),
    ...(t.autoscalerName ? rule('autoscalerAtMaximum', { for: '15m' }, r => {
      const hpa = `${ns}horizontalpodautoscaler="${t.autoscalerName}"`;
      return {
        alert: 'EdgeGatewayAutoscalerAtMaximum', severity: 'warning', for: r.for,
        expr: `kube_horizontalpodautoscaler_status_current_replicas{${hpa}} >= kube_horizontalpodautoscaler_spec_max_replicas{${hpa}}`,
        summary: `Edge MCP gateway autoscaler ${t.autoscalerName} is at its maximum${where}`,
        description: `The gateway has run at maxReplicas for ${r.for} and cannot scale out further.`,
        runbook: 'Raise autoscaling.maxReplicas or the per-pod resources; check the cluster has room for more pods.',
      };
    }) : []),
  ];
}

/** The dashboard panels: metrics the pinned version records, kube-state-metrics and cAdvisor. @internal */
export function gatewayDashboardPanels(t: GatewayMonitoringTarget): DashboardPanel[] {
  const ns = namespaceMatcher(t.namespace);
  const deployment = `${ns}deployment="${t.name}"`;
  const pods = `${ns}pod=~"${t.name}-[a-z0-9]+-[a-z0-9]+", container="${t.containerName}"`;
  const job = `${ns}job="${t.serviceName}"`;
  const panels: DashboardPanel[] = [
    { title: 'Available and desired pods', unit: 'short', targets: [
      { expr: `kube_deployment_status_replicas_available{${deployment}}`, legend: 'available' },
      { expr: `kube_deployment_spec_replicas{${deployment}}`, legend: 'desired' }] },
    { title: 'Container restarts (15m)', unit: 'short', targets: [{ expr: `sum by (pod) (increase(kube_pod_container_status_restarts_total{${pods}}[15m]))`, legend: '{{pod}}' }] },
    { title: 'CPU per pod', unit: 'short', targets: [{ expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{${pods}}[5m]))`, legend: '{{pod}}' }] },
    { title: 'Memory per pod (working set)', unit: 'bytes', targets: [{ expr: `max by (pod) (container_memory_working_set_bytes{${pods}})`, legend: '{{pod}}' }] },
  ];
  if (t.monitoring.scrape) {
    panels.push(
      { title: 'Rate-limit rejections by limit', unit: 'reqps', targets: [{ expr: `sum by (error_code) (rate(${M.errors.name}{${job}, error_type="rate_limit"}[5m]))`, legend: '{{error_code}}' }] },
      { title: 'Goroutines per pod', unit: 'short', targets: [{ expr: `${M.goroutines.name}{${job}}`, legend: '{{pod}}' }] },
    );
  }
  return panels;
}

/** Renders the ServiceMonitor (on `/metrics` of the one port), PrometheusRule and dashboard the options ask for. @internal */
export function renderGatewayMonitoring(scope: Construct, t: GatewayMonitoringTarget): void {
  const m = t.monitoring;
  const monitorLabels = { ...t.labels, ...m.labels };
  if (m.scrape) {
    createServiceMonitor(scope, 'service-monitor', {
      metadata: { name: t.name, labels: monitorLabels },
      serviceSelector: { ...t.serviceSelector, [METRICS_SERVICE_LABEL]: 'true' },
      port: 'http', path: EDGE_GATEWAY_RUNTIME.metricsPath, interval: m.scrapeInterval,
    });
  }
  if (m.prometheusRule) {
    createPrometheusRule(scope, 'prometheus-rule', {
      metadata: { name: t.name, labels: monitorLabels },
      group: `${t.name}.rules`,
      alerts: gatewayAlerts(scope, t),
      alertLabels: { service: t.serviceName },
      runbookBaseUrl: m.runbookBaseUrl,
    });
  }
  if (m.dashboard) {
    createGrafanaDashboard(scope, 'dashboard', {
      metadata: { name: `${t.name}-dashboard`, labels: t.labels },
      uid: `${t.namespace ?? 'default'}-${t.name}`,
      title: `Edge MCP gateway${t.namespace ? ` (${t.namespace})` : ''}`,
      tags: ['mcp-platform', 'edge-gateway'],
      panels: gatewayDashboardPanels(t),
    });
  }
}
