import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type * as podMonitors from '../../imports/podmonitors-monitoring.coreos.com';
import type * as prometheusRules from '../../imports/prometheusrules-monitoring.coreos.com';
import type * as serviceMonitors from '../../imports/servicemonitors-monitoring.coreos.com';
import { ObjectMetadata } from './metadata';

// The Prometheus Operator bindings (generated code) load on first use: only environments with the
// monitoring integration on render these objects.
const bindings = {
  podMonitors: (): typeof podMonitors => require('../../imports/podmonitors-monitoring.coreos.com'),
  prometheusRules: (): typeof prometheusRules => require('../../imports/prometheusrules-monitoring.coreos.com'),
  serviceMonitors: (): typeof serviceMonitors => require('../../imports/servicemonitors-monitoring.coreos.com'),
};

/**
 * Prometheus Operator and Grafana objects of one component. Every component takes this same
 * shape; a component whose software exports no metrics renders no scrape target, and is watched
 * through kube-state-metrics in its PrometheusRule instead.
 * @see https://prometheus-operator.dev/docs/api-reference/api/
 */
export interface MonitoringOptions {
  /**
   * Scrape the component's metrics endpoint with a ServiceMonitor (or a PodMonitor where pods
   * are scraped directly). Needs the Prometheus Operator CRDs. Ignored for components whose
   * software exports no metrics.
   * @default false
   */
  readonly scrape?: boolean;
  /** Render a PrometheusRule with the component's alerts. Needs the Prometheus Operator CRDs. @default false */
  readonly prometheusRule?: boolean;
  /** Render a Grafana dashboard ConfigMap labelled for the Grafana sidecar (`grafana_dashboard: "1"`). @default false */
  readonly dashboard?: boolean;
  /**
   * Extra labels on every ServiceMonitor, PodMonitor and PrometheusRule, so that Prometheus
   * selects them: a default kube-prometheus-stack selects on `release: <helm release name>`.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /** How often Prometheus scrapes, as a Prometheus duration (`30s`, `1m`). @default '30s' */
  readonly scrapeInterval?: string;
  /** Base URL of the runbooks; each alert's `runbook_url` is `<base>#<alert name in lower case>`. @default - no runbook_url */
  readonly runbookBaseUrl?: string;
}

/** The label that marks a Service as the one a ServiceMonitor scrapes. @internal */
export const METRICS_SERVICE_LABEL = 'mcp.platform/metrics';

/** The label the Grafana dashboard sidecar (kube-prometheus-stack) watches. @internal */
export const GRAFANA_DASHBOARD_LABEL = 'grafana_dashboard';

/** One scrape endpoint: a named port and an HTTP path. @internal */
export interface ScrapeEndpoint {
  /** Named port (of the Service for a ServiceMonitor, of the container for a PodMonitor). */
  readonly port: string;
  /** @default '/metrics' */
  readonly path?: string;
  /** @default '30s' */
  readonly interval?: string;
  /** @default '10s' */
  readonly scrapeTimeout?: string;
}

/** Props of {@link createServiceMonitor}. @internal */
export interface ServiceMonitorOptions extends ScrapeEndpoint {
  readonly metadata: ObjectMetadata;
  /**
   * Labels that select exactly one Service. Include a label only that Service carries
   * (a selector matching two Services scrapes every pod twice).
   */
  readonly serviceSelector: Record<string, string>;
}

/** A Prometheus Operator ServiceMonitor (needs the monitoring.coreos.com CRDs). @internal */
export function createServiceMonitor(scope: Construct, id: string, options: ServiceMonitorOptions): serviceMonitors.ServiceMonitor {
  const { ServiceMonitor, ServiceMonitorSpecEndpointsScheme } = bindings.serviceMonitors();
  return new ServiceMonitor(scope, id, {
    metadata: options.metadata,
    spec: {
      selector: { matchLabels: options.serviceSelector },
      endpoints: [{
        port: options.port,
        path: options.path ?? '/metrics',
        scheme: ServiceMonitorSpecEndpointsScheme.HTTP,
        interval: options.interval ?? '30s',
        scrapeTimeout: options.scrapeTimeout ?? '10s',
      }],
    },
  });
}

/** Props of {@link createPodMonitor}. @internal */
export interface PodMonitorOptions extends ScrapeEndpoint {
  readonly metadata: ObjectMetadata;
  /** Labels of the scraped pods. */
  readonly podSelector: Record<string, string>;
}

