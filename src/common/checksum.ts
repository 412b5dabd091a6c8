import { createHash } from 'crypto';

/** The pod-template annotation that carries the hash of the configuration a pod consumes. */
export const CONFIG_CHECKSUM_ANNOTATION = 'checksum/config';

/**
 * A stable sha256 of `data`: object keys are sorted at every level before serialising, so
 * the same content always gives the same hash. Used as a pod-template annotation so that a
 * ConfigMap change rolls the pods (the Helm `checksum/config` idiom).
 */
export function contentHash(data: unknown): string {
  return createHash('sha256').update(stableStringify(data)).digest('hex');
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object).sort()
      .map(k => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
