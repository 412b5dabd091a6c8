/**
 * Reads the connectivity document (`dist/<env>/connectivity.md`) back from its Markdown and checks
 * it against the rendered NetworkPolicies: what a reviewer reads must be what the cluster enforces.
 */
import { K8sObject } from '../support/invariants';
import { addresses, cidrWithin, expandPort, LabelSelector, NAMESPACE_NAME_LABEL, NetEndpoint, outsidePods, PodEndpoint, PolicyPeer, policyTypes, Reachability, selects } from '../support/reachability';

/** Pods in a namespace (undefined: the namespace of the row's other side) with labels, or a CIDR. */
export type Selection =
  | { readonly kind: 'pods'; readonly namespace?: string; readonly labels: Record<string, string> }
  | { readonly kind: 'cidr'; readonly cidr: string };

/** A row's side: what it selects, and whether it is a peer outside the platform. */
interface Resolved {
  readonly selection: Selection;
  readonly outside: boolean;
}

export interface DocumentFlow {
  readonly from: string;
  readonly to: string;
  readonly ports: { port: number; protocol: string }[];
  readonly reason: string;
}

export interface DocumentWorkload {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly policy?: string;
  readonly isolates: string[];
}

/** The tables of a connectivity document. */
export interface ConnectivityDocument {
  readonly flows: DocumentFlow[];
  readonly workloads: DocumentWorkload[];
  readonly groups: Map<string, Selection>;
  readonly outside: Map<string, Selection>;
}

/** Parses the Flows, Workloads, Groups and Outside tables. @throws Error when a table is missing */
export function parseConnectivityDocument(markdown: string): ConnectivityDocument {
  const flows = table(markdown, '## Flows').map(([from, to, ports, reason]) => ({
    from,
    to,
    ports: ports.split(',').map(p => p.trim()).filter(Boolean).map(p => {
      const [port, protocol] = p.split('/');
      return { port: Number(port), protocol: protocol ?? 'TCP' };
    }),
    reason,
  }));
  const workloads = table(markdown, '## Workloads').map(([name, , namespace, pods, policy, isolates]) => ({
    name,
    namespace,
    labels: labelList(pods),
    policy: policy === '(none)' ? undefined : policy,
    isolates: isolates === '-' ? [] : isolates.split(',').map(s => s.trim()),
  }));
  const groups = new Map(optionalTable(markdown, '## Groups').map(([name, namespace, pods]) => [name, { kind: 'pods' as const, namespace, labels: labelList(pods) }]));
  const outside = new Map(table(markdown, '## Outside the platform').map(([name, selectsText]) => [name, parsePeerText(selectsText)]));
  return { flows, workloads, groups, outside };
}

/** The selection a peer description of the document (`describePeer`) stands for. */
export function parsePeerText(text: string): Selection {
  if (/^[0-9a-fA-F.:]+\/\d+$/.test(text)) return { kind: 'cidr', cidr: text };
  if (text === 'every pod of the namespace') return { kind: 'pods', labels: {} };
  const m = /^(?:namespace ([^,]+))?(?:, )?(?:pods (.+))?$/.exec(text);
  if (!m || (!m[1] && !m[2])) throw new Error(`unreadable peer in the connectivity document: ${text}`);
  return { kind: 'pods', namespace: m[1], labels: labelList(m[2] ?? '') };
}

/**
 * The document equals the policies: every flow row is allowed by the rendered policies on both
 * sides that isolate (for every pod of its client and server and every port), every rule of every
 * rendered policy is covered by a row (same pods, a peer no wider than the row's, its ports), and
 * the Workloads table names every rendered NetworkPolicy with the directions it isolates.
 */
