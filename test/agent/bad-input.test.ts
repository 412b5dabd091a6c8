import { Chart } from 'cdk8s';
import { DATA_PROCESSOR_AGENT } from '../../src/agent/agent-presets';
import { McpAgentMesh } from '../../src/agent/agent-mesh';
import { McpAgent, McpAgentDefinition, McpAgentProps } from '../../src/agent/mcp-agent';
import { McpMeshRegistry } from '../../src/agent/mesh-registry';
import { devEnvironment, prodEnvironment } from '../../src/platform/presets';
import { ExpectedRejection, expectConstructRejected, expectEnvironmentRejected } from '../support/bad-input';

const registry = McpMeshRegistry.fromAttributes({ url: 'http://mcp-mesh-registry.test.svc:8000', selector: { 'app.kubernetes.io/name': 'mcp-mesh-registry' } });

/** One agent `a` with `extra` merged over a minimal valid definition. */
function rejectsAgent(extra: Record<string, unknown>, expected: Omit<ExpectedRejection, 'path'> & { path?: string }): void {
  expectConstructRejected((chart: Chart) => {
    new McpAgent(chart, 'a', { name: 'a', code: { script: 'print("a")' }, registry, ...extra } as McpAgentProps);
  }, { path: 'test/a', ...expected });
}

const GREETING_PY = `import mesh
@mesh.tool(capability="greeting", version="1.0.0", dependencies=[{"capability": "names", "version": "^2.0.0"}])
def greet(name: str) -> str:
    return name
`;

describe('McpAgent rejects bad input with the path, the field, the value and the fix', () => {
  test('a wrong type (as any)', () => rejectsAgent({ replicas: 'two' }, { field: 'replicas', value: 'two', fix: /number/ }));

  test('an unknown key, with the closest valid key', () => rejectsAgent({ replica: 2 }, { field: 'replica', value: 2, fix: /did you mean 'replicas'\?/ }));

  test('a Helm-style key', () => rejectsAgent({ persistence: { size: '1Gi', storageClass: 'fast' } }, { field: 'persistence.storageClass', fix: /did you mean 'storageClassName'\?/ }));

  test('a CPU quantity that is not one', () => rejectsAgent({ resources: { requests: { cpu: '2 cores' } } }, { field: 'resources.requests.cpu', value: '2 cores', fix: /Kubernetes quantity such as '500m'/ }));

  test('a memory request above its limit', () => rejectsAgent({ resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } },
    { field: 'resources.requests.memory', value: '2Gi', fix: /may not exceed the limit "1Gi"/ }));

  test('an invalid agent name', () => expectConstructRejected((chart: Chart) => {
    new McpAgent(chart, 'a', { name: 'Hello_World', code: { script: 'x' }, registry });
  }, { path: 'test/a', field: 'name', value: 'Hello_World', fix: /RFC 1123 label/ }));

  test('an image digest of the wrong length', () => rejectsAgent({ image: `mcpmesh/python-runtime@sha256:${'a'.repeat(40)}` }, { field: 'image', fix: /64/ }));

  test('an unpinned image', () => rejectsAgent({ image: 'mcpmesh/python-runtime:latest' }, { field: 'image', value: 'mcpmesh/python-runtime:latest', fix: /pin the image/ }));

  test('a client CIDR prefix out of range', () => rejectsAgent({ networkPolicy: { clients: [{ cidr: '10.0.0.0/40' }] } }, { field: 'networkPolicy.clients[0].cidr', value: '10.0.0.0/40', fix: /prefix 0-32/ }));

  test('a client workload that is not a name', () => rejectsAgent({ networkPolicy: { clients: [{ workload: 'Hello World' }] } }, { field: 'networkPolicy.clients[0].workload', value: 'Hello World', fix: /workload name such as weather-agent/ }));

  test('a CIDR prefix out of range', () => rejectsAgent({ egress: [{ cidr: '10.0.0.0/33', ports: [{ port: 443 }] }] }, { field: 'egress[0].cidr', value: '10.0.0.0/33', fix: /prefix 0-32/ }));

  test('a semver range that does not parse', () => rejectsAgent({ dependencies: [{ name: 'db', version: '>=3.0.0 <' }] }, { field: 'dependencies[0].version', value: '>=3.0.0 <', fix: /semver range/ }));

  test('a capability version that is not semver', () => rejectsAgent({ capabilities: [{ name: 'greeting', version: 'v1' }] }, { field: 'capabilities[0].version', value: 'v1', fix: /MAJOR\.MINOR\.PATCH/ }));

  test('a Redis URL with a password in plain text is refused without echoing it', () => rejectsAgent(
    { tracing: { redisUrl: 'redis://:s3cr3t-pw@redis.tracing.svc:6379/0', redis: { namespace: 'tracing' } } },
    { field: 'tracing.redisUrl', fix: /tracing\.redisUrlSecret/, never: ['s3cr3t-pw'] },
  ));

  test('an env var the construct sets itself', () => rejectsAgent({ extraEnv: [{ name: 'MCP_MESH_HTTP_PORT', value: '9000' }] },
    { field: 'extraEnv[0].name', value: 'MCP_MESH_HTTP_PORT', fix: /sets this variable itself/ }));

  test('a toleration with seconds but not NoExecute', () => rejectsAgent({ scheduling: { tolerations: [{ key: 'gpu', operator: 'Exists', tolerationSeconds: 30 }] } },
    { field: 'scheduling.tolerations[0].tolerationSeconds', value: 30, fix: /NoExecute/ }));

  test('autoscaling with a minimum above the maximum', () => rejectsAgent({ autoscaling: { minReplicas: 5, maxReplicas: 3 } }, { field: 'autoscaling.minReplicas', value: 5, fix: /maxReplicas \(3\)/ }));

  test('an alert duration that is not a Prometheus duration', () => rejectsAgent({ alerts: { downFor: '5 minutes' } }, { field: 'alerts.downFor', value: '5 minutes', fix: /Prometheus duration/ }));

  test('a shared ReadWriteOnce workspace', () => rejectsAgent({ replicas: 2, persistence: { size: '1Gi' } }, { field: 'persistence.accessMode', value: 'ReadWriteOnce', fix: /ReadWriteMany or a single replica/ }));

  test('a workspace size that is not a storage quantity', () => rejectsAgent({ persistence: { size: '-1Gi' } }, { field: 'persistence.size', value: '-1Gi', fix: /quantity/ }));

  test('two code sources', () => rejectsAgent({ code: { script: 'x', configMap: { name: 'c' } } }, { field: 'code', fix: /exactly one of script, configMap, files, image/ }));

  test('code whose @mesh.tool version disagrees with the spec', () => rejectsAgent(
    { code: { script: GREETING_PY }, capabilities: [{ name: 'greeting', version: '2.0.0' }], dependencies: [{ name: 'names', version: '^2.0.0' }] },
    { field: 'capabilities[0].version', value: '2.0.0', fix: /registers version "1\.0\.0"/ },
  ));

  test('code whose dependency range disagrees with the spec', () => rejectsAgent(
    { code: { script: GREETING_PY }, capabilities: [{ name: 'greeting', version: '1.0.0' }], dependencies: [{ name: 'names' }] },
    { field: 'dependencies[0].version', value: '*', fix: /declares "names" with version "\^2\.0\.0"/ },
  ));

  test('no registry', () => expectConstructRejected((chart: Chart) => {
    new McpAgent(chart, 'a', { name: 'a', code: { script: 'x' } } as unknown as McpAgentProps);
  }, { path: 'test/a', field: 'registry', fix: /McpMeshRegistry\.fromAttributes/ }));
});

