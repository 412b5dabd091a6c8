/** The `app.kubernetes.io/managed-by` value stamped on every object this library renders. */
export const MANAGED_BY = 'cdk8s-mcp';

/** The `app.kubernetes.io/part-of` value of every platform component. */
export const PART_OF = 'mcp-platform';

/**
 * Identity of one deployed component, rendered as the Kubernetes recommended labels.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
 */
export interface ComponentLabels {
  /** `app.kubernetes.io/name`: the application, e.g. `mcp-mesh-registry`. */
  readonly name: string;
  /** `app.kubernetes.io/instance`: this installation, unique in the namespace (the object name). */
  readonly instance: string;
  /** `app.kubernetes.io/component`: the role in the architecture, e.g. `registry`, `database`. */
  readonly component: string;
  /** `app.kubernetes.io/version`: the application version, usually the image tag. */
  readonly version: string;
  /** `app.kubernetes.io/part-of` @default 'mcp-platform' */
  readonly partOf?: string;
}

/** All six recommended labels, for object metadata and pod templates. */
export function recommendedLabels(id: ComponentLabels): Record<string, string> {
  return {
    'app.kubernetes.io/name': id.name,
    'app.kubernetes.io/instance': id.instance,
    'app.kubernetes.io/component': id.component,
    'app.kubernetes.io/part-of': id.partOf ?? PART_OF,
    'app.kubernetes.io/version': id.version,
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/**
 * The labels a selector may use: name, instance and component only. Selectors are
 * immutable in the API, so they never carry the version nor cdk8s's `cdk8s.io/metadata.addr`
 * label (which changes whenever a construct is renamed).
 */
export function selectorLabels(id: ComponentLabels): Record<string, string> {
  return {
    'app.kubernetes.io/name': id.name,
    'app.kubernetes.io/instance': id.instance,
    'app.kubernetes.io/component': id.component,
  };
}

/**
 * `app.kubernetes.io/component` of the platform's components. NetworkPolicies of one
 * component admit another by these labels, so both sides read them from here.
 */
export const PLATFORM_COMPONENTS = {
  registry: 'registry',
  edgeGateway: 'edge-gateway',
  agent: 'agent',
} as const;

/** Pods of a platform component, in the policy's own namespace or in `namespace`. */
export function platformComponentPeer(component: string, namespace?: string): { namespace?: string; podLabels: Record<string, string> } {
  return {
    ...(namespace ? { namespace } : {}),
    podLabels: { 'app.kubernetes.io/component': component, 'app.kubernetes.io/part-of': PART_OF },
  };
}
