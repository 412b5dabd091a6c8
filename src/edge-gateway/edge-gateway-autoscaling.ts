import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AutoscalingOptions, createAutoscaler, ResolvedAutoscaling } from '../common/autoscaling';
import { ObjectMetadata } from '../common/metadata';
import { EDGE_GATEWAY_METRICS } from './edge-gateway-runtime';

/**
 * The shared autoscaling options plus a Pods metric on open WebSocket connections.
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
 */
export interface EdgeGatewayAutoscaling extends AutoscalingOptions {
  /**
   * Target average open WebSocket connections per pod, as a Pods metric on
   * `edge_mcp_active_connections` (needs a custom metrics adapter such as Prometheus Adapter).
   * Inert with the default image: that version exports the gauge but never updates it (it
   * stays 0), so only CPU and memory drive the HPA. Leave unset unless your image records it.
   * @default - not used
   */
  readonly activeConnectionsPerPod?: number;
}

/**
 * The shared HPA with the optional connections metric.
 * @internal
 */
export function createEdgeGatewayAutoscaler(scope: Construct, id: string, metadata: ObjectMetadata, target: kplus.Deployment, autoscaling: ResolvedAutoscaling, activeConnectionsPerPod?: number): kplus.HorizontalPodAutoscaler {
  const extraMetrics = activeConnectionsPerPod === undefined ? [] : [
    kplus.Metric.pods({ name: EDGE_GATEWAY_METRICS.activeConnections.name, target: kplus.MetricTarget.averageValue(activeConnectionsPerPod) }),
  ];
  return createAutoscaler(scope, id, { metadata, target, autoscaling, extraMetrics });
}
