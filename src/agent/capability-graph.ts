import * as semver from 'semver';
import { Capability, Dependency } from './agent-spec';

/** What the resolver needs to know of an agent. */
export interface GraphAgent {
  readonly name: string;
  readonly capabilities?: readonly Capability[];
  readonly dependencies?: readonly Dependency[];
}

/** A dependency resolved to one provider (one edge per matching provider). */
export interface ResolvedEdge {
  /** Agent that depends. */
  readonly consumer: string;
  /** Agent that provides. */
  readonly provider: string;
  /** Capability name. */
  readonly capability: string;
  /** The consumer's range. */
  readonly range: string;
  /** The provider's version, which satisfies the range. */
  readonly version: string;
  readonly optional: boolean;
}

/** A provider of a capability, as listed in errors. */
export interface Provision {
  readonly agent: string;
  readonly version: string;
}

/** A dependency no agent satisfies. */
export interface UnresolvedDependency {
  readonly consumer: string;
  /** Index in the consumer's dependencies. */
  readonly index: number;
  readonly capability: string;
  readonly range: string;
  readonly optional: boolean;
  /** Agents providing the capability at versions outside the range (empty: nobody provides it). */
  readonly available: readonly Provision[];
}

/**
 * The capability graph of one environment, resolved at synth: which agent calls which, and
 * why. Resolution is linear in agents + capabilities + dependencies + edges: capabilities are
 * indexed by name once, each dependency looks up only the providers of its name.
 */
export class CapabilityGraph {
  /** Agents in declaration order. */
  public readonly agents: readonly GraphAgent[];
  /** Every resolved (consumer, provider, capability) edge, sorted. */
  public readonly edges: readonly ResolvedEdge[];
  /** Dependencies no agent satisfies: required ones fail the synth, optional ones warn. */
  public readonly unresolved: readonly UnresolvedDependency[];
  /** Groups of agents that depend on each other in a cycle (strongly connected components), sorted. */
  public readonly cycles: readonly (readonly string[])[];
  private readonly providersByName: Map<string, Provision[]>;
  private readonly out = new Map<string, Set<string>>();
  private readonly in = new Map<string, Set<string>>();

  public constructor(agents: readonly GraphAgent[]) {
    this.agents = agents;
    this.providersByName = new Map();
    for (const a of agents) {
      for (const c of a.capabilities ?? []) {
        const list = this.providersByName.get(c.name) ?? [];
        list.push({ agent: a.name, version: c.version });
        this.providersByName.set(c.name, list);
      }
    }
    const edges: ResolvedEdge[] = [];
    const unresolved: UnresolvedDependency[] = [];
    for (const a of agents) {
      this.out.set(a.name, this.out.get(a.name) ?? new Set());
      this.in.set(a.name, this.in.get(a.name) ?? new Set());
    }
    for (const a of agents) {
      (a.dependencies ?? []).forEach((d, index) => {
        const range = d.version ?? '*';
        const optional = d.optional ?? false;
        const candidates = this.providersByName.get(d.name) ?? [];
        const matching = candidates.filter(p => semver.satisfies(p.version, range));
        if (matching.length === 0) {
          unresolved.push({ consumer: a.name, index, capability: d.name, range, optional, available: candidates });
          return;
        }
        for (const p of matching) {
          edges.push({ consumer: a.name, provider: p.agent, capability: d.name, range, version: p.version, optional });
          this.out.get(a.name)!.add(p.agent);
          this.in.get(p.agent)!.add(a.name);
        }
      });
    }
    this.edges = edges.sort((x, y) => cmp(x.consumer, y.consumer) || cmp(x.capability, y.capability) || cmp(x.provider, y.provider));
    this.unresolved = unresolved;
    this.cycles = this.findCycles();
  }

  /** Agents `agent` calls (distinct, sorted). */
  public providersOf(agent: string): string[] {
    return [...(this.out.get(agent) ?? [])].sort();
  }

  /** Agents that call `agent` (distinct, sorted). */
  public consumersOf(agent: string): string[] {
    return [...(this.in.get(agent) ?? [])].sort();
  }

  /** Distinct (consumer, provider) pairs: the connections the NetworkPolicies allow. */
  public connections(): { consumer: string; provider: string }[] {
    const seen = new Set<string>();
    const out: { consumer: string; provider: string }[] = [];
    for (const e of this.edges) {
      const key = `${e.consumer}\u0000${e.provider}`;
      if (!seen.has(key)) out.push({ consumer: e.consumer, provider: e.provider });
      seen.add(key);
    }
    return out;
  }

  /** Providers of capability `name`, in declaration order. */
  public providersOfCapability(name: string): readonly Provision[] {
    return this.providersByName.get(name) ?? [];
  }

  /** Capability names offered in the environment, sorted. */
  public capabilityNames(): string[] {
    return [...this.providersByName.keys()].sort();
  }

  /** Human explanation of an unresolved dependency: who provides what instead. */
  public describeUnresolved(u: UnresolvedDependency, listLimit = 10): string {
    if (u.available.length) {
      const offers = u.available.map(p => `${p.agent} provides ${u.capability} ${p.version}`).join(', ');
      return `no agent provides ${u.capability} at a version satisfying ${JSON.stringify(u.range)} (${offers}): widen the range or add/upgrade a provider`;
    }
    const names = this.capabilityNames();
    const shown = names.slice(0, listLimit).join(', ') + (names.length > listLimit ? `, ... (${names.length - listLimit} more)` : '');
    return `no agent in the environment provides capability ${JSON.stringify(u.capability)} (available: ${shown || 'none'}): add an agent that provides it, fix the name, or mark the dependency optional`;
  }

  /** Tarjan's strongly connected components, iteratively (no recursion limit), O(V + E). */
  private findCycles(): string[][] {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const cycles: string[][] = [];
    let counter = 0;
    for (const root of this.agents.map(a => a.name)) {
      if (index.has(root)) continue;
      const work: { node: string; next: Iterator<string> }[] = [];
      const visit = (n: string) => {
        index.set(n, counter); low.set(n, counter); counter++;
        stack.push(n); onStack.add(n);
        work.push({ node: n, next: (this.out.get(n) ?? new Set<string>()).values() });
      };
      visit(root);
      while (work.length) {
        const frame = work[work.length - 1];
        const step = frame.next.next();
        if (!step.done) {
          const m = step.value;
          if (!index.has(m)) visit(m);
          else if (onStack.has(m)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(m)!));
          continue;
        }
        work.pop();
        if (work.length) {
          const parent = work[work.length - 1].node;
          low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
        }
        if (low.get(frame.node) === index.get(frame.node)) {
          const component: string[] = [];
          let m: string;
          do {
            m = stack.pop()!;
            onStack.delete(m);
            component.push(m);
          } while (m !== frame.node);
          if (component.length > 1 || this.out.get(frame.node)?.has(frame.node)) cycles.push(component.sort());
        }
      }
    }
    return cycles.sort((a, b) => cmp(a[0], b[0]));
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
