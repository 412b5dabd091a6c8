import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** A Service port that targets a named container port. */
export interface NamedServicePort {
  /** Port name, shared by the Service and the container port it targets. */
  readonly name: string;
  /** Port the Service exposes. */
  readonly port: number;
  /** Number of the container port (rendered by name: targetPort `name`). */
  readonly containerPort: number;
}

/** Props of {@link createService}. */
export interface ServiceOptions {
  readonly name: string;
  /** @default - the chart's namespace */
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  /** Stable selector labels of the pods. */
  readonly selector: Record<string, string>;
  readonly ports: NamedServicePort[];
  /** Render a headless Service (clusterIP None) for StatefulSet pod DNS. @default false */
  readonly headless?: boolean;
}

/**
 * A ClusterIP (or headless) Service whose ports target container ports by name, so the
 * container port number lives in one place. cdk8s-plus-28 models only numeric targetPorts,
 * so the names are patched in.
 */
export function createService(scope: Construct, id: string, options: ServiceOptions): kplus.Service {
  const service = new kplus.Service(scope, id, {
    metadata: { name: options.name, namespace: options.namespace, labels: options.labels },
    clusterIP: options.headless ? 'None' : undefined,
    ports: options.ports.map(p => ({ name: p.name, port: p.port, targetPort: p.containerPort, protocol: kplus.Protocol.TCP })),
  });
  for (const [k, v] of Object.entries(options.selector)) service.selectLabel(k, v);
  const api = ApiObject.of(service);
  options.ports.forEach((p, i) => api.addJsonPatch(JsonPatch.add(`/spec/ports/${i}/targetPort`, kplus.k8s.IntOrString.fromString(p.name))));
  // cdk8s-plus renders an empty externalIPs list; drop it so the manifest carries only what we set.
  api.addJsonPatch(JsonPatch.remove('/spec/externalIPs'));
  return service;
}

/**
 * Removes the `cdk8s.io/metadata.addr` selector cdk8s-plus adds to a Service handed to a
 * StatefulSet: that label changes with the construct path, and selectors must be stable.
 */
export function dropAddressSelector(service: kplus.Service): void {
  ApiObject.of(service).addJsonPatch(JsonPatch.remove('/spec/selector/cdk8s.io~1metadata.addr'));
}
