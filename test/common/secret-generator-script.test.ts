/**
 * The secret generator's shell script, run for real: BusyBox sh, tr, head and cat (what the
 * curlimages/curl image is built on) and Debian's dash, each with the real curl, against a fake
 * Kubernetes API server over HTTPS with a self-signed certificate made by openssl. The script
 * text is the rendered one, with only the ServiceAccount mount path pointed at a temp dir.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { GeneratedSecret, secretGeneratorScript, SERVICE_ACCOUNT_DIR } from '../../src/common/secret-generator';

const NAMESPACE = 'mcp-dev';
const TOKEN = 'test-token-0123456789';
const SECRETS: GeneratedSecret[] = [
  { name: 'tool-registry-secrets', keys: ['SECRET_KEY', 'EMBEDDING_API_KEY'], labels: { 'app.kubernetes.io/name': 'tool-registry' } },
  { name: 'edge-mcp', keys: ['api-key'], labels: { 'app.kubernetes.io/name': 'edge-mcp', 'app.kubernetes.io/part-of': 'mcp-platform' } },
];

interface Request { method: string; url: string; authorization?: string; contentType?: string; body: string }

/** A fake API server: Secrets by name, every request recorded, chosen status codes per method and Secret. */
class FakeApiServer {
  public readonly requests: Request[] = [];
  public readonly secrets = new Map<string, any>();
  public readonly statusOverride = new Map<string, number>(); // `${method} ${name}` -> status
  private server?: https.Server;

  public constructor(private readonly tls: { key: string; cert: string }) {}

