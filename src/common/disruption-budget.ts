import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalid } from './errors';
import { ObjectMetadata } from './metadata';

/**
 * The component's PodDisruptionBudget, rendered whenever more than one pod runs. Set at most
 * one of `minAvailable` and `maxUnavailable`; budgets that would block every node drain
 * (maxUnavailable 0, minAvailable not below the pod count) are refused.
 * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/
 */
export interface DisruptionBudgetOptions {
  /** Render the budget when more than one pod runs. @default true */
  readonly enabled?: boolean;
  /** Pods that must stay available during voluntary disruptions (node drains). @default - unset; maxUnavailable 1 applies */
  readonly minAvailable?: number;
  /** Pods that may be unavailable at once (at least 1). @default 1 */
  readonly maxUnavailable?: number;
}

/** Props of {@link PodDisruptionBudget}. @internal */
export interface PodDisruptionBudgetProps {
  readonly metadata: ObjectMetadata;
  /** The workload's stable selector labels. */
  readonly selector: Record<string, string>;
  /** Fewest pods the workload runs (its HPA minimum when autoscaled). */
  readonly minReplicas: number;
  /** Most pods (the HPA maximum), for the minAvailable check. @default minReplicas */
  readonly maxReplicas?: number;
  /** The user's budget, checked here. */
  readonly budget?: DisruptionBudgetOptions;
  /** Field name in error messages. @default 'podDisruptionBudget' */
  readonly field?: string;
}

/**
 * A policy/v1 PodDisruptionBudget that can never block a node drain; unhealthy pods may always be
 * evicted (`unhealthyPodEvictionPolicy: AlwaysAllow`). cdk8s-plus-28 has no PDB, so this wraps the L1.
 * @throws McpConfigError when both or neither bound is usable, or the budget would block every eviction.
 * @internal
 */
export class PodDisruptionBudget extends Construct {
  /** Whether a budget applies: enabled and more than one pod. */
  public static applies(budget: DisruptionBudgetOptions | undefined, minReplicas: number): boolean {
    return (budget?.enabled ?? true) && minReplicas > 1;
  }

  public constructor(scope: Construct, id: string, props: PodDisruptionBudgetProps) {
    super(scope, id);
    const field = props.field ?? 'podDisruptionBudget';
    const { minAvailable, maxUnavailable } = props.budget ?? {};
    const replicas = props.minReplicas;
    if (minAvailable !== undefined && maxUnavailable !== undefined) {
      invalid(scope, field, { minAvailable, maxUnavailable }, 'set only one of minAvailable and maxUnavailable');
    }
    const max = minAvailable === undefined ? maxUnavailable ?? 1 : undefined;
    if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
      invalid(scope, `${field}.maxUnavailable`, max, 'use 1 or more: 0 blocks node drains forever');
    }
    if (minAvailable !== undefined && (!Number.isInteger(minAvailable) || minAvailable < 1 || minAvailable >= replicas)) {
      invalid(scope, `${field}.minAvailable`, minAvailable, `use a whole number from 1 to ${replicas - 1} (below the ${replicas} pods that run at least), or a drain can never evict a pod`);
    }
    new kplus.k8s.KubePodDisruptionBudget(this, 'Resource', {
      metadata: props.metadata,
      spec: {
        selector: { matchLabels: props.selector },
        ...(minAvailable !== undefined ? { minAvailable: kplus.k8s.IntOrString.fromNumber(minAvailable) } : {}),
        ...(max !== undefined ? { maxUnavailable: kplus.k8s.IntOrString.fromNumber(max) } : {}),
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
}
