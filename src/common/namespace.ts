import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { MANAGED_BY, PART_OF } from './labels';

/**
 * A Namespace that enforces the Pod Security Standards `restricted` profile (v1.28) and is
 * applied first by Argo CD (sync-wave -1). `labels` are added to the recommended ones.
 */
export function createRestrictedNamespace(scope: Construct, id: string, name: string, labels: Record<string, string> = {}): kplus.Namespace {
  const ns = new kplus.Namespace(scope, id, {
    metadata: {
      name,
      labels: {
        'app.kubernetes.io/part-of': PART_OF,
        'app.kubernetes.io/managed-by': MANAGED_BY,
        ...labels,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'v1.28',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      },
      // Namespaces first: Argo CD applies lower waves before higher ones.
      annotations: { 'argocd.argoproj.io/sync-wave': '-1' },
    },
  });
  // Namespaces are cluster-scoped: drop the chart namespace cdk8s stamps on every object.
  ApiObject.of(ns).addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return ns;
}
