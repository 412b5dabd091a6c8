/**
 * A minimal MCP client for tests, written against the MCP specification (2025-11-25 and
 * earlier revisions: lifecycle, Streamable HTTP and stdio transports) rather than an SDK, so
 * a test sees exactly what goes over the wire:
 *
 * - `initialize` offering a protocol version, checking the server's answer is one we speak,
 *   then `notifications/initialized`;
 * - Streamable HTTP: every message a POST with `Accept: application/json, text/event-stream`;
 *   a JSON or an SSE answer; the `Mcp-Session-Id` the server assigns at initialize sent back
 *   on every later request (and DELETEd on close); `MCP-Protocol-Version` after negotiation;
 * - stdio: newline-delimited JSON-RPC on the child's stdin/stdout.
 *
 * Not implemented: the stateless 2026-07-28 revision (no initialize, per-request `_meta`),
 * for lack of a server here that speaks it.
 */
import * as http from 'http';
import { RunningProcess, startProcess } from './process';

/** Protocol revisions this client can speak, newest first. */
export const SUPPORTED_PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'];

/** A JSON-RPC 2.0 message. */
export interface JsonRpcMessage {
  readonly jsonrpc: '2.0';
  readonly id?: number | string;
  readonly method?: string;
  readonly params?: Record<string, unknown>;
  readonly result?: any;
  readonly error?: { code: number; message: string; data?: unknown };
}

/** A JSON-RPC error answer. */
export class McpError extends Error {
  public constructor(public readonly code: number, message: string, public readonly data?: unknown) {
    super(`MCP error ${code}: ${message}`);
    this.name = 'McpError';
  }
}

/** Carries messages to a server. */
export interface McpTransport {
  /** Sends a request and resolves with its response, or sends a notification and resolves undefined. */
  send(message: JsonRpcMessage): Promise<JsonRpcMessage | undefined>;
  /** Called once the protocol version is negotiated. */
  setProtocolVersion?(version: string): void;
  close(): Promise<void>;
}

/** What an HTTP exchange looked like, for assertions on headers. */
export interface HttpExchange {
  readonly request: { method: string; headers: Record<string, string>; body?: JsonRpcMessage };
  readonly status: number;
  readonly contentType: string;
  readonly headers: http.IncomingHttpHeaders;
}

/** MCP Streamable HTTP. */
export class StreamableHttpTransport implements McpTransport {
  /** The session the server assigned at initialize, if any. */
  public sessionId?: string;
  public protocolVersion?: string;
  /** Every exchange, oldest first. */
  public readonly exchanges: HttpExchange[] = [];
  /** Server-to-client messages that arrived on SSE streams besides the responses. */
  public readonly serverMessages: JsonRpcMessage[] = [];

  public constructor(public readonly url: string, private readonly options: { headers?: Record<string, string>; timeoutMs?: number } = {}) {}

  public setProtocolVersion(version: string): void {
    this.protocolVersion = version;
  }

