import { Construct } from 'constructs';
import { ServiceMonitor, ServiceMonitorSpecEndpointsScheme } from '../../imports/servicemonitors-monitoring.coreos.com';

/** Props of {@link createServiceMonitor}. */
export interface ServiceMonitorOptions {
  /** metadata.name */
  readonly name: string;
  /** Labels for the object's metadata (Prometheus selects ServiceMonitors by label). */
  readonly labels: Record<string, string>;
  /**
   * Labels that select exactly one Service. Include a label only that Service carries
   * (the original edge-mcp ServiceMonitor matched two Services and scraped every pod twice).
   */
  readonly serviceSelector: Record<string, string>;
  /** Named Service port to scrape. */
  readonly port: string;
  /** Metrics path @default '/metrics' */
  readonly path?: string;
  /** Scrape interval @default '30s' */
  readonly interval?: string;
  /** Scrape timeout @default '10s' */
  readonly scrapeTimeout?: string;
}

/** The label that marks a Service as the one a ServiceMonitor scrapes. */
export const METRICS_SERVICE_LABEL = 'mcp.platform/metrics';

/** A Prometheus Operator ServiceMonitor (needs the monitoring.coreos.com CRDs). */
export function createServiceMonitor(scope: Construct, id: string, options: ServiceMonitorOptions): ServiceMonitor {
  return new ServiceMonitor(scope, id, {
    metadata: { name: options.name, labels: options.labels },
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
