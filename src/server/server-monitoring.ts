import { Construct } from 'constructs';
import { invalid } from '../common/errors';
import { ObjectMetadata } from '../common/metadata';
import { AlertRule, createGrafanaDashboard, createPrometheusRule, DashboardPanel, MonitoringOptions } from '../common/monitoring';
import { validateInteger } from '../common/validation';
import { SERVER_RUNTIME } from './server-runtime';

// No built-in template's server exports Prometheus metrics (demo: FastMCP registers `/health`
// and `/mcp` only; github-mcp-server 0.9.1 and mcp-filesystem-server have no HTTP listener at
// all), so servers are watched through kube-state-metrics and cAdvisor only. The bridge serves
// its own `/metrics` on 15020, but its metric names were not verified, so nothing scrapes it.

/**
 * Thresholds of an MCP server's alerts (kube-state-metrics based). Durations are Prometheus
 * durations (`30s`, `5m`, `1h`).
 */
export interface McpServerAlerts {
  /** How long the server may have no available pod before `McpServerDown` fires. @default '5m' */
  readonly downFor?: string;
  /** How long fewer pods than desired may be available before `McpServerDegraded` fires. @default '15m' */
  readonly degradedFor?: string;
  /** Container restarts within `restartWindow` above which `McpServerRestarting` fires. @default 3 */
  readonly restartThreshold?: number;
  /** Window the restarts are counted over. @default '30m' */
  readonly restartWindow?: string;
}

/** {@link McpServerAlerts} with every default applied. @internal */
export type ResolvedServerAlerts = Required<McpServerAlerts>;

const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

/**
 * Applies defaults and checks the durations and the threshold.
 * @throws McpConfigError naming `alerts.<field>` for a malformed duration or a negative threshold
 * @internal
 */
export function resolveServerAlerts(scope: Construct, alerts: McpServerAlerts | undefined): ResolvedServerAlerts {
  const a = alerts ?? {};
  const duration = (field: keyof McpServerAlerts, value: string) => {
    if (typeof value !== 'string' || !DURATION.test(value)) invalid(scope, `alerts.${field}`, value, "use a Prometheus duration such as '5m', '1h' or '1h30m'");
    return value;
  };
  return {
    downFor: duration('downFor', a.downFor ?? '5m'),
    degradedFor: duration('degradedFor', a.degradedFor ?? '15m'),
    restartThreshold: validateInteger(scope, 'alerts.restartThreshold', a.restartThreshold ?? 3, 0),
    restartWindow: duration('restartWindow', a.restartWindow ?? '30m'),
  };
}

/** Which Deployment the alerts and dashboard watch. @internal */
export interface WatchedServer {
  readonly name: string;
  readonly namespace: string;
}

/** The kube-state-metrics and cAdvisor selectors of one server's Deployment and pods. */
function selectors(s: WatchedServer) {
  const deployment = `namespace="${s.namespace}", deployment="${s.name}"`;
  // Deployment pods are `<deployment>-<pod-template-hash>-<5 characters>`; neither part has a
  // '-', so this never matches the pods of a server whose name merely starts with this one's.
  const pods = `namespace="${s.namespace}", pod=~"${s.name}-[a-z0-9]+-[a-z0-9]{5}", container="${SERVER_RUNTIME.containerName}"`;
  return { deployment, pods };
}

