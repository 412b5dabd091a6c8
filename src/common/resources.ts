import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { invalid } from './errors';
import { cpuMillicores, Quantity, quantityBytes } from './quantity';

/**
 * CPU and memory of one side (requests or limits) of a container's resources.
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
export interface ResourceQuantities {
  /** CPU as a Kubernetes quantity: millicores (`'250m'`) or cores (`'1'`, `'0.5'`). @default - the component's default */
  readonly cpu?: Quantity;
  /** Memory as a Kubernetes quantity in whole MiB (`'256Mi'`, `'1Gi'`). @default - the component's default */
  readonly memory?: Quantity;
}

/**
 * Requests and limits of a container, in Kubernetes quantities, as in a pod spec. Fields left out
 * keep the component's default; every container this library renders gets explicit values
 * (cdk8s-plus-28 would otherwise inject 1000m/512Mi requests and 1500m/2048Mi limits).
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
export interface ResourceRequirements {
  /** What the scheduler reserves for the container. @default - the component's default */
  readonly requests?: ResourceQuantities;
  /** The most the container may use (CPU is throttled, memory above it is OOM-killed). @default - the component's default */
  readonly limits?: ResourceQuantities;
}

/** Fully specified requirements: what each component declares as its default. @internal */
export interface DefaultResources {
  readonly requests: Required<ResourceQuantities>;
  readonly limits: Required<ResourceQuantities>;
}

/**
 * Merges `value` over `defaults`, parses every quantity and checks requests against limits.
 * @throws McpConfigError naming `<field>.requests.cpu` etc. for an unparsable quantity, memory that
 * is not a whole number of MiB, or a request above its limit.
 * @internal
 */
export function resolveResources(scope: IConstruct, field: string, value: ResourceRequirements | undefined, defaults: DefaultResources): kplus.ContainerResources {
  const q = (side: 'requests' | 'limits', kind: 'cpu' | 'memory') => value?.[side]?.[kind] ?? defaults[side][kind];
  const cpu = (side: 'requests' | 'limits') => cpuMillicores(scope, `${field}.${side}.cpu`, q(side, 'cpu'));
  const memory = (side: 'requests' | 'limits') => {
    const bytes = quantityBytes(scope, `${field}.${side}.memory`, q(side, 'memory'), 'memory', 2 ** 20);
    if (bytes % 2 ** 20 !== 0) invalid(scope, `${field}.${side}.memory`, q(side, 'memory'), "use a whole number of MiB, such as '384Mi' or '1Gi'");
    return bytes / 2 ** 20;
  };
  const [cpuRequest, cpuLimit, memoryRequest, memoryLimit] = [cpu('requests'), cpu('limits'), memory('requests'), memory('limits')];
  if (cpuRequest > cpuLimit) {
    invalid(scope, `${field}.requests.cpu`, q('requests', 'cpu'), `the request may not exceed the limit ${JSON.stringify(q('limits', 'cpu'))}: lower ${field}.requests.cpu or raise ${field}.limits.cpu`);
  }
  if (memoryRequest > memoryLimit) {
    invalid(scope, `${field}.requests.memory`, q('requests', 'memory'), `the request may not exceed the limit ${JSON.stringify(q('limits', 'memory'))}: lower ${field}.requests.memory or raise ${field}.limits.memory`);
  }
  return {
    cpu: { request: kplus.Cpu.millis(cpuRequest), limit: kplus.Cpu.millis(cpuLimit) },
    memory: { request: Size.mebibytes(memoryRequest), limit: Size.mebibytes(memoryLimit) },
  };
}

/** Small, fixed resources for short-lived helper containers (init waits, backups). @internal */
export const HELPER_RESOURCE_DEFAULTS: DefaultResources = {
  requests: { cpu: '10m', memory: '32Mi' },
  limits: { cpu: '200m', memory: '128Mi' },
};
