import { EdgeGatewayProps } from './edge-gateway';

/**
 * The Secret staging and prod read the gateway's core platform key from (`core-platform-api-key`,
 * DEV_MESH_API_KEY; the gateway's default). The environment's `secretProvisioning` says how it
 * comes to exist: created by hand in staging (`existing`); written by an ExternalSecret in prod
 * from remote key `mcp/mcp-prod/edge-mcp`, property `core-platform-api-key`.
 */
export const EDGE_GATEWAY_SECRET = 'edge-mcp';

const secretKey = (key: string) => ({ secretName: EDGE_GATEWAY_SECRET, key });

// Presets render only what the pinned Edge MCP version reads and acts on: no rate limits,
// caches, Redis or EDGE_MCP_API_KEY (all inert there; see EDGE_GATEWAY_ENV_CONTRACT).
// Topology and sizes follow seeds/edge-mcp-k8s-guide.md (prod: 5..20 pods at 60 % CPU /
// 70 % memory, PDB minAvailable 3).

/**
 * EdgeGateway props per environment tier: dev runs one pod without a core platform (a synth
 * warning: it rejects every client until one is configured) and so reads no Secret; staging
 * autoscales 2..5 against the staging core platform with its key from Secret `edge-mcp`; prod
 * runs 5..20 pods with a PDB of minAvailable 3 and the key from the same Secret, which the
 * environment's `secretProvisioning` materialises (an ExternalSecret in prod).
 */
export const EDGE_GATEWAY_PRESETS: Record<'dev' | 'staging' | 'prod', EdgeGatewayProps> = {
  dev: {
    replicas: 1,
  },
  staging: {
    autoscaling: { minReplicas: 2, maxReplicas: 5, targetCpuUtilizationPercent: 70, targetMemoryUtilizationPercent: 80 },
    podDisruptionBudget: { maxUnavailable: 1 },
    corePlatform: { url: 'https://devmesh.staging.example.com', apiKey: secretKey('core-platform-api-key') },
  },
  prod: {
    autoscaling: { minReplicas: 5, maxReplicas: 20, targetCpuUtilizationPercent: 60, targetMemoryUtilizationPercent: 70 },
    podDisruptionBudget: { minAvailable: 3 },
    resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } },
    corePlatform: { url: 'https://devmesh.example.com', apiKey: secretKey('core-platform-api-key') },
  },
};
