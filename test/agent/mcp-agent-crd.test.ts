import { Testing } from 'cdk8s';
import { AGENT_PRESETS, DATA_PROCESSOR_AGENT, HELLO_WORLD_AGENT } from '../../src/agent/agent-presets';
import { MCP_AGENT_SPEC_SCHEMA } from '../../src/agent/agent-spec';
import { MCP_AGENT_API_VERSION, mcpAgentCrdManifest } from '../../src/agent/mcp-agent-crd';
import { McpAgentResource } from '../../src/agent/mcp-agent-resource';
import { McpCrdsChart } from '../../src/platform/crds-chart';
import { defaultEnvironments } from '../../src/platform/presets';
import { checkInvariants } from '../support/invariants';
import { SchemaValidator } from '../support/schema';
import { synthChart, synthEnvironment } from '../support/synth';
import { agent, structuralViolations, synthMesh } from './support';

const crd = mcpAgentCrdManifest();
const validator = new SchemaValidator([crd]);
const openApi = crd.spec.versions[0].schema.openAPIV3Schema;
const cr = (spec: unknown, name = 'x') => ({ apiVersion: MCP_AGENT_API_VERSION, kind: 'MCPAgent', metadata: { name, namespace: 'test' }, spec });
const REGISTRY_URL = 'http://mcp-mesh-registry.test.svc:8000';

