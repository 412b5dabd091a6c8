import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { McpAgentCrd } from '../agent/mcp-agent-crd';

/** Chart id, hence output file `crds.k8s.yaml`; no environment may use this name. */
export const CRDS_CHART_ID = 'crds';

/**
 * The platform's own CustomResourceDefinitions, written to their own output
 * (`dist/crds.k8s.yaml`). Apply it before any environment file: custom resources sent in the
 * same `kubectl apply` as their CRD fail until the CRD is established. Cluster-scoped, so the
 * chart has no namespace.
 */
export class McpCrdsChart extends Chart {
  /** The MCPAgent CRD. */
  public readonly mcpAgent: McpAgentCrd;

  public constructor(scope: Construct, id: string = CRDS_CHART_ID, props: ChartProps = {}) {
    super(scope, id, { ...props, disableResourceNameHashes: true });
    this.mcpAgent = new McpAgentCrd(this, 'mcpagents');
  }
}
