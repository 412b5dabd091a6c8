import { Construct } from 'constructs';
import { AlertRule, createGrafanaDashboard, createPodMonitor, createPrometheusRule, createServiceMonitor, DashboardPanel, MonitoringOptions } from '../common/monitoring';
import { AGENT_RUNTIME } from './agent-runtime';
import { AgentAlertThresholds } from './agent-spec';

/** {@link AgentAlertThresholds} with every default applied. */
export const DEFAULT_AGENT_ALERTS: Required<AgentAlertThresholds> = {
  downFor: '5m',
  degradedFor: '15m',
  restartThreshold: 3,
  restartWindow: '15m',
  metricsMissingFor: '10m',
};

/** Who the monitoring objects describe. */
export interface AgentMonitoringTarget {
  /** Agent (Deployment) name. */
  readonly name: string;
  readonly namespace: string;
  /** Labels of the agent's objects (the monitors' and rule's metadata). */
  readonly labels: Record<string, string>;
  /** Selector labels of the agent's pods and Service. */
  readonly selector: Record<string, string>;
  /** Label only the agent's Service carries (for the ServiceMonitor). */
  readonly serviceLabel: Record<string, string>;
}

/** Pods of Deployment `name`: `<name>-<replicaset hash>-<suffix>`, never those of `<name>-other`. */
export function agentPodRegex(name: string): string {
  return `${name}-[a-z0-9]+-[a-z0-9]+`;
}

/** ServiceMonitor or PodMonitor on the runtime's `/metrics` (HTTP port), labelled for Prometheus. */
export function createAgentScrape(scope: Construct, target: AgentMonitoringTarget, monitoring: MonitoringOptions, kind: 'ServiceMonitor' | 'PodMonitor'): void {
  const metadata = { name: target.name, namespace: target.namespace, labels: { ...target.labels, ...monitoring.labels } };
  const endpoint = { port: AGENT_RUNTIME.portName, path: AGENT_RUNTIME.metricsPath, interval: monitoring.scrapeInterval ?? '30s' };
  if (kind === 'PodMonitor') createPodMonitor(scope, 'pod-monitor', { metadata, podSelector: target.selector, ...endpoint });
  else createServiceMonitor(scope, 'service-monitor', { metadata, serviceSelector: { ...target.selector, ...target.serviceLabel }, ...endpoint });
}

/**
 * The agent's alerts: availability and restarts from kube-state-metrics, and (when scraped) pods
 * that are available yet export no `mcp_mesh_up`. The runtime exports no request or error
 * metrics, so there is no error-rate or latency alert.
 */
export function agentAlerts(target: Pick<AgentMonitoringTarget, 'name' | 'namespace'>, thresholds: Required<AgentAlertThresholds>, scraped: boolean): AlertRule[] {
  const deployment = `namespace="${target.namespace}", deployment="${target.name}"`;
  const pods = `namespace="${target.namespace}", pod=~"${agentPodRegex(target.name)}"`;
  const alerts: AlertRule[] = [
    {
      alert: 'McpAgentDown',
      expr: `kube_deployment_status_replicas_available{${deployment}} == 0 and kube_deployment_spec_replicas{${deployment}} > 0`,
      for: thresholds.downFor,
      severity: 'critical',
      summary: `MCP Mesh agent ${target.name} has no available pod`,
      description: `No pod of agent ${target.name} in ${target.namespace} has been available for ${thresholds.downFor}. Its capabilities are gone from the mesh; agents that depend on them get no provider.`,
      runbook: `kubectl -n ${target.namespace} describe deployment ${target.name}; kubectl -n ${target.namespace} logs deploy/${target.name} -c ${AGENT_RUNTIME.containerName}. Look for image pull errors, failing /startupz or /ready probes, an unreachable registry.`,
    },
    {
      alert: 'McpAgentDegraded',
      expr: `kube_deployment_status_replicas_available{${deployment}} < kube_deployment_spec_replicas{${deployment}}`,
      for: thresholds.degradedFor,
      severity: 'warning',
      summary: `MCP Mesh agent ${target.name} runs fewer pods than desired`,
      description: `Agent ${target.name} in ${target.namespace} has had fewer available pods than desired for ${thresholds.degradedFor}: less capacity, and a further failure takes it down.`,
      runbook: `kubectl -n ${target.namespace} get pods -l app.kubernetes.io/name=${target.name}; describe the pods that are not Ready (scheduling, probes, OOM kills).`,
    },
    {
      alert: 'McpAgentRestarting',
      expr: `sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{${pods}, container="${AGENT_RUNTIME.containerName}"}[${thresholds.restartWindow}])) >= ${thresholds.restartThreshold}`,
      for: '0m',
      severity: 'warning',
      summary: `MCP Mesh agent pod {{ $labels.pod }} restarts often`,
      description: `The agent container of {{ $labels.pod }} restarted at least ${thresholds.restartThreshold} times in ${thresholds.restartWindow}: the agent re-registers on each start and its callers see it come and go.`,
      runbook: `kubectl -n ${target.namespace} logs {{ $labels.pod }} -c ${AGENT_RUNTIME.containerName} --previous; check for OOMKilled (raise resources.limits.memory) or a failing liveness probe.`,
    },
  ];
  if (scraped) {
    const zero = `label_replace(vector(0), "namespace", "${target.namespace}", "", "")`;
    alerts.push({
      alert: 'McpAgentMetricsMissing',
      expr: `kube_deployment_status_replicas_available{${deployment}} > on (namespace) group_left () (count by (namespace) (mcp_mesh_up{${pods}} == 1) or on () ${zero})`,
      for: thresholds.metricsMissingFor,
      severity: 'warning',
      summary: `MCP Mesh agent ${target.name} has available pods that export no mcp_mesh_up`,
      description: `More pods of agent ${target.name} are available than report mcp_mesh_up on /metrics for ${thresholds.metricsMissingFor}: the scrape is blocked (NetworkPolicy, monitor not selected by Prometheus) or the agent's HTTP server did not start.`,
      runbook: `Check the target in Prometheus (Status > Targets); kubectl -n ${target.namespace} port-forward deploy/${target.name} ${AGENT_RUNTIME.httpPort} and curl localhost:${AGENT_RUNTIME.httpPort}${AGENT_RUNTIME.metricsPath}.`,
    });
  }
  return alerts;
}

