import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { checkedDefinitions, McpAgentMesh } from '../agent/agent-mesh';
import { invalid, McpConfigError } from '../common/errors';
import { Connectivity } from '../connectivity/connectivity';
import { externalReferences, ExternalReference } from '../common/external-references';
import { mergeIngressOptions } from '../common/ingress';
import { createRestrictedNamespace } from '../common/namespace';
import { findEnvironmentProblem } from '../common/props-schema';
import { validateDnsLabel, validateHttpUrl, validateLabels } from '../common/validation';
import { EdgeGateway } from '../edge-gateway/edge-gateway';
import { EdgeGatewayIngress } from '../edge-gateway/edge-gateway-ingress';
import { Registry } from '../registry/registry';
import { McpServerFleet } from '../server/server-fleet';
import { SERVER_RUNTIME } from '../server/server-runtime';
import { ToolRegistry } from '../tool-registry/tool-registry';
import { componentDefaults, withComponentDefaults } from './component-defaults';
import { McpEnvironment } from './environment';
import { assertPolicy, checkPolicy } from './policy';

/** The label every object of an environment carries, for `kubectl get all -l`. */
export const ENVIRONMENT_LABEL = 'mcp.platform/environment';

/** Props of {@link McpPlatformChart}. */
export interface McpPlatformChartProps extends ChartProps {
  /** The environment to render. */
  readonly environment: McpEnvironment;
}

/**
 * One environment of the MCP platform in its own namespace: the Namespace (Pod Security
 * `restricted` enforced) and every component the environment configures, with monitoring,
 * certificates and secrets wired only to the integrations it enables. The environment's
 * policy is checked at synth.
 *
 * The chart only composes: each component also works on its own in a user's chart.
 */
export class McpPlatformChart extends Chart {
  /** The environment this chart renders. */
  public readonly environment: McpEnvironment;
  /** The namespace every object lands in. */
  public readonly namespaceName: string;
  /** The MCP Mesh registry, when the environment configures one. */
  public readonly registry?: Registry;
  /** The Edge MCP gateway, when the environment configures one. */
  public readonly edgeGateway?: EdgeGateway;
  /** The servers namespace, deployer RBAC and MCP servers, when the environment configures them. */
  public readonly servers?: McpServerFleet;
  /** The MCP Mesh agents and their resolved capability graph, when the environment declares agents. */
  public readonly agents?: McpAgentMesh;
  /** The Tool Registry and its database, when the environment configures one. */
  public readonly toolRegistry?: ToolRegistry;

