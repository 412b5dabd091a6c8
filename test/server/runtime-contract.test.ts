import { defaultEnvironments } from '../../src/platform/presets';
import { McpServer } from '../../src/server/mcp-server';
import { BUILTIN_TEMPLATES } from '../../src/server/server-catalog';
import { SERVER_RUNTIME, STDIO_BRIDGE } from '../../src/server/server-runtime';
import { McpServerTemplate, runtimeEnvNames } from '../../src/server/server-template';
import { K8sObject } from '../support/invariants';
import { find, synthChart, synthEnvironment } from '../support/synth';

/** Every env var name the server container sets, from env and the ConfigMaps it loads with envFrom. */
function containerEnv(objects: K8sObject[], deployment: K8sObject): string[] {
  const c = deployment.spec.template.spec.containers.find((x: any) => x.name === SERVER_RUNTIME.containerName);
  const namespace = deployment.metadata.namespace;
  const fromConfigMaps = (c.envFrom ?? []).flatMap((e: any) => Object.keys(objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === e.configMapRef.name && o.metadata.namespace === namespace)!.data));
  return [...(c.env ?? []).map((e: any) => e.name), ...fromConfigMaps].sort();
}

/** What the template's contract says its server reads: its config keys' env vars, plus port and transport for servers that listen themselves. */
function contractEnv(template: McpServerTemplate, bridged: boolean): string[] {
  const config = Object.values(template.config ?? {}).flatMap(k => k.env ?? []);
  return bridged ? config : [...runtimeEnvNames(template), ...config];
}

describe('every env var a rendered server container sets is in its template\'s contract', () => {
  test.each(defaultEnvironments().map(e => [e.name, e] as const))('%s', (_name, env) => {
    const { objects, chart } = synthEnvironment(env);
    const servers = chart.node.findAll().filter((c): c is McpServer => c instanceof McpServer);
    expect(servers.length).toBeGreaterThan(0);
    for (const server of servers) {
      const deployment = objects.find(o => o.kind === 'Deployment' && o.metadata.name === server.name && o.metadata.namespace === `mcp-servers-${env.name}`)!;
      const set = containerEnv(objects, deployment);
      const allowed = contractEnv(server.template, server.bridged);
      expect({ server: server.name, unexpected: set.filter(n => !allowed.includes(n)) }).toEqual({ server: server.name, unexpected: [] });
      // A bridged container also runs agentgateway, which must not act on any of them.
      if (server.bridged) expect(set.filter(n => STDIO_BRIDGE.readsEnv.includes(n))).toEqual([]);
    }
  });

  test.each(BUILTIN_TEMPLATES.map(t => [t.id, t] as const))('the %s template with every config key set', (id, template) => {
    const config = Object.fromEntries(Object.entries(template.config ?? {}).map(([key, spec]) => [key,
      spec.secret ? { secretName: 'creds', key } : spec.type === 'array' ? ['/data'] : spec.type === 'boolean' ? true : spec.type === 'integer' ? 1 : spec.enum?.[0] ?? 'x']));
    const { objects, chart } = synthChart(c => new McpServer(c, id, { template, config, image: template.repository ? undefined : 'acme/own:1.0.0' }));
    const server = chart.node.findChild(id) as McpServer;
    const set = containerEnv(objects, find(objects, 'Deployment', id));
    expect(set).toEqual([...contractEnv(template, server.bridged)].sort());
  });
});