  public send(message: JsonRpcMessage): Promise<JsonRpcMessage | undefined> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'accept': 'application/json, text/event-stream',
      ...this.sessionHeaders(),
      ...(this.options.headers ?? {}),
    };
    return new Promise((resolve, reject) => {
      const req = http.request(this.url, { method: 'POST', headers: { ...headers, connection: 'close' }, agent: false }, res => {
        const contentType = String(res.headers['content-type'] ?? '');
        this.exchanges.push({ request: { method: 'POST', headers, body: message }, status: res.statusCode ?? 0, contentType, headers: res.headers });
        const session = res.headers['mcp-session-id'];
        if (message.method === 'initialize' && typeof session === 'string') this.sessionId = session;
        let body = '';
        res.setEncoding('utf8');
        const finish = (value: JsonRpcMessage | undefined) => {
          resolve(value);
          res.destroy();
        };
        if (message.id === undefined) {
          // A notification: the server answers 202 Accepted with no body.
          res.resume();
          res.on('end', () => (res.statusCode === 202 ? resolve(undefined) : reject(new Error(`notification ${message.method}: HTTP ${res.statusCode}, expected 202`))));
          return;
        }
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) {
          // Transport-level refusals (unknown session, wrong Accept...) carry the HTTP status.
          res.on('data', chunk => { body += chunk; });
          res.on('end', () => reject(new Error(`${message.method}: HTTP ${status}: ${body.slice(0, 500)}`)));
          return;
        }
        const sse = contentType.startsWith('text/event-stream');
        res.on('data', chunk => {
          body += chunk;
          if (!sse) return;
          const { messages, rest } = parseSse(body);
          body = rest;
          for (const m of messages) {
            if (m.id === message.id && (m.result !== undefined || m.error !== undefined)) return finish(m);
            this.serverMessages.push(m);
          }
        });
        res.on('end', () => {
          if (sse) return reject(new Error(`${message.method}: SSE stream ended without a response`));
          if (!contentType.startsWith('application/json')) return reject(new Error(`${message.method}: HTTP ${res.statusCode} ${contentType}: ${body.slice(0, 500)}`));
          try {
            resolve(JSON.parse(body));
          } catch (e) {
            reject(new Error(`${message.method}: invalid JSON (HTTP ${res.statusCode}): ${body.slice(0, 500)}`));
          }
        });
        res.on('error', reject);
      });
      req.setTimeout(this.options.timeoutMs ?? 15_000, () => req.destroy(new Error(`${message.method}: timed out`)));
      req.on('error', reject);
      req.end(JSON.stringify(message));
    });
  }

  /** Ends the session with DELETE when the server assigned one (a 405 means it does not allow that). */
  public async close(): Promise<void> {
    if (!this.sessionId) return;
    const headers = this.sessionHeaders();
    await new Promise<void>(resolve => {
      const req = http.request(this.url, { method: 'DELETE', headers: { ...headers, connection: 'close' }, agent: false }, res => {
        this.exchanges.push({ request: { method: 'DELETE', headers }, status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), headers: res.headers });
        res.resume();
        res.on('end', () => resolve());
      });
      req.setTimeout(5000, () => req.destroy());
      req.on('error', () => resolve());
      req.end();
    });
    this.sessionId = undefined;
  }

  private sessionHeaders(): Record<string, string> {
    return {
      ...(this.sessionId ? { 'mcp-session-id': this.sessionId } : {}),
      ...(this.protocolVersion ? { 'mcp-protocol-version': this.protocolVersion } : {}),
    };
  }
}

/** Complete SSE events' JSON-RPC payloads in `buffer`, and the unparsed rest. */
export function parseSse(buffer: string): { messages: JsonRpcMessage[]; rest: string } {
  const normalized = buffer.replace(/\r\n?/g, '\n');
  const events = normalized.split('\n\n');
  const rest = events.pop() ?? '';
  const messages: JsonRpcMessage[] = [];
  for (const event of events) {
    const data = event.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).replace(/^ /, '')).join('\n');
    if (data) messages.push(JSON.parse(data));
  }
  return { messages, rest };
}

/** MCP over a child's stdin/stdout. */
export class StdioTransport implements McpTransport {
  public readonly process: RunningProcess;
  private readonly pending = new Map<number | string, { resolve: (m: JsonRpcMessage) => void; reject: (e: Error) => void }>();
  /** Server-to-client requests and notifications received. */
  public readonly serverMessages: JsonRpcMessage[] = [];
  private buffer = '';

