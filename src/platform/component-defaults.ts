import { ComponentProps } from '../common/component-props';
import { IngressDefaults } from '../common/ingress';
import { MonitoringOptions } from '../common/monitoring';
import { ClusterNetwork, DEFAULT_CLUSTER_NETWORK } from '../common/network';
import { SecretsProvisioning } from '../common/secret-provisioning';
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
  readonly secretProvisioning?: SecretsProvisioning;
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
    ...(env.secretProvisioning ? { secretProvisioning: env.secretProvisioning } : {}),
  };
}

/**
 * A component's props with the environment's defaults under the user's own: `monitoring` and
 * `networkPolicy` merge field by field, `secretProvisioning` applies unless the component sets its
 * own; the user's values win. Agents read no provisioned Secret (`secrets: false`).
 * @internal
 */
export function withComponentDefaults<T extends ComponentProps>(defaults: ComponentDefaults, own: T, options: { secrets?: boolean } = {}): T {
  const secretProvisioning = own.secretProvisioning ?? defaults.secretProvisioning;
  return {
    ...own,
    monitoring: { ...defaults.monitoring, ...own.monitoring },
    networkPolicy: { clusterNetwork: defaults.clusterNetwork, ...own.networkPolicy },
    ...((options.secrets ?? true) && secretProvisioning ? { secretProvisioning } : {}),
  };
}
