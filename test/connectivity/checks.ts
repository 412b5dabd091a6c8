/**
 * Whole-platform network checks over rendered manifests. Each returns its problems as readable
 * strings (empty when the output is sound), so a test can show each one failing on a broken
 * fixture and passing on every environment.
 */
import { K8sObject } from '../support/invariants';
import { expandPort, NetEndpoint, PodEndpoint, PolicyRule, portMatches, Reachability, targetPort } from '../support/reachability';

const policyId = (r: PolicyRule) => `NetworkPolicy ${r.policy.metadata.namespace}/${r.policy.metadata.name} ${r.direction.toLowerCase()}[${r.index}]`;
const portText = (p: { port: number; protocol: string }) => `${p.port}/${p.protocol}`;

/**
 * Both sides of every allowance: each ingress rule that admits a rendered pod is matched by that
 * pod's egress (when it isolates egress), and each egress rule that reaches a rendered pod is
 * matched by that pod's ingress (when it isolates ingress). A one-sided rule is dead (the traffic
 * is dropped on the other side) or a sign that a flow was declared on one side only.
 */
export function checkSymmetry(objects: readonly K8sObject[]): string[] {
  const net = new Reachability(objects);
  const problems = new Set<string>();
  for (const rule of net.allRules()) {
    const ns = rule.policy.metadata.namespace ?? 'default';
    for (const self of net.podsOfPolicy(rule.policy)) {
      for (const peer of rule.peers ?? []) {
        for (const other of net.podsSelectedBy(peer, ns)) {
          const [client, server] = rule.direction === 'Ingress' ? [other, self] : [self, other];
          for (const p of (rule.ports ?? []).flatMap(x => expandPort(x, server))) {
            if (rule.direction === 'Ingress' && !net.egressAllows(client, server, p.port, p.protocol)) {
              problems.add(`${policyId(rule)} admits ${client.name} to ${server.name} on ${portText(p)}, but ${client.name}'s egress does not allow it`);
            }
            if (rule.direction === 'Egress' && !net.ingressAllows(server, client, p.port, p.protocol)) {
              problems.add(`${policyId(rule)} lets ${client.name} reach ${server.name} on ${portText(p)}, but ${server.name}'s ingress does not admit it`);
            }
          }
        }
      }
    }
  }
  return [...problems];
}

/** Where callers from outside the chart come from, for {@link checkCallers}. */
export interface CallerOptions {
  /** The ingress controller's pods: an Ingress backend is a caller when they are admitted (and only then). */
  readonly ingressController: NetEndpoint;
  /** Peers whose admission does not make a caller (Prometheus scrapes, it does not call). @default - none */
  readonly notCallers?: readonly NetEndpoint[];
}

/**
 * Every workload a Service selects has at least one caller: a rendered pod that may reach it on
 * a port the Service targets (both sides allowed), an Ingress whose backend is the Service (with
 * the ingress controller admitted), or a client outside the chart its ingress admits on such a
 * port. A Service nothing may call is dead weight, or a sign that its callers' flows are missing.
 * An Ingress routing to pods that do not admit the ingress controller is reported too.
 */
