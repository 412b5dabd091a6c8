import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { invalid } from '../common/errors';
import { ImageReference } from '../common/image';
import { recommendedLabels } from '../common/labels';
import { validateDnsLabel } from '../common/validation';
import { AGENT_RUNTIME } from './agent-runtime';
import { McpAgentSpec } from './agent-spec';
import { MCP_AGENT_API, MCP_AGENT_API_VERSION } from './mcp-agent-crd';
import { validateAgentSpec } from './agent-spec-validation';
import { AGENT_COMPONENT } from './mcp-agent';

/** Annotation telling a controller who renders the agent's Deployment, Service and policies. */
export const WORKLOADS_ANNOTATION = 'mesh.mcp.io/workloads';

/** Props of {@link McpAgentResource}. */
export interface McpAgentResourceProps {
  /** metadata.name: the agent name (RFC 1123 label, at most 52 characters). */
  readonly name: string;
  /** The spec, validated against the same schema the CRD carries. */
  readonly spec: McpAgentSpec;
  /**
   * Who renders the workloads. `controller`: the controller creates them from this resource.
   * `chart`: the chart renders them beside it, and a controller may only report status.
   * @default 'controller'
   */
  readonly workloads?: 'controller' | 'chart';
}

// Props whose spec a mesh has validated already, as its McpAgent's: the agent's spec has the same
// fields, with at most the mesh's cluster network added and the dashboard switched off, so this
// one is valid whenever the agent's is (speed: with delivery `both` every spec was checked
// twice). Only the mesh's fresh props object for one resource is in it.
const VALIDATED_BY_AGENT = new WeakSet<McpAgentResourceProps>();

/**
 * Marks `props`, built by a mesh for the resource of an agent it has constructed (and so
 * validated), so that the resource does not validate the spec again.
 * @internal
 */
export function validatedByAgent(props: McpAgentResourceProps): McpAgentResourceProps {
  VALIDATED_BY_AGENT.add(props);
  return props;
}

/**
 * A typed MCPAgent custom resource (mesh.mcp.io/v1alpha1). Needs the MCPAgent CRD
 * (crds.k8s.yaml) applied first; Argo CD skips its dry run until the CRD exists.
 * @throws McpConfigError when the spec violates the CRD schema or the construct's rules
 */
export class McpAgentResource extends ApiObject {
  /** The validated spec. */
  public readonly spec: McpAgentSpec;

  public constructor(scope: Construct, id: string, props: McpAgentResourceProps) {
    super(scope, id, { apiVersion: MCP_AGENT_API_VERSION, kind: MCP_AGENT_API.kind, metadata: { name: props.name }, spec: props.spec });
    if (typeof props.name !== 'string') invalid(this, 'name', props.name, 'use the agent name (an RFC 1123 label of at most 52 characters)');
    validateDnsLabel(this, 'name', props.name, 52);
    this.spec = VALIDATED_BY_AGENT.has(props) ? props.spec : validateAgentSpec(this, props.spec);
    const image = props.spec.code.image ?? props.spec.image ?? AGENT_RUNTIME.image;
    const labels = recommendedLabels({ name: props.name, instance: props.name, component: AGENT_COMPONENT, version: ImageReference.parse(image).version });
    for (const [k, v] of Object.entries(labels)) this.metadata.addLabel(k, v);
    this.metadata.addAnnotation('argocd.argoproj.io/sync-options', 'SkipDryRunOnMissingResource=true');
    this.metadata.addAnnotation(WORKLOADS_ANNOTATION, props.workloads ?? 'controller');
  }
}
