import { McpConfigError } from '../../src/common/errors';
import { ImageReference } from '../../src/common/image';
import { BUILTIN_TEMPLATES, McpServerCatalog } from '../../src/server/server-catalog';
import { STDIO_BRIDGE } from '../../src/server/server-runtime';
import { McpServerTemplate, needsUserImage, onlyStdio, runtimeEnvNames } from '../../src/server/server-template';

const base: McpServerTemplate = { id: 'weather', title: 'Weather', description: 'Forecasts', repository: 'acme/weather', tag: '1.0.0', transports: ['http'], port: 8080 };
const register = (t: Partial<McpServerTemplate>) => () => McpServerCatalog.withBuiltins().register({ ...base, ...t });

describe('McpServerCatalog', () => {
  test('holds MCP Platform\'s demo, filesystem and github, and the bring-your-own-image snowflake', () => {
    expect(McpServerCatalog.withBuiltins().ids()).toEqual(['demo', 'filesystem', 'github', 'snowflake']);
    expect(BUILTIN_TEMPLATES.filter(needsUserImage).map(t => t.id)).toEqual(['snowflake']);
    for (const t of BUILTIN_TEMPLATES.filter(x => !needsUserImage(x))) {
      expect({ id: t.id, source: t.source }).toEqual({ id: t.id, source: expect.stringMatching(/^https:\/\/github\.com\/Data-Everything\/MCP-Platform\/tree\/20af02e\//) });
    }
  });

  test('every built-in with an image is pinned, maps each env var once, and has a stdio executable when stdio-only', () => {
    for (const t of BUILTIN_TEMPLATES) {
      if (!needsUserImage(t)) expect(ImageReference.parse(`${t.repository}:${t.tag}`).pinned).toBe(true);
      const envs = [...runtimeEnvNames(t), ...Object.values(t.config ?? {}).flatMap(k => k.env ?? [])];
      expect({ id: t.id, envs }).toEqual({ id: t.id, envs: [...new Set(envs)] });
      if (onlyStdio(t)) expect(t.stdio?.command).toMatch(/^\//);
      for (const env of envs) expect(STDIO_BRIDGE.readsEnv).not.toContain(env);
    }
  });

  test('no built-in serves HTTP without a health endpoint or sets PORT, which none of their servers read', () => {
    for (const t of BUILTIN_TEMPLATES.filter(x => x.transports.includes('http'))) expect({ id: t.id, health: t.healthPath }).toEqual({ id: t.id, health: '/health' });
    for (const t of BUILTIN_TEMPLATES) expect(runtimeEnvNames(t)).not.toContain('PORT');
  });

  test('users register their own templates', () => {
    const catalog = McpServerCatalog.withBuiltins().register(base);
    expect(catalog.has('weather')).toBe(true);
    expect(catalog.get('weather')).toBe(catalog.list().find(t => t.id === 'weather'));
  });

  test('an unknown template names the known ones', () => {
    expect(() => McpServerCatalog.withBuiltins().get('file-server', 'prod/servers/files'))
      .toThrow('prod/servers/files: invalid template "file-server": use a template of the catalog (demo, filesystem, github, snowflake) or register it first with catalog.register({ id: \'file-server\', ... })');
  });

  test.each<[string, Partial<McpServerTemplate>, string]>([
    ['a duplicate id', { id: 'demo' }, 'templates[].id "demo": the id is already registered'],
    ['a bad id', { id: 'Weather Server' }, 'templates[].id "Weather Server": use at most 40 lower-case letters'],
    ['port 0', { port: 0 }, 'templates.weather.port 0: use the TCP port the server listens on, a whole number from 1024 to 65535'],
    ['a fractional port', { port: 8080.5 }, 'templates.weather.port 8080.5: use the TCP port'],
    ['port 65536', { port: 65536 }, 'templates.weather.port 65536: use the TCP port'],
    ['a privileged port', { port: 443 }, 'templates.weather.port 443: use the TCP port the server listens on, a whole number from 1024'],
    ['the bridge readiness port', { port: 15021 }, "templates.weather.port 15021: use another port: 15021 is the stdio bridge's readiness port"],
    ['an unpinned image', { tag: undefined }, 'templates.weather.tag (unset): pin the image'],
    ['latest', { tag: 'latest' }, 'templates.weather.tag "latest": pin the image to a version tag or a digest'],
    ['a tag without a repository', { repository: undefined }, 'templates.weather.repository (unset): set the repository the tag or digest belongs to'],
    ['a malformed repository', { repository: 'Acme/Weather' }, 'templates.weather.repository "Acme/Weather"'],
    ['no transports', { transports: [] }, 'templates.weather.transports []: list the transports'],
    ['stdio-only without an executable', { transports: ['stdio'] }, 'templates.weather.stdio (unset): a stdio-only template runs behind the stdio bridge'],
    ['a relative executable', { transports: ['stdio'], stdio: { command: 'server' } }, 'templates.weather.stdio.command "server": use the absolute path'],
    ['the MCP endpoint as health path', { healthPath: '/mcp' }, 'templates.weather.healthPath "/mcp": probe a health endpoint, not the MCP endpoint'],
    ['a config key on the port env var', { portEnv: ['PORT'], config: { port: { env: 'PORT', description: 'p' } } }, 'templates.weather.config.port.env "PORT": PORT is set by the runtime'],
    ['an env var the bridge reads', { transports: ['stdio'], stdio: { command: '/srv' }, config: { ns: { env: 'NAMESPACE', description: 'n' } } }, 'templates.weather.config.ns.env "NAMESPACE": the stdio bridge reads NAMESPACE itself'],
    ['two keys on one env var', { config: { a: { env: 'X', description: 'a' }, b: { env: 'X', description: 'b' } } }, "templates.weather.config.b.env \"X\": config key 'a' already maps to X"],
    ['a key with neither env nor argument', { config: { a: { description: 'a' } } }, 'templates.weather.config.a {}: set exactly one of env'],
    ['an argument for an HTTP server', { config: { a: { argument: {}, description: 'a' } } }, 'templates.weather.config.a.argument {}: command-line arguments reach only stdio servers'],
    ['a secret on the command line', { transports: ['stdio'], stdio: { command: '/srv' }, config: { k: { argument: { flag: '--key' }, secret: true, description: 'k' } } }, 'templates.weather.config.k.argument {"flag":"--key"}: a secret never goes on a command line'],
    ['a secret with a default', { config: { key: { env: 'KEY', secret: true, default: 'abc', description: 'k' } } }, 'templates.weather.config.key.default "(redacted)": secret keys cannot have defaults'],
    ['a mistyped default', { config: { n: { env: 'N', type: 'integer', default: 'ten', description: 'n' } } }, 'templates.weather.config.n.default "ten": use a whole number'],
    ['an invalid env name', { config: { n: { env: 'MY-VAR', description: 'n' } } }, 'templates.weather.config.n.env "MY-VAR": use a C identifier'],
    ['an egress port out of range', { egress: [{ description: 'API', ports: [65536] }] }, 'templates.weather.egress[0].ports [65536]: list the TCP ports the server connects to'],
    ['an egress CIDR with a bad prefix', { egress: [{ description: 'API', ports: [443], cidr: '10.0.0.0/33' }] }, 'templates.weather.egress[0].cidr "10.0.0.0/33": use CIDR notation'],
    ['an SSE messages path that is no path', { sseMessagesPath: 'messages' }, 'templates.weather.sseMessagesPath "messages": use an absolute URL path'],
  ])('refuses %s', (_case, template, message) => {
    expect(register(template)).toThrow(McpConfigError);
    expect(register(template)).toThrow(`McpServerCatalog: invalid ${message}`);
  });
});
