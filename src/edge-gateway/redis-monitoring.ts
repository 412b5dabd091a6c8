import { Construct } from 'constructs';
import { AlertRule, createGrafanaDashboard, createPrometheusRule, DashboardPanel, MonitoringOptions } from '../common/monitoring';
import { EdgeGatewayAlertSettings, namespaceMatcher, resolveAlert } from './alert-settings';
import { REDIS_METRICS as M } from './edge-gateway-runtime';

/** Thresholds of the Redis alerts. */
export interface EdgeRedisAlerts {
  /** EdgeRedisDown: the pod is not ready (kube-state-metrics). @default { for: '5m' } */
  readonly down?: EdgeGatewayAlertSettings;
  /** EdgeRedisMemoryNearMaxmemory: used memory as a fraction of maxmemory (needs the exporter). @default { threshold: 0.9, for: '15m' } */
  readonly memoryNearMaxmemory?: EdgeGatewayAlertSettings;
  /** EdgeRedisEvictingKeys: keys evicted in 10 minutes, a sign the cache is too small (needs the exporter). @default { threshold: 1000, for: '10m' } */
  readonly evictingKeys?: EdgeGatewayAlertSettings;
}

/** Monitoring of an EdgeRedis: the shared switches plus alert thresholds. */
export interface EdgeRedisMonitoring extends MonitoringOptions {
  /** Alert thresholds and hold times. @default - each alert's documented default */
  readonly alerts?: EdgeRedisAlerts;
}

/** What the Redis alerts select on. @internal */
export interface RedisMonitoringTarget {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly namespace?: string;
  /** The scraped Service: the Prometheus Operator sets `job` to its name. */
  readonly serviceName: string;
  readonly exporter: boolean;
  readonly monitoring: EdgeRedisMonitoring;
}

/**
 * The Redis alerts: readiness from kube-state-metrics always; memory against maxmemory and
 * evictions from redis_exporter when the exporter is scraped.
 * @internal
 */
export function redisAlerts(scope: Construct, t: RedisMonitoringTarget): AlertRule[] {
  const a = t.monitoring.alerts ?? {};
  const ns = namespaceMatcher(t.namespace);
  const where = t.namespace ? ` in ${t.namespace}` : '';
  const job = `${ns}job="${t.serviceName}"`;
  const down = resolveAlert(scope, 'monitoring.alerts.down', a.down, { for: '5m' });
  const alerts: (AlertRule & { enabled: boolean })[] = [{
    enabled: down.enabled, alert: 'EdgeRedisDown', severity: 'warning', for: down.for,
    expr: `kube_statefulset_status_replicas_ready{${ns}statefulset="${t.name}"} < 1`,
    summary: `Edge MCP Redis ${t.name} is not ready${where}`,
    description: `The Redis pod of ${t.name} has not been ready for ${down.for}; gateways configured to use it fall back to their in-process cache.`,
    runbook: `kubectl -n ${t.namespace ?? '<ns>'} describe pod ${t.name}-0; check its logs (AOF replay, OOM kills) and the data volume.`,
  }];
  if (t.exporter && t.monitoring.scrape) {
    const memory = resolveAlert(scope, 'monitoring.alerts.memoryNearMaxmemory', a.memoryNearMaxmemory, { threshold: 0.9, for: '15m' });
    const evictions = resolveAlert(scope, 'monitoring.alerts.evictingKeys', a.evictingKeys, { threshold: 1000, for: '10m' });
    alerts.push({
      enabled: memory.enabled, alert: 'EdgeRedisMemoryNearMaxmemory', severity: 'warning', for: memory.for,
      expr: `${M.memoryUsed}{${job}} / (${M.memoryMax}{${job}} > 0) > ${memory.threshold}`,
      summary: `Edge MCP Redis ${t.name} uses more than ${Math.round(memory.threshold * 1000) / 10} % of maxmemory${where}`,
      description: 'Used memory has been {{ $value | humanizePercentage }} of maxmemory; Redis now evicts keys per its maxmemory-policy.',
      runbook: 'Raise maxMemory together with resources.limits.memory, or shorten the L2 TTL.',
    }, {
      enabled: evictions.enabled, alert: 'EdgeRedisEvictingKeys', severity: 'warning', for: evictions.for,
      expr: `increase(${M.evictedKeys}{${job}}[10m]) > ${evictions.threshold}`,
      summary: `Edge MCP Redis ${t.name} evicts keys${where}`,
      description: 'More than the configured number of keys were evicted in 10 minutes ({{ $value }}): the cache is too small for its working set.',
      runbook: 'Raise maxMemory and resources.limits.memory; compare memory used against maxmemory on the Redis dashboard.',
    });
  }
  return alerts.filter(x => x.enabled).map(({ enabled: _e, ...rule }) => rule);
}

/** The dashboard panels (exporter metrics and kube-state-metrics only). @internal */
export function redisDashboardPanels(t: RedisMonitoringTarget): DashboardPanel[] {
  const ns = namespaceMatcher(t.namespace);
  const job = `${ns}job="${t.serviceName}"`;
  return [
    { title: 'Ready pods', unit: 'short', targets: [{ expr: `kube_statefulset_status_replicas_ready{${ns}statefulset="${t.name}"}`, legend: 'ready' }] },
    { title: 'Memory used / maxmemory', unit: 'bytes', targets: [{ expr: `${M.memoryUsed}{${job}}`, legend: 'used' }, { expr: `${M.memoryMax}{${job}}`, legend: 'maxmemory' }] },
    { title: 'Evicted keys per second', unit: 'ops', targets: [{ expr: `rate(${M.evictedKeys}{${job}}[5m])`, legend: 'evicted' }] },
    { title: 'Commands per second and clients', unit: 'short', targets: [{ expr: `rate(${M.commandsProcessed}{${job}}[5m])`, legend: 'commands/s' }, { expr: `${M.connectedClients}{${job}}`, legend: 'clients' }] },
  ];
}

/** Renders the PrometheusRule and the dashboard the monitoring options ask for. @internal */
export function renderRedisMonitoring(scope: Construct, t: RedisMonitoringTarget): void {
  const m = t.monitoring;
  if (m.prometheusRule) {
    createPrometheusRule(scope, 'prometheus-rule', {
      metadata: { name: t.name, labels: { ...t.labels, ...m.labels } },
      group: `${t.name}.rules`,
      alerts: redisAlerts(scope, t),
      alertLabels: { service: t.serviceName },
      runbookBaseUrl: m.runbookBaseUrl,
    });
  }
  // The dashboard shows exporter metrics; without them it would be empty.
  if (m.dashboard && m.scrape && t.exporter) {
    createGrafanaDashboard(scope, 'dashboard', {
      metadata: { name: `${t.name}-dashboard`, labels: t.labels },
      uid: `${t.namespace ?? 'default'}-${t.name}`,
      title: `Edge MCP Redis${t.namespace ? ` (${t.namespace})` : ''}`,
      tags: ['mcp-platform', 'edge-gateway', 'redis'],
      panels: redisDashboardPanels(t),
    });
  }
}