describe('the MCPAgent CRD', () => {
  test('is a valid apiextensions.k8s.io/v1 object and matches the snapshot', () => {
    const objects = Testing.synth(new McpCrdsChart(Testing.app()));
    expect(objects).toHaveLength(1);
    expect(objects[0]).toEqual(crd);
    expect(new SchemaValidator().validate(objects[0])).toEqual([]);
    expect(checkInvariants(objects as any)).toEqual([]);
    expect(objects[0]).toMatchSnapshot();
  });

  test('has a structural openAPIV3Schema at every level', () => {
    expect(structuralViolations(openApi)).toEqual([]);
    expect(openApi.properties.spec.required).toEqual(['code', 'registryUrl']);
  });

  test('the structural check itself catches untyped nodes, typed oneOf branches and loose list keys', () => {
    expect(structuralViolations({ type: 'object', properties: { a: {}, b: { type: 'array' } } })).toEqual(['/a: no type', '/b: array without items']);
    expect(structuralViolations({ type: 'object', properties: { a: { type: 'string' } }, oneOf: [{ type: 'object', required: ['a'] }] })).toEqual(['/: oneOf[0] sets type']);
    expect(structuralViolations({ type: 'array', items: { type: 'object', properties: { k: { type: 'string' } } }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'] })).toEqual(['/: list-map key k is not required in items']);
  });

  test('is generated from the same definition as the McpAgent props', () => {
    expect(Object.keys(openApi.properties.spec.properties).sort()).toEqual(Object.keys(MCP_AGENT_SPEC_SCHEMA.properties).sort());
    expect(openApi.properties.spec.properties.capabilities['x-kubernetes-list-map-keys']).toEqual(['name']);
  });

  test('names, subresources and printer columns', () => {
    expect(crd.metadata.name).toBe('mcpagents.mesh.mcp.io');
    expect(crd.spec.names).toMatchObject({ kind: 'MCPAgent', plural: 'mcpagents', shortNames: ['mcpa'] });
    expect(crd.spec.names.shortNames).not.toContain('agent');
    const version = crd.spec.versions[0];
    expect(version.subresources).toEqual({ status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } });
    expect(version.additionalPrinterColumns.map((c: any) => c.name)).toEqual(['Replicas', 'Ready', 'Capabilities', 'Age']);
    expect(crd.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-2');
  });

  test('accepts the seed examples (the original advanced sample failed its own CRD) and cpu "0.5"', () => {
    for (const def of [HELLO_WORLD_AGENT, DATA_PROCESSOR_AGENT]) {
      const { name, ...spec } = def;
      expect(validator.validate(cr({ ...spec, registryUrl: REGISTRY_URL }, name))).toEqual([]);
    }
    const half = { requests: { cpu: '0.5', memory: '512Mi' }, limits: { cpu: '1.5', memory: '1.5Gi' } };
    expect(validator.validate(cr({ code: { script: 'x' }, registryUrl: REGISTRY_URL, resources: half }))).toEqual([]);
  });

  test.each([
    ['no code source', { registryUrl: REGISTRY_URL, code: {} }, '/spec/code must match exactly one schema in oneOf'],
    ['two code sources', { registryUrl: REGISTRY_URL, code: { script: 'x', image: 'a/b:1.0.0' } }, '/spec/code must match exactly one schema in oneOf'],
    ['a bad capability name', { registryUrl: REGISTRY_URL, code: { script: 'x' }, capabilities: [{ name: 'Bad Name', version: '1.0.0' }] }, '/spec/capabilities/0/name must match pattern'],
    ['a non-semver version', { registryUrl: REGISTRY_URL, code: { script: 'x' }, capabilities: [{ name: 'a', version: '1.0' }] }, '/spec/capabilities/0/version must match pattern'],
    ['too many replicas', { registryUrl: REGISTRY_URL, code: { script: 'x' }, replicas: 101 }, '/spec/replicas must be <= 100'],
    ['a bad cpu', { registryUrl: REGISTRY_URL, code: { script: 'x' }, resources: { requests: { cpu: '1.2.3', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }, '/spec/resources/requests/cpu must match pattern'],
    ['an unknown field', { registryUrl: REGISTRY_URL, code: { script: 'x' }, script: '/app/agents/hello_world.py' }, "must NOT have additional properties 'script'"],
  ])('rejects %s', (_what, spec, message) => {
    expect(validator.validate(cr(spec)).join('\n')).toContain(message);
  });
});

describe('emitted MCPAgent resources', () => {
  test('every MCPAgent of every environment validates against the generated CRD', () => {
    const all = defaultEnvironments().flatMap(e => synthEnvironment(e).objects).filter(o => o.kind === 'MCPAgent');
    expect(all.length).toBeGreaterThan(0);
    expect(all.flatMap(o => validator.validate(o))).toEqual([]);
  });

  test('every preset, as a custom resource, validates against the generated CRD', () => {
    const { objects } = synthMesh(AGENT_PRESETS.prod, { delivery: 'custom-resources' });
    const agents = objects.filter(o => o.kind === 'MCPAgent');
    expect(agents.map(o => o.metadata.name)).toEqual(['hello-world', 'data-processor', 'database-service']);
    expect(agents.flatMap(o => validator.validate(o))).toEqual([]);
    expect(checkInvariants(objects)).toEqual([]);
  });

  test('custom-resources delivery renders MCPAgents for a controller and no agent workloads or policies', () => {
    const { objects } = synthMesh([agent('a', { dependencies: [{ name: 'b' }] }), agent('b', { capabilities: [{ name: 'b', version: '1.0.0' }] })], { delivery: 'custom-resources' });
    expect(objects.filter(o => o.metadata.labels?.['app.kubernetes.io/component'] === 'agent').map(o => o.kind)).toEqual(['MCPAgent', 'MCPAgent']);
    const a = objects.find(o => o.kind === 'MCPAgent' && o.metadata.name === 'a')!;
    expect(a.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true', 'mesh.mcp.io/workloads': 'controller' });
    expect(a.spec.registryUrl).toBe('http://mcp-mesh-registry.test.svc:8000');
  });

  test('both delivery marks the resources as inventory of chart-rendered workloads', () => {
    const { objects } = synthMesh([agent('a')], { delivery: 'both' });
    expect(objects.filter(o => o.metadata.name === 'a').map(o => o.kind).sort()).toEqual(['Deployment', 'MCPAgent', 'NetworkPolicy', 'Service', 'ServiceAccount']);
    expect(objects.find(o => o.kind === 'MCPAgent')!.metadata.annotations!['mesh.mcp.io/workloads']).toBe('chart');
  });

  test('the typed construct validates its spec like the API server would', () => {
    expect(() => synthChart(c => new McpAgentResource(c, 'r', { name: 'r', spec: { registryUrl: REGISTRY_URL, code: {} } as any })))
      .toThrow('test/r: invalid code {}: set exactly one of script, configMap, files, image');
  });
});
