// Public API of src/gitops: the per-environment GitOps settings (Argo CD, Flux, acknowledged
// deliberate changes) and the error the upgrade guard raises. Layout, publishing and the field
// rules are internal.
export type { AcknowledgedChange } from './upgrade-guard';
export { UpgradeRefusedError } from './upgrade-guard';
export type { RefusedChange } from './immutable-fields';
export type { ArgoCdApplicationSettings, FluxKustomizationSettings, GitOpsSettings } from './gitops-settings';
