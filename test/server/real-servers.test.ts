import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { parse } from 'yaml';
import { McpServer, McpServerProps } from '../../src/server/mcp-server';
import { McpServerCatalog } from '../../src/server/server-catalog';
import { SERVER_RUNTIME, STDIO_BRIDGE } from '../../src/server/server-runtime';
import { K8sObject } from '../support/invariants';
import { fakeSecret, kubeletContainer, kubeletEnvironment, KubeletContainer } from '../support/kubelet-env';
import { containerProbes, runProbe } from '../support/kubelet-probes';
import { McpClient, StreamableHttpTransport } from '../support/mcp-client';
import { everythingServerArgv, filesystemServerArgv } from '../support/mcp-servers';
import { canConnect, freePort, RunningProcess, startProcess, waitFor } from '../support/process';
import { synthChart } from '../support/synth';

// Real MCP servers from npm behind the rendered manifests, started the way the kubelet would
// start the container (its effective env from the rendered ConfigMaps and Secrets, its volumes on
// disk, its command line).
//
// What runs for real: the reference servers (@modelcontextprotocol/server-filesystem and
// server-everything) and a real stdio-to-Streamable-HTTP bridge, supergateway (npm). What does
// not: agentgateway itself (not on npm, no containers here) and the catalog's own binaries
// (mcp-filesystem-server, github-mcp-server are Go images). So for stdio templates these tests
// prove the pod's wiring around the bridge: the install step's `cp` lands the executable where the
// bridge config points, the command and arguments the rendered config gives the bridge start a
// real server of that kind (server-filesystem takes its allowed directories as arguments, as
// mcp-filesystem-server does), the container env (config and Secret keys) reaches the spawned
// child, and a bridge serving that command answers MCP initialize and tools/list over Streamable
// HTTP. That agentgateway itself accepts the config is covered by the schema test
// (stdio-bridge.test.ts); that it inherits the env into the child, by its source (server-runtime.ts).

jest.setTimeout(120_000);

const MODULES = path.resolve(__dirname, '../../node_modules');
const SUPERGATEWAY = path.join(MODULES, 'supergateway/dist/index.js');
const LOOPBACK_PRELOAD = path.resolve(__dirname, '../support/loopback-listen.cjs');
const NS = 'mcp-servers';

function render(props: McpServerProps): K8sObject[] {
  return synthChart(chart => new McpServer(chart, props.name!, props), NS).objects;
}

/** A stand-in for the executable inside the template's image: runs `argv` with the arguments it is given. */
function standIn(file: string, argv: string[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\nexec ${argv.map(shellQuote).join(' ')} "$@"\n`, { mode: 0o755 });
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A running bridged server: the bridge process, its local port, and the rendered container it stands for. */
interface BridgedServer {
  readonly container: KubeletContainer;
  readonly port: number;
  readonly bridge: RunningProcess;
  readonly config: any;
  stop(): Promise<void>;
}

/**
 * Runs the rendered install step and the rendered bridge config: the init container's `cp`
 * (from a temp dir holding the image's executable, into the main container's shared volume),
 * then supergateway spawning the configured command and arguments with the container's env.
 */
async function startBridged(objects: K8sObject[], name: string, imageExecutable: string[], extra: K8sObject[] = []): Promise<BridgedServer> {
  const all = [...objects, ...extra];
  const container = kubeletContainer(all, { workload: name, container: SERVER_RUNTIME.containerName });
  const image = fs.mkdtempSync(path.join(os.tmpdir(), 'server-image-'));
  let bridge: RunningProcess | undefined;
  try {
    const install = kubeletEnvironment(all, { workload: name, container: 'install-server' });
    const sharedMount = install.container.volumeMounts.find((m: any) => m.mountPath === STDIO_BRIDGE.serverDir);
    expect(container.container.volumeMounts).toContainEqual(expect.objectContaining({ name: sharedMount.name, mountPath: STDIO_BRIDGE.serverDir }));
    const [cp, source, target] = install.argv();
    standIn(path.join(image, source), imageExecutable);
    const copied = spawnSync(cp, [path.join(image, source), container.volumes.rewrite(target)], { encoding: 'utf8' });
    expect(copied.status).toBe(0);

    const config = parse(fs.readFileSync(container.volumes.hostPath(`${STDIO_BRIDGE.configDir}/${STDIO_BRIDGE.configFile}`), 'utf8'));
    expect(container.argv()).toEqual(['-f', `${STDIO_BRIDGE.configDir}/${STDIO_BRIDGE.configFile}`]);
    const stdio = config.mcp.targets[0].stdio;
    const command = [stdio.cmd, ...(stdio.args ?? [])].map(a => shellQuote(container.volumes.rewrite(a))).join(' ');
    const port = await freePort();
    // Both bridges keep a session per child by default; `statefulMode: stateless` gives every request its own child.
    const stateful = config.mcp.statefulMode !== 'stateless' ? ['--stateful'] : [];
    bridge = startProcess([process.execPath, SUPERGATEWAY, '--stdio', command, '--outputTransport', 'streamableHttp', ...stateful,
      '--port', String(port), '--streamableHttpPath', '/mcp', '--healthEndpoint', STDIO_BRIDGE.readiness.path, '--logLevel', 'none'], {
      env: { ...container.env, PATH: process.env.PATH, NODE_OPTIONS: `--require ${LOOPBACK_PRELOAD}` },
      deadlineMs: 110_000,
    });
    await waitFor(`the bridge on ${port}`, () => canConnect(port), bridge, 30_000);
    const running = bridge;
    return {
      container, port, bridge: running, config,
      stop: async () => {
        await running.stop();
        container.cleanup();
        fs.rmSync(image, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await bridge?.stop();
    container.cleanup();
    fs.rmSync(image, { recursive: true, force: true });
    throw e;
  }
}

async function connect(url: string): Promise<McpClient> {
  const client = new McpClient(new StreamableHttpTransport(url));
  await client.initialize();
  return client;
}

describe('the filesystem template behind a real stdio bridge', () => {
  let server: BridgedServer;
  let client: McpClient;

  beforeAll(async () => {
    const objects = render({ template: 'filesystem', name: 'filesystem', config: { allowed_dirs: ['/data'] } });
    server = await startBridged(objects, 'filesystem', filesystemServerArgv([]));
    fs.writeFileSync(path.join(server.container.volumes.hostPath('/data'), 'hello.txt'), 'hello from the data volume\n');
    client = await connect(`http://127.0.0.1:${server.port}/mcp`);
  });

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await server?.stop();
  });

  test('initialize and tools/list answer over Streamable HTTP at /mcp', async () => {
    expect(client.serverInfo?.serverInfo).toBeDefined();
    const tools = (await client.listTools()).map(t => t.name);
    expect(tools).toEqual(expect.arrayContaining(['list_allowed_directories', 'read_text_file', 'write_file']));
  });

  test('the allowed directories are the rendered arguments, mapped to the data volume', async () => {
    const allowed = await client.callTool('list_allowed_directories');
    expect(JSON.stringify(allowed.content)).toContain(fs.realpathSync(server.container.volumes.hostPath('/data')));
    const file = await client.callTool('read_text_file', { path: path.join(server.container.volumes.hostPath('/data'), 'hello.txt') });
    expect(JSON.stringify(file.content)).toContain('hello from the data volume');
  });

  test('the bridge listens on the port the Service targets, and its readiness path answers', async () => {
    expect(server.config.gateways.default.port).toBe(8080);
    const probes = containerProbes(server.container.container);
    expect(probes.map(p => `${p.kind} ${p.path}:${p.port}`)).toEqual(['startup /healthz/ready:15021', 'liveness /healthz/ready:15021', 'readiness /healthz/ready:15021']);
    // supergateway serves the readiness path on its one port; agentgateway serves it on 15021.
    for (const probe of probes) expect(await runProbe(probe, { ports: { 15021: server.port } })).toMatchObject({ success: true });
  });
});

