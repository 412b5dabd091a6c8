// Public API of src/common: value types shared by every component, the error every bad prop
// raises, and the constructs a user chart may compose on its own. Everything else in this
// folder (render helpers, validation functions, constants) is internal.
export { McpConfigError } from './errors';
export type { AutoscalingOptions } from './autoscaling';
export type { ComponentNetworkPolicyOptions, ComponentProps, LogLevel } from './component-props';
export type { DisruptionBudgetOptions } from './disruption-budget';
export { externalReferences } from './external-references';
export type { ExternalKind, ExternalReference } from './external-references';
export type { ExternalSecretKey, SecretStoreReference } from './external-secret';
export { ImageReference } from './image';
export type { IngressOptions, IngressTls } from './ingress';
export type { ComponentLabels } from './labels';
export { DEFAULT_CLUSTER_NETWORK } from './network';
export type { ClusterNetwork, NetworkPeer, NetworkPort, NetworkRule } from './network';
export type { MonitoringOptions } from './monitoring';
export type { PodUser } from './pod';
export type { ExtraEnvVar, ExtraVolume, PodTemplateOptions } from './pod-template';
export type { IPolicySubject, PolicyFacts } from './policy-facts';
export type { PostgresConnection } from './postgres-connection';
export type { Quantity } from './quantity';
export type { ResourceQuantities, ResourceRequirements } from './resources';
export type { SchedulingOptions, Toleration } from './scheduling';
export type { SecretKeyReference } from './secrets';
export type { ExternalSecretsProvisioning, SecretKeySource, SecretsProvisioning } from './secret-provisioning';