export function checkCallers(objects: readonly K8sObject[], options: CallerOptions): string[] {
  const net = new Reachability(objects);
  const problems: string[] = [];
  const backed = new Map<PodEndpoint, { services: Set<string>; ports: Map<string, { port: number; protocol: string }> }>();
  for (const svc of net.services) {
    for (const b of net.serviceBackends(svc)) {
      const entry = backed.get(b.pod) ?? { services: new Set(), ports: new Map() };
      entry.services.add(svc.metadata.name);
      for (const p of b.ports) entry.ports.set(portText(p), p);
      backed.set(b.pod, entry);
    }
  }
  const routes = ingressRoutes(objects, net);
  for (const [pod, { services, ports }] of backed) {
    const targets = [...ports.values()];
    const callers: string[] = [];
    if (!net.isolated(pod, 'Ingress')) callers.push('anyone (ingress not isolated)');
    for (const c of net.pods) {
      if (c.owner === pod.owner) continue;
      if (targets.some(p => net.allows(c, pod, p.port, p.protocol))) callers.push(c.name);
    }
    for (const route of routes.filter(r => r.pod === pod)) {
      if (net.allows(options.ingressController, pod, route.port.port, route.port.protocol)) callers.push(`Ingress ${route.ingress}`);
      else problems.push(`Ingress ${pod.namespace}/${route.ingress} routes to Service ${route.service} (${portText(route.port)} on ${pod.name}), but ${pod.name} does not admit the ingress controller there`);
    }
    // The ingress controller forwards only what an Ingress routes: admitting it makes no caller.
    callers.push(...outsideCallers(net, pod, targets, [options.ingressController, ...(options.notCallers ?? [])]));
    if (callers.length === 0) {
      problems.push(`${pod.name} backs Service ${[...services].sort().join(', ')} (${targets.map(portText).join(', ')}), but nothing may call it: no rendered pod may reach it there, no Ingress routes to it and its ingress admits no client outside the chart`);
    }
  }
  return problems;
}

// Peers of the pod's ingress rules that select no rendered pod: declared clients outside the chart.
function outsideCallers(net: Reachability, pod: PodEndpoint, targets: { port: number; protocol: string }[], notCallers: readonly NetEndpoint[]): string[] {
  const found: string[] = [];
  for (const rule of net.rulesOf(pod, 'Ingress')) {
    const ns = rule.policy.metadata.namespace ?? 'default';
    for (const peer of rule.peers ?? []) {
      if (net.podsSelectedBy(peer, ns).length > 0) continue;
      if (notCallers.some(n => net.peerMatches(peer, ns, n))) continue;
      if (targets.some(p => portMatches(rule.ports, pod, p.port, p.protocol))) found.push(`outside client ${JSON.stringify(peer)}`);
    }
  }
  return found;
}

interface IngressRoute {
  readonly ingress: string;
  readonly service: string;
  readonly pod: PodEndpoint;
  readonly port: { port: number; protocol: string };
}

/** Every (Ingress, Service, backend pod, container port) an Ingress routes to. */
function ingressRoutes(objects: readonly K8sObject[], net: Reachability): IngressRoute[] {
  return objects.filter(o => o.kind === 'Ingress').flatMap(ing => {
    const backends = [ing.spec.defaultBackend, ...(ing.spec.rules ?? []).flatMap((r: any) => (r.http?.paths ?? []).map((p: any) => p.backend))].filter(b => b?.service);
    return backends.flatMap((b: any) => {
      const svc = net.services.find(s => s.metadata.name === b.service.name && s.metadata.namespace === ing.metadata.namespace);
      const sp = svc && (svc.spec.ports ?? []).find((p: any) => (b.service.port.number !== undefined ? p.port === b.service.port.number : p.name === b.service.port.name));
      if (!svc || !sp) return [];
      return net.serviceBackends(svc).flatMap(({ pod }) => targetPort(sp, pod).map(port => ({ ingress: ing.metadata.name, service: svc.metadata.name, pod, port })));
    });
  });
}

/**
 * No rule wider than a flow: every rule names its peers (a rule without `from`/`to` admits every
 * peer) and its ports (none, or a port without a number, is every port).
 */
export function checkRuleWidth(objects: readonly K8sObject[]): string[] {
  const net = new Reachability(objects);
  const problems: string[] = [];
  for (const rule of net.allRules()) {
    if (!rule.peers || rule.peers.length === 0) problems.push(`${policyId(rule)} names no peer: it ${rule.direction === 'Ingress' ? 'admits every source' : 'reaches every destination'}`);
    if (!rule.ports || rule.ports.length === 0) problems.push(`${policyId(rule)} names no port: it allows every port`);
    for (const p of rule.ports ?? []) {
      if (p.port === undefined) problems.push(`${policyId(rule)} allows every ${p.protocol ?? 'TCP'} port`);
      else if (p.endPort !== undefined && p.endPort - Number(p.port) >= 1023) problems.push(`${policyId(rule)} allows the port range ${p.port}-${p.endPort}`);
    }
  }
  return problems;
}