/** A Prometheus Operator PodMonitor (needs the monitoring.coreos.com CRDs). @internal */
export function createPodMonitor(scope: Construct, id: string, options: PodMonitorOptions): podMonitors.PodMonitor {
  const { PodMonitor, PodMonitorSpecPodMetricsEndpointsScheme } = bindings.podMonitors();
  return new PodMonitor(scope, id, {
    metadata: options.metadata,
    spec: {
      selector: { matchLabels: options.podSelector },
      podMetricsEndpoints: [{
        port: options.port,
        path: options.path ?? '/metrics',
        scheme: PodMonitorSpecPodMetricsEndpointsScheme.HTTP,
        interval: options.interval ?? '30s',
        scrapeTimeout: options.scrapeTimeout ?? '10s',
      }],
    },
  });
}

/** One alerting rule, with the annotations every alert of this library carries. @internal */
export interface AlertRule {
  /** Alert name in UpperCamelCase; its lower-case form is the README runbook anchor. */
  readonly alert: string;
  /** PromQL expression; the alert fires for every series it returns. */
  readonly expr: string;
  /** How long the condition must hold, as a Prometheus duration (`5m`). */
  readonly for: string;
  readonly severity: 'critical' | 'warning' | 'info';
  /** One line, may use `{{ $labels.x }}`. */
  readonly summary: string;
  /** What it means and what it leads to. */
  readonly description: string;
  /** First steps, always in the `runbook` annotation. */
  readonly runbook: string;
}

/** Props of {@link createPrometheusRule}. @internal */
export interface PrometheusRuleOptions {
  readonly metadata: ObjectMetadata;
  /** Rule group name. */
  readonly group: string;
  readonly alerts: AlertRule[];
  /** Extra labels on every alert (e.g. `service`). */
  readonly alertLabels?: Record<string, string>;
  /** See {@link MonitoringOptions.runbookBaseUrl}. */
  readonly runbookBaseUrl?: string;
}

/** A PrometheusRule with one group of alerts; each has a severity label, summary, description and runbook. @internal */
export function createPrometheusRule(scope: Construct, id: string, options: PrometheusRuleOptions): prometheusRules.PrometheusRule {
  const { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } = bindings.prometheusRules();
  return new PrometheusRule(scope, id, {
    metadata: options.metadata,
    spec: {
      groups: [{
        name: options.group,
        rules: options.alerts.map(a => ({
          alert: a.alert,
          expr: PrometheusRuleSpecGroupsRulesExpr.fromString(a.expr),
          for: a.for,
          labels: { severity: a.severity, ...options.alertLabels },
          annotations: {
            summary: a.summary,
            description: a.description,
            runbook: a.runbook,
            ...(options.runbookBaseUrl ? { runbook_url: `${options.runbookBaseUrl}#${a.alert.toLowerCase()}` } : {}),
          },
        })),
      }],
    },
  });
}

/** One dashboard panel: a title, a unit and its PromQL queries. @internal */
export interface DashboardPanel {
  readonly title: string;
  /** @default 'timeseries' */
  readonly type?: 'timeseries' | 'stat';
  /** Grafana unit id (`reqps`, `s`, `bytes`, `percentunit`, `short`). */
  readonly unit: string;
  /** Queries and their legends. */
  readonly targets: { readonly expr: string; readonly legend: string }[];
}

/** Props of {@link createGrafanaDashboard}. @internal */
export interface GrafanaDashboardOptions {
  readonly metadata: ObjectMetadata;
  /** Dashboard uid (at most 40 characters, unique in Grafana). */
  readonly uid: string;
  readonly title: string;
  readonly tags: string[];
  /** Panels, laid out two per row. */
  readonly panels: DashboardPanel[];
}

/**
 * A ConfigMap holding a Grafana dashboard (schema 39), labelled `grafana_dashboard: "1"` for the
 * Grafana sidecar of kube-prometheus-stack, with a data source variable.
 * @internal
 */
export function createGrafanaDashboard(scope: Construct, id: string, options: GrafanaDashboardOptions): kplus.ConfigMap {
  const ds = { type: 'prometheus', uid: '${datasource}' };
  const panels = options.panels.map((p, i) => ({
    id: i + 1,
    title: p.title,
    type: p.type ?? 'timeseries',
    datasource: ds,
    gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
    fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
    targets: p.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), datasource: ds, expr: t.expr, legendFormat: t.legend })),
  }));
  const dashboard = {
    uid: options.uid.slice(0, 40),
    title: options.title,
    tags: options.tags,
    schemaVersion: 39,
    editable: false,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: { list: [{ name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus' }] },
    panels,
  };
  const name = options.metadata.name;
  return new kplus.ConfigMap(scope, id, {
    metadata: {
      ...options.metadata,
      labels: { ...options.metadata.labels, [GRAFANA_DASHBOARD_LABEL]: '1' },
      annotations: { grafana_folder: 'MCP Platform', ...options.metadata.annotations },
    },
    data: { [`${name}.json`]: JSON.stringify(dashboard, null, 2) },
  });
}