  public async start(): Promise<number> {
    this.server = https.createServer(this.tls, (req, res) => {
      let body = '';
      req.on('data', c => (body += c));
      req.on('end', () => {
        this.requests.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, contentType: req.headers['content-type'], body });
        const status = this.handle(req.method!, req.url!, req.headers.authorization, body);
        res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: status }));
      });
    });
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  public stop(): Promise<void> {
    return new Promise(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(method: string, url: string, authorization: string | undefined, body: string): number {
    if (authorization !== `Bearer ${TOKEN}`) return 401;
    const base = `/api/v1/namespaces/${NAMESPACE}/secrets`;
    if (method === 'GET' && url.startsWith(`${base}/`)) {
      const name = url.slice(base.length + 1);
      return this.statusOverride.get(`GET ${name}`) ?? (this.secrets.has(name) ? 200 : 404);
    }
    if (method === 'POST' && url === base) {
      const secret = JSON.parse(body);
      const override = this.statusOverride.get(`POST ${secret.metadata.name}`);
      if (override) return override;
      if (this.secrets.has(secret.metadata.name)) return 409;
      this.secrets.set(secret.metadata.name, secret);
      return 201;
    }
    return 404;
  }
}

let dir: string;
let tls: { key: string; cert: string };
let serviceAccount: string;
let busyboxBin: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-generator-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=kubernetes',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'tls.key'), '-out', path.join(dir, 'tls.crt')], { stdio: 'pipe' });
  tls = { key: fs.readFileSync(path.join(dir, 'tls.key'), 'utf8'), cert: fs.readFileSync(path.join(dir, 'tls.crt'), 'utf8') };
  serviceAccount = path.join(dir, 'serviceaccount');
  fs.mkdirSync(serviceAccount);
  fs.writeFileSync(path.join(serviceAccount, 'token'), TOKEN);
  fs.writeFileSync(path.join(serviceAccount, 'ca.crt'), tls.cert);
  fs.writeFileSync(path.join(serviceAccount, 'namespace'), NAMESPACE);
  // The image's userland: BusyBox applets, and curl.
  busyboxBin = path.join(dir, 'busybox-bin');
  fs.mkdirSync(busyboxBin);
  for (const applet of ['sh', 'tr', 'head', 'cat']) fs.symlinkSync(execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim(), path.join(busyboxBin, applet));
  fs.symlinkSync(execFileSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).trim(), path.join(busyboxBin, 'curl'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function script(secrets: readonly GeneratedSecret[], saDir = serviceAccount): string {
  const text = secretGeneratorScript(secrets);
  expect(text).toContain(`sa=${SERVICE_ACCOUNT_DIR}\n`);
  return text.replace(`sa=${SERVICE_ACCOUNT_DIR}\n`, `sa=${saDir}\n`);
}

const SHELLS = [
  ['BusyBox sh', () => ({ file: path.join(busyboxBin, 'sh'), PATH: busyboxBin })],
  ['dash', () => ({ file: '/bin/sh', PATH: process.env.PATH! })],
] as const;

async function run(shell: () => { file: string; PATH: string }, port: number, text: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const { file, PATH } = shell();
  return new Promise(resolve => {
    execFile(file, ['-c', text], { env: { PATH, KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(port) }, timeout: 30000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe.each(SHELLS)('the generator script under %s', (_name, shell) => {
  let api: FakeApiServer;
  let port: number;

  beforeEach(async () => {
    api = new FakeApiServer(tls);
    port = await api.start();
  });
  afterEach(() => api.stop());

  test('creates each missing Secret with 40 random alphanumeric characters per key, with its labels, authenticated by the token', async () => {
    const result = await run(shell, port, script(SECRETS));
    expect(result).toEqual({ code: 0, stdout: 'Secret edge-mcp created\nSecret tool-registry-secrets created\n', stderr: '' });
    expect(api.requests.map(r => `${r.method} ${r.url}`)).toEqual([
      `GET /api/v1/namespaces/${NAMESPACE}/secrets/edge-mcp`,
      `POST /api/v1/namespaces/${NAMESPACE}/secrets`,
      `GET /api/v1/namespaces/${NAMESPACE}/secrets/tool-registry-secrets`,
      `POST /api/v1/namespaces/${NAMESPACE}/secrets`,
    ]);
    expect(new Set(api.requests.map(r => r.authorization))).toEqual(new Set([`Bearer ${TOKEN}`]));
    expect(api.requests.filter(r => r.method === 'POST').map(r => r.contentType)).toEqual(['application/json', 'application/json']);
    const tr = api.secrets.get('tool-registry-secrets');
    expect(tr).toEqual({
      apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
      metadata: { name: 'tool-registry-secrets', labels: { 'app.kubernetes.io/name': 'tool-registry' } },
      stringData: { EMBEDDING_API_KEY: expect.stringMatching(/^[A-Za-z0-9]{40}$/), SECRET_KEY: expect.stringMatching(/^[A-Za-z0-9]{40}$/) },
    });
    expect(api.secrets.get('edge-mcp').metadata.labels).toEqual(SECRETS[1].labels);
    expect(api.secrets.get('edge-mcp').stringData).toEqual({ 'api-key': expect.stringMatching(/^[A-Za-z0-9]{40}$/) });
    const values = [tr.stringData.EMBEDDING_API_KEY, tr.stringData.SECRET_KEY, api.secrets.get('edge-mcp').stringData['api-key']];
    expect(new Set(values).size).toBe(3);
  });

  test('values differ from run to run (another cluster, or a deleted Secret)', async () => {
    await run(shell, port, script([SECRETS[1]]));
    const first = api.secrets.get('edge-mcp').stringData['api-key'];
    api.secrets.clear();
    await run(shell, port, script([SECRETS[1]]));
    expect(api.secrets.get('edge-mcp').stringData['api-key']).not.toEqual(first);
  });

  test('leaves an existing Secret untouched: no POST, and re-running is a no-op', async () => {
    api.secrets.set('edge-mcp', { metadata: { name: 'edge-mcp' }, stringData: { 'api-key': 'kept' } });
    const result = await run(shell, port, script(SECRETS));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Secret edge-mcp exists: kept\nSecret tool-registry-secrets created\n');
    expect(api.secrets.get('edge-mcp').stringData['api-key']).toBe('kept');
    const again = await run(shell, port, script(SECRETS));
    expect(again.stdout).toBe('Secret edge-mcp exists: kept\nSecret tool-registry-secrets exists: kept\n');
    expect(api.requests.filter(r => r.method === 'POST')).toHaveLength(1);
  });

  test('409 (created meanwhile by another run) is fine', async () => {
    api.statusOverride.set('POST edge-mcp', 409);
    const result = await run(shell, port, script([SECRETS[1]]));
    expect(result).toEqual({ code: 0, stdout: 'Secret edge-mcp created meanwhile: kept\n', stderr: '' });
  });

  test('500 on POST fails the Job (which retries), and no later Secret is attempted', async () => {
    api.statusOverride.set('POST edge-mcp', 500);
    const result = await run(shell, port, script(SECRETS));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toBe('POST Secret edge-mcp: HTTP 500\n');
    expect(api.requests.some(r => r.url.endsWith('/tool-registry-secrets'))).toBe(false);
  });

  test('an unexpected status on GET (403: the Role does not grant it) fails', async () => {
    api.statusOverride.set('GET edge-mcp', 403);
    const result = await run(shell, port, script([SECRETS[1]]));
    expect([result.code !== 0, result.stderr]).toEqual([true, 'GET Secret edge-mcp: HTTP 403\n']);
    expect(api.requests.filter(r => r.method === 'POST')).toEqual([]);
  });

  test('a wrong token is refused by the API (401) and fails the Job', async () => {
    const other = path.join(dir, `sa-wrong-token-${_name.replace(/\W/g, '')}`);
    fs.mkdirSync(other, { recursive: true });
    fs.writeFileSync(path.join(other, 'token'), 'wrong');
    fs.copyFileSync(path.join(serviceAccount, 'ca.crt'), path.join(other, 'ca.crt'));
    fs.copyFileSync(path.join(serviceAccount, 'namespace'), path.join(other, 'namespace'));
    const result = await run(shell, port, script([SECRETS[1]], other));
    expect([result.code !== 0, result.stderr]).toEqual([true, 'GET Secret edge-mcp: HTTP 401\n']);
  });

  test('the server certificate is verified against the ServiceAccount CA: another CA fails before any request', async () => {
    const other = path.join(dir, `sa-wrong-ca-${_name.replace(/\W/g, '')}`);
    fs.mkdirSync(other, { recursive: true });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=other', '-keyout', path.join(other, 'key'), '-out', path.join(other, 'ca.crt')], { stdio: 'pipe' });
    fs.writeFileSync(path.join(other, 'token'), TOKEN);
    fs.copyFileSync(path.join(serviceAccount, 'namespace'), path.join(other, 'namespace'));
    const result = await run(shell, port, script([SECRETS[1]], other));
    expect(result.code).not.toBe(0);
    expect(api.requests).toEqual([]);
  });
});
