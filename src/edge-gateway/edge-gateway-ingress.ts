import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { declareExternal } from '../common/external-references';
import { invalid } from '../common/errors';
import { validateDnsSubdomain, validateInteger } from '../common/validation';
import { EDGE_GATEWAY_RUNTIME } from './edge-gateway-runtime';

/** TLS for the gateway's Ingress. */
export interface EdgeGatewayIngressTls {
  /**
   * cert-manager ClusterIssuer that issues the certificate into `secretName` (adds the
   * `cert-manager.io/cluster-issuer` annotation; needs cert-manager installed).
   * @default - no issuer: `secretName` must name an existing TLS Secret
   */
  readonly clusterIssuer?: string;
  /** The TLS Secret. @default - `<name>-tls` when clusterIssuer is set */
  readonly secretName?: string;
}

/**
 * External access to the WebSocket endpoint through an ingress-nginx Ingress. Only `/ws`
 * is routed: health and metrics stay inside the cluster.
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/
 */
export interface EdgeGatewayIngress {
  /** Render the Ingress. @default true */
  readonly enabled?: boolean;
  /**
   * Public host name (RFC 1123 subdomain), e.g. `edge.mcp.example.com`. Required on the
   * construct; the platform chart defaults it to `edge.<environment ingress host>`.
   */
  readonly host?: string;
  /** IngressClass. @default 'nginx' */
  readonly className?: string;
  /** TLS. @default - plain HTTP (dev only) */
  readonly tls?: EdgeGatewayIngressTls;
  /**
   * Seconds an idle WebSocket stays open through the proxy (ingress-nginx
   * proxy-read-timeout / proxy-send-timeout; its default of 60 s drops quiet MCP sessions).
   * @default 3600
   */
  readonly timeoutSeconds?: number;
  /**
   * Cookie-based session affinity, so a client that reconnects lands on the pod that holds
   * its L1 cache entries.
   * @default false
   */
  readonly sessionAffinity?: boolean;
  /** Extra annotations, applied last. @default - none */
  readonly annotations?: Record<string, string>;
}

/**
 * Renders the gateway Ingress: the exact path `/ws` to the Service's http port, with the
 * ingress-nginx annotations WebSockets need. ingress-nginx forwards the Upgrade and
 * Connection headers itself over HTTP/1.1, so no configuration snippet (disabled by default
 * since CVE-2021-25742) is needed.
 * @throws McpConfigError for an invalid host, class, timeout or TLS settings.
 */
export function renderEdgeGatewayIngress(scope: Construct, id: string, name: string, labels: Record<string, string>, service: kplus.Service, options: EdgeGatewayIngress): kplus.Ingress {
  const host = validateDnsSubdomain(scope, 'ingress.host', options.host ?? '');
  const className = validateDnsSubdomain(scope, 'ingress.className', options.className ?? 'nginx');
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
      'nginx.ingress.kubernetes.io/session-cookie-name': `${name}-affinity`,
      'nginx.ingress.kubernetes.io/session-cookie-max-age': timeout,
    });
  }
  let tls: kplus.IngressTls[] | undefined;
  if (options.tls) {
    const issuer = options.tls.clusterIssuer;
    if (issuer !== undefined) {
      validateDnsSubdomain(scope, 'ingress.tls.clusterIssuer', issuer);
      annotations['cert-manager.io/cluster-issuer'] = issuer;
    } else if (!options.tls.secretName) {
      invalid(scope, 'ingress.tls', options.tls, 'set tls.clusterIssuer (cert-manager issues the certificate) or tls.secretName (an existing kubernetes.io/tls Secret)');
    }
    const secretName = validateDnsSubdomain(scope, 'ingress.tls.secretName', options.tls.secretName ?? `${name}-tls`);
    // cert-manager writes the issued certificate; otherwise the Secret must exist.
    if (issuer === undefined) declareExternal(scope, 'Secret', secretName);
    annotations['nginx.ingress.kubernetes.io/ssl-redirect'] = 'true';
    tls = [{ hosts: [host], secret: kplus.Secret.fromSecretName(scope, `${id}-tls-secret`, secretName) }];
  }
  return new kplus.Ingress(scope, id, {
    metadata: { name, labels, annotations: { ...annotations, ...options.annotations } },
    className,
    rules: [{
      host,
      path: EDGE_GATEWAY_RUNTIME.websocketPath,
      pathType: kplus.HttpIngressPathType.EXACT,
      backend: kplus.IngressBackend.fromService(service, { port: EDGE_GATEWAY_RUNTIME.port }),
    }],
    tls,
  });
}

/** The environment-wide ingress defaults (structurally the platform's IngressSettings). */
export interface SharedIngressSettings {
  readonly host: string;
  readonly className?: string;
  readonly tls?: EdgeGatewayIngressTls;
}

/**
 * Merges the gateway's own ingress props over the environment's: host defaults to
 * `edge.<host>`, class and TLS to the environment's. A ClusterIssuer is used only when
 * cert-manager is installed; without it TLS falls back to an existing `secretName`, if any.
 * @returns undefined when neither configures an Ingress or the gateway disables it
 */
export function resolveEdgeGatewayIngress(own: EdgeGatewayIngress | undefined, shared: SharedIngressSettings | undefined, certManager: boolean): EdgeGatewayIngress | undefined {
  if (own?.enabled === false || (!own && !shared)) return undefined;
  const tls = own?.tls ?? shared?.tls;
  const usableTls = tls && (certManager ? tls : tls.secretName ? { secretName: tls.secretName } : undefined);
  return {
    ...own,
    host: own?.host ?? (shared ? `edge.${shared.host}` : undefined),
    className: own?.className ?? shared?.className,
    tls: usableTls,
  };
}
