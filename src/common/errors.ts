import { IConstruct } from 'constructs';

/**
 * A configuration error raised at synth time.
 *
 * Every message names the construct path, the field, the offending value and the fix, so
 * that a failed `cdk8s synth` tells the user exactly what to change.
 */
export class McpConfigError extends Error {
  /**
   * @param path construct path of the construct that rejected the value (e.g. `prod/registry`)
   * @param field the prop or environment field at fault (e.g. `replicas`)
   * @param value the offending value
   * @param fix what to change, phrased as an instruction
   */
  public constructor(
    public readonly path: string,
    public readonly field: string,
    public readonly value: unknown,
    public readonly fix: string,
  ) {
    super(`${path}: invalid ${field} ${formatValue(value)}: ${fix}`);
    this.name = 'McpConfigError';
  }
}

/** Throws an {@link McpConfigError} for `scope`. */
export function invalid(scope: IConstruct, field: string, value: unknown, fix: string): never {
  throw new McpConfigError(scope.node.path, field, value, fix);
}

/** Formats a value for an error message: strings quoted, objects as compact JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '(unset)';
  return JSON.stringify(value);
}
