import { ToolRegistryProps } from './tool-registry';

/**
 * Tool Registry props per environment tier, everything but the `image` (the API publishes none:
 * name your build). Add one to an environment with
 * `defineEnvironment(devEnvironment(), { toolRegistry: { ...TOOL_REGISTRY_PRESETS.dev, image: '<your build>' } })`.
 *
 * dev and staging run PostgreSQL on the statefulset backend with pg_dump backups; prod runs a
 * three-instance CloudNativePG cluster with WAL archiving through the Barman Cloud plugin and a
 * PgBouncer Pooler, whose operator-written `tool-registry-db-app` Secret the API, the migration
 * and the backups read. The API requires its admin key everywhere; staging and prod call an
 * embedding endpoint with a key. Ingress, monitoring, secret provisioning and cluster network
 * come from the environment (McpPlatformChart).
 */
export const TOOL_REGISTRY_PRESETS: Record<'dev' | 'staging' | 'prod', Omit<ToolRegistryProps, 'image'>> = {
  dev: {
    embeddingEndpointUrl: 'https://embeddings.dev.example.com/v1/embeddings',
    logLevel: 'debug',
    workers: 2,
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    autoscaling: { minReplicas: 1, maxReplicas: 3 },
    database: {
      backend: 'statefulset',
      storage: { size: '2Gi' },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      schema: { embeddingDimensions: 768, index: { type: 'ivfflat', lists: 10 } },
      backup: { schedule: '0 3 * * *', retention: { keepLast: 3 }, storageGibibytes: 2 },
    },
  },
  staging: {
    embeddingEndpointUrl: 'https://embeddings.staging.example.com/v1/embeddings',
    embeddingApiKey: true,
    workers: 4,
    autoscaling: { minReplicas: 2, maxReplicas: 10 },
    podDisruptionBudget: { maxUnavailable: 1 },
    database: {
      backend: 'statefulset',
      storage: { size: '20Gi' },
      schema: { embeddingDimensions: 768, index: { type: 'hnsw', m: 16, efConstruction: 64 } },
      backup: { schedule: '0 3 * * *', retention: { keepLast: 7, maxAgeDays: 14 }, storageGibibytes: 20 },
    },
  },
  prod: {
    embeddingEndpointUrl: 'https://embeddings.example.com/v1/embeddings',
    embeddingApiKey: true,
    workers: 4,
    autoscaling: { minReplicas: 3, maxReplicas: 50 },
    podDisruptionBudget: { minAvailable: 2 },
    database: {
      backend: 'cloudnative-pg',
      instances: 3,
      storage: { size: '50Gi' },
      resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '4', memory: '4Gi' } },
      schema: { embeddingDimensions: 768, index: { type: 'hnsw', m: 16, efConstruction: 64 } },
      backup: { schedule: '0 2 * * *' },
      cloudNativePg: {
        backupMethod: { method: 'plugin', barmanObjectName: 'tool-registry-backups' },
        pooler: { enabled: true, instances: 2, poolMode: 'session' },
      },
    },
  },
};
