import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { invalid } from './errors';
import { declareExternal } from './external-references';
import { ObjectMetadata } from './metadata';
import { validateDnsSubdomain } from './validation';

/**
 * TLS of an Ingress. One meaning everywhere: with `clusterIssuer`, cert-manager issues the
 * certificate into `secretName` (through its ingress-shim annotation); without it, `secretName`
 * names an existing `kubernetes.io/tls` Secret.
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#tls
 * @see https://cert-manager.io/docs/usage/ingress/
 */
export interface IngressTls {
  /** cert-manager ClusterIssuer that issues the certificate (needs cert-manager installed). @default - no issuer; secretName must exist */
  readonly clusterIssuer?: string;
  /** TLS Secret: where cert-manager writes the certificate, or an existing one. @default `<ingress name>-tls` with clusterIssuer */
  readonly secretName?: string;
}

/**
 * External access to a component through a networking.k8s.io/v1 Ingress. Components route only
 * the paths their clients need.
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
 */
export interface IngressOptions {
  /** Render the Ingress. @default true when `ingress` is given (or the environment sets an ingress host) */
  readonly enabled?: boolean;
  /** Host name (RFC 1123 subdomain). @default - `<component prefix>.<environment ingress host>` */
  readonly host?: string;
  /** IngressClass name. @default - the environment's, else 'nginx' */
  readonly className?: string;
  /** TLS. @default - the environment's; no TLS when neither sets it */
  readonly tls?: IngressTls;
  /** Extra annotations (e.g. ingress-nginx settings); they win over the component's own. @default {} */
  readonly annotations?: Record<string, string>;
}

/** Environment-wide ingress defaults a component's own options merge over. @internal */
export interface IngressDefaults {
  /** Base domain: components default to `<prefix>.<host>`. */
  readonly host: string;
  readonly className?: string;
  readonly tls?: IngressTls;
}

/**
 * Merges a component's ingress options over the environment's: host `<prefix>.<host>`, class and
 * TLS from the environment. A ClusterIssuer is kept only where cert-manager is installed;
 * without it TLS falls back to an existing `secretName`, if any.
 * @returns undefined when neither configures an Ingress or the component disables it
 * @internal
 */
export function mergeIngressOptions(own: IngressOptions | undefined, shared: IngressDefaults | undefined, hostPrefix: string, certManager: boolean): IngressOptions | undefined {
  if (own?.enabled === false || (!own && !shared)) return undefined;
  const tls = own?.tls ?? shared?.tls;
  const usableTls = tls && (certManager ? tls : tls.secretName ? { secretName: tls.secretName } : undefined);
  return {
    ...own,
    host: own?.host ?? (shared ? `${hostPrefix}.${shared.host}` : undefined),
    className: own?.className ?? shared?.className,
    tls: usableTls,
  };
}

/** One routed path. @internal */
export interface IngressPath {
  readonly path: string;
  readonly pathType: kplus.HttpIngressPathType;
  readonly service: kplus.Service;
  readonly port: number;
}

/** Props of {@link createIngress}. @internal */
export interface CreateIngressOptions {
  readonly metadata: ObjectMetadata;
  readonly options: IngressOptions;
  /** The component's own annotations (the user's win over them). */
  readonly annotations?: Record<string, string>;
  readonly paths: IngressPath[];
  /** Field name in error messages. @default 'ingress' */
  readonly field?: string;
}

/**
 * The Ingress every component uses: validated host and class, TLS per {@link IngressTls} with an
 * HTTPS redirect, and only the given paths.
 * @throws McpConfigError without a host, for an invalid host, class, issuer or Secret name
 * @internal
 */
export function createIngress(scope: Construct, id: string, props: CreateIngressOptions): kplus.Ingress {
  const field = props.field ?? 'ingress';
  const options = props.options;
  const host = requireIngressHost(scope, field, options.host);
  const className = validateDnsSubdomain(scope, `${field}.className`, options.className ?? 'nginx');
  const annotations: Record<string, string> = { ...props.annotations };
  let tls: kplus.IngressTls[] | undefined;
  if (options.tls) {
    const issuer = options.tls.clusterIssuer;
    if (issuer === undefined && !options.tls.secretName) {
      invalid(scope, `${field}.tls`, options.tls, 'set tls.clusterIssuer (cert-manager issues the certificate) or tls.secretName (an existing kubernetes.io/tls Secret)');
    }
    if (issuer !== undefined) annotations['cert-manager.io/cluster-issuer'] = validateDnsSubdomain(scope, `${field}.tls.clusterIssuer`, issuer);
    const secretName = validateDnsSubdomain(scope, `${field}.tls.secretName`, options.tls.secretName ?? `${props.metadata.name}-tls`);
    // cert-manager writes the issued certificate; otherwise the Secret must exist.
    if (issuer === undefined) declareExternal(scope, 'Secret', secretName);
    annotations['nginx.ingress.kubernetes.io/ssl-redirect'] = 'true';
    tls = [{ hosts: [host], secret: kplus.Secret.fromSecretName(scope, `${id}-tls-secret`, secretName) }];
  }
  return new kplus.Ingress(scope, id, {
    metadata: { ...props.metadata, annotations: { ...props.metadata.annotations, ...annotations, ...options.annotations } },
    className,
    rules: props.paths.map(p => ({ host, path: p.path, pathType: p.pathType, backend: kplus.IngressBackend.fromService(p.service, { port: p.port }) })),
    tls,
  });
}

/** @throws McpConfigError when the host is missing or not an RFC 1123 subdomain. */
function requireIngressHost(scope: IConstruct, field: string, host: string | undefined): string {
  if (host === undefined || host === '') {
    invalid(scope, `${field}.host`, host, `set ${field}.host (e.g. 'mcp.example.com'), or set the environment's ingress.host so the component defaults to <component>.<host>`);
  }
  return validateDnsSubdomain(scope, `${field}.host`, host);
}
