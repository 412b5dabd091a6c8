import { Construct } from 'constructs';
import { ComponentNetworkPolicyOptions } from '../common/component-props';
import { createNetworkPolicy, DEFAULT_CLUSTER_NETWORK, DNS_PORTS, NetworkRule } from '../common/network';
import { validateCidr } from '../common/validation';
import { EdgeGatewayTracing, parseHostPort } from './edge-gateway-config';
import { EDGE_GATEWAY_RUNTIME } from './edge-gateway-runtime';

/** What the gateway's NetworkPolicy admits and allows. @internal */
export interface GatewayNetworkInputs {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly options?: ComponentNetworkPolicyOptions;
  /** An Ingress is rendered: admit the ingress controller. */
  readonly ingress: boolean;
  /** Prometheus scrapes `/metrics`: admit it. */
  readonly scrape: boolean;
  readonly redis?: NetworkRule;
  readonly corePlatform?: NetworkRule;
  readonly tracing?: EdgeGatewayTracing;
}

/**
 * The gateway's NetworkPolicy: clients on 8082 (the ingress controller when an Ingress exists,
 * Prometheus when scraped, the declared clients); egress to DNS, the core platform, Redis and
 * the OTLP collector, each on its port only.
 * @throws McpConfigError for a malformed CIDR or OTLP endpoint
 * @internal
 */
export function renderEdgeGatewayNetworkPolicy(scope: Construct, n: GatewayNetworkInputs): void {
  const cluster = n.options?.clusterNetwork ?? DEFAULT_CLUSTER_NETWORK;
  const http = [{ port: EDGE_GATEWAY_RUNTIME.port }];
  const ingress: NetworkRule[] = [];
  if (n.scrape) ingress.push({ peers: [cluster.prometheus], ports: http });
  if (n.ingress) ingress.push({ peers: [cluster.ingressController], ports: http });
  const clients = n.options?.clients ?? [];
  clients.forEach((c, i) => c.cidr !== undefined && validateCidr(scope, `networkPolicy.clients[${i}].cidr`, c.cidr));
  if (clients.length) ingress.push({ peers: clients, ports: http });

  const egress: NetworkRule[] = [{ peers: [cluster.dns], ports: DNS_PORTS }];
  if (n.redis) egress.push(n.redis);
  if (n.corePlatform) egress.push(n.corePlatform);
  if (n.tracing?.enabled && n.tracing.otlpEndpoint) {
    egress.push({ peers: [n.tracing.collector ?? { cidr: '0.0.0.0/0' }], ports: [{ port: parseHostPort(scope, 'tracing.otlpEndpoint', n.tracing.otlpEndpoint).port }] });
  }
  for (const [field, rule] of [['redis.peer', n.redis], ['corePlatform.peer', n.corePlatform], ['tracing.collector', n.tracing?.enabled ? { peers: [n.tracing.collector ?? {}] } : undefined]] as const) {
    const cidr = rule?.peers[0]?.cidr;
    if (cidr !== undefined) validateCidr(scope, `${field}.cidr`, cidr);
  }
  createNetworkPolicy(scope, 'network-policy', { name: n.name, labels: n.labels, podSelector: n.selector, ingress, egress });
}
