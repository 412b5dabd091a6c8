import { CRDS_FOLDER, EnvironmentOutput } from './argocd-application';
import { FluxKustomizationSettings } from './gitops-settings';
import { ManifestObject } from './manifest-objects';

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/**
 * Two Flux Kustomizations: `mcp-crds-<env>` for the CRDs (never pruned: deleting a CRD deletes
 * every custom resource of it) and `mcp-<env>` for the environment, which depends on the first.
 * The environment's health is its workloads' rollout (listed as healthChecks) rather than
 * `wait: true`, so a backup claim that binds only at the first backup run never holds the
 * reconciliation in progress.
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#dependencies
 */
export function fluxKustomizations(env: EnvironmentOutput, settings: FluxKustomizationSettings): ManifestObject[] {
  const dist = (settings.distPath ?? './dist').replace(/\/+$/, '');
  const namespace = settings.namespace ?? 'flux-system';
  const common = {
    interval: settings.interval ?? '10m',
    sourceRef: { kind: settings.sourceKind ?? 'GitRepository', name: settings.sourceName },
  };
  const crds = `mcp-crds-${env.name}`;
  const metadata = (name: string) => ({ name, namespace, labels: { 'app.kubernetes.io/part-of': 'mcp-platform' } });
  return [
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: metadata(crds),
      spec: { ...common, path: `${dist}/${CRDS_FOLDER}`, prune: false, wait: true },
    },
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: metadata(`mcp-${env.name}`),
      spec: {
        ...common,
        path: `${dist}/${env.name}`,
        dependsOn: [{ name: crds }],
        prune: true,
        timeout: '10m',
        healthChecks: env.objects.filter(o => WORKLOADS.has(o.kind)).map(o => ({
          apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace,
        })),
      },
    },
  ];
}
