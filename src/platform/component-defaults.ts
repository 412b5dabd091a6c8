import { ComponentProps } from '../common/component-props';
import { IngressDefaults } from '../common/ingress';
import { MonitoringOptions } from '../common/monitoring';
import { ClusterNetwork, DEFAULT_CLUSTER_NETWORK } from '../common/network';
import { McpEnvironment } from './environment';

/**
 * What the environment gives every component it renders: monitoring wired to the installed
 * integrations, where the cluster's shared services run, and the ingress defaults.
 * @internal
 */
export interface ComponentDefaults {
  readonly monitoring: MonitoringOptions;
  readonly clusterNetwork: ClusterNetwork;
  /** The environment's ingress settings, for {@link mergeIngressOptions}. */
  readonly ingress?: IngressDefaults;
  readonly certManager: boolean;
  readonly externalSecrets: boolean;
  readonly cloudNativePg: boolean;
}

/** The defaults an environment gives its components. @internal */
export function componentDefaults(env: McpEnvironment): ComponentDefaults {
  const integrations = env.integrations ?? {};
  const prometheus = integrations.prometheusOperator ?? false;
  return {
    monitoring: {
      scrape: prometheus,
      prometheusRule: prometheus,
      dashboard: prometheus,
      ...(env.monitoring?.labels ? { labels: env.monitoring.labels } : {}),
      ...(env.monitoring?.runbookBaseUrl ? { runbookBaseUrl: env.monitoring.runbookBaseUrl } : {}),
    },
    clusterNetwork: env.clusterNetwork ?? DEFAULT_CLUSTER_NETWORK,
    ingress: env.ingress,
    certManager: integrations.certManager ?? false,
    externalSecrets: integrations.externalSecrets ?? false,
    cloudNativePg: integrations.cloudNativePg ?? false,
  };
}

/**
 * A component's props with the environment's defaults under the user's own: `monitoring` and
 * `networkPolicy` merge field by field, the user's values winning.
 * @internal
 */
export function withComponentDefaults<T extends ComponentProps>(defaults: ComponentDefaults, own: T): T {
  return {
    ...own,
    monitoring: { ...defaults.monitoring, ...own.monitoring },
    networkPolicy: { clusterNetwork: defaults.clusterNetwork, ...own.networkPolicy },
  };
}
