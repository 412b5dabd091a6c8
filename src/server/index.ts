// Public API of src/server: MCP server templates, the catalog, the fleet and the deployer.
export { McpServer } from './mcp-server';
export type { McpServerAutoscaling, McpServerIngressOptions, McpServerNetworkPolicyOptions, McpServerProps } from './mcp-server';
export { BUILTIN_TEMPLATES, McpServerCatalog } from './server-catalog';
export type { McpConfigValue, McpServerConfig } from './server-config';
export { McpServerDeployer } from './server-deployer';
export type { DeployerRule, McpServerDeployerProps, ServerNamespaceQuota } from './server-deployer';
export { McpServerFleet } from './server-fleet';
export type { McpServerDeployerSettings, McpServerFleetProps, McpServerInstance, McpServersSettings } from './server-fleet';
export { SERVER_PRESETS } from './server-presets';
export type { McpConfigKey, McpConfigType, McpServerTemplate, McpStdioCommand, McpTemplateVolume, McpTransport } from './server-template';
