import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { McpClient, parseSse, StdioTransport, StreamableHttpTransport } from './mcp-client';
import { everythingServerArgv, filesystemServerArgv, startEverythingHttp, stdioClient, TestMcpHttpServer } from './mcp-servers';
import { canConnect } from './process';

describe('server-everything over Streamable HTTP', () => {
  let server: TestMcpHttpServer | undefined;
  const clients: McpClient[] = [];
  beforeAll(async () => {
    server = await startEverythingHttp();
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await server?.stop();
  });

  test('initialize, initialized, tools/list and tools/call in a session', async () => {
    const client = server!.client();
    clients.push(client);
    const init = await client.initialize();
    expect(init.protocolVersion).toBe('2025-11-25');
    expect(init.serverInfo.name).toMatch(/everything/);
    expect(init.capabilities).toHaveProperty('tools');
    const transport = client.transport as StreamableHttpTransport;
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const tools = await client.listTools();
    expect(tools.map(t => t.name)).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    for (const t of tools) expect(t.inputSchema).toMatchObject({ type: 'object' });
    const echoed = await client.callTool('echo', { message: 'hello' });
    expect(JSON.stringify(echoed.content)).toContain('hello');
    const [initX, notifyX, listX] = transport.exchanges;
    expect(initX.request.headers).toMatchObject({ accept: 'application/json, text/event-stream', 'content-type': 'application/json' });
    expect(initX.request.headers['mcp-session-id']).toBeUndefined();
    expect(initX.contentType).toMatch(/^text\/event-stream/);
    expect(notifyX.status).toBe(202);
    expect(listX.request.headers).toMatchObject({ 'mcp-session-id': transport.sessionId, 'mcp-protocol-version': '2025-11-25' });
  });

  test('an older protocol version offered is the one negotiated', async () => {
    const client = new McpClient(new StreamableHttpTransport(server!.url), { protocolVersion: '2025-03-26' });
    clients.push(client);
    expect((await client.initialize()).protocolVersion).toBe('2025-03-26');
  });

  test('a request without a session is refused; close ends the session', async () => {
    const stray = new McpClient(new StreamableHttpTransport(server!.url));
    await expect(stray.listTools()).rejects.toThrow(/HTTP 400: .*Server not initialized/);
    const client = server!.client();
    await client.initialize();
    const transport = client.transport as StreamableHttpTransport;
    const id = transport.sessionId!;
    await client.close();
    expect(transport.exchanges.at(-1)).toMatchObject({ request: { method: 'DELETE' }, status: 200 });
    const reuse = new StreamableHttpTransport(server!.url);
    reuse.sessionId = id;
    // The spec says 404 for an ended session; server-everything answers 400 for any unknown one.
    await expect(new McpClient(reuse).listTools()).rejects.toThrow(/HTTP 400: .*No valid session ID/);
  });

  test('it listens on loopback only', async () => {
    expect(await canConnect(server!.port, '127.0.0.1')).toBe(true);
    const external = Object.values(os.networkInterfaces()).flat().find(i => i && i.family === 'IPv4' && !i.internal);
    if (external) expect(await canConnect(server!.port, external.address)).toBe(false);
  });
});

describe('MCP over stdio', () => {
  let dir: string | undefined;
  const clients: McpClient[] = [];
  afterAll(async () => {
    for (const c of clients) await c.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('server-filesystem: initialize, tools/list and a tool call in the allowed directory', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-fs-'));
    fs.writeFileSync(path.join(dir, 'hello.txt'), 'hi');
    const client = stdioClient(filesystemServerArgv([dir]));
    clients.push(client);
    const init = await client.initialize();
    expect(init.protocolVersion).toBe('2025-11-25');
    expect(init.serverInfo.name).toMatch(/filesystem/);
    const tools = await client.listTools();
    expect(tools.map(t => t.name)).toEqual(expect.arrayContaining(['read_text_file', 'list_directory', 'write_file']));
    const listing = await client.callTool('list_directory', { path: dir });
    expect(JSON.stringify(listing.content)).toContain('hello.txt');
  });

  test('server-everything over stdio', async () => {
    const client = stdioClient(everythingServerArgv('stdio'));
    clients.push(client);
    await client.initialize();
    expect((await client.listTools()).map(t => t.name)).toContain('echo');
    const transport = client.transport as StdioTransport;
    await client.close();
    expect(transport.process.exited()).toBeDefined();
  });
});

describe('stdio transport failures', () => {
  test('a server that exits fails the pending request with its output', async () => {
    const client = new McpClient(new StdioTransport(['sh', '-c', 'read line; echo crashed >&2; exit 3']));
    await expect(client.initialize()).rejects.toThrow(/server exited before answering request id 1:\s*crashed/);
    await client.close();
  });
});

describe('Streamable HTTP client details', () => {
  test('parses SSE events split across chunks, with CRLF and multi-line data', () => {
    const a = parseSse('event: message\r\ndata: {"jsonrpc":"2.0",\r\ndata: "id":1,"result":{}}\r\n\r\ndata: {"jsonrpc"');
    expect(a.messages).toEqual([{ jsonrpc: '2.0', id: 1, result: {} }]);
    expect(a.rest).toBe('data: {"jsonrpc"');
  });

  test('a plain JSON answer from a server without sessions', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const srv = http.createServer((req, res) => {
      seen.push(req.headers);
      let body = '';
      req.on('data', c => { body += c; });
      req.on('end', () => {
        const msg = JSON.parse(body);
        if (msg.id === undefined) return void res.writeHead(202).end();
        const result = msg.method === 'initialize'
          ? { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'json', version: '1' } }
          : { tools: [{ name: 't', inputSchema: { type: 'object' } }], ...(msg.params.cursor ? {} : { nextCursor: 'p2' }) };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result }));
      });
    });
    await new Promise<void>(r => srv.listen(0, '127.0.0.1', r));
    try {
      const client = new McpClient(new StreamableHttpTransport(`http://127.0.0.1:${(srv.address() as net.AddressInfo).port}/mcp`));
      expect((await client.initialize()).protocolVersion).toBe('2025-06-18');
      expect((await client.listTools()).map(t => t.name)).toEqual(['t', 't']);
      expect(seen.at(-1)).toMatchObject({ 'mcp-protocol-version': '2025-06-18' });
      expect(seen.at(-1)!['mcp-session-id']).toBeUndefined();
      await client.close();
    } finally {
      await new Promise(r => srv.close(r));
    }
  });

  test('a server choosing an unknown protocol version is refused', async () => {
    const srv = http.createServer((req, res) => {
      let body = '';
      req.on('data', c => { body += c; });
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: JSON.parse(body).id, result: { protocolVersion: '1999-01-01', capabilities: {}, serverInfo: { name: 'x', version: '1' } } })));
    });
    await new Promise<void>(r => srv.listen(0, '127.0.0.1', r));
    try {
      const client = new McpClient(new StreamableHttpTransport(`http://127.0.0.1:${(srv.address() as net.AddressInfo).port}/mcp`));
      await expect(client.initialize()).rejects.toThrow(/server chose protocol 1999-01-01/);
    } finally {
      await new Promise(r => srv.close(r));
    }
  });
});
