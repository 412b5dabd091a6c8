import { AcknowledgedChange } from './upgrade-guard';

/**
 * An Argo CD Application for the environment, written to `dist/argocd/<env>.yaml`. It syncs
 * `dist/crds` and `dist/<env>` as two sources of one Application, so the sync waves order
 * CRDs (-2), then Namespaces (-1), then workloads (0).
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/multiple_sources/
 */
export interface ArgoCdApplicationSettings {
  /** Git repository that holds the committed `dist/`. */
  readonly repoUrl: string;
  /** Branch, tag or commit to sync. @default 'HEAD' */
  readonly targetRevision?: string;
  /** Path of the synth output inside the repository. @default 'dist' */
  readonly distPath?: string;
  /** Argo CD AppProject. @default 'default' */
  readonly project?: string;
  /** Namespace Argo CD runs in (where the Application lives). @default 'argocd' */
  readonly namespace?: string;
  /** Destination cluster API server. @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in) */
  readonly server?: string;
  /** Sync automatically, prune removed objects (data holders are exempt) and undo drift. @default true */
  readonly automated?: boolean;
}

/**
 * Flux Kustomizations for the environment, written to `dist/flux/<env>.yaml`: one for
 * `dist/crds` (never pruned) and one for `dist/<env>` that depends on it, so CRDs come first;
 * Flux applies Namespaces before the objects in them.
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/
 */
export interface FluxKustomizationSettings {
  /** Name of the GitRepository (or OCIRepository / Bucket) holding the committed `dist/`. */
  readonly sourceName: string;
  /** Kind of the source. @default 'GitRepository' */
  readonly sourceKind?: 'GitRepository' | 'OCIRepository' | 'Bucket';
  /** Path of the synth output inside the source. @default './dist' */
  readonly distPath?: string;
  /** Namespace Flux runs in (where the Kustomizations and the source live). @default 'flux-system' */
  readonly namespace?: string;
  /** Reconcile interval (Go duration). @default '10m' */
  readonly interval?: string;
}

/** How the environment's output is delivered and upgraded. */
export interface GitOpsSettings {
  /** Render an Argo CD Application for the environment. @default - none */
  readonly argoCd?: ArgoCdApplicationSettings;
  /** Render Flux Kustomizations for the environment. @default - none */
  readonly flux?: FluxKustomizationSettings;
  /**
   * Deliberate changes the upgrade guard would otherwise refuse (an immutable field, a data
   * holder removed), each after following the recipe the guard printed.
   * @default - none: every such change fails the synth
   */
  readonly acknowledgedChanges?: AcknowledgedChange[];
}
