import { ToolRegistryProps } from './tool-registry';

/** The API's Secret in every environment (keys DATABASE_URL, SECRET_KEY, EMBEDDING_API_KEY). */
export const TOOL_REGISTRY_SECRET_NAME = 'tool-registry-secrets';
/** The database owner's basic-auth Secret (keys username = tool_registry, password). */
export const TOOL_REGISTRY_DB_CREDENTIALS = 'tool-registry-db-credentials';

const secrets: ToolRegistryProps['secrets'] = {
  databaseUrl: { secretName: TOOL_REGISTRY_SECRET_NAME, key: 'DATABASE_URL' },
  secretKey: { secretName: TOOL_REGISTRY_SECRET_NAME, key: 'SECRET_KEY' },
  embeddingApiKey: { secretName: TOOL_REGISTRY_SECRET_NAME, key: 'EMBEDDING_API_KEY' },
};

/**
 * Tool Registry props per environment tier. dev and staging run Postgres on the statefulset
 * backend with pg_dump backups; prod runs a three-instance CloudNativePG cluster with WAL
 * archiving through the Barman Cloud plugin and a PgBouncer Pooler. Ingress, monitoring and
 * cluster network come from the environment (McpPlatformChart).
 */
export const TOOL_REGISTRY_PRESETS: Record<'dev' | 'staging' | 'prod', ToolRegistryProps> = {
  dev: {
    embeddingEndpointUrl: 'https://embeddings.dev.example.com/v1/embeddings',
    secrets,
    logLevel: 'debug',
    workers: 2,
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    autoscaling: { minReplicas: 1, maxReplicas: 3 },
    database: {
      backend: 'statefulset',
      credentialsSecret: TOOL_REGISTRY_DB_CREDENTIALS,
      storage: { size: '2Gi' },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      schema: { embeddingDimensions: 768, index: { type: 'ivfflat', lists: 10 } },
      backup: { schedule: '0 3 * * *', retention: { keepLast: 3 }, storageGibibytes: 2 },
    },
  },
  staging: {
    embeddingEndpointUrl: 'https://embeddings.staging.example.com/v1/embeddings',
    secrets,
    workers: 4,
    autoscaling: { minReplicas: 2, maxReplicas: 10 },
    podDisruptionBudget: { maxUnavailable: 1 },
    database: {
      backend: 'statefulset',
      credentialsSecret: TOOL_REGISTRY_DB_CREDENTIALS,
      storage: { size: '20Gi' },
      schema: { embeddingDimensions: 768, index: { type: 'hnsw', m: 16, efConstruction: 64 } },
      backup: { schedule: '0 3 * * *', retention: { keepLast: 7, maxAgeDays: 14 }, storageGibibytes: 20 },
    },
  },
  prod: {
    embeddingEndpointUrl: 'https://embeddings.example.com/v1/embeddings',
    secrets,
    workers: 4,
    autoscaling: { minReplicas: 3, maxReplicas: 50 },
    podDisruptionBudget: { minAvailable: 2 },
    database: {
      backend: 'cloudnative-pg',
      instances: 3,
      credentialsSecret: TOOL_REGISTRY_DB_CREDENTIALS,
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
