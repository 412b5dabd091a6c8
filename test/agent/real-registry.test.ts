import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { declaredTools } from '../../src/agent/agent-code-decorators';
import { AGENT_ENV, AGENT_ENV_CONTRACT } from '../../src/agent/agent-runtime';
import { defaultEnvironments } from '../../src/platform/presets';
import { startMeshRegistry, TestMeshRegistry } from '../support/mesh-registry';

// The real MCP Mesh registry (npm @mcpmesh/cli-linux-x64 3.7.1, a devDependency) resolves the
// dependencies of the agents each committed environment renders, registered through its HTTP API
// exactly as the Python runtime does (POST /heartbeat, api/mcp-mesh-registry.openapi.yaml), and
// the result must equal the edges dist/<env>/graph.md shows (and the NetworkPolicies allow).

const ROOT = path.join(__dirname, '..', '..');
const ENVIRONMENTS = defaultEnvironments().map(e => e.name);

interface Rendered { name: string; env: Record<string, string>; files: Record<string, string> }

/** The agent containers of dist/<env>.k8s.yaml with their literal env and their code ConfigMap's files. */
function renderedAgents(environment: string): Rendered[] {
  const docs = YAML.parseAllDocuments(fs.readFileSync(path.join(ROOT, 'dist', environment, 'manifests.k8s.yaml'), 'utf8')).map(d => d.toJS()).filter(Boolean);
  const configMaps = new Map(docs.filter(d => d.kind === 'ConfigMap').map(d => [d.metadata.name, d]));
  return docs.filter(d => d.kind === 'Deployment' && d.metadata.labels?.['app.kubernetes.io/component'] === 'agent').map(d => {
    const pod = d.spec.template.spec;
    const container = pod.containers.find((c: any) => c.name === 'agent');
    const env = Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value ?? '(from reference)']));
    const codeVolume = pod.volumes.find((v: any) => v.name === 'code');
    const cm = configMaps.get(codeVolume.configMap.name);
    const items = new Map<string, string>((codeVolume.configMap.items ?? []).map((i: any) => [i.key, i.path]));
    const files = Object.fromEntries(Object.entries<string>(cm.data).map(([key, text]) => [items.get(key) ?? key, text]));
    return { name: d.metadata.name, env, files };
  });
}

/** `| consumer | capability | range | provider | version |` rows of the graph file. */
function graphEdges(environment: string): string[] {
  const md = fs.readFileSync(path.join(ROOT, 'dist', environment, 'graph.md'), 'utf8');
  const section = md.slice(md.indexOf('## Resolved edges'), md.indexOf('## Cycles'));
  return section.split('\n').filter(l => l.startsWith('| ') && !l.startsWith('| Consumer') && !l.startsWith('| ---'))
    .map(l => l.split('|').map(c => c.trim())).map(([, consumer, capability, , provider]) => `${consumer} -> ${capability} -> ${provider}`).sort();
}

describe.each(ENVIRONMENTS)('the real MCP Mesh registry resolves the %s agents as dist/<env>/graph.md says', environment => {
  let registry: TestMeshRegistry;

  // Fails (never skips) when the optional dependency is missing on linux-x64.
  beforeAll(async () => { registry = await startMeshRegistry(); }, 60_000);
  afterAll(async () => registry?.stop());

  test('every registered dependency resolves to the provider the graph names', async () => {
    const agents = renderedAgents(environment);
    expect(agents.length).toBeGreaterThan(0);
    const heartbeat = (a: Rendered) => {
      const tools = declaredTools({ files: { entrypoint: 'main.py', contents: a.files } })!;
      expect(tools.length).toBeGreaterThan(0);
      return registry.client.heartbeat({
        agent_id: a.env[AGENT_ENV.agentName],
        name: a.env[AGENT_ENV.agentName],
        http_host: a.env[AGENT_ENV.httpHost],
        http_port: Number(a.env[AGENT_ENV.httpPort]),
        tools: tools.map((t, i) => ({ function_name: `tool_${i}`, capability: t.capability, version: t.version, dependencies: [...t.dependencies] })),
      });
    };
    // First every agent registers, then each heartbeats again and reads what the registry resolved.
    for (const a of agents) await heartbeat(a);
    const edges: string[] = [];
    for (const a of agents) {
      const resolved = (await heartbeat(a)).dependencies_resolved ?? {};
      for (const d of Object.values(resolved).flat()) {
        expect([a.name, d.capability, d.status]).toEqual([a.name, d.capability, 'available']);
        const provider = agents.find(p => p.env[AGENT_ENV.agentName] === d.agent_id)!;
        // The registry hands out the provider's advertised Service, on the port its policy allows.
        expect(d.endpoint).toBe(`http://${provider.env[AGENT_ENV.httpHost]}:${provider.env[AGENT_ENV.httpPort]}`);
        edges.push(`${a.name} -> ${d.capability} -> ${provider.name}`);
      }
    }
    expect(edges.sort()).toEqual(graphEdges(environment));
  }, 60_000);
});

test.each(ENVIRONMENTS)('every env var a rendered %s agent container sets is read and acted on by the runtime (or is the agent code\'s own extraEnv)', environment => {
  const effective = new Set(AGENT_ENV_CONTRACT.filter(v => v.read && v.effective).map(v => v.name));
  const own = new Map(defaultEnvironments().find(e => e.name === environment)!.agents!.map(a => [a.name, new Set((a.extraEnv ?? []).map(e => e.name))]));
  for (const a of renderedAgents(environment)) {
    const unexpected = Object.keys(a.env).filter(name => !effective.has(name) && !own.get(a.name)!.has(name));
    expect([a.name, unexpected]).toEqual([a.name, []]);
  }
});

test('the contract renders no variable it lists as inert', () => {
  const inert = AGENT_ENV_CONTRACT.filter(v => !v.read || !v.effective).map(v => v.name);
  expect(inert).toEqual(expect.arrayContaining(['MCP_MESH_METRICS_ENABLED', 'POD_NAME', 'POD_NAMESPACE']));
  for (const name of Object.values(AGENT_ENV)) expect([name, inert.includes(name)]).toEqual([name, false]);
});
