/**
 * Real MCP servers from npm, started for tests: `@modelcontextprotocol/server-everything`
 * over Streamable HTTP (its `streamableHttp` mode reads PORT and serves POST/GET/DELETE
 * `/mcp`, stateful with `Mcp-Session-Id`) or stdio, and `@modelcontextprotocol/server-filesystem`
 * (stdio only; its arguments are the allowed directories). Both use @modelcontextprotocol/sdk
 * 1.32.2, whose newest protocol revision is 2025-11-25.
 */
import * as path from 'path';
import { McpClient, StdioTransport, StreamableHttpTransport } from './mcp-client';
import { canConnect, freePort, RunningProcess, startProcess, waitFor } from './process';

const MODULES = path.resolve(__dirname, '../../node_modules/@modelcontextprotocol');
const LOOPBACK_PRELOAD = path.join(__dirname, 'loopback-listen.cjs');

/** argv running server-everything with `transport` under this Node. */
export function everythingServerArgv(transport: 'stdio' | 'streamableHttp' | 'sse' = 'stdio'): string[] {
  return [process.execPath, path.join(MODULES, 'server-everything/dist/index.js'), transport];
}

/** argv running server-filesystem over stdio, allowed to read and write `directories`. */
export function filesystemServerArgv(directories: string[]): string[] {
  return [process.execPath, path.join(MODULES, 'server-filesystem/dist/index.js'), ...directories];
}

/** A server listening on loopback. */
export interface TestMcpHttpServer {
  readonly port: number;
  /** The MCP endpoint, `http://127.0.0.1:<port>/mcp`. */
  readonly url: string;
  readonly process: RunningProcess;
  /** A client on a new transport (not yet initialized). */
  client(): McpClient;
  stop(): Promise<void>;
}

/** Starts server-everything in Streamable HTTP mode on a free loopback port. */
export async function startEverythingHttp(options: { deadlineMs?: number } = {}): Promise<TestMcpHttpServer> {
  const port = await freePort();
  const proc = startProcess(everythingServerArgv('streamableHttp'), {
    env: { PATH: process.env.PATH, PORT: String(port), NODE_OPTIONS: `--require ${LOOPBACK_PRELOAD}` },
    deadlineMs: options.deadlineMs ?? 120_000,
  });
  try {
    await waitFor(`server-everything on port ${port}`, () => canConnect(port), proc, 30_000);
  } catch (e) {
    await proc.stop(1000);
    throw e;
  }
  const url = `http://127.0.0.1:${port}/mcp`;
  return { port, url, process: proc, client: () => new McpClient(new StreamableHttpTransport(url)), stop: () => proc.stop() };
}

/** A client over stdio to the server run by `argv` (call initialize() next). */
export function stdioClient(argv: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): McpClient {
  return new McpClient(new StdioTransport(argv, { env: options.env ?? { PATH: process.env.PATH }, cwd: options.cwd }));
}
