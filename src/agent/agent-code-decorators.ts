import { AgentCode, McpAgentSpec } from './agent-spec';

// The registry learns an agent's capabilities and dependencies from what its code registers with
// `@mesh.tool(capability=..., version=..., dependencies=[...])` (mesh/decorators.py at
// bb0fc8d), not from our spec; the spec drives the capability graph and the NetworkPolicies. When
// the two disagree the registry wires edges the policies block, or the reverse. For code we
// render (inline scripts, files) the decorators are read here and compared with the spec.

/** One `@mesh.tool` registration read from source. */
export interface DeclaredTool {
  /** File the decorator is in. */
  readonly file: string;
  readonly capability: string;
  /** @default '1.0.0' (the decorator's default) */
  readonly version: string;
  readonly dependencies: readonly { readonly capability: string; readonly version?: string }[];
}

/** What the code declares, or undefined when it cannot be read statically (non-literal arguments). */
export function declaredTools(code: AgentCode): DeclaredTool[] | undefined {
  const files = code.script !== undefined ? { 'main.py': code.script } : code.files?.contents;
  if (!files) return undefined;
  const tools: DeclaredTool[] = [];
  for (const [file, source] of Object.entries(files)) {
    if (!file.endsWith('.py')) continue;
    for (const args of decoratorArguments(source, '@mesh.tool(')) {
      const tool = parseTool(file, args);
      if (!tool) return undefined;
      if (tool.capability !== undefined) tools.push(tool as DeclaredTool);
    }
  }
  return tools;
}

/** One disagreement between the spec and the code: the spec field, its value and the fix. */
export interface CodeSpecMismatch {
  readonly field: string;
  readonly value: unknown;
  readonly fix: string;
}

/**
 * Compares the spec's capabilities and dependencies with the code's `@mesh.tool` decorators.
 * Code without any `@mesh.tool` (a placeholder, or registrations built at run time) is not checked.
 */
export function codeSpecMismatches(spec: Pick<McpAgentSpec, 'code' | 'capabilities' | 'dependencies'>): CodeSpecMismatch[] {
  const tools = declaredTools(spec.code);
  if (!tools?.length) return [];
  const out: CodeSpecMismatch[] = [];
  const where = (t: DeclaredTool) => `${t.file} @mesh.tool(capability=${JSON.stringify(t.capability)})`;
  const byCapability = new Map(tools.map(t => [t.capability, t]));
  (spec.capabilities ?? []).forEach((c, i) => {
    const tool = byCapability.get(c.name);
    if (!tool) out.push({ field: `capabilities[${i}].name`, value: c.name, fix: `the code registers no @mesh.tool with this capability (it registers ${[...byCapability.keys()].join(', ')}): fix the name or the code` });
    else if (tool.version !== c.version) out.push({ field: `capabilities[${i}].version`, value: c.version, fix: `${where(tool)} registers version ${JSON.stringify(tool.version)}: make the spec and the code agree` });
  });
  const specCapabilities = new Set((spec.capabilities ?? []).map(c => c.name));
  for (const tool of tools) {
    if (!specCapabilities.has(tool.capability)) {
      out.push({ field: 'capabilities', value: (spec.capabilities ?? []).map(c => c.name), fix: `add { name: ${JSON.stringify(tool.capability)}, version: ${JSON.stringify(tool.version)} }: ${where(tool)} registers it` });
    }
  }
  const codeDependencies = new Map<string, { version: string; tool: DeclaredTool }>();
  for (const tool of tools) for (const d of tool.dependencies) codeDependencies.set(d.capability, { version: d.version ?? '*', tool });
  (spec.dependencies ?? []).forEach((d, i) => {
    const inCode = codeDependencies.get(d.name);
    const range = d.version ?? '*';
    if (!inCode) out.push({ field: `dependencies[${i}].name`, value: d.name, fix: 'no @mesh.tool of the code depends on it: remove it or add it to the decorator\'s dependencies' });
    else if (inCode.version !== range) {
      out.push({ field: `dependencies[${i}].version`, value: range, fix: `${where(inCode.tool)} declares ${JSON.stringify(d.name)} with version ${JSON.stringify(inCode.version)}, so the registry would resolve other providers than the NetworkPolicies allow: declare {"capability": ${JSON.stringify(d.name)}, "version": ${JSON.stringify(range)}} in the code` });
    }
  });
  const specDependencies = new Set((spec.dependencies ?? []).map(d => d.name));
  for (const [name, { version, tool }] of codeDependencies) {
    if (!specDependencies.has(name)) out.push({ field: 'dependencies', value: [...specDependencies], fix: `add { name: ${JSON.stringify(name)}, version: ${JSON.stringify(version)} }: ${where(tool)} depends on it` });
  }
  return out;
}

/** The argument text of every call `opener...)` in `source`, with balanced brackets. */
function decoratorArguments(source: string, opener: string): string[] {
  const out: string[] = [];
  for (let at = source.indexOf(opener); at >= 0; at = source.indexOf(opener, at + 1)) {
    const start = at + opener.length;
    const end = closing(source, start - 1);
    if (end < 0) break;
    out.push(source.slice(start, end));
  }
  return out;
}

/** Index of the bracket that closes the one at `open`, skipping string literals; -1 if none. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) return -1;
      i = end;
    } else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch) && --depth === 0) return i;
  }
  return -1;
}

const STRING = String.raw`(?:"([^"\\]*)"|'([^'\\]*)')`;

/** Reads capability, version and dependencies from a decorator's arguments; undefined if not literal. */
function parseTool(file: string, args: string): Partial<DeclaredTool> | undefined {
  const capability = keyword(args, 'capability');
  const version = keyword(args, 'version');
  if (capability === null || version === null) return undefined;
  const depsAt = new RegExp(String.raw`\bdependencies\s*=\s*\[`).exec(args);
  const dependencies: { capability: string; version?: string }[] = [];
  if (depsAt) {
    const open = depsAt.index + depsAt[0].length - 1;
    const list = args.slice(open + 1, closing(args, open));
    for (const item of splitTopLevel(list)) {
      const plain = new RegExp(`^${STRING}$`).exec(item);
      if (plain) {
        dependencies.push({ capability: plain[1] ?? plain[2] });
        continue;
      }
      const name = dictValue(item, 'capability');
      if (!item.startsWith('{') || name === undefined) return undefined;
      dependencies.push({ capability: name, version: dictValue(item, 'version') });
    }
  }
  return { file, capability: capability ?? undefined, version: version ?? '1.0.0', dependencies };
}

/** A keyword argument's string literal; undefined when absent, null when not a literal. */
function keyword(args: string, name: string): string | undefined | null {
  const m = new RegExp(String.raw`(?:^|[,(\s])${name}\s*=\s*(.)`).exec(args);
  if (!m) return undefined;
  const literal = new RegExp(String.raw`(?:^|[,(\s])${name}\s*=\s*${STRING}`).exec(args);
  return literal ? literal[1] ?? literal[2] : null;
}

function dictValue(item: string, key: string): string | undefined {
  const m = new RegExp(String.raw`["']${key}["']\s*:\s*${STRING}`).exec(item);
  return m ? m[1] ?? m[2] : undefined;
}

function splitTopLevel(list: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < list.length; i++) {
    const ch = list[i];
    if (ch === '"' || ch === "'") {
      const end = list.indexOf(ch, i + 1);
      current += list.slice(i, end + 1);
      i = end;
      continue;
    }
    if ('([{'.includes(ch)) depth++;
    if (')]}'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      items.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) items.push(current.trim());
  return items;
}
