import { EdgeGatewayProps } from './edge-gateway';

/**
 * The Secret staging and prod read the gateway's keys from: `api-key` (EDGE_MCP_API_KEY)
 * and `redis-password` (the bundled Redis's `requirepass`, and the gateway's REDIS_PASSWORD).
 * Created by hand in staging; written by an ExternalSecret in prod.
 */
export const EDGE_GATEWAY_SECRET = 'edge-mcp';

const secretKey = (key: string) => ({ secretName: EDGE_GATEWAY_SECRET, key });

/**
 * EdgeGateway props per environment tier (seeds/edge-mcp-k8s-guide.md): dev runs one pod
 * with a generated dev-only key and no Redis; staging autoscales 2..5 with a small
 * in-memory Redis; prod is the guide's production example: 5..20 pods at 60 % CPU / 70 %
 * memory, PDB minAvailable 3, a bundled Redis with AOF persistence, keys from an
 * ExternalSecret.
 */
export const EDGE_GATEWAY_PRESETS: Record<'dev' | 'staging' | 'prod', EdgeGatewayProps> = {
  dev: {
    replicas: 1,
    generateDevSecret: true,
  },
  staging: {
    autoscaling: { minReplicas: 2, maxReplicas: 5, cpuUtilizationPercent: 70, memoryUtilizationPercent: 80 },
    podDisruptionBudget: { maxUnavailable: 1 },
    apiKey: secretKey('api-key'),
    redis: {
      type: 'bundled',
      password: secretKey('redis-password'),
      exporter: { enabled: true },
    },
  },
  prod: {
    autoscaling: { minReplicas: 5, maxReplicas: 20, cpuUtilizationPercent: 60, memoryUtilizationPercent: 70 },
    podDisruptionBudget: { minAvailable: 3 },
    resources: { cpuRequestMillis: 500, memoryRequestMebibytes: 512, cpuLimitMillis: 2000, memoryLimitMebibytes: 1024 },
    apiKey: secretKey('api-key'),
    externalSecret: {
      secretName: EDGE_GATEWAY_SECRET,
      storeRef: { name: 'mcp-platform', kind: 'ClusterSecretStore' },
      data: {
        'api-key': { remoteKey: 'mcp/prod/edge-mcp', property: 'api-key' },
        'redis-password': { remoteKey: 'mcp/prod/edge-mcp', property: 'redis-password' },
      },
    },
    redis: {
      type: 'bundled',
      password: secretKey('redis-password'),
      resources: { cpuRequestMillis: 500, memoryRequestMebibytes: 1024, cpuLimitMillis: 2000, memoryLimitMebibytes: 2048 },
      maxMemoryMebibytes: 1536,
      evictionPolicy: 'allkeys-lru',
      persistence: { enabled: true, storageGibibytes: 50 },
      exporter: { enabled: true },
    },
  },
};
