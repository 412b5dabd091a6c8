import * as fs from 'fs';
import { parseDocument } from 'yaml';
import { McpConfigError } from '../common/errors';
import { findEnvironmentProblem } from '../common/props-schema';
import { defineEnvironment, McpEnvironment } from './environment';
import { devEnvironment, prodEnvironment, stagingEnvironment } from './presets';

/**
 * The contents of an environment values file (YAML or JSON): an {@link McpEnvironment}, optionally
 * derived from a preset. With `preset`, every other field merges over the preset (objects merge
 * recursively, lists and scalars replace), so a file holds only what differs. The package ships the
 * file's JSON Schema as `cdk8s-mcp/schema/values.schema.json` for editors.
 */
export interface McpEnvironmentValues extends Partial<McpEnvironment> {
  /** The preset the file derives from. @default - none: the file is a whole environment and must set `name` */
  readonly preset?: 'dev' | 'staging' | 'prod';
}

const PRESETS: Record<string, () => McpEnvironment> = { dev: devEnvironment, staging: stagingEnvironment, prod: prodEnvironment };

/**
 * Reads an environment values file (YAML or JSON) and validates it.
 * @throws McpConfigError naming the file, the field, the value and the fix, for a file that cannot
 * be read or parsed, an unknown key (with the closest valid key), a wrong type, an unknown preset,
 * or an environment that is incomplete after merging over the preset
 */
export function loadEnvironment(file: string): McpEnvironment {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new McpConfigError(file, 'file', file, `the values file cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): check the path`);
  }
  return parseEnvironment(text, file);
}

/**
 * Parses and validates environment values given as YAML or JSON text.
 * @param source name of the text in error messages (e.g. the file path)
 * @throws McpConfigError as {@link loadEnvironment} does
 */
export function parseEnvironment(text: string, source = '(values)'): McpEnvironment {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const line = e.linePos?.[0] ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    throw new McpConfigError(source, 'YAML', undefined, `the file is not valid YAML${line}: ${e.message.split('\n')[0]}`);
  }
  const values: unknown = doc.toJS();
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new McpConfigError(source, 'values', values, 'the file must hold a mapping of environment fields (name, namespace, registry, ...)');
  }
  const { preset, ...rest } = values as McpEnvironmentValues & Record<string, unknown>;
  if (preset !== undefined && !(typeof preset === 'string' && preset in PRESETS)) {
    throw new McpConfigError(source, 'preset', preset, `use one of ${Object.keys(PRESETS).map(p => `'${p}'`).join(', ')}, or leave it out and write a whole environment`);
  }
  const partialProblem = findEnvironmentProblem(rest, preset !== undefined);
  if (partialProblem) throw new McpConfigError(source, partialProblem.field, partialProblem.shown, partialProblem.fix);
  const environment = preset ? defineEnvironment(PRESETS[preset](), rest as never) : rest as McpEnvironment;
  const problem = findEnvironmentProblem(environment);
  if (problem) {
    const fix = preset ? `${problem.fix} (the '${preset}' preset does not set it either)` : problem.fix;
    throw new McpConfigError(source, problem.field, problem.shown, fix);
  }
  return environment;
}
