import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

/**
 * Requests and limits for one container, in CPU millicores and memory mebibytes. Every
 * container this library renders gets explicit values: cdk8s-plus-28 would otherwise
 * inject 1000m/512Mi requests and 1500m/2048Mi limits.
 */
export interface ResourceSpec {
  /** CPU request in millicores (1000 = one core). */
  readonly cpuRequestMillis: number;
  /** Memory request in MiB. */
  readonly memoryRequestMebibytes: number;
  /** CPU limit in millicores. */
  readonly cpuLimitMillis: number;
  /** Memory limit in MiB. */
  readonly memoryLimitMebibytes: number;
}

/** Converts a {@link ResourceSpec} into cdk8s-plus container resources. */
export function toContainerResources(spec: ResourceSpec): kplus.ContainerResources {
  return {
    cpu: { request: kplus.Cpu.millis(spec.cpuRequestMillis), limit: kplus.Cpu.millis(spec.cpuLimitMillis) },
    memory: { request: Size.mebibytes(spec.memoryRequestMebibytes), limit: Size.mebibytes(spec.memoryLimitMebibytes) },
  };
}

/** Small, fixed resources for short-lived helper containers (init waits, backups). */
export const HELPER_RESOURCES: ResourceSpec = {
  cpuRequestMillis: 10, memoryRequestMebibytes: 32, cpuLimitMillis: 200, memoryLimitMebibytes: 128,
};