describe('the github template\'s env reaches the child through a real stateless stdio bridge', () => {
  let server: BridgedServer;

  beforeAll(async () => {
    // Two replicas: the bridge runs stateless, a fresh child per request.
    const objects = render({ template: 'github', name: 'github', replicas: 2, config: { github_token: { secretName: 'mcp-github-token', key: 'token' }, toolsets: ['repos'] } });
    // server-everything stands in for github-mcp-server: it prints its environment (get-env).
    server = await startBridged(objects, 'github', everythingServerArgv('stdio'), [fakeSecret('mcp-github-token', { token: 'ghp_test_only' }, NS)]);
  });

  afterAll(async () => {
    await server?.stop();
  });

  test('the token from the Secret and the plain config arrive in the spawned server\'s environment', async () => {
    expect(server.config.mcp.targets[0].stdio).toEqual({ cmd: '/opt/mcp-server/github-mcp-server', args: ['stdio', '--read-only'] });
    expect(server.config.mcp.statefulMode).toBe('stateless');
    const client = await connect(`http://127.0.0.1:${server.port}/mcp`);
    try {
      expect((await client.listTools()).map(t => t.name)).toContain('get-env');
      const env = JSON.parse((await client.callTool('get-env')).content[0].text);
      expect(env).toMatchObject({ GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_test_only', GITHUB_TOOLSETS: 'repos', GITHUB_DYNAMIC_TOOLSETS: 'false' });
    } finally {
      await client.close().catch(() => undefined);
    }
  });
});

describe('an HTTP template answers its rendered probes and MCP on the Service port', () => {
  test('server-everything as a user template: PORT from the ConfigMap, TCP probes, /mcp', async () => {
    const port = await freePort();
    const catalog = McpServerCatalog.withBuiltins().register({
      id: 'everything', title: 'Everything', description: 'MCP reference server', repository: 'acme/mcp-everything', tag: '2026.8.31',
      transports: ['http'], port, portEnv: ['PORT'], mcpPath: '/mcp',
    });
    const objects = render({ template: 'everything', name: 'everything', catalog });
    const container = kubeletContainer(objects, { workload: 'everything', container: SERVER_RUNTIME.containerName });
    const proc = startProcess([...everythingServerArgv('streamableHttp')], {
      env: { ...container.env, PATH: process.env.PATH, NODE_OPTIONS: `--require ${LOOPBACK_PRELOAD}` }, deadlineMs: 110_000,
    });
    try {
      expect(container.env.PORT).toBe(String(port));
      await waitFor(`server-everything on ${port}`, () => canConnect(port), proc, 30_000);
      for (const probe of containerProbes(container.container)) expect(await runProbe(probe)).toMatchObject({ success: true });
      const service = objects.find(o => o.kind === 'Service')!;
      expect(service.spec.ports[0].port).toBe(port);
      const client = await connect(`http://127.0.0.1:${port}/mcp`);
      try {
        expect((await client.listTools()).length).toBeGreaterThan(0);
      } finally {
        await client.close().catch(() => undefined);
      }
    } finally {
      await proc.stop();
      container.cleanup();
    }
  });
});
