import { ArgoCdApplicationSettings } from './gitops-settings';
import { ManifestObject } from './manifest-objects';

/** Where an environment's output lives, for the GitOps objects that point at it. */
export interface EnvironmentOutput {
  /** Environment name: the folder `dist/<name>`. */
  readonly name: string;
  /** The environment's namespace (the destination namespace). */
  readonly namespace: string;
  /** The environment's rendered objects (health checks are derived from its workloads). */
  readonly objects: ManifestObject[];
}

/** The folder of the platform CRDs inside the synth output. */
export const CRDS_FOLDER = 'crds';

/**
 * An Argo CD Application that syncs the CRDs and the environment from the committed output
 * as two sources of one Application: sync waves then order CRDs (-2), Namespaces (-1) and
 * workloads (0), and custom resources dry-run once their CRD is in the same sync. No
 * resources finalizer: deleting the Application leaves the workloads and, above all, the data.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/
 */
export function argoCdApplication(env: EnvironmentOutput, settings: ArgoCdApplicationSettings): ManifestObject {
  const dist = (settings.distPath ?? 'dist').replace(/\/+$/, '');
  const source = (folder: string) => ({ repoURL: settings.repoUrl, targetRevision: settings.targetRevision ?? 'HEAD', path: `${dist}/${folder}` });
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: `mcp-${env.name}`, namespace: settings.namespace ?? 'argocd', labels: { 'app.kubernetes.io/part-of': 'mcp-platform' } },
    spec: {
      project: settings.project ?? 'default',
      sources: [source(CRDS_FOLDER), source(env.name)],
      destination: { server: settings.server ?? 'https://kubernetes.default.svc', namespace: env.namespace },
      syncPolicy: {
        ...(settings.automated ?? true ? { automated: { prune: true, selfHeal: true } } : {}),
        // Server-side apply: CRDs exceed the client-side last-applied annotation limit.
        syncOptions: ['ServerSideApply=true', 'PruneLast=true'],
      },
    },
  };
}
