import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { setPodSpecField } from './escape-hatches';
import { invalid } from './errors';
import { validateDnsSubdomain, validateLabels } from './validation';

/**
 * A toleration of a node taint, as in a pod spec.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
 */
export interface Toleration {
  /** Taint key; empty with operator `Exists` tolerates every taint. @default - every key (operator must be Exists) */
  readonly key?: string;
  /** @default 'Equal' */
  readonly operator?: 'Equal' | 'Exists';
  /** Taint value (operator Equal only). @default '' */
  readonly value?: string;
  /** Taint effect to tolerate. @default - all effects */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /** Seconds a pod stays bound after a NoExecute taint appears. @default - forever */
  readonly tolerationSeconds?: number;
}

/**
 * Where the component's pods may run. Plain data in the pod spec's own shape, so values from a
 * Helm chart carry over.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/
 */
export interface SchedulingOptions {
  /** Node labels a node must carry (pod spec `nodeSelector`). @default - any node */
  readonly nodeSelector?: Record<string, string>;
  /** Taints the pods tolerate. @default - none */
  readonly tolerations?: Toleration[];
  /**
   * Node affinity, pod affinity and pod anti-affinity, as the pod spec's `affinity` object.
   * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#scheduling
   * @default - none
   */
  readonly affinity?: Record<string, unknown>;
  /**
   * Spread the pods across zones and nodes (`topologySpreadConstraints` with maxSkew 1 and
   * ScheduleAnyway, so a small cluster still schedules them).
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
   * @default - true when more than one pod runs
   */
  readonly topologySpread?: boolean;
  /**
   * PriorityClass of the pods.
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
   * @default - the cluster's default priority
   */
  readonly priorityClassName?: string;
}

/**
 * Applies {@link SchedulingOptions} to a workload's pod spec.
 * @param multiplePods whether more than one pod runs (the default for topology spread)
 * @throws McpConfigError for invalid node labels, tolerations or a PriorityClass name
 * @internal
 */
export function applyScheduling(scope: IConstruct, field: string, workload: kplus.AbstractPod, selector: Record<string, string>, options: SchedulingOptions | undefined, multiplePods: boolean): void {
  const o = options ?? {};
  if (o.nodeSelector && Object.keys(o.nodeSelector).length) setPodSpecField(workload, 'nodeSelector', validateLabels(scope, `${field}.nodeSelector`, o.nodeSelector));
  if (o.tolerations?.length) setPodSpecField(workload, 'tolerations', o.tolerations.map((t, i) => checkToleration(scope, `${field}.tolerations[${i}]`, t)));
  if (o.affinity && Object.keys(o.affinity).length) setPodSpecField(workload, 'affinity', o.affinity);
  if (o.priorityClassName !== undefined) setPodSpecField(workload, 'priorityClassName', validateDnsSubdomain(scope, `${field}.priorityClassName`, o.priorityClassName));
  if (o.topologySpread ?? multiplePods) setPodSpecField(workload, 'topologySpreadConstraints', topologySpreadConstraints(selector));
}

/** Zone and node spread with ScheduleAnyway, selecting the component's own pods. @internal */
export function topologySpreadConstraints(selector: Record<string, string>): unknown[] {
  return ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map(topologyKey => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selector },
  }));
}

function checkToleration(scope: IConstruct, field: string, t: Toleration): Toleration {
  const operator = t.operator ?? 'Equal';
  if (operator === 'Exists' && t.value) invalid(scope, `${field}.value`, t.value, "remove value: operator 'Exists' matches any value");
  if (operator === 'Equal' && !t.key) invalid(scope, `${field}.key`, t.key, "set key, or use operator 'Exists' to tolerate every taint");
  if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
    invalid(scope, `${field}.tolerationSeconds`, t.tolerationSeconds, "tolerationSeconds applies to effect 'NoExecute' only: set effect: 'NoExecute' or remove it");
  }
  return t;
}