/** The agent's PrometheusRule, labelled for Prometheus. */
export function createAgentPrometheusRule(scope: Construct, target: AgentMonitoringTarget, monitoring: MonitoringOptions, thresholds: Required<AgentAlertThresholds>): void {
  createPrometheusRule(scope, 'prometheus-rule', {
    metadata: { name: target.name, namespace: target.namespace, labels: { ...target.labels, ...monitoring.labels } },
    group: `mcp-agent-${target.name}`,
    alerts: agentAlerts(target, thresholds, monitoring.scrape ?? false),
    alertLabels: { service: target.name },
    runbookBaseUrl: monitoring.runbookBaseUrl,
  });
}

/**
 * Panels for agents: the runtime's two gauges and standard kube-state-metrics / cAdvisor series of
 * the agent containers. `pod` narrows them to one agent's pods (a regex), else every agent of the namespace.
 */
export function agentDashboardPanels(namespace: string, pod?: string): DashboardPanel[] {
  const sel = `namespace="${namespace}"${pod ? `, pod=~"${pod}"` : ''}`;
  const container = `${sel}, container="${AGENT_RUNTIME.containerName}"`;
  return [
    { title: 'Agents up (mcp_mesh_up)', unit: 'short', targets: [{ expr: `sum by (agent) (mcp_mesh_up{${sel}})`, legend: '{{agent}}' }] },
    { title: 'MCP tools wrapped', unit: 'short', targets: [{ expr: `max by (agent) (mcp_mesh_wrappers_total{${sel}})`, legend: '{{agent}}' }] },
    { title: 'Ready agent containers', unit: 'short', targets: [{ expr: `sum(kube_pod_container_status_ready{${container}})`, legend: 'ready' }, { expr: `count(kube_pod_container_status_ready{${container}})`, legend: 'total' }] },
    { title: 'Restarts (1h)', unit: 'short', targets: [{ expr: `sum by (pod) (increase(kube_pod_container_status_restarts_total{${container}}[1h]))`, legend: '{{pod}}' }] },
    { title: 'CPU', unit: 'short', targets: [{ expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{${container}}[5m]))`, legend: '{{pod}}' }] },
    { title: 'Memory (working set)', unit: 'bytes', targets: [{ expr: `sum by (pod) (container_memory_working_set_bytes{${container}})`, legend: '{{pod}}' }] },
  ];
}

/** A Grafana dashboard ConfigMap for one agent (`pod` given) or every agent of the namespace. */
export function createAgentDashboard(scope: Construct, id: string, options: { name: string; namespace: string; labels: Record<string, string>; title: string; pod?: string }): void {
  createGrafanaDashboard(scope, id, {
    metadata: { name: `${options.name}-dashboard`, namespace: options.namespace, labels: options.labels },
    uid: `mcp-agents-${options.namespace}-${options.pod ? options.name : 'all'}`,
    title: options.title,
    tags: ['mcp', 'mcp-mesh', 'agents'],
    panels: agentDashboardPanels(options.namespace, options.pod),
  });
}
