import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { invalid } from './errors';
import { ObjectMetadata } from './metadata';
import { validateInteger } from './validation';

/**
 * A HorizontalPodAutoscaler for the component's workload, on CPU and memory utilization of
 * the pods' requests. With autoscaling on, the workload renders no `replicas` (the HPA owns it).
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
 */
export interface AutoscalingOptions {
  /** Render the HPA. @default true when `autoscaling` is given */
  readonly enabled?: boolean;
  /** Fewest pods. @default 2 */
  readonly minReplicas?: number;
  /** Most pods. */
  readonly maxReplicas: number;
  /** Target average CPU use, in percent of the pods' CPU request (1-100). @default 70 */
  readonly targetCpuUtilizationPercent?: number;
  /** Target average memory use, in percent of the pods' memory request (1-100). @default 80 */
  readonly targetMemoryUtilizationPercent?: number;
  /** Seconds the HPA waits after load drops before it removes pods (0-3600). @default 300 */
  readonly scaleDownStabilizationSeconds?: number;
}

/** {@link AutoscalingOptions} with every default applied. @internal */
export type ResolvedAutoscaling = Required<Omit<AutoscalingOptions, 'enabled'>>;

/**
 * Applies defaults (the component's own over the library's) and checks ranges.
 * @returns undefined when autoscaling is not given or disabled
 * @throws McpConfigError for minReplicas above maxReplicas, or a value out of range
 * @internal
 */
export function resolveAutoscaling(scope: IConstruct, field: string, options: AutoscalingOptions | undefined, defaults: Partial<ResolvedAutoscaling> = {}): ResolvedAutoscaling | undefined {
  if (!options || options.enabled === false) return undefined;
  const minReplicas = validateInteger(scope, `${field}.minReplicas`, options.minReplicas ?? defaults.minReplicas ?? 2, 1);
  const maxReplicas = validateInteger(scope, `${field}.maxReplicas`, options.maxReplicas ?? defaults.maxReplicas, 1);
  if (minReplicas > maxReplicas) invalid(scope, `${field}.minReplicas`, minReplicas, `use at most ${field}.maxReplicas (${maxReplicas}), or raise maxReplicas`);
  const percent = (name: 'targetCpuUtilizationPercent' | 'targetMemoryUtilizationPercent', fallback: number) =>
    validateInteger(scope, `${field}.${name}`, options[name] ?? defaults[name] ?? fallback, 1, 100);
  return {
    minReplicas,
    maxReplicas,
    targetCpuUtilizationPercent: percent('targetCpuUtilizationPercent', 70),
    targetMemoryUtilizationPercent: percent('targetMemoryUtilizationPercent', 80),
    scaleDownStabilizationSeconds: validateInteger(scope, `${field}.scaleDownStabilizationSeconds`,
      options.scaleDownStabilizationSeconds ?? defaults.scaleDownStabilizationSeconds ?? 300, 0, 3600),
  };
}

/** Props of {@link createAutoscaler}. @internal */
export interface AutoscalerOptions {
  readonly metadata: ObjectMetadata;
  readonly target: kplus.IScalable;
  readonly autoscaling: ResolvedAutoscaling;
  /** Metrics beyond CPU and memory (e.g. a Pods metric from a metrics adapter). */
  readonly extraMetrics?: kplus.Metric[];
}

/**
 * The HPA every component uses: scale up fast (the larger of +50 % or +2 pods a minute, no
 * stabilization), scale down slowly (the smaller of -10 % or -1 pod a minute, after the
 * stabilization window), so long-lived MCP sessions are not dropped in waves.
 * @internal
 */
export function createAutoscaler(scope: Construct, id: string, options: AutoscalerOptions): kplus.HorizontalPodAutoscaler {
  const a = options.autoscaling;
  const minute = Duration.minutes(1);
  return new kplus.HorizontalPodAutoscaler(scope, id, {
    metadata: options.metadata,
    target: options.target,
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    metrics: [
      kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(a.targetCpuUtilizationPercent)),
      kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(a.targetMemoryUtilizationPercent)),
      ...(options.extraMetrics ?? []),
    ],
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
