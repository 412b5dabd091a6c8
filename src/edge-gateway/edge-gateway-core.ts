import { IConstruct } from 'constructs';
import { invalid } from '../common/errors';
import { NetworkPeer, NetworkRule } from '../common/network';
import { SecretKeyReference } from '../common/secrets';
import { validateInteger } from '../common/validation';

/**
 * The Developer Mesh core platform (its REST API) the gateway authenticates clients and itself
 * against and fetches tools from.
 */
export interface EdgeGatewayCorePlatform {
  /**
   * Base URL of the core platform's REST API, `https://...` or `http://...` (DEV_MESH_URL),
   * or a Secret key holding it. Client API keys are validated at `POST <url>/api/v1/auth/edge-mcp`.
   */
  readonly url: string | SecretKeyReference;
  /** Secret key with the API key the gateway authenticates itself with (DEV_MESH_API_KEY). */
  readonly apiKey: SecretKeyReference;
  /**
   * The gateway's id (EDGE_MCP_ID), sent with every authentication and logged by the core
   * platform; 1-128 letters, digits, '.', '_' or '-'.
   * @default - the pod name
   */
  // The core platform's POST /api/v1/auth/edge-mcp (apps/rest-api registration_api.go at
  // e45c8fca) validates only the API key and logs the id: no id needs registering.
  readonly edgeId?: string;
  /** Where the core platform runs, for the egress NetworkPolicy. @default - any address, on `port` only */
  readonly peer?: NetworkPeer;
  /** Port the gateway connects to (1-65535). @default - the URL's port, else 443 for https and 80 for http (443 when the URL is in a Secret) */
  readonly port?: number;
}

/** The core platform with its URL checked and its egress resolved. @internal */
export interface ResolvedCorePlatform {
  /** The URL when given literally (rendered into the ConfigMap). */
  readonly literalUrl?: string;
  /** The URL's Secret key when given as one. */
  readonly urlSecret?: SecretKeyReference;
  readonly apiKey: SecretKeyReference;
  readonly edgeId?: string;
  readonly egress: NetworkRule;
}

const EDGE_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Checks the URL (absolute http(s), no credentials, query or fragment), the edge id and the port.
 * @throws McpConfigError naming `corePlatform.<field>`
 * @internal
 */
export function resolveCorePlatform(scope: IConstruct, core: EdgeGatewayCorePlatform): ResolvedCorePlatform {
  if (core.edgeId !== undefined && !EDGE_ID.test(core.edgeId)) invalid(scope, 'corePlatform.edgeId', core.edgeId, "use 1-128 letters, digits, '.', '_' or '-', e.g. 'edge-eu-1'");
  const peer = core.peer ?? { cidr: '0.0.0.0/0' };
  const egress = (port: number): NetworkRule => ({ peers: [peer], ports: [{ port: validateInteger(scope, 'corePlatform.port', port, 1, 65535) }] });
  if (typeof core.url === 'object') return { urlSecret: core.url, apiKey: core.apiKey, edgeId: core.edgeId, egress: egress(core.port ?? 443) };
  let url: URL | undefined;
  try {
    url = new URL(core.url);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search || url.hash) {
    // The URL may carry credentials: show it only when it has none.
    const shown = url && (url.username || url.password) ? '<a URL with credentials, not shown>' : core.url;
    invalid(scope, 'corePlatform.url', shown, "use an absolute http(s) base URL without credentials, query or fragment, such as 'https://devmesh.example.com' (put the API key in corePlatform.apiKey)");
  }
  const port = core.port ?? (url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);
  return { literalUrl: core.url, apiKey: core.apiKey, edgeId: core.edgeId, egress: egress(port) };
}
