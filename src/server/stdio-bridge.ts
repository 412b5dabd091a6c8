import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { HELPER_RESOURCE_DEFAULTS, resolveResources } from '../common/resources';
import { restrictedContainerSecurityContext, scratchVolume } from '../common/pod';
import { STDIO_BRIDGE } from './server-runtime';
import { McpStdioCommand } from './server-template';

/** Where the bridge finds the server executable the init container installed. */
export function installedCommand(stdio: McpStdioCommand): string {
  return `${STDIO_BRIDGE.serverDir}/${path.posix.basename(stdio.command)}`;
}

/**
 * The agentgateway local config that fronts one stdio server: a gateway on `port` and the
 * top-level `mcp` section with one stdio target, served at `/mcp` (Streamable HTTP) and `/sse`.
 * With a single target, tool names are not prefixed (prefixMode `conditional`, the default).
 * With `stateless`, each request runs in its own session (and child process), so any replica can
 * serve any request.
 * Readiness (`/healthz/ready` on 15021) is the bridge's own server, left at its default.
 *
 * The child inherits the container's environment, so config values reach it through the
 * ConfigMap (envFrom) and Secret references (env) like any other server's; nothing secret is
 * written into this file.
 * @see https://github.com/agentgateway/agentgateway/blob/v1.4.1/schema/config.json
 */
export function bridgeConfig(target: string, port: number, stdio: McpStdioCommand, configArgs: readonly string[], options: { stateless?: boolean } = {}): string {
  const config = {
    gateways: { default: { port } },
    mcp: {
      targets: [{ name: target, stdio: { cmd: installedCommand(stdio), args: [...(stdio.args ?? []), ...configArgs] } }],
      // A stateful session (agentgateway's default) lives in one replica's child process. Another
      // replica resumes a session id it did not create by starting a new child and restoring the
      // upstream session ids (mcp/session.rs get_or_resume_session, handler.rs set_sessions), but
      // a stdio child has no session id to restore: it never saw the client's initialize. So when
      // more than one pod serves the Service, every request gets its own short-lived child.
      ...(options.stateless ? { statefulMode: 'stateless' } : {}),
    },
  };
  return stringify(config, { lineWidth: 0 });
}

/** The bridge container's arguments: its config file (the image's entrypoint is the binary). */
export function bridgeArgs(): string[] {
  return ['-f', `${STDIO_BRIDGE.configDir}/${STDIO_BRIDGE.configFile}`];
}

/** What {@link addServerInstall} wires. */
export interface ServerInstallOptions {
  /** The template's image, which holds the executable. */
  readonly serverImage: string;
  readonly stdio: McpStdioCommand;
  /** The bridge container, which spawns the executable. */
  readonly bridge: kplus.Container;
  /** The ConfigMap holding the bridge config. */
  readonly configMap: kplus.ConfigMap;
  readonly uid: number;
}

/**
 * Installs the server's executable for the bridge: an init container from the template's image
 * copies it (the image's own `cp`) into an emptyDir the bridge mounts read-only, next to the
 * bridge config.
 */
export function addServerInstall(scope: Construct, deployment: kplus.Deployment, options: ServerInstallOptions): void {
  const bin = scratchVolume(deployment, 'mcp-server-bin', 256);
  const config = kplus.Volume.fromConfigMap(deployment, 'bridge-config-volume', options.configMap, { name: 'bridge-config' });
  const install = deployment.addInitContainer({
    name: 'install-server',
    image: options.serverImage,
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    command: ['cp', options.stdio.command, installedCommand(options.stdio)],
    securityContext: restrictedContainerSecurityContext({ uid: options.uid }),
    resources: resolveResources(scope, 'stdioBridge.installResources', undefined, HELPER_RESOURCE_DEFAULTS),
  });
  install.mount(STDIO_BRIDGE.serverDir, bin);
  options.bridge.mount(STDIO_BRIDGE.serverDir, bin, { readOnly: true });
  options.bridge.mount(STDIO_BRIDGE.configDir, config, { readOnly: true });
}