  /**
   * @throws McpConfigError for an environment that does not match its schema (unknown keys with
   * the closest valid key, wrong types), an invalid or duplicate name, invalid labels, a component
   * that rejects its props, or the first violation of the environment's policy
   */
  public constructor(scope: Construct, id: string, props: McpPlatformChartProps) {
    const env = McpPlatformChart.checkEnvironment(scope, id, props.environment);
    const namespace = env.namespace ?? `mcp-${env.name}`;
    super(scope, id, {
      ...props,
      namespace,
      disableResourceNameHashes: true,
      labels: { ...props.labels, ...env.commonLabels, [ENVIRONMENT_LABEL]: env.name },
    });
    validateDnsLabel(this, 'environment.name', env.name);
    validateLabels(this, 'environment.commonLabels', env.commonLabels ?? {});
    validateLabels(this, 'environment.monitoring.labels', env.monitoring?.labels ?? {});
    if (env.monitoring?.runbookBaseUrl !== undefined) validateHttpUrl(this, 'environment.monitoring.runbookBaseUrl', env.monitoring.runbookBaseUrl);
    validateDnsLabel(this, 'environment.namespace', namespace);
    this.environment = env;
    this.namespaceName = namespace;
    if (env.createNamespace ?? true) createRestrictedNamespace(this, 'namespace', namespace);

    // Monitoring, cluster network, ingress and integrations every component gets from the environment.
    const defaults = componentDefaults(env);
    if (env.secretProvisioning?.source === 'external-secrets' && !defaults.externalSecrets) {
      invalid(this, 'environment.secretProvisioning.source', 'external-secrets', "install external-secrets and set integrations.externalSecrets, or use source 'existing'");
    }
    // The connectivity model renders every NetworkPolicy of the chart from its flows.
    Connectivity.of(this).clusterNetwork = defaults.clusterNetwork;
    if (env.registry) {
      this.registry = new Registry(this, 'registry', withComponentDefaults(defaults, env.registry));
    }
    if (env.edgeGateway) {
      const gateway = withComponentDefaults(defaults, env.edgeGateway);
      this.edgeGateway = new EdgeGateway(this, 'edge-gateway', {
        environment: env.name,
        ...gateway,
        ingress: mergeIngressOptions(gateway.ingress, defaults.ingress, 'edge', defaults.certManager) as EdgeGatewayIngress | undefined,
      });
    }

    if (env.servers) {
      this.servers = new McpServerFleet(this, 'servers', {
        settings: env.servers,
        defaultNamespace: `${SERVER_RUNTIME.namespacePrefix}-${env.name}`,
        defaults: {
          monitoring: defaults.monitoring, clusterNetwork: defaults.clusterNetwork, ingress: defaults.ingress,
          certManager: defaults.certManager, secretProvisioning: defaults.secretProvisioning,
        },
      });
    }

    if (env.agents?.length) {
      if (!this.registry) invalid(this, 'environment.registry', undefined, 'agents register with the MCP Mesh registry: configure environment.registry or remove environment.agents');
      this.agents = new McpAgentMesh(this, 'agents', {
        registry: this.registry,
        // checkEnvironment walked every agent, the cluster network and the monitoring settings, which
        // are all the defaults add: the mesh need not walk the definitions again.
        agents: checkedDefinitions(env.agents.map(a => withComponentDefaults(defaults, a, { secrets: false }))),
        delivery: env.agentDelivery,
        clusterNetwork: defaults.clusterNetwork,
      });
      // The mesh's flow agents -> registry (its `group`) shapes both the agents' egress and the
      // registry's ingress; other components admit the agents through `this.agents.group`.
    }

    if (env.toolRegistry) {
      const tr = env.toolRegistry;
      if (tr.database?.backend === 'cloudnative-pg' && !defaults.cloudNativePg) {
        invalid(this, 'toolRegistry.database.backend', 'cloudnative-pg', "install CloudNativePG and set integrations.cloudNativePg, or use backend 'statefulset'");
      }
      this.toolRegistry = new ToolRegistry(this, 'tool-registry', withComponentDefaults(defaults, {
        ...tr,
        ingress: mergeIngressOptions(tr.ingress, defaults.ingress, 'tool-registry', defaults.certManager),
      }));
      // Agents find and call tools through the tool registry's API in the cluster.
      if (this.agents) Connectivity.of(this).connect(this.agents.group, this.toolRegistry.apiEndpoint, 'agents search the tool registry');
    }

    // Everything is composed above, so the policy holds now; the validation re-checks at synth
    // what users add to the chart afterwards.
    assertPolicy(this, env.name, env.policy ?? {});
    this.node.addValidation({ validate: () => checkPolicy(this, env.name, env.policy ?? {}) });
  }

  /**
   * Checks the environment before any construct exists, so that no raw constructs error (an empty
   * or duplicate id) reaches the user.
   */
  private static checkEnvironment(scope: Construct, id: string, env: McpEnvironment): McpEnvironment {
    const path = [scope.node.path, id || '(environment)'].filter(Boolean).join('/');
    if (typeof env !== 'object' || env === null || Array.isArray(env)) {
      throw new McpConfigError(path, 'environment', env, 'pass an environment object such as prodEnvironment() or one loaded with loadEnvironment()');
    }
    const problem = findEnvironmentProblem(env);
    if (problem) throw new McpConfigError(path, problem.field, problem.shown, problem.fix);
    if (!id) throw new McpConfigError(path, 'name', id, "give the environment a name such as 'dev' (an RFC 1123 label)");
    if (scope.node.tryFindChild(id)) {
      throw new McpConfigError(path, 'name', id, `an environment named '${id}' is already in this app: give each environment a unique name`);
    }
    return env;
  }

  /**
   * Objects the chart references but neither renders nor produces (through an ExternalSecret, the
   * secret generator or an operator): kind, namespace, name and the keys read. They are the
   * environment's prerequisites (the README's table).
   */
  public externalReferences(): ExternalReference[] {
    return externalReferences(this);
  }

  /** The environment's connectivity model: every flow its NetworkPolicies allow. */
  public get connectivity(): Connectivity {
    return Connectivity.of(this);
  }
}
