import { McpConfigError } from '../../src/common/errors';
import { BUILTIN_TEMPLATES, McpServerCatalog } from '../../src/server/server-catalog';
import { McpServerTemplate, onlyStdio, runtimeEnvNames } from '../../src/server/server-template';

const base: McpServerTemplate = { id: 'weather', title: 'Weather', description: 'Forecasts', tag: '1.0.0', transports: ['http'], port: 8080 };
const register = (t: Partial<McpServerTemplate>) => () => McpServerCatalog.withBuiltins().register({ ...base, ...t });

describe('McpServerCatalog', () => {
  test('holds the built-in templates of the seed catalog, file-server included', () => {
    expect(McpServerCatalog.withBuiltins().ids()).toEqual(['demo', 'file-server', 'github', 'snowflake']);
  });

  test('every built-in is pinned, maps each env var once, and has a stdio command when stdio-only', () => {
    for (const t of BUILTIN_TEMPLATES) {
      expect(t.tag === 'latest' || (!t.tag && !t.digest)).toBe(false);
      const envs = [...runtimeEnvNames(t), ...Object.values(t.config ?? {}).map(k => k.env)];
      expect({ id: t.id, envs }).toEqual({ id: t.id, envs: [...new Set(envs)] });
      if (onlyStdio(t)) expect(t.stdio?.command).toBeTruthy();
    }
  });

  test('users register their own templates', () => {
    const catalog = McpServerCatalog.withBuiltins().register(base);
    expect(catalog.has('weather')).toBe(true);
    expect(catalog.get('weather')).toBe(catalog.list().find(t => t.id === 'weather'));
  });

  test('an unknown template names the known ones', () => {
    expect(() => McpServerCatalog.withBuiltins().get('slack', 'prod/servers/slack'))
      .toThrow('prod/servers/slack: invalid template "slack": use a template of the catalog (demo, file-server, github, snowflake) or register it first with catalog.register({ id: \'slack\', ... })');
  });

  test.each<[string, Partial<McpServerTemplate>, string]>([
    ['a duplicate id', { id: 'demo' }, 'templates[].id "demo": the id is already registered'],
    ['a bad id', { id: 'Weather Server' }, 'templates[].id "Weather Server": use at most 40 lower-case letters'],
    ['port 0', { port: 0 }, 'templates.weather.port 0: use the TCP port the server listens on, a whole number between 1 and 65535'],
    ['a fractional port', { port: 80.5 }, 'templates.weather.port 80.5: use the TCP port'],
    ['port 65536', { port: 65536 }, 'templates.weather.port 65536: use the TCP port'],
    ['a privileged port', { port: 443 }, 'templates.weather.port 443: use a port of 1024 or more'],
    ['an unpinned image', { tag: undefined }, 'templates.weather.tag (unset): pin the image'],
    ['latest', { tag: 'latest' }, 'templates.weather.tag "latest": pin the image to a version tag or a digest'],
    ['a malformed repository', { repository: 'Acme/Weather' }, 'templates.weather.repository "Acme/Weather"'],
    ['no transports', { transports: [] }, 'templates.weather.transports []: list the transports'],
    ['stdio-only without a command', { transports: ['stdio'] }, 'templates.weather.stdio.command (unset): a stdio-only template runs behind the stdio bridge'],
    ['a config key on the port env var', { config: { port: { env: 'PORT', description: 'p' } } }, 'templates.weather.config.port.env "PORT": PORT is set by the runtime'],
    ['two keys on one env var', { config: { a: { env: 'X', description: 'a' }, b: { env: 'X', description: 'b' } } }, "templates.weather.config.b.env \"X\": config key 'a' already maps to X"],
    ['a secret with a default', { config: { key: { env: 'KEY', secret: true, default: 'abc', description: 'k' } } }, 'templates.weather.config.key.default "(redacted)": secret keys cannot have defaults'],
    ['a mistyped default', { config: { n: { env: 'N', type: 'integer', default: 'ten', description: 'n' } } }, 'templates.weather.config.n.default "ten": use a whole number'],
    ['an invalid env name', { config: { n: { env: 'MY-VAR', description: 'n' } } }, 'templates.weather.config.n.env "MY-VAR": use a C identifier'],
  ])('refuses %s', (_case, template, message) => {
    expect(register(template)).toThrow(McpConfigError);
    expect(register(template)).toThrow(`McpServerCatalog: invalid ${message}`);
  });
});
