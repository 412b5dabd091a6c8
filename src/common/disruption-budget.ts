import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { invalid } from './errors';

/** Props of {@link PodDisruptionBudget}. Exactly one of minAvailable and maxUnavailable. */
export interface PodDisruptionBudgetProps {
  /** metadata.name */
  readonly name: string;
  /** Labels for the object's metadata. */
  readonly labels: Record<string, string>;
  /** The workload's stable selector labels. */
  readonly selector: Record<string, string>;
  /** Replicas the workload runs (its HPA minimum when autoscaled), to reject budgets that block every eviction. */
  readonly replicas: number;
  /** Pods that must stay available during voluntary disruptions. */
  readonly minAvailable?: number;
  /** Pods that may be unavailable at once; 0 is refused because it blocks node drains forever. */
  readonly maxUnavailable?: number;
}

/**
 * A policy/v1 PodDisruptionBudget that can never block a node drain: maxUnavailable 0 and
 * minAvailable >= replicas are refused, and unhealthy pods may always be evicted
 * (`unhealthyPodEvictionPolicy: AlwaysAllow`). cdk8s-plus-28 has no PDB, so this wraps the L1.
 * @throws McpConfigError when the budget would block every eviction.
 */
export class PodDisruptionBudget extends Construct {
  public constructor(scope: Construct, id: string, props: PodDisruptionBudgetProps) {
    super(scope, id);
    const { minAvailable, maxUnavailable, replicas } = props;
    if ((minAvailable === undefined) === (maxUnavailable === undefined)) {
      invalid(this, 'minAvailable/maxUnavailable', { minAvailable, maxUnavailable }, 'set exactly one of them');
    }
    if (maxUnavailable !== undefined && (!Number.isInteger(maxUnavailable) || maxUnavailable < 1)) {
      invalid(this, 'maxUnavailable', maxUnavailable, 'use 1 or more: 0 blocks node drains forever');
    }
    if (minAvailable !== undefined && (!Number.isInteger(minAvailable) || minAvailable < 1 || minAvailable >= replicas)) {
      invalid(this, 'minAvailable', minAvailable, `use a whole number from 1 to ${replicas - 1} (below the ${replicas} replicas), or a drain can never evict a pod`);
    }
    new kplus.k8s.KubePodDisruptionBudget(this, 'Resource', {
      metadata: { name: props.name, labels: props.labels },
      spec: {
        selector: { matchLabels: props.selector },
        ...(minAvailable !== undefined ? { minAvailable: kplus.k8s.IntOrString.fromNumber(minAvailable) } : {}),
        ...(maxUnavailable !== undefined ? { maxUnavailable: kplus.k8s.IntOrString.fromNumber(maxUnavailable) } : {}),
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
}
