import { stringify } from 'yaml';
import { SERVER_RUNTIME, STDIO_BRIDGE } from './server-runtime';
import { McpStdioCommand } from './server-template';

/**
 * The agentgateway local config that fronts one stdio server: one HTTP listener on `port`
 * that routes `/mcp` (streamable HTTP) and `/sse` to the spawned process, and answers the
 * platform's health contract itself (`/health`, `/ready`: 200 while the bridge serves).
 *
 * The child inherits the container's environment, so config values reach it through the
 * ConfigMap (envFrom) and Secret references (env) like any other server; nothing secret is
 * written into this file.
 * @see https://github.com/agentgateway/agentgateway/blob/main/schema/README.md (local config)
 */
export function bridgeConfig(target: string, port: number, stdio: McpStdioCommand): string {
  const health = (path: string) => ({
    name: `${target}-${path.slice(1)}`,
    matches: [{ path: { exact: path } }],
    policies: { directResponse: { status: 200, body: 'ok' } },
  });
  const config = {
    config: {},
    binds: [{
      port,
      listeners: [{
        name: 'default',
        protocol: 'HTTP',
        routes: [
          health(SERVER_RUNTIME.health.liveness),
          health(SERVER_RUNTIME.health.readiness),
          {
            name: target,
            matches: STDIO_BRIDGE.mcpPaths.map(p => ({ path: { pathPrefix: p } })),
            backends: [{
              weight: 100,
              mcp: { targets: [{ name: target, stdio: { cmd: stdio.command, args: [...(stdio.args ?? [])] } }] },
            }],
          },
        ],
      }],
    }],
  };
  return stringify(config, { lineWidth: 0 });
}

/** The command that runs the bridge from the shared volume, with its config. */
export function bridgeCommand(): string[] {
  return [`${STDIO_BRIDGE.binDir}/${STDIO_BRIDGE.binary}`, '-f', `${STDIO_BRIDGE.configDir}/${STDIO_BRIDGE.configFile}`];
}

/** The init container's arguments: copy the static binary into the shared volume. */
export function bridgeCopyArgs(): string[] {
  return ['--copy-self', `${STDIO_BRIDGE.binDir}/${STDIO_BRIDGE.binary}`];
}