  public constructor(argv: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; deadlineMs?: number } = {}) {
    this.process = startProcess(argv, { ...options, stdin: true });
    this.process.child.stdout!.setEncoding('utf8');
    this.process.child.stdout!.on('data', (chunk: string) => {
      this.buffer += chunk;
      const lines = this.buffer.split('\n');
      this.buffer = lines.pop() ?? '';
      for (const line of lines.filter(l => l.trim())) this.receive(JSON.parse(line));
    });
    this.process.child.once('exit', () => {
      for (const [method, waiter] of this.pending) waiter.reject(new Error(`server exited before answering request id ${method}:\n${this.process.output()}`));
      this.pending.clear();
    });
  }

  public send(message: JsonRpcMessage): Promise<JsonRpcMessage | undefined> {
    const exit = this.process.exited();
    if (exit) return Promise.reject(new Error(`server exited (${exit.code ?? exit.signal}):\n${this.process.output()}`));
    this.process.child.stdin!.write(`${JSON.stringify(message)}\n`);
    if (message.id === undefined) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(message.id!);
        reject(new Error(`${message.method}: no answer in 15 s:\n${this.process.output()}`));
      }, 15_000);
      const settle = <T>(f: (v: T) => void) => (v: T) => {
        clearTimeout(timer);
        f(v);
      };
      this.pending.set(message.id!, { resolve: settle(resolve), reject: settle(reject) });
    });
  }

  /** Closes stdin (the spec's shutdown for stdio), then stops the process. */
  public async close(): Promise<void> {
    this.process.child.stdin?.end();
    await this.process.stop(2000);
  }

  private receive(m: JsonRpcMessage): void {
    const waiter = m.id !== undefined && m.method === undefined ? this.pending.get(m.id) : undefined;
    if (waiter) {
      this.pending.delete(m.id!);
      waiter.resolve(m);
    } else {
      this.serverMessages.push(m);
    }
  }
}

/** An MCP tool as `tools/list` returns it. */
export interface McpTool {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema: Record<string, unknown>;
  readonly [k: string]: unknown;
}

/** The `initialize` result. */
export interface InitializeResult {
  readonly protocolVersion: string;
  readonly capabilities: Record<string, unknown>;
  readonly serverInfo: { name: string; version: string; [k: string]: unknown };
  readonly instructions?: string;
}

/** A client session over any transport. */
export class McpClient {
  private nextId = 1;
  public serverInfo?: InitializeResult;

  public constructor(public readonly transport: McpTransport, private readonly options: { protocolVersion?: string; clientInfo?: { name: string; version: string } } = {}) {}

  /**
   * The lifecycle's first phase: `initialize`, a version check, `notifications/initialized`.
   * @throws Error when the server answers with a protocol version this client does not speak
   */
  public async initialize(): Promise<InitializeResult> {
    const offered = this.options.protocolVersion ?? SUPPORTED_PROTOCOL_VERSIONS[0];
    const result = await this.request<InitializeResult>('initialize', {
      protocolVersion: offered,
      capabilities: {},
      clientInfo: this.options.clientInfo ?? { name: 'cdk8s-mcp-tests', version: '0.0.0' },
    });
    if (!SUPPORTED_PROTOCOL_VERSIONS.includes(result.protocolVersion)) {
      throw new Error(`server chose protocol ${result.protocolVersion}; this client speaks ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}`);
    }
    this.transport.setProtocolVersion?.(result.protocolVersion);
    await this.notify('notifications/initialized');
    this.serverInfo = result;
    return result;
  }

  /** Every tool, following `nextCursor` pages. */
  public async listTools(): Promise<McpTool[]> {
    const tools: McpTool[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.request<{ tools: McpTool[]; nextCursor?: string }>('tools/list', cursor ? { cursor } : {});
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  }

  /** `tools/call`. */
  public callTool(name: string, args: Record<string, unknown> = {}): Promise<{ content: any[]; isError?: boolean; [k: string]: unknown }> {
    return this.request('tools/call', { name, arguments: args });
  }

  /** A request; resolves with its result. @throws McpError on a JSON-RPC error */
  public async request<T = any>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    const answer = await this.transport.send({ jsonrpc: '2.0', id, method, params });
    if (!answer) throw new Error(`${method}: no response`);
    if (answer.error) throw new McpError(answer.error.code, answer.error.message, answer.error.data);
    return answer.result as T;
  }

  public async notify(method: string, params?: Record<string, unknown>): Promise<void> {
    await this.transport.send({ jsonrpc: '2.0', method, ...(params ? { params } : {}) });
  }

  public close(): Promise<void> {
    return this.transport.close();
  }
}
