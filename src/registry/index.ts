// Public API of src/registry: the MCP Mesh registry construct, its props and presets.
export { Registry } from './registry';
export type { RegistryHeartbeat, RegistryLogLevel, RegistryNetworkPolicyOptions, RegistryProps } from './registry';
export type { PostgresDatabase, RegistryDatabase, SqliteDatabase } from './registry-database';
export { REGISTRY_PRESETS } from './registry-presets';
