import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { defaultEnvironments } from '../../src/platform/presets';
import { McpServer } from '../../src/server/mcp-server';
import { BUILTIN_TEMPLATES } from '../../src/server/server-catalog';
import { McpServerConfig } from '../../src/server/server-config';
import { STDIO_BRIDGE } from '../../src/server/server-runtime';
import { bridgeConfig } from '../../src/server/stdio-bridge';
import { K8sObject } from '../support/invariants';
import { synthChart, synthEnvironment } from '../support/synth';
import * as AGENTGATEWAY_SCHEMA from './fixtures/agentgateway-v1.4.1-config.schema.json';

// The bridge config is checked against the JSON Schema agentgateway publishes for its local
// config at the pinned release (test/server/fixtures/README.md): the same schema the binary's
// serde types are generated from, so a config it accepts has the fields and shapes the binary
// parses. (`format: uint16` is the schema's own annotation; ajv does not know it, so formats are
// not asserted; ranges are, through minimum/maximum.)
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
const validate = ajv.compile(AGENTGATEWAY_SCHEMA as object);

function bridgeConfigs(objects: K8sObject[]): Record<string, unknown> {
  return Object.fromEntries(objects.filter(o => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-bridge'))
    .map(o => [`${o.metadata.namespace}/${o.metadata.name}`, parse(o.data[STDIO_BRIDGE.configFile])]));
}

function schemaErrors(config: unknown): string[] {
  return validate(config) ? [] : (validate.errors ?? []).map(e => `${e.instancePath} ${e.message}`);
}

describe('the stdio bridge config', () => {
  test('the pinned image and the schema fixture are the same release', () => {
    expect(STDIO_BRIDGE.image).toBe(`ghcr.io/agentgateway/agentgateway:v${STDIO_BRIDGE.version}`);
    expect((AGENTGATEWAY_SCHEMA as any).title).toBe('LocalConfig');
  });

  test.each(defaultEnvironments().map(e => [e.name, e] as const))('every bridge config of %s validates against the agentgateway v1.4.1 schema', (_name, env) => {
    const configs = bridgeConfigs(synthEnvironment(env).objects);
    expect(Object.keys(configs).length).toBeGreaterThan(0);
    for (const [name, config] of Object.entries(configs)) expect({ name, errors: schemaErrors(config) }).toEqual({ name, errors: [] });
  });

  test.each(BUILTIN_TEMPLATES.filter(t => t.stdio).map(t => [t.id, t] as const))('the %s template bridged on its own validates too', (id, template) => {
    const config: McpServerConfig = id === 'github' ? { github_token: { secretName: 's', key: 'k' }, read_only: true } : { allowed_dirs: ['/data', '/srv'] };
    const { objects } = synthChart(chart => new McpServer(chart, id, { template, config }));
    for (const [name, c] of Object.entries(bridgeConfigs(objects))) expect({ name, errors: schemaErrors(c) }).toEqual({ name, errors: [] });
  });

  test('the schema is strict enough to catch a wrong shape (the test can fail)', () => {
    const good = parse(bridgeConfig('fs', 8080, { command: '/app/server' }, ['/data']));
    expect(schemaErrors(good)).toEqual([]);
    expect(schemaErrors({ ...good, mcp: { targets: [{ name: 'fs', stdio: { command: '/app/server' } }] } })).not.toEqual([]);
    expect(schemaErrors({ ...good, gateways: { default: { port: 70000 } } })).not.toEqual([]);
    expect(schemaErrors({ ...good, listeners: [] })).not.toEqual([]);
  });

  test('more than one pod: stateless, so any replica serves any request', () => {
    const config = parse(bridgeConfig('github', 8080, { command: '/server/github-mcp-server' }, [], { stateless: true }));
    expect(config.mcp.statefulMode).toBe('stateless');
    expect(schemaErrors(config)).toEqual([]);
    expect(schemaErrors({ ...config, mcp: { ...config.mcp, statefulMode: 'sticky' } })).not.toEqual([]);
  });

  test('serves one stdio target on the Service port at /mcp, spawning the installed executable with the config arguments', () => {
    expect(parse(bridgeConfig('github', 8080, { command: '/server/github-mcp-server', args: ['stdio'] }, ['--read-only']))).toEqual({
      gateways: { default: { port: 8080 } },
      mcp: { targets: [{ name: 'github', stdio: { cmd: '/opt/mcp-server/github-mcp-server', args: ['stdio', '--read-only'] } }] },
    });
  });
});
