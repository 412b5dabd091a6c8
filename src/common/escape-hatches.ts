import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

// Every JSON patch this library applies to cdk8s-plus-28 output lives here, each with the gap it
// works around. cdk8s-plus-28 has had no release since 2024-12; the gaps are those of 2.5.x.

/** JSON pointer of the pod spec inside a workload's manifest. */
export function podSpecPath(workload: kplus.AbstractPod): string {
  if (workload instanceof kplus.CronJob) return '/spec/jobTemplate/spec/template/spec';
  if (workload instanceof kplus.Pod) return '/spec';
  return '/spec/template/spec';
}

/** Gap: cdk8s-plus always stamps `cdk8s.io/metadata.addr` on pod templates; it changes when a construct is renamed. */
export function removeAddressLabel(workload: kplus.AbstractPod): void {
  const template = podSpecPath(workload).replace(/\/spec$/, '');
  ApiObject.of(workload).addJsonPatch(JsonPatch.remove(`${template}/metadata/labels/cdk8s.io~1metadata.addr`));
}

/** Gap: PodSecurityContextProps has no seccompProfile, which the `restricted` profile requires at pod level. */
export function setPodSeccompRuntimeDefault(workload: kplus.AbstractPod): void {
  ApiObject.of(workload).addJsonPatch(JsonPatch.add(`${podSpecPath(workload)}/securityContext/seccompProfile`, { type: 'RuntimeDefault' }));
}

/**
 * Gap: cdk8s-plus-28 renders scheduling through its own query model (node affinity instead of
 * nodeSelector, no raw affinity, no topologySpreadConstraints, no priorityClassName) and takes
 * one image pull Secret only. These pod spec fields are set as given, in the pod spec's own shape.
 */
export function setPodSpecField(workload: kplus.AbstractPod, field: 'nodeSelector' | 'tolerations' | 'affinity' | 'topologySpreadConstraints' | 'priorityClassName' | 'imagePullSecrets', value: unknown): void {
  ApiObject.of(workload).addJsonPatch(JsonPatch.add(`${podSpecPath(workload)}/${field}`, value));
}
