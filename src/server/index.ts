// Public API of src/server: MCP server templates, the catalog, the fleet and the deployer.
export { McpServer } from './mcp-server';
export type { McpServerProps } from './mcp-server';
export { McpServerCatalog } from './server-catalog';
export type { IMcpServerCatalog } from './server-catalog';
export type { McpConfigValue, McpSecretReference, McpServerConfig } from './server-config';
export { McpServerDeployer } from './server-deployer';
export type { DeployerRule, McpServerDeployerProps, ServerNamespaceQuota, ServersNetworkPolicyOptions } from './server-deployer';
export { McpServerFleet } from './server-fleet';
export type { McpServerDeployerSettings, McpServerFleetDefaults, McpServerFleetProps, McpServerInstance, McpServersSettings } from './server-fleet';
export type { McpServerAlerts } from './server-monitoring';
export { SERVER_PRESETS } from './server-presets';
export { STDIO_BRIDGE } from './server-runtime';
export type { McpConfigArgument, McpConfigKey, McpConfigType, McpServerEgress, McpServerTemplate, McpStdioCommand, McpTemplateVolume, McpTransport } from './server-template';
export type { McpServerVolumeClaim } from './server-volumes';
