// Public API of src/tool-registry: the semantic tool registry, its pgvector database and presets.
export { ToolRegistry } from './tool-registry';
export type { ToolRegistryIngressOptions, ToolRegistryNetworkPolicyOptions, ToolRegistryProps, ToolRegistrySecrets } from './tool-registry';
export type { ToolRegistryAlertDurations, ToolRegistryAlertOptions, ToolRegistryMonitoringOptions } from './tool-registry-monitoring';
export { PgvectorDatabase } from './pgvector-database';
export type { PgvectorBackend, PgvectorDatabaseProps } from './pgvector-database';
export type { PgvectorStorage } from './pgvector-shared';
export type { PgvectorAlertDurations, PgvectorAlertOptions, PgvectorMonitoringOptions } from './pgvector-monitoring';
export type { CloudNativePgBackupMethod, CloudNativePgObjects, CloudNativePgOptions } from './pgvector-cloudnative';
export { SchemaMigration } from './schema-migration';
export type { SchemaMigrationOptions, SchemaMigrationProps } from './schema-migration';
export { TOOL_REGISTRY_PRESETS } from './tool-registry-presets';
export type { ResolvedVectorSchema, VectorIndex, VectorSchemaOptions } from './tool-schema';
