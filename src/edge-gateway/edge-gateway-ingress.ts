import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { createIngress, IngressOptions } from '../common/ingress';
import { ObjectMetadata } from '../common/metadata';
import { validateInteger } from '../common/validation';
import { EDGE_GATEWAY_RUNTIME } from './edge-gateway-runtime';

/**
 * External access to the WebSocket endpoint through an ingress-nginx Ingress: the shared
 * ingress options plus WebSocket timeouts and session affinity. Only `/ws` is routed: health
 * and metrics stay inside the cluster.
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/
 */
export interface EdgeGatewayIngress extends IngressOptions {
  /**
   * Seconds an idle WebSocket stays open through the proxy (ingress-nginx
   * proxy-read-timeout / proxy-send-timeout; its default of 60 s drops quiet MCP sessions), 60-86400.
   * @default 3600
   */
  readonly timeoutSeconds?: number;
  /**
   * Cookie-based session affinity, so a client that reconnects lands on the pod it used before.
   * @default false
   */
  readonly sessionAffinity?: boolean;
}

/**
 * Renders the gateway Ingress: the exact path `/ws` to the Service's http port, with the
 * ingress-nginx annotations WebSockets need. ingress-nginx forwards the Upgrade and
 * Connection headers itself over HTTP/1.1, so no configuration snippet (disabled by default
 * since CVE-2021-25742) is needed.
 * @throws McpConfigError for a missing or invalid host, class, timeout or TLS settings.
 * @internal
 */
export function renderEdgeGatewayIngress(scope: Construct, id: string, metadata: ObjectMetadata, service: kplus.Service, options: EdgeGatewayIngress): kplus.Ingress {
  const timeout = String(validateInteger(scope, 'ingress.timeoutSeconds', options.timeoutSeconds ?? 3600, 60, 86400));
  const annotations: Record<string, string> = {
    'nginx.ingress.kubernetes.io/proxy-http-version': '1.1',
    'nginx.ingress.kubernetes.io/proxy-read-timeout': timeout,
    'nginx.ingress.kubernetes.io/proxy-send-timeout': timeout,
    // Stream frames as they come instead of buffering responses.
    'nginx.ingress.kubernetes.io/proxy-buffering': 'off',
  };
  if (options.sessionAffinity) {
    Object.assign(annotations, {
      'nginx.ingress.kubernetes.io/affinity': 'cookie',
      'nginx.ingress.kubernetes.io/affinity-mode': 'persistent',
      'nginx.ingress.kubernetes.io/session-cookie-name': `${metadata.name}-affinity`,
      'nginx.ingress.kubernetes.io/session-cookie-max-age': timeout,
    });
  }
  return createIngress(scope, id, {
    metadata,
    options,
    annotations,
    paths: [{ path: EDGE_GATEWAY_RUNTIME.websocketPath, pathType: kplus.HttpIngressPathType.EXACT, service, port: EDGE_GATEWAY_RUNTIME.port }],
  });
}
