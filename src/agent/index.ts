// Public API of src/agent: MCP Mesh agents, the MCPAgent CRD, agent code sources and the
// capability graph an environment's agents resolve to.
export { AgentCodeSource } from './agent-code';
export { McpAgentMesh } from './agent-mesh';
export type { AgentDelivery, McpAgentMeshProps, MeshRegistryHandle } from './agent-mesh';
export { AGENT_PRESETS } from './agent-presets';
export type { AgentCode, Capability, Dependency, McpAgentSpec } from './agent-spec';
export { CapabilityGraph } from './capability-graph';
export type { GraphAgent, Provision, ResolvedEdge, UnresolvedDependency } from './capability-graph';
export { McpAgent } from './mcp-agent';
export type { AgentRegistryHandle, McpAgentDefinition, McpAgentProps } from './mcp-agent';
export { McpAgentCrd } from './mcp-agent-crd';
export { McpAgentResource } from './mcp-agent-resource';
export type { McpAgentResourceProps } from './mcp-agent-resource';
