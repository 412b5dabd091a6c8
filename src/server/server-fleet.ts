import { Construct } from 'constructs';
import { invalid } from '../common/errors';
import { ClusterNetwork } from '../common/network';
import { McpServer, McpServerIngressOptions, McpServerProps } from './mcp-server';
import { McpServerCatalog } from './server-catalog';
import { McpServerDeployer, McpServerDeployerProps } from './server-deployer';
import { SERVER_RUNTIME } from './server-runtime';
import { McpServerTemplate } from './server-template';

/** One server of an environment: McpServer props, with the environment supplying the rest. */
export interface McpServerInstance extends Omit<McpServerProps, 'catalog' | 'namespace' | 'registryPrefix' | 'ingress' | 'networkPolicy' | 'name'> {
  /** Server name (RFC 1123 label, at most 52 characters), unique in the environment. */
  readonly name: string;
  /** Expose the server at `<name>.<environment ingress host>`. @default false (reached through the edge gateway) */
  readonly ingress?: boolean;
}

/** Deployer options of an environment. */
export interface McpServerDeployerSettings extends Omit<McpServerDeployerProps, 'namespace' | 'networkPolicy' | 'createNamespace' | 'rbac'> {
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
  /** Registry prefix of template images (seed `MCP_IMAGE_REGISTRY`). @default 'ghcr.io/data-everything' */
  readonly registryPrefix?: string;
  /** Templates to register besides the built-ins. @default [] */
  readonly templates?: McpServerTemplate[];
  /** The deployer setup. @default - enabled */
  readonly deployer?: McpServerDeployerSettings;
  /** Servers the chart deploys. @default [] */
  readonly servers?: McpServerInstance[];
}

/** Props of {@link McpServerFleet}. */
export interface McpServerFleetProps extends McpServersSettings {
  /** Namespace used when `namespace` is unset. */
  readonly defaultNamespace: string;
  /** Namespace of the edge gateway and agents allowed to call servers. */
  readonly platformNamespace: string;
  /** Ingress defaults for servers with `ingress: true`. @default - servers may not enable ingress */
  readonly ingress?: McpServerIngressOptions;
  /** Where the ingress controller runs. */
  readonly clusterNetwork?: ClusterNetwork;
}

/**
 * Composes the servers namespace and deployer ({@link McpServerDeployer}) with the
 * environment's servers ({@link McpServer}), all in the servers namespace.
 * @throws McpConfigError for duplicate server names, ingress without environment ingress
 * settings, or anything McpServer and McpServerDeployer refuse.
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
    const namespace = props.namespace ?? props.defaultNamespace;
    this.catalog = McpServerCatalog.withBuiltins();
    for (const t of props.templates ?? []) this.catalog.register(t);
    const { enabled: deployerEnabled, ...deployer } = props.deployer ?? {};
    this.deployer = new McpServerDeployer(this, 'deployer', {
      ...deployer,
      namespace,
      networkPolicy: { platformNamespace: props.platformNamespace, clusterNetwork: props.clusterNetwork },
      rbac: deployerEnabled ?? true,
    });
    const names = new Set<string>();
    for (const [i, s] of (props.servers ?? []).entries()) {
      const { ingress, name, ...rest } = s;
      if (names.has(name)) invalid(this, `servers[${i}].name`, name, 'server names must be unique in the environment');
      names.add(name);
      if (ingress && !props.ingress) invalid(this, `servers[${i}].ingress`, true, 'set the environment ingress (host, className, tls) to expose servers');
      this.servers.push(new McpServer(this, name, {
        ...rest,
        name,
        catalog: this.catalog,
        namespace,
        registryPrefix: props.registryPrefix ?? SERVER_RUNTIME.registryPrefix,
        ingress: ingress ? props.ingress : undefined,
        networkPolicy: { platformNamespace: props.platformNamespace, clusterNetwork: props.clusterNetwork },
      }));
    }
  }
}