/** The alerts of one server. @internal */
export function serverAlerts(s: WatchedServer, t: ResolvedServerAlerts): AlertRule[] {
  const { deployment, pods } = selectors(s);
  return [
    {
      alert: 'McpServerDown',
      expr: `kube_deployment_status_replicas_available{${deployment}} == 0`,
      for: t.downFor,
      severity: 'critical',
      summary: `MCP server ${s.name} has no available pod`,
      description: `No pod of the MCP server ${s.name} in ${s.namespace} has been available for ${t.downFor}: every agent and gateway call to it fails.`,
      runbook: `kubectl -n ${s.namespace} describe deployment ${s.name}; kubectl -n ${s.namespace} get pods -l ${'mcp.platform/server'}=${s.name}; check image pulls, the install-server init container (stdio servers), probes and referenced Secrets.`,
    },
    {
      alert: 'McpServerDegraded',
      expr: `kube_deployment_status_replicas_available{${deployment}} < on(namespace, deployment) kube_deployment_spec_replicas{${deployment}}`,
      for: t.degradedFor,
      severity: 'warning',
      summary: `MCP server ${s.name} runs fewer pods than desired`,
      description: `The MCP server ${s.name} in ${s.namespace} has had fewer available pods than desired for ${t.degradedFor}; it has less capacity and no redundancy.`,
      runbook: `kubectl -n ${s.namespace} get pods -l mcp.platform/server=${s.name} -o wide; look for Pending pods (quota, scheduling) or failing readiness.`,
    },
    {
      alert: 'McpServerRestarting',
      expr: `increase(kube_pod_container_status_restarts_total{${pods}}[${t.restartWindow}]) > ${t.restartThreshold}`,
      for: '0m',
      severity: 'warning',
      summary: `MCP server ${s.name} pod {{ $labels.pod }} keeps restarting`,
      description: `The ${SERVER_RUNTIME.containerName} container of {{ $labels.pod }} restarted more than ${t.restartThreshold} times in ${t.restartWindow}.`,
      runbook: `kubectl -n ${s.namespace} logs {{ $labels.pod }} -c ${SERVER_RUNTIME.containerName} --previous; an OOMKilled last state means raising resources.limits.memory.`,
    },
  ];
}

/** The dashboard panels of one server (kube-state-metrics and cAdvisor only). @internal */
export function serverPanels(s: WatchedServer): DashboardPanel[] {
  const { deployment, pods } = selectors(s);
  return [
    {
      title: 'Pods', unit: 'short', targets: [
        { expr: `kube_deployment_status_replicas_available{${deployment}}`, legend: 'available' },
        { expr: `kube_deployment_spec_replicas{${deployment}}`, legend: 'desired' },
      ],
    },
    { title: 'Container restarts (1h)', unit: 'short', targets: [{ expr: `sum by (pod) (increase(kube_pod_container_status_restarts_total{${pods}}[1h]))`, legend: '{{ pod }}' }] },
    { title: 'CPU', unit: 'short', targets: [{ expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{${pods}}[5m]))`, legend: '{{ pod }}' }] },
    { title: 'Memory (working set)', unit: 'bytes', targets: [{ expr: `sum by (pod) (container_memory_working_set_bytes{${pods}})`, legend: '{{ pod }}' }] },
  ];
}

/** Props of {@link renderServerMonitoring}. @internal */
export interface ServerMonitoringOptions {
  readonly server: WatchedServer;
  readonly labels: Record<string, string>;
  readonly monitoring: MonitoringOptions;
  readonly alerts: ResolvedServerAlerts;
}

/** The PrometheusRule and dashboard of one server, as `monitoring` asks. @internal */
export function renderServerMonitoring(scope: Construct, options: ServerMonitoringOptions): void {
  const { server, monitoring } = options;
  const metadata = (suffix: string, extra: Record<string, string> = {}): ObjectMetadata => ({
    name: `${server.name}${suffix}`, namespace: server.namespace, labels: { ...options.labels, ...extra },
  });
  if (monitoring.prometheusRule) {
    createPrometheusRule(scope, 'prometheus-rule', {
      metadata: metadata('', monitoring.labels),
      group: `mcp-server-${server.name}`,
      alerts: serverAlerts(server, options.alerts),
      alertLabels: { mcp_server: server.name },
      runbookBaseUrl: monitoring.runbookBaseUrl,
    });
  }
  if (monitoring.dashboard) {
    createGrafanaDashboard(scope, 'dashboard', {
      metadata: metadata('-dashboard'),
      uid: `mcp-server-${server.namespace}-${server.name}`,
      title: `MCP server ${server.name} (${server.namespace})`,
      tags: ['mcp', 'mcp-server'],
      panels: serverPanels(server),
    });
  }
}
