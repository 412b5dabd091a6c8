import { IConstruct } from 'constructs';
import { invalid } from './errors';

// The Kubernetes quantity grammar: a signed decimal number (or one in e-notation) followed by a
// binary (Ki..Ei) or decimal (n, u, m, k, M..E) suffix.
// https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
const QUANTITY = /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?[0-9]+))?(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;
const MULTIPLIERS: Record<string, number> = {
  '': 1, 'n': 1e-9, 'u': 1e-6, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};

/**
 * A Kubernetes quantity: a number with an optional suffix, such as `500m`, `2`, `0.5`, `512Mi`,
 * `1Gi` or `1G`. A plain number is taken as the base unit (cores for CPU, bytes for memory).
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */
export type Quantity = string | number;

/** Parses a quantity into its value in base units, or undefined when it is not a quantity. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = QUANTITY.exec(value.trim());
  if (!m) return undefined;
  return Number(m[1]) * 10 ** Number(m[2] ?? 0) * MULTIPLIERS[m[3] ?? ''];
}

/**
 * CPU in millicores (`500m` = 500, `2` = 2000, `0.25` = 250).
 * @throws McpConfigError naming `field` when the value is not a CPU quantity or is below 1m.
 */
export function cpuMillicores(scope: IConstruct, field: string, value: Quantity): number {
  const cores = parseQuantity(value);
  const millis = cores === undefined ? NaN : Math.round(cores * 1000 * 1e6) / 1e6;
  if (!Number.isInteger(millis) || millis < 1) {
    invalid(scope, field, value, "use a CPU quantity of at least 1m: millicores such as '250m', or cores such as '1' or '0.5'");
  }
  return millis;
}

/**
 * Memory or storage in bytes (`512Mi`, `1Gi`, `1G`, `134217728`).
 * @throws McpConfigError naming `field` when the value is not a quantity, is not a whole number
 * of bytes, or is below `minBytes`.
 */
export function quantityBytes(scope: IConstruct, field: string, value: Quantity, what: 'memory' | 'storage', minBytes = 1): number {
  const bytes = parseQuantity(value);
  if (bytes === undefined || !Number.isInteger(bytes) || bytes < minBytes) {
    const example = what === 'memory' ? "'256Mi' or '1Gi'" : "'10Gi' or '500Gi'";
    invalid(scope, field, value, `use a ${what} quantity of at least ${formatBytes(minBytes)} with a binary suffix, such as ${example}`);
  }
  return bytes;
}

/** Formats bytes with the largest binary suffix that divides them exactly (`1Gi`, `1536Mi`, `100`). */
export function formatBytes(bytes: number): string {
  for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
    const unit = MULTIPLIERS[suffix];
    if (bytes >= unit && bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}
