import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ClusterNetwork, createNetworkPolicy, DNS_PORTS, NetworkPeer, NetworkRule } from '../common/network';
import { AGENT_RUNTIME } from './agent-runtime';
import { AgentEgress, AgentTracing } from './agent-spec';

/** What the policy of one agent needs to know about it and its peers. */
export interface AgentPolicySubject {
  readonly name: string;
  /** Pod labels of the agent. */
  readonly selector: Record<string, string>;
  /** Recommended labels for the policy's metadata. */
  readonly labels: Record<string, string>;
  /** Extra egress the agent declares (CIDRs and ports). */
  readonly egress?: readonly AgentEgress[];
  /** Callers outside the mesh admitted on the HTTP port. */
  readonly clients?: readonly NetworkPeer[];
  /** Tracing, for the egress rule to its Redis. */
  readonly tracing?: AgentTracing;
}

/** Props of {@link createAgentNetworkPolicy}. */
export interface AgentNetworkPolicyOptions {
  readonly agent: AgentPolicySubject;
  /** Agents that call this one along resolved edges (ingress on the HTTP port). */
  readonly consumers: readonly AgentPolicySubject[];
  /** Agents this one calls along resolved edges (egress to their HTTP port). */
  readonly providers: readonly AgentPolicySubject[];
  /** Registry pods and port (egress: registration and heartbeats). */
  readonly registry: { readonly selector: Record<string, string>; readonly port: number };
  /** Prometheus (ingress to /metrics on the HTTP port) and DNS (egress). */
  readonly clusterNetwork: ClusterNetwork;
}

/**
 * The NetworkPolicy of one agent, derived from the resolved capability graph: default-deny in
 * both directions, then exactly
 * - ingress from each consumer agent, from the agent's declared clients and from Prometheus,
 *   on the agent's HTTP port;
 * - egress to the registry API, to each provider agent's HTTP port, to DNS, to the tracing
 *   Redis when tracing is on, and to the agent's declared extra egress.
 * Nothing else: an agent with no consumers accepts only Prometheus.
 */
export function createAgentNetworkPolicy(scope: Construct, id: string, options: AgentNetworkPolicyOptions): kplus.NetworkPolicy {
  const { agent, clusterNetwork } = options;
  const http = [{ port: AGENT_RUNTIME.httpPort }];
  const ingress: NetworkRule[] = [];
  if (options.consumers.length) ingress.push({ peers: options.consumers.map(c => ({ podLabels: c.selector })), ports: http });
  if (agent.clients?.length) ingress.push({ peers: [...agent.clients], ports: http });
  ingress.push({ peers: [clusterNetwork.prometheus], ports: http });
  const egress: NetworkRule[] = [{ peers: [{ podLabels: options.registry.selector }], ports: [{ port: options.registry.port }] }];
  if (options.providers.length) egress.push({ peers: options.providers.map(p => ({ podLabels: p.selector })), ports: http });
  egress.push({ peers: [clusterNetwork.dns], ports: DNS_PORTS });
  const tracing = agent.tracing;
  if (tracing && tracing.enabled !== false) egress.push({ peers: [tracing.redis], ports: [{ port: redisPort(tracing) }] });
  for (const rule of agent.egress ?? []) {
    egress.push({ peers: [{ cidr: rule.cidr }], ports: rule.ports.map(p => ({ port: p.port, protocol: p.protocol ?? 'TCP' })) });
  }
  return createNetworkPolicy(scope, id, { name: agent.name, labels: agent.labels, podSelector: agent.selector, ingress, egress });
}

/** The Redis port of a tracing configuration: explicit, else the URL's, else 6379. */
function redisPort(tracing: AgentTracing): number {
  if (tracing.redisPort !== undefined) return tracing.redisPort;
  const m = tracing.redisUrl ? /^rediss?:\/\/[^/]*:([0-9]+)(\/|$)/.exec(tracing.redisUrl) : null;
  return m ? Number(m[1]) : 6379;
}
