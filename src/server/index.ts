// Public API of src/server: MCP server templates, the catalog, the fleet and the deployer.
export { McpServer } from './mcp-server';
export type { McpServerProps } from './mcp-server';
export { BUILTIN_TEMPLATES, McpServerCatalog } from './server-catalog';
export type { IMcpServerCatalog } from './server-catalog';
export type { McpConfigValue, McpServerConfig } from './server-config';
export { McpServerDeployer } from './server-deployer';
export type { DeployerRule, McpServerDeployerProps, ServerNamespaceQuota, ServersNetworkPolicyOptions } from './server-deployer';
export { McpServerFleet } from './server-fleet';
export type { McpServerDeployerSettings, McpServerFleetDefaults, McpServerFleetProps, McpServerInstance, McpServersSettings } from './server-fleet';
export type { McpServerAlerts } from './server-monitoring';
export { SERVER_PRESETS, SERVER_SECRETS } from './server-presets';
export { STDIO_BRIDGE } from './server-runtime';
export type { McpConfigArgument, McpConfigKey, McpConfigType, McpServerTemplate, McpStdioCommand, McpTemplateVolume, McpTransport } from './server-template';
