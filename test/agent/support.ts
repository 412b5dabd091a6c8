import { Chart } from 'cdk8s';
import { McpAgentMesh, McpAgentMeshProps } from '../../src/agent/agent-mesh';
import { McpAgentDefinition } from '../../src/agent/mcp-agent';
import { Registry } from '../../src/registry/registry';
import { K8sObject, podTemplates } from '../support/invariants';
import { Reachability } from '../support/reachability';
import { synthChart } from '../support/synth';

/** A registry plus an agent mesh in a test chart, the way the platform composes them. */
export function synthMesh(agents: McpAgentDefinition[], props: Partial<Omit<McpAgentMeshProps, 'agents' | 'registry'>> = {}) {
  let mesh!: McpAgentMesh;
  let registry!: Registry;
  const out = synthChart((chart: Chart) => {
    registry = new Registry(chart, 'registry', { backup: { enabled: false } });
    mesh = new McpAgentMesh(chart, 'agents', { registry, agents, ...props });
  });
  return { ...out, mesh, registry };
}

/** A minimal valid agent definition. */
export function agent(name: string, extra: Partial<McpAgentDefinition> = {}): McpAgentDefinition {
  return { name, code: { script: `print("${name}")` }, ...extra };
}

/**
 * Checks that a CRD's openAPIV3Schema is structural (apiextensions.k8s.io/v1 rules): every
 * node has a type; objects declare properties or additionalProperties (never both);
 * arrays declare items; value-validation branches (oneOf/anyOf/allOf/not) carry no type,
 * description, default or additionalProperties; list-map keys are required scalar fields;
 * metadata carries no constraints beyond its type. Returns violations as `path: problem`.
 */
export function structuralViolations(schema: any, path = '', errors: string[] = []): string[] {
  const at = path || '/';
  if (!schema || typeof schema !== 'object') return [...errors, `${at}: not a schema`];
  if (!schema.type && !schema['x-kubernetes-int-or-string'] && !schema['x-kubernetes-preserve-unknown-fields']) errors.push(`${at}: no type`);
  if (schema.type === 'object') {
    if (schema.properties && schema.additionalProperties) errors.push(`${at}: both properties and additionalProperties`);
    if (!schema.properties && !schema.additionalProperties && !schema['x-kubernetes-preserve-unknown-fields'] && path !== '/metadata') errors.push(`${at}: object without properties or additionalProperties`);
    for (const r of schema.required ?? []) if (!schema.properties?.[r]) errors.push(`${at}: required field ${r} is not a property`);
  }
  if (schema.type === 'array') {
    if (!schema.items) errors.push(`${at}: array without items`);
    if (schema['x-kubernetes-list-type'] === 'map') {
      for (const key of schema['x-kubernetes-list-map-keys'] ?? []) {
        if (!(schema.items?.required ?? []).includes(key)) errors.push(`${at}: list-map key ${key} is not required in items`);
        if (!['string', 'integer'].includes(schema.items?.properties?.[key]?.type)) errors.push(`${at}: list-map key ${key} is not a scalar`);
      }
    }
  }
  if (path === '/metadata' && Object.keys(schema).some(k => k !== 'type')) errors.push(`${at}: metadata may only declare its type`);
  for (const combinator of ['oneOf', 'anyOf', 'allOf']) {
    for (const [i, branch] of (schema[combinator] ?? []).entries()) {
      for (const forbidden of ['type', 'description', 'default', 'additionalProperties', 'nullable']) {
        if (forbidden in branch) errors.push(`${at}: ${combinator}[${i}] sets ${forbidden}`);
      }
      for (const r of branch.required ?? []) if (!schema.properties?.[r]) errors.push(`${at}: ${combinator}[${i}] requires undeclared field ${r}`);
    }
  }
  for (const [k, v] of Object.entries<any>(schema.properties ?? {})) structuralViolations(v, `${path}/${k}`, errors);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') structuralViolations(schema.additionalProperties, `${path}/*`, errors);
  if (schema.items) structuralViolations(schema.items, `${path}[]`, errors);
  return errors;
}

/** Objects of `kind` by name. */
export function byName(objects: K8sObject[], kind: string): Map<string, K8sObject> {
  return new Map(objects.filter(o => o.kind === kind).map(o => [o.metadata.name, o]));
}

