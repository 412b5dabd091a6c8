import { Construct, IConstruct } from 'constructs';
import { ComponentNetworkPolicyOptions } from '../common/component-props';
import { NetworkPeer } from '../common/network';
import { validateCidr } from '../common/validation';
import { Connectivity, ServiceEndpoint, Workload } from '../connectivity/connectivity';
import { EdgeGatewayTracing, parseHostPort } from './edge-gateway-config';
import { EDGE_GATEWAY_RUNTIME } from './edge-gateway-runtime';

/** What the gateway's flows need. @internal */
export interface GatewayConnectivityInputs {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly options?: ComponentNetworkPolicyOptions;
  /** An Ingress is rendered: the ingress controller connects. */
  readonly ingress: boolean;
  /** A ServiceMonitor scrapes `/metrics`: Prometheus connects. */
  readonly scrape: boolean;
  /** The core platform the gateway calls. */
  readonly corePlatform?: ServiceEndpoint;
  /** The Redis it caches in: the bundled one's endpoint or an external one. */
  readonly redis?: ServiceEndpoint;
  readonly tracing?: EdgeGatewayTracing;
}

/** The gateway in the connectivity model: its workload and what clients connect to. @internal */
export interface GatewayConnectivity {
  readonly workload: Workload;
  readonly apiEndpoint: ServiceEndpoint;
}

/**
 * Adds the gateway to the chart's connectivity model, which renders its NetworkPolicy (unless
 * disabled): into port 8082 the ingress controller (with an Ingress; `/ws`), Prometheus (when
 * scraped; `/metrics` is on the same port) and the declared clients; out to DNS, the core
 * platform, Redis and the OTLP collector, each on its own port only.
 * @throws McpConfigError for a malformed CIDR or OTLP endpoint
 * @internal
 */
export function declareGatewayConnectivity(scope: Construct, n: GatewayConnectivityInputs): GatewayConnectivity {
  const model = Connectivity.of(scope);
  const cluster = n.options?.clusterNetwork ?? model.clusterNetwork;
  const workload = model.addWorkload(scope, {
    name: n.name,
    component: 'EdgeGateway',
    podSelector: n.selector,
    networkPolicy: (n.options?.enabled ?? true) ? { name: n.name, labels: n.labels, ingress: true, egress: true } : false,
    dns: cluster.dns,
  });
  const http = [{ port: EDGE_GATEWAY_RUNTIME.port }];
  const apiEndpoint: ServiceEndpoint = { target: workload, ports: http };
  if (n.ingress) model.connect(Connectivity.external('ingress controller', cluster.ingressController), apiEndpoint, `routes ${EDGE_GATEWAY_RUNTIME.websocketPath} from the Ingress`);
  if (n.scrape) model.allow({ from: Connectivity.external('Prometheus', cluster.prometheus), to: workload, ports: http, reason: `scrapes ${EDGE_GATEWAY_RUNTIME.metricsPath}` });
  const clients = n.options?.clients ?? [];
  clients.forEach((c, i) => c.workload === undefined && checkPeer(scope, `networkPolicy.clients[${i}]`, c));
  model.admitClients(scope, 'networkPolicy.clients', clients, apiEndpoint, `declared client of ${EDGE_GATEWAY_RUNTIME.websocketPath}`);
  if (n.redis) model.connect(workload, n.redis, 'L2 cache');
  if (n.corePlatform) model.connect(workload, n.corePlatform, 'validates client API keys, fetches tools');
  if (n.tracing?.enabled && n.tracing.otlpEndpoint) {
    const { host, port } = parseHostPort(scope, 'tracing.otlpEndpoint', n.tracing.otlpEndpoint);
    if (n.tracing.collector) checkPeer(scope, 'tracing.collector', n.tracing.collector);
    const collector = Connectivity.external(`OTLP collector (${host})`, n.tracing.collector ?? defaultPeer(host));
    model.connect(workload, { target: collector, ports: [{ port }] }, 'exports traces (OTLP gRPC)');
  }
  return { workload, apiEndpoint };
}

// `<service>.<namespace>.svc`, optionally with the default cluster domain: a Service's DNS name.
const IN_CLUSTER_HOST = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?\.?$/;

/**
 * Where a host the gateway connects to runs, when the user names no peer: the namespace of an
 * in-cluster Service name (`<service>.<namespace>.svc`), else any address. A NetworkPolicy
 * cannot match a DNS name, so an address outside the cluster is narrowed only by its port.
 * @internal
 */
export function defaultPeer(host: string | undefined): NetworkPeer {
  const m = host ? IN_CLUSTER_HOST.exec(host.toLowerCase()) : null;
  return m ? { namespace: m[2] } : { cidr: '0.0.0.0/0' };
}

/**
 * Checks a peer outside the platform: a valid CIDR.
 * @throws McpConfigError naming `<field>.cidr`
 * @internal
 */
export function checkPeer(scope: IConstruct, field: string, peer: NetworkPeer): void {
  if (peer.cidr !== undefined) validateCidr(scope, `${field}.cidr`, peer.cidr);
}