describe('agent mistakes in a whole environment are refused before anything is written', () => {
  const withAgents = (agents: McpAgentDefinition[]) => ({ ...devEnvironment(), agents });
  const others = devEnvironment().agents!.filter(a => a.name !== 'data-processor');

  test('the data-processor spec drifting from its code', () => expectEnvironmentRejected(
    withAgents([...others, { ...DATA_PROCESSOR_AGENT, replicas: 1, dependencies: [{ name: 'database-service', version: '>=3.1.0' }] }]),
    { path: 'dev/agents/data-processor', field: 'dependencies[0].version', value: '>=3.1.0', fix: /declares "database-service" with version ">=3\.0\.0"/ },
  ));

  test('a required dependency nobody provides', () => expectEnvironmentRejected(
    withAgents([...others, { name: 'lonely', code: { script: 'x' }, dependencies: [{ name: 'weather', version: '^1.0.0' }] }]),
    { path: 'dev/agents/lonely', field: 'dependencies[0]', fix: /no agent in the environment provides capability "weather"/ },
  ));

  test('two agents with one name', () => expectEnvironmentRejected(
    withAgents([...others, { name: 'hello-world', code: { script: 'x' } }]),
    { path: 'dev/agents', field: 'agents[2].name', value: 'hello-world', fix: /agents\[0\] already uses it/ },
  ));

  test('a typo in an agent of the prod environment', () => expectEnvironmentRejected(
    { ...prodEnvironment(), agents: [{ name: 'a', code: { script: 'x' }, replicas: 2, monitorng: { scrape: true } } as McpAgentDefinition] },
    // The environment is checked as a whole before any construct exists.
    { path: 'prod', field: 'agents[0].monitorng', fix: /did you mean 'monitoring'\?/ },
  ));
});

test('a mesh without agents list is refused, not a TypeError', () => expectConstructRejected((chart: Chart) => {
  new McpAgentMesh(chart, 'agents', { registry, agents: undefined as unknown as McpAgentDefinition[] });
}, { path: 'test/agents', field: 'agents', fix: /list of agent definitions/ }));
