import { Construct, IConstruct } from 'constructs';
import { ComponentNetworkPolicyOptions } from '../common/component-props';
import { invalid } from '../common/errors';
import { ClusterNetwork } from '../common/network';
import { validateCidr } from '../common/validation';
import { Connectivity, ServiceEndpoint, Workload } from '../connectivity/connectivity';
import { McpServerEgress, validateEgress } from './server-template';

/** What {@link addServerWorkload} registers. */
export interface ServerWorkloadOptions {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly networkPolicy?: ComponentNetworkPolicyOptions;
  /** What the server calls outside the cluster. */
  readonly egress: readonly McpServerEgress[];
}

/**
 * A server's pods in the chart's connectivity model. With the NetworkPolicy on (the default)
 * they are isolated both ways: callers are the flows into them, and they reach DNS plus `egress`.
 * @throws McpConfigError for a malformed egress destination
 */
export function addServerWorkload(scope: Construct, o: ServerWorkloadOptions): Workload {
  const model = Connectivity.of(scope);
  validateEgress(o.egress, (field, value, fix) => invalid(scope, `egress${field}`, value, fix));
  const workload = model.addWorkload(scope, {
    name: o.name,
    component: 'McpServer',
    namespace: o.namespace,
    podSelector: o.selector,
    networkPolicy: (o.networkPolicy?.enabled ?? true) ? { name: o.name, labels: o.labels, ingress: true, egress: true } : false,
    dns: clusterNetwork(scope, o.networkPolicy).dns,
  });
  for (const e of o.egress) {
    const cidr = e.cidr ?? '0.0.0.0/0';
    model.allow({ from: workload, to: Connectivity.external(`${e.description} at ${cidr}`, { cidr }), ports: e.ports.map(port => ({ port })), reason: `${o.name} calls ${e.description}` });
  }
  return workload;
}

/** What {@link connectServerClients} connects. */
export interface ServerClientsOptions {
  readonly server: string;
  readonly endpoint: ServiceEndpoint;
  readonly networkPolicy?: ComponentNetworkPolicyOptions;
  /** `<host><path>` the server's Ingress routes, when it has one: the ingress controller calls it. */
  readonly ingressRoute?: string;
}

/**
 * The server's callers: the ingress controller when an Ingress routes to it, and the declared
 * `networkPolicy.clients` (named workloads on both sides, outside peers on the server's side).
 * @throws McpConfigError for a malformed client CIDR (an unknown workload name fails at synth)
 */
export function connectServerClients(scope: IConstruct, o: ServerClientsOptions): void {
  const model = Connectivity.of(scope);
  if (o.ingressRoute) {
    model.connect(Connectivity.external('ingress controller', clusterNetwork(scope, o.networkPolicy).ingressController), o.endpoint, `routes ${o.ingressRoute} to ${o.server}`);
  }
  const clients = o.networkPolicy?.clients ?? [];
  clients.forEach((c, i) => c.cidr !== undefined && validateCidr(scope, `networkPolicy.clients[${i}].cidr`, c.cidr));
  model.admitClients(scope, 'networkPolicy.clients', clients, o.endpoint, `MCP client of ${o.server}`);
}

function clusterNetwork(scope: IConstruct, options?: ComponentNetworkPolicyOptions): ClusterNetwork {
  return options?.clusterNetwork ?? Connectivity.of(scope).clusterNetwork;
}
