/**
 * Every env var a rendered gateway or Redis container sets is in its runtime contract, as
 * effective or as explicitly inert (documented in the contract and the README); the presets
 * set effective ones only.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EdgeGateway, EdgeGatewayProps } from '../../src/edge-gateway/edge-gateway';
import { EDGE_GATEWAY_ENV_CONTRACT, EnvVarContract, REDIS_ENV_CONTRACT } from '../../src/edge-gateway/edge-gateway-runtime';
import { devEnvironment, prodEnvironment, stagingEnvironment } from '../../src/platform/presets';
import { K8sObject } from '../support/invariants';
import { find, ofKind, synthChart, synthEnvironment } from '../support/synth';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

/** Every opt-in turned on, inert ones included. */
const EVERYTHING: EdgeGatewayProps = {
  apiKey: { secretName: 'edge-mcp', key: 'api-key' },
  corePlatform: { url: { secretName: 'core', key: 'url' }, apiKey: { secretName: 'core', key: 'api-key' } },
  redis: { type: 'bundled', password: { secretName: 'edge-mcp', key: 'redis-password' }, exporter: { enabled: true } },
  rateLimits: { global: { rps: 10 } }, l1Cache: {}, l2Cache: {}, compression: {},
  tracing: { enabled: true, otlpEndpoint: 'otel:4317' }, environment: 'test',
};
const EXTERNAL_REDIS: EdgeGatewayProps = { redis: { type: 'external', address: 'cache:6380', password: { secretName: 'r', key: 'p' }, username: 'u', tls: { enabled: true } } };

/** Env var names of one container: its `env` plus the keys of the ConfigMaps it loads with envFrom. */
function envNames(objects: K8sObject[], container: any): string[] {
  const fromConfigMaps = (container.envFrom ?? []).flatMap((f: any) => Object.keys(find(objects, 'ConfigMap', f.configMapRef.name).data));
  return [...fromConfigMaps, ...(container.env ?? []).map((e: any) => e.name)].sort();
}

function containers(objects: K8sObject[]): { workload: string; name: string; env: string[] }[] {
  return [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'StatefulSet')]
    .filter(w => ['edge-mcp', 'edge-mcp-redis'].includes(w.metadata.name))
    .flatMap(w => w.spec.template.spec.containers.map((c: any) => ({ workload: w.metadata.name, name: c.name, env: envNames(objects, c) })));
}

function contractOf(workload: string, container: string): Record<string, EnvVarContract> {
  if (workload === 'edge-mcp') return EDGE_GATEWAY_ENV_CONTRACT;
  return REDIS_ENV_CONTRACT[container as 'redis' | 'exporter'];
}

describe.each<[string, K8sObject[]]>([
  ['every opt-in', synthChart(c => new EdgeGateway(c, 'gw', EVERYTHING)).objects],
  ['an external Redis', synthChart(c => new EdgeGateway(c, 'gw', EXTERNAL_REDIS)).objects],
  ['the defaults', synthChart(c => new EdgeGateway(c, 'gw')).objects],
])('with %s, each container sets only variables its contract lists', (_label, objects) => {
  test.each(containers(objects).map(c => [`${c.workload}/${c.name}`, c] as const))('%s', (_name, c) => {
    const contract = contractOf(c.workload, c.name);
    expect(c.env.filter(n => !(n in contract))).toEqual([]);
    for (const n of c.env) expect(contract[n].note.length).toBeGreaterThan(10);
  });
});

describe.each([devEnvironment(), stagingEnvironment(), prodEnvironment()])('the $name preset', env => {
  const { objects } = synthEnvironment(env);
  test('sets only variables the pinned versions read and act on', () => {
    const set = containers(objects);
    expect(set.map(c => `${c.workload}/${c.name}`)).toEqual(['edge-mcp/edge-mcp']);
    for (const c of set) {
      const contract = contractOf(c.workload, c.name);
      expect(c.env.filter(n => !(contract[n]?.read && contract[n]?.effective))).toEqual([]);
    }
  });
});

test('every inert variable the construct can set is named in the README as inert', () => {
  const section = README.slice(README.indexOf('## EdgeGateway'));
  for (const [name, c] of Object.entries(EDGE_GATEWAY_ENV_CONTRACT)) {
    if (!c.effective) expect(section).toContain(`\`${name}\``);
  }
});
