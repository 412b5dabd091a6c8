import { IConstruct } from 'constructs';
import { invalid } from '../common/errors';
import { ResourceSpec } from '../common/resources';
import { McpAgentSpec } from './agent-spec';

const MEMORY_FACTORS: Record<string, number> = { Mi: 1, Gi: 1024, Ti: 1024 * 1024 };

/** CPU quantity ("500m", "2", "0.5") in millicores. The schema has checked the syntax. */
export function cpuMillis(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Math.round(Number(quantity) * 1000);
}

/** Memory quantity ("512Mi", "1.5Gi") in MiB, or NaN when it is not a whole number of MiB. */
export function memoryMebibytes(quantity: string): number {
  const unit = quantity.slice(-2);
  const mib = Number(quantity.slice(0, -2)) * MEMORY_FACTORS[unit];
  return Number.isInteger(mib) ? mib : NaN;
}

/**
 * Converts the spec's Kubernetes quantities into the library's {@link ResourceSpec}, refusing
 * zero values, fractional MiB and requests above limits.
 * @throws McpConfigError naming the field (e.g. `resources.limits.cpu`)
 */
export function toResourceSpec(scope: IConstruct, resources: NonNullable<McpAgentSpec['resources']>): ResourceSpec {
  const spec: ResourceSpec = {
    cpuRequestMillis: cpuMillis(resources.requests.cpu),
    memoryRequestMebibytes: memoryMebibytes(resources.requests.memory),
    cpuLimitMillis: cpuMillis(resources.limits.cpu),
    memoryLimitMebibytes: memoryMebibytes(resources.limits.memory),
  };
  for (const [kind, field] of [['requests', 'cpu'], ['requests', 'memory'], ['limits', 'cpu'], ['limits', 'memory']] as const) {
    const value = resources[kind][field];
    const n = field === 'cpu' ? cpuMillis(value) : memoryMebibytes(value);
    if (!(n >= 1)) invalid(scope, `resources.${kind}.${field}`, value, field === 'cpu' ? 'use at least 1m of CPU' : 'use a whole number of MiB, at least 1Mi (e.g. "512Mi", "1.5Gi")');
  }
  if (spec.cpuRequestMillis > spec.cpuLimitMillis) invalid(scope, 'resources.requests.cpu', resources.requests.cpu, `the request may not exceed the limit ${resources.limits.cpu}: lower the request or raise the limit`);
  if (spec.memoryRequestMebibytes > spec.memoryLimitMebibytes) invalid(scope, 'resources.requests.memory', resources.requests.memory, `the request may not exceed the limit ${resources.limits.memory}: lower the request or raise the limit`);
  return spec;
}
