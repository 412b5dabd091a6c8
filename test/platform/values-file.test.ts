import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { McpConfigError } from '../../src/common/errors';
import { loadEnvironment, parseEnvironment } from '../../src/platform/values-file';
import * as VALUES_SCHEMA from '../../schema/values.schema.json';
import { parse } from 'yaml';
import { checkInvariants } from '../support/invariants';
import { synthEnvironment } from '../support/synth';

const EXAMPLE = path.join(__dirname, '../../examples/values/prod-eu.yaml');

function rejection(text: string): McpConfigError {
  try {
    parseEnvironment(text, 'values.yaml');
  } catch (e) {
    if (e instanceof McpConfigError) return e;
    throw e;
  }
  throw new Error('expected an McpConfigError');
}

describe('environments from a values file', () => {
  test('the example derives from prod, synthesizes and holds every invariant', () => {
    const env = loadEnvironment(EXAMPLE);
    expect([env.name, env.namespace, env.ingress?.host, env.registry?.replicas]).toEqual(['prod-eu', 'mcp-prod-eu', 'mcp.eu.example.com', 3]);
    const { objects, externals } = synthEnvironment(env);
    expect(checkInvariants(objects, externals)).toEqual([]);
    expect(objects.every(o => o.metadata.labels?.['example.com/region'] === 'eu-west-1')).toBe(true);
    expect(objects.filter(o => o.kind === 'Namespace').map(o => o.metadata.name)).toContain('mcp-prod-eu');
    // The environment's Prometheus selector label reaches every monitor and rule of every component.
    const monitoring = objects.filter(o => ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'].includes(o.kind));
    expect(new Set(monitoring.map(o => o.kind))).toEqual(new Set(['ServiceMonitor', 'PodMonitor', 'PrometheusRule']));
    expect(monitoring.filter(o => o.metadata.labels?.release !== 'kube-prometheus-stack').map(o => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });

  test('the example validates against the shipped editor schema (ajv)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const ok = ajv.validate({ ...VALUES_SCHEMA, $id: undefined }, parse(fs.readFileSync(EXAMPLE, 'utf8')));
    expect(ajv.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('a whole environment without a preset is accepted as written', () => {
    const env = parseEnvironment('name: lab\nnamespace: mcp-lab\nregistry: {}\n');
    expect(env).toEqual({ name: 'lab', namespace: 'mcp-lab', registry: {} });
  });

  test.each<[string, string, string, unknown, RegExp]>([
    ['an unknown key with the closest valid one', 'preset: dev\nregisty: {}\n', 'registy', {}, /did you mean 'registry'/],
    ['a Helm-style key under a component', 'preset: dev\nregistry:\n  replica: 3\n', 'registry.replica', 3, /did you mean 'replicas'/],
    ['a wrong type', 'preset: prod\npolicy:\n  minHaReplicas: two\n', 'policy.minHaReplicas', 'two', /use a number/],
    ['an unknown preset', 'preset: production\n', 'preset', 'production', /use one of 'dev', 'staging', 'prod'/],
    ['a missing name without a preset', 'namespace: x\n', 'name', undefined, /set name/],
    ['invalid YAML', 'name: [unclosed\n', 'YAML', undefined, /not valid YAML at line/],
    ['a list instead of a mapping', '- name: dev\n', 'values', [{ name: 'dev' }], /mapping of environment fields/],
  ])('%s is refused naming the file, field, value and fix', (_label, text, field, value, fix) => {
    const e = rejection(text);
    expect([e.path, e.field]).toEqual(['values.yaml', field]);
    expect(e.value).toEqual(value);
    expect(e.fix).toMatch(fix);
  });

  test('an unreadable file says so', () => {
    const missing = path.join(os.tmpdir(), 'cdk8s-mcp-no-such-values.yaml');
    expect(() => loadEnvironment(missing)).toThrow(/invalid file ".*no-such-values.yaml": the values file cannot be read \(ENOENT\)/);
  });
});
