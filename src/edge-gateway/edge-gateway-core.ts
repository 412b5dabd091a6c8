import { IConstruct } from 'constructs';
import { invalid } from '../common/errors';
import { NetworkPeer } from '../common/network';
import { SecretKeyReference } from '../common/secrets';
import { validateInteger } from '../common/validation';
import { Connectivity, ServiceEndpoint } from '../connectivity/connectivity';
import { checkPeer, defaultPeer } from './edge-gateway-network';

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
  /**
   * Secret key with the API key the core platform issued to this gateway (DEV_MESH_API_KEY). It
   * is a credential of the core platform, so it is never generated: under `secretProvisioning`
   * `generated` its Secret stays a prerequisite; under `external-secrets` an ExternalSecret reads
   * it from the store (`secretRemoteKeys.corePlatformApiKey`).
   * @default { secretName: '<name>', key: 'core-platform-api-key' }
   */
  readonly apiKey?: SecretKeyReference;
  /**
   * The gateway's id (EDGE_MCP_ID), sent with every authentication and logged by the core
   * platform; 1-128 letters, digits, '.', '_' or '-'.
   * @default - the pod name
   */
  // The core platform's POST /api/v1/auth/edge-mcp (apps/rest-api registration_api.go at
  // e45c8fca) validates only the API key and logs the id: no id needs registering.
  readonly edgeId?: string;
  /**
   * Where the core platform runs, for the gateway's egress NetworkPolicy: pods (`namespace`,
   * `podLabels`) or an IP block (`cidr`, e.g. the load balancer's addresses).
   * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
   * @default - the namespace of an in-cluster URL (`http://<service>.<namespace>.svc[.cluster.local]...`), else any address (`0.0.0.0/0`), on `port` only
   */
  readonly peer?: NetworkPeer;
  /**
   * Port the gateway connects to (1-65535), which its egress allows. NetworkPolicies match the
   * pod's port after a Service's translation: for an in-cluster URL whose Service port differs
   * from the pods' target port, set the target port here.
   * @default - the URL's port, else 443 for https and 80 for http (443 when the URL is in a Secret)
   */
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
  /** What the gateway connects to: the core platform outside the platform's workloads, on one port. */
  readonly endpoint: ServiceEndpoint;
}

const EDGE_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Checks the URL (absolute http(s), no credentials, query or fragment), the edge id, the peer and
 * the port, and resolves where the gateway connects to.
 * @param secretName the gateway's own Secret, which holds the API key by default
 * @throws McpConfigError naming `corePlatform.<field>`
 * @internal
 */
export function resolveCorePlatform(scope: IConstruct, core: EdgeGatewayCorePlatform, secretName: string): ResolvedCorePlatform {
  if (core.edgeId !== undefined && !EDGE_ID.test(core.edgeId)) invalid(scope, 'corePlatform.edgeId', core.edgeId, "use 1-128 letters, digits, '.', '_' or '-', e.g. 'edge-eu-1'");
  if (core.peer) checkPeer(scope, 'corePlatform.peer', core.peer);
  const apiKey = core.apiKey ?? { secretName, key: 'core-platform-api-key' };
  const endpoint = (label: string, port: number, host?: string): ServiceEndpoint => ({
    target: Connectivity.external(`core platform (${label})`, core.peer ?? defaultPeer(host)),
    ports: [{ port: validateInteger(scope, 'corePlatform.port', port, 1, 65535) }],
  });
  if (typeof core.url === 'object') {
    return { urlSecret: core.url, apiKey, edgeId: core.edgeId, endpoint: endpoint(`URL in Secret ${core.url.secretName}`, core.port ?? 443) };
  }
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
  return { literalUrl: core.url, apiKey, edgeId: core.edgeId, endpoint: endpoint(url.hostname, port, url.hostname) };
}
