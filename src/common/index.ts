// Public API of src/common: value types shared by every component, the error every bad prop
// raises, and the constructs a user chart may compose on its own. Everything else in this
// folder (render helpers, validation functions, constants) is internal.
export { McpConfigError } from './errors';
export { PodDisruptionBudget } from './disruption-budget';
export type { PodDisruptionBudgetProps } from './disruption-budget';
export { externalReferences } from './external-references';
export type { ExternalKind, ExternalReference } from './external-references';
export { ImageReference } from './image';
export type { ComponentLabels } from './labels';
export { DEFAULT_CLUSTER_NETWORK } from './network';
export type { ClusterNetwork, NetworkPeer, NetworkPort, NetworkRule } from './network';
export type { PodUser } from './pod';
export type { IPolicySubject, PolicyFacts } from './policy-facts';
export type { PostgresConnection } from './postgres-connection';
export type { ResourceSpec } from './resources';
export type { SecretKeyReference } from './secrets';
