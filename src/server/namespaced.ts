import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Places every API object under `scope` in `namespace`, overriding the chart's namespace.
 * Used for the servers, which live in their own namespace next to the platform's: the
 * deployer's namespace-scoped rights then reach the servers and nothing else.
 * A patch (not `metadata.namespace` at construction) so objects made by shared helpers
 * (Service, PodDisruptionBudget, NetworkPolicy) move too.
 */
export function placeInNamespace(scope: IConstruct, namespace: string): void {
  for (const obj of scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
    obj.addJsonPatch(JsonPatch.add('/metadata/namespace', namespace));
  }
}
