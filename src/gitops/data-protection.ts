import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { RETAIN_DATA_ANNOTATIONS } from '../common/pod';

// Objects whose deletion deletes data. StatefulSet claim templates carry the same annotations
// (addDataVolumeClaimTemplate), so the claims the controller creates are covered as well.
const DATA_KINDS = new Set(['v1/PersistentVolumeClaim', 'postgresql.cnpg.io/Cluster', 'barmancloud.cnpg.io/ObjectStore']);

/**
 * Marks every object under `scope` that holds data (PersistentVolumeClaims, CloudNativePG
 * Clusters, Barman Cloud ObjectStores) so that neither Argo CD (`Prune=false,Delete=false`)
 * nor Flux (`prune: disabled`) ever deletes it: switching a backend, removing a component or
 * deleting the Application keeps the data until someone deletes it on purpose. Call it on
 * your own chart before `app.synth()`; the platform's synth does.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#no-prune-resources
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/#prune
 */
export function protectData(scope: IConstruct): void {
  for (const c of scope.node.findAll()) {
    if (!(c instanceof ApiObject) || !DATA_KINDS.has(groupKind(c))) continue;
    for (const [key, value] of Object.entries(RETAIN_DATA_ANNOTATIONS)) c.metadata.addAnnotation(key, value);
  }
}

function groupKind(o: ApiObject): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : 'v1';
  return `${group}/${o.kind}`;
}