export function checkDocument(objects: readonly K8sObject[], markdown: string): string[] {
  const net = new Reachability(objects);
  const doc = parseConnectivityDocument(markdown);
  const problems: string[] = [];
  const resolve = (name: string): Resolved | string => {
    if (name.endsWith(' (group)')) {
      const group = doc.groups.get(name.slice(0, -' (group)'.length));
      return group ? { selection: group, outside: false } : `group ${name} is not in the Groups table`;
    }
    // `<namespace>/<name>` when two namespaces have a workload of that name.
    const [ns, workload] = name.includes('/') ? name.split('/', 2) : [undefined, name];
    const ws = doc.workloads.filter(w => w.name === workload && (ns === undefined || w.namespace === ns));
    if (ws.length === 1) return { selection: { kind: 'pods', namespace: ws[0].namespace, labels: ws[0].labels }, outside: false };
    if (ws.length > 1) return `${name} is in the Workloads table ${ws.length} times: a row cannot say which`;
    const peer = doc.outside.get(name);
    return peer ? { selection: peer, outside: true } : `${name} is neither a workload, a group nor an outside peer of the document`;
  };
  for (const w of doc.workloads) {
    if (!net.pods.some(p => contains({ kind: 'pods', namespace: w.namespace, labels: w.labels }, p))) problems.push(`workload ${w.name}: the manifests render no pod in ${w.namespace} with ${JSON.stringify(w.labels)}`);
    if (!w.policy) continue;
    const np = net.policies.find(p => p.metadata.name === w.policy && p.metadata.namespace === w.namespace);
    if (!np) problems.push(`workload ${w.name}: NetworkPolicy ${w.namespace}/${w.policy} is not rendered`);
    else if (policyTypes(np).map(t => t.toLowerCase()).sort().join(',') !== [...w.isolates].sort().join(',')) problems.push(`workload ${w.name}: the document says it isolates ${w.isolates.join(', ') || 'nothing'}, NetworkPolicy ${w.policy} isolates ${policyTypes(np).join(', ')}`);
  }
  for (const np of net.policies) {
    if (!doc.workloads.some(w => w.policy === np.metadata.name && w.namespace === np.metadata.namespace)) problems.push(`NetworkPolicy ${np.metadata.namespace}/${np.metadata.name} is rendered but no workload of the document has it`);
  }
  for (const flow of doc.flows) {
    const from = resolve(flow.from);
    const to = resolve(flow.to);
    if (typeof from === 'string' || typeof to === 'string') {
      problems.push(`row ${flow.from} -> ${flow.to}: ${[from, to].filter(x => typeof x === 'string').join('; ')}`);
      continue;
    }
    problems.push(...checkRow(net, flow, from, to));
  }
  problems.push(...uncoveredRules(net, doc, resolve));
  return problems;
}

function checkRow(net: Reachability, flow: DocumentFlow, from: Resolved, to: Resolved): string[] {
  const clients = endpoints(net, from, namespaceOf(to.selection), flow.from);
  const servers = endpoints(net, to, namespaceOf(from.selection), flow.to);
  const row = `row ${flow.from} -> ${flow.to} (${flow.ports.map(p => `${p.port}/${p.protocol}`).join(', ')})`;
  if (clients.length === 0 || servers.length === 0) return [`${row}: the manifests render no pod of ${clients.length === 0 ? flow.from : flow.to}`];
  const problems: string[] = [];
  for (const c of clients) {
    for (const s of servers) {
      for (const p of flow.ports) {
        const egress = net.egressAllows(c, s, p.port, p.protocol);
        const ingress = net.ingressAllows(s, c, p.port, p.protocol);
        if (!egress || !ingress) problems.push(`${row}: ${c.name} -> ${s.name} on ${p.port}/${p.protocol} is not allowed (${[!egress && 'client egress denies it', !ingress && 'server ingress denies it'].filter(Boolean).join(', ')})`);
      }
    }
  }
  return problems;
}

// Rendered pods a row's side stands for; for a peer outside the platform that selects none of
// them, pods outside the chart with its namespace and labels.
function endpoints(net: Reachability, side: Resolved, otherNamespace: string | undefined, name: string): NetEndpoint[] {
  const sel = side.selection;
  if (sel.kind === 'cidr') return [addresses(name, sel.cidr)];
  const namespace = sel.namespace ?? otherNamespace ?? 'default';
  const rendered = net.pods.filter(p => contains({ ...sel, namespace }, p));
  if (rendered.length > 0 || !side.outside) return rendered;
  return [outsidePods(name, namespace, sel.labels)];
}

function namespaceOf(sel: Selection): string | undefined {
  return sel.kind === 'pods' ? sel.namespace : undefined;
}

function contains(sel: Selection, pod: PodEndpoint): boolean {
  return sel.kind === 'pods' && sel.namespace === pod.namespace && selects({ matchLabels: sel.labels }, pod.labels);
}

