import { Construct } from 'constructs';
import { invalid } from '../common/errors';
import { IngressOptions, IngressTls, mergeIngressOptions } from '../common/ingress';
import { MonitoringOptions } from '../common/monitoring';
import { ClusterNetwork } from '../common/network';
import { checkProps } from '../common/props-schema';
import { SecretsProvisioning } from '../common/secret-provisioning';
import { McpServer, McpServerProps } from './mcp-server';
import { McpServerCatalog } from './server-catalog';
import { McpServerDeployer, McpServerDeployerProps } from './server-deployer';
import { McpServerTemplate } from './server-template';

/** One server of an environment: McpServer props, with the environment supplying namespace, catalog and ingress defaults. */
export interface McpServerInstance extends Omit<McpServerProps, 'catalog' | 'namespace' | 'registryPrefix' | 'ingress' | 'name'> {
  /** Server name (RFC 1123 label, at most 52 characters), unique in the environment. */
  readonly name: string;
  /**
   * Expose the MCP endpoint: `true` for `<name>.<environment ingress host>` with the environment's
   * class and TLS, or options merged over those.
   * @default false (reached only by `networkPolicy.clients`)
   */
  readonly ingress?: boolean | IngressOptions;
}

/**
 * Deployer options of an environment. `networkPolicy.ports` defaults to the ports of the
 * environment's catalog (built-ins plus `templates`).
 */
export interface McpServerDeployerSettings extends Omit<McpServerDeployerProps, 'namespace' | 'createNamespace' | 'rbac'> {
  /** Render the deployer's ServiceAccount, Role and RoleBinding. @default true */
  readonly enabled?: boolean;
}

/**
 * The MCP servers of an environment: their namespace, the template catalog, the deployer
 * RBAC, and the servers deployed from the chart (others are deployed at runtime by the
 * platform backend through the deployer).
 */
export interface McpServersSettings {
  /** Namespace of the servers. @default `mcp-servers-<environment>` */
  readonly namespace?: string;
  /** Mirror registry every server's images are pulled from (see McpServerProps.registryPrefix). @default - the images' own registries */
  readonly registryPrefix?: string;
  /** Templates to register besides the built-ins. @default [] */
  readonly templates?: McpServerTemplate[];
  /** The deployer setup. @default - enabled */
  readonly deployer?: McpServerDeployerSettings;
  /** Servers the chart deploys. @default [] */
  readonly servers?: McpServerInstance[];
}

/** What the environment gives the servers. */
export interface McpServerFleetDefaults {
  /** Monitoring under each server's own. */
  readonly monitoring: MonitoringOptions;
  readonly clusterNetwork: ClusterNetwork;
  /** The environment's ingress settings: base domain, class and TLS. @default - servers may not enable ingress */
  readonly ingress?: { readonly host: string; readonly className?: string; readonly tls?: IngressTls };
  /** Whether cert-manager is installed (a ClusterIssuer is kept only then). */
  readonly certManager: boolean;
  /** How the Secrets the servers' config references come to exist, unless a server sets its own. @default { source: 'existing' } */
  readonly secretProvisioning?: SecretsProvisioning;
}

/** Props of {@link McpServerFleet}. */
export interface McpServerFleetProps {
  readonly settings: McpServersSettings;
  /** Namespace used when `settings.namespace` is unset. */
  readonly defaultNamespace: string;
  readonly defaults: McpServerFleetDefaults;
}

/**
 * Composes the servers namespace and deployer ({@link McpServerDeployer}) with the
 * environment's servers ({@link McpServer}), all in the servers namespace.
 * @throws McpConfigError for invalid settings, duplicate server names, ingress without
 * environment ingress settings, or anything McpServer and McpServerDeployer refuse.
 */
export class McpServerFleet extends Construct {
  /** The namespace setup and deployer RBAC. */
  public readonly deployer: McpServerDeployer;
  /** The catalog servers are deployed from. */
  public readonly catalog: McpServerCatalog;
  /** The servers, in declaration order. */
  public readonly servers: McpServer[] = [];

  public constructor(scope: Construct, id: string, props: McpServerFleetProps) {
    super(scope, id);
    const settings = props.settings;
    checkProps(this, 'McpServersSettings', settings);
    const namespace = settings.namespace ?? props.defaultNamespace;
    const defaults = props.defaults;
    this.catalog = McpServerCatalog.withBuiltins();
    for (const t of settings.templates ?? []) this.catalog.register(t);
    const { enabled: deployerEnabled, networkPolicy, ...deployer } = settings.deployer ?? {};
    this.deployer = new McpServerDeployer(this, 'deployer', {
      ...deployer,
      namespace,
      networkPolicy: {
        clusterNetwork: defaults.clusterNetwork,
        ports: [...new Set(this.catalog.list().map(t => t.port))].sort((a, b) => a - b),
        ...networkPolicy,
      },
      rbac: deployerEnabled ?? true,
    });
    const names = new Set<string>();
    for (const [i, s] of (settings.servers ?? []).entries()) {
      const { ingress, name, ...rest } = s;
      if (names.has(name)) invalid(this, `servers[${i}].name`, name, 'server names must be unique in the environment');
      names.add(name);
      // Validated before it becomes a construct id (an invalid id is a raw constructs error).
      if (typeof name !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 52) {
        invalid(this, `servers[${i}].name`, name, "use at most 52 lower-case letters, digits and '-', starting and ending with a letter or digit (RFC 1123 label)");
      }
      if (ingress && !defaults.ingress && (ingress === true || !ingress.host)) {
        invalid(this, `servers[${i}].ingress`, ingress, 'set the environment ingress (host, className, tls), or ingress.host on the server');
      }
      const own = ingress === true ? {} : ingress || undefined;
      this.servers.push(new McpServer(this, name, {
        ...rest,
        name,
        catalog: this.catalog,
        namespace,
        registryPrefix: settings.registryPrefix,
        ingress: own && mergeIngressOptions(own, defaults.ingress, name, defaults.certManager),
        monitoring: { ...defaults.monitoring, ...rest.monitoring },
        secretProvisioning: rest.secretProvisioning ?? defaults.secretProvisioning,
        networkPolicy: { clusterNetwork: defaults.clusterNetwork, ...rest.networkPolicy },
      }));
    }
  }
}
