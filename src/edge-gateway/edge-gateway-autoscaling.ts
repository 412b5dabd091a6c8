import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { invalid } from '../common/errors';
import { validateInteger } from '../common/validation';

/** The Prometheus metric the gateway exports for open WebSocket sessions. */
export const ACTIVE_CONNECTIONS_METRIC = 'edge_mcp_active_connections';

/**
 * HorizontalPodAutoscaler (autoscaling/v2) settings. CPU and memory targets need
 * metrics-server; the connections target needs a custom metrics adapter (e.g. Prometheus
 * Adapter) that serves `edge_mcp_active_connections` as a Pods metric.
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
 */
export interface EdgeGatewayAutoscaling {
  /** Fewest pods. @default 2 */
  readonly minReplicas?: number;
  /** Most pods. */
  readonly maxReplicas: number;
  /** Target average CPU utilization, percent of requests (1..100). @default 70 */
  readonly cpuUtilizationPercent?: number;
  /** Target average memory utilization, percent of requests (1..100). @default 80 */
  readonly memoryUtilizationPercent?: number;
  /**
   * Target average open WebSocket connections per pod (a Pods metric). Leave unset
   * unless the custom metrics API serves it: an HPA with a missing metric never scales down.
   * @default - not used
   */
  readonly activeConnectionsPerPod?: number;
  /** Seconds of lower recommendations before scaling down (so reconnect storms settle). @default 300 */
  readonly scaleDownStabilizationSeconds?: number;
}

/** Autoscaling with every default resolved. */
export type ResolvedAutoscaling = Required<Omit<EdgeGatewayAutoscaling, 'activeConnectionsPerPod'>> & { readonly activeConnectionsPerPod?: number };

/**
 * Resolves defaults and checks the settings.
 * @throws McpConfigError for minReplicas > maxReplicas, utilization outside 1..100 and other out-of-range values.
 */
export function resolveAutoscaling(scope: IConstruct, a: EdgeGatewayAutoscaling): ResolvedAutoscaling {
  const minReplicas = validateInteger(scope, 'autoscaling.minReplicas', a.minReplicas ?? 2, 1);
  const maxReplicas = validateInteger(scope, 'autoscaling.maxReplicas', a.maxReplicas, 1);
  if (minReplicas > maxReplicas) invalid(scope, 'autoscaling.minReplicas', minReplicas, `use at most autoscaling.maxReplicas (${maxReplicas}), or raise maxReplicas`);
  const percent = (field: string, v: number) => {
    if (!Number.isInteger(v) || v < 1 || v > 100) invalid(scope, `autoscaling.${field}`, v, 'use a whole percentage of the pod requests from 1 to 100');
    return v;
  };
  const connections = a.activeConnectionsPerPod;
  if (connections !== undefined) validateInteger(scope, 'autoscaling.activeConnectionsPerPod', connections, 1);
  return {
    minReplicas,
    maxReplicas,
    cpuUtilizationPercent: percent('cpuUtilizationPercent', a.cpuUtilizationPercent ?? 70),
    memoryUtilizationPercent: percent('memoryUtilizationPercent', a.memoryUtilizationPercent ?? 80),
    activeConnectionsPerPod: connections,
    scaleDownStabilizationSeconds: validateInteger(scope, 'autoscaling.scaleDownStabilizationSeconds', a.scaleDownStabilizationSeconds ?? 300, 0, 3600),
  };
}

/**
 * The HPA: scale up fast (the larger of +50 % or +2 pods a minute, no stabilization),
 * scale down slowly (the smaller of -10 % or -1 pod a minute, after the stabilization
 * window), so WebSocket clients are not disconnected in waves.
 */
export function renderEdgeGatewayAutoscaler(scope: Construct, id: string, name: string, labels: Record<string, string>, target: kplus.Deployment, a: ResolvedAutoscaling): kplus.HorizontalPodAutoscaler {
  const metrics = [
    kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(a.cpuUtilizationPercent)),
    kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(a.memoryUtilizationPercent)),
  ];
  if (a.activeConnectionsPerPod !== undefined) {
    metrics.push(kplus.Metric.pods({ name: ACTIVE_CONNECTIONS_METRIC, target: kplus.MetricTarget.averageValue(a.activeConnectionsPerPod) }));
  }
  const minute = Duration.minutes(1);
  return new kplus.HorizontalPodAutoscaler(scope, id, {
    metadata: { name, labels },
    target,
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    metrics,
    scaleUp: {
      stabilizationWindow: Duration.seconds(0),
      strategy: kplus.ScalingStrategy.MAX_CHANGE,
      policies: [{ replicas: kplus.Replicas.percent(50), duration: minute }, { replicas: kplus.Replicas.absolute(2), duration: minute }],
    },
    scaleDown: {
      stabilizationWindow: Duration.seconds(a.scaleDownStabilizationSeconds),
      strategy: kplus.ScalingStrategy.MIN_CHANGE,
      policies: [{ replicas: kplus.Replicas.percent(10), duration: minute }, { replicas: kplus.Replicas.absolute(1), duration: minute }],
    },
  });
}
