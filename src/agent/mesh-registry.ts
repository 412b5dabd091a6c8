import { Workload } from '../connectivity/connectivity';

/**
 * The MCP Mesh registry agents register and heartbeat with, as agents need it: its URL, where its
 * pods run (for the agents' egress rule) and its Service name (which no agent may take). The
 * `Registry` construct satisfies it; for a registry rendered elsewhere use
 * {@link McpMeshRegistry.fromAttributes}.
 * @constructHandle true
 */
export interface IMcpMeshRegistry {
  /** Base URL of the registry API, e.g. `http://mcp-mesh-registry.mcp-dev.svc:8000`. */
  readonly url: string;
  /** Labels of the registry pods. */
  readonly selector: Readonly<Record<string, string>>;
  /** The registry pods' API port (the container port egress rules allow). */
  readonly port: number;
  /** The registry's client Service. */
  readonly service: { readonly name: string };
  /**
   * The registry's pods in the chart's connectivity model, when the registry is rendered in the
   * same chart: the agents' flow to it then shapes both the registry's ingress and their egress.
   * @default - a registry outside the chart: agents get an egress rule to its selector only
   */
  readonly workload?: Workload;
}

/** What {@link McpMeshRegistry.fromAttributes} needs to know of a registry rendered elsewhere. */
export interface McpMeshRegistryAttributes {
  /** Base URL of the registry API. */
  readonly url: string;
  /** Labels of the registry pods (in the agents' namespace). */
  readonly selector: Record<string, string>;
  /** The registry pods' API port (the container port, which NetworkPolicies match). @default - the URL's port, else 8000 (the registry's default PORT) */
  readonly port?: number;
  /** Service name. @default - the URL's host up to the first dot */
  readonly serviceName?: string;
}

/** Factories for {@link IMcpMeshRegistry}. */
export class McpMeshRegistry {
  /**
   * A registry deployed by another chart or tool (for example the upstream Helm chart).
   * @throws Error when `url` is not an http(s) URL
   */
  public static fromAttributes(attributes: McpMeshRegistryAttributes): IMcpMeshRegistry {
    let parsed: URL;
    try {
      parsed = new URL(attributes.url);
    } catch {
      throw new Error(`McpMeshRegistry.fromAttributes: url ${JSON.stringify(attributes.url)} is not a URL; use http(s)://host:port`);
    }
    if (!/^https?:$/.test(parsed.protocol)) throw new Error(`McpMeshRegistry.fromAttributes: url ${JSON.stringify(attributes.url)} must use http or https`);
    return {
      url: attributes.url,
      selector: { ...attributes.selector },
      port: attributes.port ?? (parsed.port ? Number(parsed.port) : 8000),
      service: { name: attributes.serviceName ?? parsed.hostname.split('.')[0] },
    };
  }

  private constructor() {}
}
