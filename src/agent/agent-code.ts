import * as fs from 'fs';
import * as path from 'path';
import { AGENT_RUNTIME } from './agent-runtime';
import { AgentCode } from './agent-spec';

/** ConfigMaps hold at most 1 MiB; leave room for metadata. */
export const MAX_CODE_BYTES = 1_000_000;

/** Files never shipped from a directory: caches, bytecode, VCS and editor files. */
const SKIPPED = /(^|\/)(__pycache__|\.[^/]*|[^/]*\.pyc|node_modules)(\/|$)/;

/**
 * Factories for {@link AgentCode}, the agent's code source.
 *
 * @example
 * code: AgentCodeSource.fromDirectory(path.join(__dirname, 'agents/weather'), 'main.py')
 */
export class AgentCodeSource {
  /** Inline Python source, run as `/app/agent/main.py`. */
  public static fromScript(script: string): AgentCode {
    return { script };
  }

  /** An existing ConfigMap (not rendered by the chart; it must exist before the pods start). */
  public static fromConfigMap(name: string, entrypoint: string = AGENT_RUNTIME.defaultEntrypoint): AgentCode {
    return { configMap: { name, entrypoint } };
  }

  /** A custom image with the code baked in, pinned by tag or digest. */
  public static fromImage(image: string): AgentCode {
    return { image };
  }

  /** Files by relative path; `entrypoint` is the one to run. */
  public static fromFiles(contents: Record<string, string>, entrypoint: string): AgentCode {
    return { files: { entrypoint, contents } };
  }

  /**
   * Every file under `directory` (recursively, sorted, skipping `__pycache__`, `*.pyc` and
   * dotfiles), read now, at synth: a multi-file agent shipped as one ConfigMap.
   * @throws Error when the directory does not exist or holds no entrypoint
   */
  public static fromDirectory(directory: string, entrypoint: string = AGENT_RUNTIME.defaultEntrypoint): AgentCode {
    const root = path.resolve(directory);
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new Error(`agent code directory ${root} does not exist`);
    const contents: Record<string, string> = {};
    for (const rel of fs.readdirSync(root, { recursive: true }).map(String).sort()) {
      const posix = rel.split(path.sep).join('/');
      if (SKIPPED.test(posix)) continue;
      const abs = path.join(root, rel);
      if (fs.statSync(abs).isFile()) contents[posix] = fs.readFileSync(abs, 'utf8');
    }
    if (!(entrypoint in contents)) throw new Error(`agent code directory ${root} has no entrypoint ${entrypoint} (files: ${Object.keys(contents).join(', ') || 'none'})`);
    return { files: { entrypoint, contents } };
  }
}

/** A ConfigMap rendering of inline or multi-file code. */
export interface RenderedCode {
  /** ConfigMap data: keys are file paths with '/' written as '__' (ConfigMap keys cannot hold '/'). */
  readonly data: Record<string, string>;
  /** Volume items mapping keys back to paths; empty when every key is its own path. */
  readonly items: Record<string, { path: string }>;
  /** Path of the file to run, relative to the code mount. */
  readonly entrypoint: string;
}

/** ConfigMap key of a relative file path. */
export function codeKey(file: string): string {
  return file.split('/').join('__');
}

/**
 * The ConfigMap data and volume items of `script` or `files` code.
 * @returns undefined for configMap and image code, which render nothing
 */
export function renderCode(code: AgentCode): RenderedCode | undefined {
  if (code.script !== undefined) {
    return { data: { [AGENT_RUNTIME.defaultEntrypoint]: code.script }, items: {}, entrypoint: AGENT_RUNTIME.defaultEntrypoint };
  }
  if (code.files) {
    const data: Record<string, string> = {};
    const items: Record<string, { path: string }> = {};
    for (const file of Object.keys(code.files.contents).sort()) {
      const key = codeKey(file);
      data[key] = code.files.contents[file];
      if (key !== file) items[key] = { path: file };
    }
    // Items, once given, list every projected key.
    if (Object.keys(items).length) for (const key of Object.keys(data)) items[key] ??= { path: key };
    return { data, items, entrypoint: code.files.entrypoint };
  }
  return undefined;
}

/** Problems of a files/script source the schema cannot see: key collisions, a missing entrypoint, size. */
export function codeProblems(code: AgentCode): { field: string; value: unknown; fix: string }[] {
  const problems: { field: string; value: unknown; fix: string }[] = [];
  if (code.files) {
    const seen = new Map<string, string>();
    for (const file of Object.keys(code.files.contents)) {
      const other = seen.get(codeKey(file));
      if (other) problems.push({ field: 'code.files.contents', value: [other, file], fix: `rename one of them: both become ConfigMap key ${codeKey(file)}` });
      seen.set(codeKey(file), file);
    }
    if (!(code.files.entrypoint in code.files.contents)) {
      problems.push({ field: 'code.files.entrypoint', value: code.files.entrypoint, fix: `name one of the files: ${Object.keys(code.files.contents).join(', ') || '(none given)'}` });
    }
  }
  const rendered = renderCode(code);
  if (rendered) {
    const bytes = Object.entries(rendered.data).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    if (bytes > MAX_CODE_BYTES) problems.push({ field: code.files ? 'code.files' : 'code.script', value: `${bytes} bytes`, fix: `a ConfigMap holds at most 1 MiB: bake the code into an image and set code.image instead` });
  }
  return problems;
}
