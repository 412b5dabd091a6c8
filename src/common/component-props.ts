import { AutoscalingOptions } from './autoscaling';
import { DisruptionBudgetOptions } from './disruption-budget';
import { MonitoringOptions } from './monitoring';
import { ClientPeer } from '../connectivity/client-peer';
import { ClusterNetwork } from './network';
import { PodTemplateOptions } from './pod-template';
import { ResourceRequirements } from './resources';
import { SecretsProvisioning } from './secret-provisioning';
import { SchedulingOptions } from './scheduling';

/**
 * How much a component logs. Each component maps it onto its software's own vocabulary
 * (e.g. `DEBUG` for MCP Mesh, `debug` for Edge MCP).
 */
export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

/**
 * The component's NetworkPolicy: ingress isolated to the callers the platform knows (its own
 * components, the ingress controller, Prometheus) plus `clients`; egress to what it needs.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export interface ComponentNetworkPolicyOptions {
  /** Render the NetworkPolicy. @default true */
  readonly enabled?: boolean;
  /**
   * Callers admitted on the component's API port: workloads of the environment by name (their
   * egress follows) or peers outside the platform (other namespaces, pod labels, CIDRs).
   * @default - none beyond the platform's own flows
   */
  readonly clients?: ClientPeer[];
  /** Where Prometheus, the ingress controller and DNS run. @default - kube-prometheus-stack in `monitoring`, ingress-nginx, CoreDNS */
  readonly clusterNetwork?: ClusterNetwork;
}

/**
 * The props every component shares, with the same meaning and defaults everywhere. A component
 * adds only what its software needs.
 */
export interface ComponentProps extends PodTemplateOptions {
  /** Container image, pinned by tag or digest (`repo:1.2.3`, `repo@sha256:<64 hex>`). @default - the component's verified image */
  readonly image?: string;
  /** Pods when not autoscaled. @default - the component's default (usually 1) */
  readonly replicas?: number;
  /** Requests and limits of the main container. @default - the component's sizing */
  readonly resources?: ResourceRequirements;
  /** Horizontal pod autoscaling (Deployments). @default - not autoscaled */
  readonly autoscaling?: AutoscalingOptions;
  /** PodDisruptionBudget, rendered when more than one pod runs. @default { maxUnavailable: 1 } */
  readonly podDisruptionBudget?: DisruptionBudgetOptions;
  /** Node selection, tolerations, affinity, topology spread and priority. @default - spread when more than one pod runs */
  readonly scheduling?: SchedulingOptions;
  /** Ingress isolation. @default - enabled */
  readonly networkPolicy?: ComponentNetworkPolicyOptions;
  /** Prometheus Operator and Grafana objects. @default - none */
  readonly monitoring?: MonitoringOptions;
  /** How much the component logs. @default 'info' */
  readonly logLevel?: LogLevel;
  /**
   * How the Secrets the component reads come to exist: prerequisites (`existing`), created in the
   * cluster with random values by a one-shot Job (`generated`, dev), or ExternalSecrets from a
   * store (`external-secrets`).
   * @default { source: 'existing' }
   */
  readonly secretProvisioning?: SecretsProvisioning;
}
