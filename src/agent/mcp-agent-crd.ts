import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { MANAGED_BY, PART_OF } from '../common/labels';
import { MCP_AGENT_SPEC_SCHEMA, MCP_AGENT_STATUS_SCHEMA } from './agent-spec-schema';
import { toOpenApi } from './spec-schema';

/** The MCPAgent API: group, version and names. */
export const MCP_AGENT_API = {
  group: 'mesh.mcp.io',
  version: 'v1alpha1',
  kind: 'MCPAgent',
  plural: 'mcpagents',
  singular: 'mcpagent',
  /** `mcpa` only: the seed's generic `agent` clashes with other CRDs. */
  shortNames: ['mcpa'],
  categories: ['mcp', 'mesh'],
} as const;

/** `apiVersion` of MCPAgent objects. */
export const MCP_AGENT_API_VERSION = `${MCP_AGENT_API.group}/${MCP_AGENT_API.version}`;

/**
 * Argo CD sync wave of CRDs: before Namespaces (-1) and everything in them, so custom
 * resources synced in the same Application find their CRD established.
 */
export const CRD_SYNC_WAVE = '-2';

/**
 * The MCPAgent CustomResourceDefinition as a plain object: the openAPIV3Schema is generated
 * from the same definition as the McpAgent props (agent-spec.ts), so the CRD, the construct
 * and its validation cannot disagree.
 */
export function mcpAgentCrdManifest(): Record<string, any> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${MCP_AGENT_API.plural}.${MCP_AGENT_API.group}`,
      labels: {
        'app.kubernetes.io/name': 'mcp-mesh-agent',
        'app.kubernetes.io/component': 'crd',
        'app.kubernetes.io/part-of': PART_OF,
        'app.kubernetes.io/managed-by': MANAGED_BY,
      },
      annotations: { 'argocd.argoproj.io/sync-wave': CRD_SYNC_WAVE },
    },
    spec: {
      group: MCP_AGENT_API.group,
      scope: 'Namespaced',
      names: {
        kind: MCP_AGENT_API.kind,
        listKind: `${MCP_AGENT_API.kind}List`,
        plural: MCP_AGENT_API.plural,
        singular: MCP_AGENT_API.singular,
        shortNames: [...MCP_AGENT_API.shortNames],
        categories: [...MCP_AGENT_API.categories],
      },
      versions: [{
        name: MCP_AGENT_API.version,
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            description: 'An MCP Mesh agent: its code, capabilities, dependencies and how it runs.',
            required: ['spec'],
            properties: {
              apiVersion: { type: 'string', description: 'APIVersion of the object.' },
              kind: { type: 'string', description: 'Kind of the object.' },
              metadata: { type: 'object' },
              spec: toOpenApi(MCP_AGENT_SPEC_SCHEMA),
              status: toOpenApi(MCP_AGENT_STATUS_SCHEMA),
            },
          },
        },
        subresources: {
          status: {},
          scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
        },
        additionalPrinterColumns: [
          { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas', description: 'Desired pods.' },
          { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas', description: 'Ready pods.' },
          { name: 'Capabilities', type: 'string', jsonPath: '.spec.capabilities[*].name', description: 'Capabilities the agent provides.' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
      }],
    },
  };
}

/**
 * The MCPAgent CRD as an object of a chart. Cluster-scoped: put it in a chart without a
 * namespace (the platform writes it to its own output, crds.k8s.yaml, applied first).
 */
export class McpAgentCrd extends Construct {
  /** The rendered CRD. */
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const { apiVersion, kind, metadata, spec } = mcpAgentCrdManifest();
    this.apiObject = new ApiObject(this, 'Resource', { apiVersion, kind, metadata, spec });
  }

  /** metadata.name: `mcpagents.mesh.mcp.io`. */
  public get name(): string {
    return this.apiObject.name;
  }
}