/** Pods of a workload: `Kind/name` and pod labels. */
export interface PodRef {
  readonly name: string;
  readonly labels: Record<string, string>;
}

/** Pods of a workload in the chart, with the policies that isolate them. */
interface PolicyPod extends PodRef {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly ingress: K8sObject[];
  readonly egress: K8sObject[];
}

const subset = (sel: Record<string, string>, labels: Record<string, string>) => Object.entries(sel).every(([k, v]) => labels[k] === v);

function policyPods(objects: K8sObject[], namespace: string): PolicyPod[] {
  const policies = objects.filter(o => o.kind === 'NetworkPolicy');
  return podTemplates(objects).map(t => {
    const ns = t.owner.metadata.namespace ?? namespace;
    const isolating = policies.filter(p => (p.metadata.namespace ?? namespace) === ns && subset(p.spec.podSelector?.matchLabels ?? {}, t.labels));
    return {
      name: `${t.owner.kind}/${t.owner.metadata.name}`,
      namespace: ns,
      labels: t.labels,
      ingress: isolating.filter(p => p.spec.policyTypes.includes('Ingress')),
      egress: isolating.filter(p => p.spec.policyTypes.includes('Egress')),
    };
  });
}

// A peer of a rule in a policy of namespace `own` selects `pod` (IP blocks select no pod here).
function selects(peer: any, own: string, pod: PolicyPod): boolean {
  if (peer.ipBlock) return false;
  if (peer.namespaceSelector) {
    const name = peer.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'];
    if (name !== undefined && name !== pod.namespace) return false;
  } else if (own !== pod.namespace) {
    return false;
  }
  return subset(peer.podSelector?.matchLabels ?? {}, pod.labels);
}

/** Ports (`'*'` for all) on which `policy`'s rules of `direction` name `pod`. */
function portsFor(policy: K8sObject, direction: 'ingress' | 'egress', namespace: string, pod: PolicyPod): Set<number | '*'> {
  const out = new Set<number | '*'>();
  for (const rule of policy.spec[direction] ?? []) {
    const peers = rule[direction === 'ingress' ? 'from' : 'to'];
    if (peers?.length && !peers.some((p: any) => selects(p, policy.metadata.namespace ?? namespace, pod))) continue;
    for (const port of rule.ports ?? [{ port: '*' }]) out.add(port.port);
  }
  return out;
}

const allows = (ports: Set<number | '*'>, port: number | '*') => ports.has('*') || ports.has(port);

/**
 * Allowances of the chart's NetworkPolicies between two of its pods that the other side denies:
 * `A -> B:port` that A's egress allows but B's ingress does not, or the reverse. Empty when both
 * sides of every in-chart flow agree. `pair` restricts the check to some pairs of pods.
 */
export function oneSidedFlows(objects: K8sObject[], namespace: string, pair: (a: PodRef, b: PodRef) => boolean = () => true): string[] {
  const pods = policyPods(objects, namespace);
  const problems: string[] = [];
  for (const a of pods) {
    for (const b of pods) {
      if (!pair(a, b)) continue;
      const egress = new Set(a.egress.flatMap(p => [...portsFor(p, 'egress', namespace, b)]));
      const ingress = new Set(b.ingress.flatMap(p => [...portsFor(p, 'ingress', namespace, a)]));
      if (b.ingress.length) for (const port of egress) if (!allows(ingress, port)) problems.push(`${a.name} -> ${b.name}:${port} is allowed by the egress of ${a.name} only`);
      if (a.egress.length) for (const port of ingress) if (!allows(egress, port)) problems.push(`${a.name} -> ${b.name}:${port} is allowed by the ingress of ${b.name} only`);
    }
  }
  return problems;
}

/** Whether `a`'s pods may open connections to `b`'s pods on `port` (both sides allow it; the shared evaluator). */
export function reachable(objects: K8sObject[], namespace: string, a: string, b: string, port: number): boolean {
  const net = new Reachability(objects);
  const pod = (name: string) => net.pods.find(p => p.owner && `${p.owner.kind}/${p.owner.metadata.name}` === name && p.namespace === namespace);
  const [from, to] = [pod(a), pod(b)];
  if (!from || !to) throw new Error(`no pods ${from ? b : a}`);
  return net.allows(from, to, port);
}
