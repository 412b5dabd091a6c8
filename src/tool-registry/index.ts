// Public API of src/tool-registry: the semantic tool registry, its pgvector database and presets.
export { ToolRegistry } from './tool-registry';
export type {
  ToolRegistryAutoscaling, ToolRegistryIngress, ToolRegistryLogLevel, ToolRegistryMonitoring, ToolRegistryNetworkPolicyOptions,
  ToolRegistryProps, ToolRegistrySecrets,
} from './tool-registry';
export { PgvectorDatabase } from './pgvector-database';
export type { PgvectorBackend, PgvectorDatabaseProps, PgvectorStorage } from './pgvector-database';
export type { CloudNativePgBackupMethod, CloudNativePgObjects, CloudNativePgOptions, CloudNativePgPoolerOptions } from './pgvector-cloudnative';
export { SchemaMigration } from './schema-migration';
export type { SchemaMigrationOptions, SchemaMigrationProps } from './schema-migration';
export { TOOL_REGISTRY_PRESETS } from './tool-registry-presets';
export type { ResolvedVectorSchema, VectorIndex, VectorSchemaOptions } from './tool-schema';
