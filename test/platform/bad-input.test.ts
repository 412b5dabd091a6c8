import { App } from 'cdk8s';
import { McpConfigError } from '../../src/common/errors';
import { defineEnvironment, McpEnvironment } from '../../src/platform/environment';
import { McpPlatformChart } from '../../src/platform/platform-chart';
import { devEnvironment, prodEnvironment, stagingEnvironment } from '../../src/platform/presets';
import { TOOL_REGISTRY_PRESETS } from '../../src/tool-registry/tool-registry-presets';
import { expectEnvironmentRejected } from '../support/bad-input';

// Environment-level input, including input that bypasses the type checker (`as any`, values
// files): every case fails at synth with the path, field, value and fix, and writes nothing.
const dev = (extra: Record<string, unknown>): McpEnvironment => ({ ...devEnvironment(), ...extra } as McpEnvironment);

describe('bad environment input fails at synth with the path, field, value and fix, and writes nothing', () => {
  test.each<[string, McpEnvironment, { path: string; field: string; value?: unknown; fix: RegExp; never?: string[] }]>([
    ['a misspelt component', dev({ registy: {} }), { path: 'dev', field: 'registy', value: {}, fix: /unknown field; did you mean 'registry'\?/ }],
    ['an integration under the wrong name', dev({ integrations: { prometheus: true } }), { path: 'dev', field: 'integrations.prometheus', value: true, fix: /did you mean 'prometheusOperator'\?/ }],
    ['a policy number given as a word', dev({ policy: { minHaReplicas: 'two' } }), { path: 'dev', field: 'policy.minHaReplicas', value: 'two', fix: /^use a number$/ }],
    ['a boolean given as a string', dev({ createNamespace: 'yes' }), { path: 'dev', field: 'createNamespace', value: 'yes', fix: /use true or false/ }],
    ['an unknown agent delivery', dev({ agentDelivery: 'crd' }), { path: 'dev', field: 'agentDelivery', value: 'crd', fix: /use one of "both", "custom-resources", "workloads"/ }],
    ['an ingress without a host', dev({ ingress: { className: 'nginx' } }), { path: 'dev', field: 'ingress.host', fix: /^set host/ }],
    ['a cluster network without Prometheus', dev({ clusterNetwork: { dns: {}, ingressController: {} } }), { path: 'dev', field: 'clusterNetwork.prometheus', fix: /^set prometheus/ }],
    ['an empty environment name', dev({ name: '' }), { path: '(environment)', field: 'name', value: '', fix: /give the environment a name/ }],
    ['an upper-case namespace', dev({ namespace: 'Mcp_Dev' }), { path: 'dev', field: 'environment.namespace', value: 'Mcp_Dev', fix: /RFC 1123 label/ }],
    ['a label value with a space', dev({ commonLabels: { team: 'platform team' } }), { path: 'dev', field: 'environment.commonLabels["team"]', value: 'platform team', fix: /at most 63 characters/ }],
    ['a monitoring selector label with a bad key', dev({ monitoring: { labels: { 'bad key': 'x' } } }), { path: 'dev', field: 'environment.monitoring.labels key', value: 'bad key', fix: /\[prefix\/\]name/ }],
    ['a runbook URL that is not a URL', dev({ monitoring: { runbookBaseUrl: 'runbooks' } }), { path: 'dev', field: 'environment.monitoring.runbookBaseUrl', value: 'runbooks', fix: /absolute http\(s\) URL/ }],
    ['agents without a registry', dev({ registry: undefined }), { path: 'dev', field: 'environment.registry', fix: /agents register with the MCP Mesh registry/ }],
    ['a plaintext API key where a Secret reference belongs', { ...prodEnvironment(), edgeGateway: { ...prodEnvironment().edgeGateway, apiKey: 'sk-live-0123456789' } } as unknown as McpEnvironment,
      { path: 'prod', field: 'edgeGateway.apiKey', value: '<a string, not shown>', fix: /use an object with key, secretName/, never: ['sk-live-0123456789'] }],
    ['a prod registry below the HA minimum', defineEnvironment(prodEnvironment(), { registry: { replicas: 1 } }), { path: 'prod/registry', field: 'replicas', value: 1, fix: /the 'prod' policy requires at least 2 replicas/ }],
    ['generated Secrets where the policy does not allow them',
      defineEnvironment(devEnvironment(), { policy: { allowGeneratedSecrets: false }, toolRegistry: { ...TOOL_REGISTRY_PRESETS.dev, image: 'registry.example.com/tool-registry:1.0.0' } }),
      { path: 'dev/tool-registry', field: 'secretProvisioning.source', value: 'generated', fix: /the 'dev' policy keeps credentials in a managed store, but Secret tool-registry-api-key would be generated in the cluster: use source 'external-secrets' or 'existing'/ }],
    ['external-secrets without the operator', defineEnvironment(stagingEnvironment(), { secretProvisioning: { source: 'external-secrets', store: { name: 'vault' } } }),
      { path: 'staging', field: 'environment.secretProvisioning.source', value: 'external-secrets', fix: /install external-secrets and set integrations.externalSecrets/ }],
    ['an environment that is not an object', 'prod' as unknown as McpEnvironment, { path: '(environment)', field: 'environment', value: 'prod', fix: /pass an environment object/ }],
  ])('%s', (_label, environment, expected) => {
    expectEnvironmentRejected(environment, expected);
  });

  test('two environments with one name are refused before any raw constructs error', () => {
    const app = new App();
    new McpPlatformChart(app, 'dev', { environment: devEnvironment() });
    let error: unknown;
    try {
      new McpPlatformChart(app, 'dev', { environment: { ...stagingEnvironment(), name: 'dev' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(McpConfigError);
    expect((error as McpConfigError).message).toBe("dev: invalid name \"dev\": an environment named 'dev' is already in this app: give each environment a unique name");
  });
});