/** Rules of rendered policies that no row of the document covers. */
function uncoveredRules(net: Reachability, doc: ConnectivityDocument, resolve: (name: string) => Resolved | string): string[] {
  const rows = doc.flows.flatMap(f => {
    const from = resolve(f.from);
    const to = resolve(f.to);
    return typeof from === 'string' || typeof to === 'string' ? [] : [{ from: from.selection, to: to.selection, ports: f.ports }];
  });
  const problems = new Set<string>();
  for (const rule of net.allRules()) {
    const ns = rule.policy.metadata.namespace ?? 'default';
    const where = `NetworkPolicy ${ns}/${rule.policy.metadata.name} ${rule.direction.toLowerCase()}[${rule.index}]`;
    if (!rule.peers?.length || !rule.ports?.length) {
      problems.add(`${where} allows every ${!rule.peers?.length ? 'peer' : 'port'}, which no row of the document can say`);
      continue;
    }
    for (const self of net.podsOfPolicy(rule.policy)) {
      for (const peer of rule.peers) {
        const destinations = rule.direction === 'Ingress' ? [self] : net.podsSelectedBy(peer, ns);
        const ports = rule.ports.flatMap(p => (destinations.length ? destinations : [undefined]).flatMap(d => expandPort(p, d)));
        for (const p of ports) {
          const covered = rows.some(r => {
            const [own, other] = rule.direction === 'Ingress' ? [r.to, r.from] : [r.from, r.to];
            return contains(withNamespace(own, ns), self) && covers(other, peer, ns) && r.ports.some(x => x.port === p.port && x.protocol === p.protocol);
          });
          if (!covered) problems.add(`${where} ${rule.direction === 'Ingress' ? 'admits' : 'reaches'} ${JSON.stringify(peer)} on ${p.port}/${p.protocol} for ${self.name}, but no row of the document says so`);
        }
      }
    }
  }
  return [...problems];
}

function withNamespace(sel: Selection, namespace: string): Selection {
  return sel.kind === 'pods' && !sel.namespace ? { ...sel, namespace } : sel;
}

/**
 * Whether every pod or address the rule's peer selects is in the row's selection: its namespace
 * selector pins the row's namespace (or it has none and the policy's namespace is the row's), and
 * its pod selector requires every label of the row's.
 */
function covers(sel: Selection, peer: PolicyPeer, policyNamespace: string): boolean {
  if (peer.ipBlock) return sel.kind === 'cidr' && cidrWithin(peer.ipBlock.cidr, sel.cidr);
  if (sel.kind !== 'pods') return false;
  const namespace = sel.namespace ?? policyNamespace;
  const nsOk = peer.namespaceSelector ? pins(peer.namespaceSelector, NAMESPACE_NAME_LABEL, namespace) : namespace === policyNamespace;
  return nsOk && Object.entries(sel.labels).every(([k, v]) => pins(peer.podSelector ?? {}, k, v));
}

// Whether every object the selector selects carries label k=v.
function pins(selector: LabelSelector, key: string, value: string): boolean {
  if (selector.matchLabels?.[key] === value) return true;
  return (selector.matchExpressions ?? []).some(e => e.key === key && e.operator === 'In' && (e.values ?? []).length > 0 && e.values!.every(v => v === value));
}

function labelList(text: string): Record<string, string> {
  return Object.fromEntries(text.split(',').map(s => s.trim()).filter(Boolean).map(s => {
    const i = s.indexOf('=');
    return [s.slice(0, i), s.slice(i + 1)];
  }));
}

function optionalTable(markdown: string, heading: string): string[][] {
  return markdown.split('\n').some(l => l.trim() === heading) ? table(markdown, heading) : [];
}

// The body rows of the first table after `heading`, cells unescaped.
function table(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex(l => l.trim() === heading);
  if (start < 0) throw new Error(`the connectivity document has no "${heading}" section`);
  const rows: string[][] = [];
  let i = start + 1;
  while (i < lines.length && !lines[i].startsWith('|')) {
    if (lines[i].startsWith('#')) return rows;
    i++;
  }
  for (i += 2; i < lines.length && lines[i].startsWith('|'); i++) {
    rows.push(lines[i].slice(1, -1).split(/(?<!\\)\|/).map(c => c.trim().replace(/\\\|/g, '|')));
  }
  return rows;
}
