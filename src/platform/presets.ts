import { AGENT_PRESETS } from '../agent/agent-presets';
import { EDGE_GATEWAY_PRESETS } from '../edge-gateway/edge-gateway-presets';
import { REGISTRY_PRESETS } from '../registry/registry-presets';
import { SERVER_PRESETS } from '../server/server-presets';
import { McpEnvironment } from './environment';

/**
 * dev: applies to a bare cluster (no operator CRDs, no prerequisite): one replica per component,
 * SQLite, relaxed policy, published images only, and every Secret created in the cluster with
 * random values by the secret generator Job.
 */
export function devEnvironment(): McpEnvironment {
  return {
    name: 'dev',
    namespace: 'mcp-dev',
    policy: { minHaReplicas: 1, allowDebugLogging: true, allowGeneratedSecrets: true },
    integrations: {},
    secretProvisioning: { source: 'generated' },
    ingress: { host: 'mcp.dev.example.com', className: 'nginx' },
    registry: REGISTRY_PRESETS.dev,
    edgeGateway: EDGE_GATEWAY_PRESETS.dev,
    servers: SERVER_PRESETS.dev,
    // dev applies to a bare cluster: agents as plain workloads, no MCPAgent objects.
    agents: AGENT_PRESETS.dev,
    agentDelivery: 'workloads',
  };
}

/** staging: production topology at smaller sizes; monitoring and cert-manager on. */
export function stagingEnvironment(): McpEnvironment {
  return {
    name: 'staging',
    namespace: 'mcp-staging',
    policy: { minHaReplicas: 2, requirePinnedImages: true, requireBackups: true, requirePodDisruptionBudgets: true, allowDebugLogging: false, requireWorkingEndpoints: true },
    integrations: { prometheusOperator: true, certManager: true },
    ingress: { host: 'mcp.staging.example.com', className: 'nginx', tls: { clusterIssuer: 'letsencrypt-staging' } },
    registry: REGISTRY_PRESETS.staging,
    edgeGateway: EDGE_GATEWAY_PRESETS.staging,
    servers: SERVER_PRESETS.staging,
    agents: AGENT_PRESETS.staging,
    agentDelivery: 'both',
  };
}

/**
 * prod: every integration on and the strict policy (HA, pinned images, backups, PDBs). Every
 * Secret comes from the `mcp-platform` ClusterSecretStore through ExternalSecrets, or from an
 * operator (CloudNativePG's `<cluster>-app`): the store is the only prerequisite.
 */
export function prodEnvironment(): McpEnvironment {
  return {
    name: 'prod',
    namespace: 'mcp-prod',
    policy: { minHaReplicas: 2, requirePinnedImages: true, requireBackups: true, requirePodDisruptionBudgets: true, allowDebugLogging: false, requireWorkingEndpoints: true },
    integrations: { prometheusOperator: true, certManager: true, cloudNativePg: true, externalSecrets: true },
    secretProvisioning: { source: 'external-secrets', store: { name: 'mcp-platform', kind: 'ClusterSecretStore' } },
    ingress: { host: 'mcp.example.com', className: 'nginx', tls: { clusterIssuer: 'letsencrypt-prod' } },
    registry: REGISTRY_PRESETS.prod,
    edgeGateway: EDGE_GATEWAY_PRESETS.prod,
    servers: SERVER_PRESETS.prod,
    agents: AGENT_PRESETS.prod,
    agentDelivery: 'both',
  };
}

/** The three presets the app synthesizes, in output order. */
export function defaultEnvironments(): McpEnvironment[] {
  return [devEnvironment(), stagingEnvironment(), prodEnvironment()];
}
