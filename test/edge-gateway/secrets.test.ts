/**
 * Every Secret the gateway and its bundled Redis read comes to exist through the shared
 * provisioning: generated in the cluster (keys the platform chooses), written by an
 * ExternalSecret with typed remote keys, or declared as a prerequisite. No manifest ever holds
 * a secret value.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { externalReferences } from '../../src/common/external-references';
import { SecretsProvisioning } from '../../src/common/secret-provisioning';
import { EdgeGateway, EdgeGatewayProps } from '../../src/edge-gateway/edge-gateway';
import { EdgeRedis } from '../../src/edge-gateway/redis';
import { checkInvariants, K8sObject, podTemplates } from '../support/invariants';
import { SchemaValidator } from '../support/schema';
import { find, ofKind, synthChart } from '../support/synth';

const schema = new SchemaValidator();
const GENERATED: SecretsProvisioning = { source: 'generated' };
const STORE: SecretsProvisioning = { source: 'external-secrets', store: { name: 'mcp-platform', kind: 'ClusterSecretStore' } };
const CORE = { url: 'https://devmesh.example.com' };

function synth(props: EdgeGatewayProps) {
  let chart!: Chart;
  const out = synthChart(c => { chart = c; new EdgeGateway(c, 'gw', props); });
  return { ...out, refs: externalReferences(chart) };
}

/** `<Secret>/<key>` of every secretKeyRef in the chart's pods. */
function secretKeyRefs(objects: K8sObject[]): string[] {
  const refs = podTemplates(objects).flatMap(t => [...t.spec.containers, ...(t.spec.initContainers ?? [])])
    .flatMap((c: any) => (c.env ?? []).map((e: any) => e.valueFrom?.secretKeyRef).filter(Boolean))
    .map((r: any) => `${r.name}/${r.key}`);
  return [...new Set(refs)].sort();
}

/** The `generate <name> '<labels>' <keys...>` lines of the secret generator Job's script. */
function generatedSecrets(objects: K8sObject[]): string[] {
  const job = ofKind(objects, 'Job').find(j => j.metadata.name.startsWith('mcp-secret-generator'));
  if (!job) return [];
  const script: string = job.spec.template.spec.containers[0].command[2];
  return script.split('\n').filter(l => l.startsWith('generate ')).map(l => l.replace(/ '.*' /, ' '));
}

describe('secretProvisioning generated (dev)', () => {
  const { objects, externals, refs } = synth({ secretProvisioning: GENERATED, redis: { type: 'bundled' }, apiKey: { secretName: 'edge-mcp-api', key: 'api-key' } });

  test('the keys the platform chooses are generated in the cluster: the Redis password and EDGE_MCP_API_KEY', () => {
    expect(generatedSecrets(objects)).toEqual(['generate edge-mcp-api api-key', 'generate edge-mcp-redis password']);
    expect(secretKeyRefs(objects)).toEqual(['edge-mcp-api/api-key', 'edge-mcp-redis/password']);
  });

  test('the gateway and its Redis read the same generated password', () => {
    const ref = (o: K8sObject, name: string) => o.spec.template.spec.containers[0].env.find((e: any) => e.name === name).valueFrom.secretKeyRef;
    const gateway = find(objects, 'Deployment', 'edge-mcp');
    const redis = find(objects, 'StatefulSet', 'edge-mcp-redis');
    expect(ref(gateway, 'REDIS_PASSWORD')).toMatchObject({ name: 'edge-mcp-redis', key: 'password' });
    expect(ref(redis, 'REDIS_PASSWORD')).toEqual(ref(gateway, 'REDIS_PASSWORD'));
  });

  test('nothing is a prerequisite and nothing is rendered in plain text', () => {
    expect(refs).toEqual([]);
    expect(externals).toEqual({});
    expect(ofKind(objects, 'Secret')).toEqual([]);
    expect(checkInvariants(objects, externals)).toEqual([]);
  });

  test('the core platform key cannot be generated (the core platform issued it): its Secret stays a prerequisite', () => {
    const core = synth({ secretProvisioning: GENERATED, corePlatform: CORE });
    expect(generatedSecrets(core.objects)).toEqual([]);
    expect(core.refs.map(r => [r.kind, r.namespace, r.name, r.keys])).toEqual([['Secret', 'test', 'edge-mcp', ['core-platform-api-key']]]);
  });

  test('a Secret mixing a key the platform chooses with an issued one is a prerequisite as a whole', () => {
    const mixed = synth({ secretProvisioning: GENERATED, corePlatform: CORE, apiKey: { secretName: 'edge-mcp', key: 'api-key' } });
    expect(generatedSecrets(mixed.objects)).toEqual([]);
    expect(mixed.refs.map(r => [r.name, r.keys])).toEqual([['edge-mcp', ['api-key', 'core-platform-api-key']]]);
  });

  test('an external Redis password cannot be generated either', () => {
    const external = synth({ secretProvisioning: GENERATED, redis: { type: 'external', address: 'cache.example.com:6379', password: { secretName: 'cache', key: 'auth' } } });
    expect(external.refs.map(r => [r.name, r.keys])).toEqual([['cache', ['auth']]]);
  });
});

describe('secretProvisioning external-secrets (prod)', () => {
  const { objects, externals, refs } = synth({ secretProvisioning: STORE, corePlatform: CORE, redis: { type: 'bundled' }, apiKey: { secretName: 'edge-mcp', key: 'api-key' } });
  const data = (name: string) => find(objects, 'ExternalSecret', name).spec.data;

  test('one ExternalSecret per Secret, with the default remote keys, validated against its CRD', () => {
    expect(ofKind(objects, 'ExternalSecret').map(e => e.metadata.name)).toEqual(['edge-mcp', 'edge-mcp-redis']);
    expect(data('edge-mcp')).toEqual([
      { secretKey: 'api-key', remoteRef: { key: 'mcp/test/edge-mcp', property: 'api-key' } },
      { secretKey: 'core-platform-api-key', remoteRef: { key: 'mcp/test/edge-mcp', property: 'core-platform-api-key' } },
    ]);
    expect(data('edge-mcp-redis')).toEqual([{ secretKey: 'password', remoteRef: { key: 'mcp/test/edge-mcp-redis', property: 'password' } }]);
    expect(find(objects, 'ExternalSecret', 'edge-mcp').spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'mcp-platform' });
    expect(objects.flatMap(o => schema.validate(o))).toEqual([]);
  });

  test('every Secret key a pod reads is written by an ExternalSecret: no hand-made Secret, only the store is a prerequisite', () => {
    const written = new Set(ofKind(objects, 'ExternalSecret').flatMap(e => e.spec.data.map((d: any) => `${e.spec.target.name}/${d.secretKey}`)));
    expect(secretKeyRefs(objects).filter(r => !written.has(r))).toEqual([]);
    expect(refs.map(r => `${r.kind}/${r.name}`)).toEqual(['ClusterSecretStore/mcp-platform']);
    expect(ofKind(objects, 'Secret')).toEqual([]);
    expect(checkInvariants(objects, externals)).toEqual([]);
  });

  test('typed per-key remote keys override the defaults', () => {
    const custom = synth({
      secretProvisioning: STORE, corePlatform: CORE, redis: { type: 'bundled' },
      secretRemoteKeys: { corePlatformApiKey: { remoteKey: 'devmesh/edge-gateways', property: 'eu-1' }, redisPassword: { remoteKey: 'redis/edge-cache' } },
    });
    expect(find(custom.objects, 'ExternalSecret', 'edge-mcp').spec.data).toEqual([{ secretKey: 'core-platform-api-key', remoteRef: { key: 'devmesh/edge-gateways', property: 'eu-1' } }]);
    expect(find(custom.objects, 'ExternalSecret', 'edge-mcp-redis').spec.data).toEqual([{ secretKey: 'password', remoteRef: { key: 'redis/edge-cache' } }]);
  });

  test('a core platform URL kept in a Secret is read from the store too', () => {
    const url = synth({ secretProvisioning: STORE, corePlatform: { url: { secretName: 'devmesh', key: 'url' }, apiKey: { secretName: 'devmesh', key: 'api-key' } } });
    expect(find(url.objects, 'ExternalSecret', 'devmesh').spec.data.map((d: any) => d.secretKey)).toEqual(['api-key', 'url']);
    expect(ofKind(url.objects, 'ConfigMap')).toEqual([]);
  });
});

describe('secretProvisioning existing (staging, the default)', () => {
  test('each Secret is a prerequisite with its namespace and keys; nothing is rendered for it', () => {
    const { objects, refs } = synth({ corePlatform: CORE, redis: { type: 'bundled' } });
    expect(refs.map(r => [r.kind, r.namespace, r.name, r.keys])).toEqual([
      ['Secret', 'test', 'edge-mcp', ['core-platform-api-key']],
      ['Secret', 'test', 'edge-mcp-redis', ['password']],
    ]);
    expect(ofKind(objects, 'ExternalSecret')).toEqual([]);
    expect(ofKind(objects, 'Job')).toEqual([]);
  });
});

describe('a standalone EdgeRedis provisions its own password', () => {
  const build = (props: object) => {
    let chart!: Chart;
    const out = synthChart(c => { chart = c; new EdgeRedis(c, 'redis', { password: { secretName: 'cache', key: 'pw' }, ...props }); });
    return { ...out, refs: externalReferences(chart) };
  };

  test('generated, from the store with a typed remote key, or a prerequisite', () => {
    expect(generatedSecrets(build({ secretProvisioning: GENERATED }).objects)).toEqual(['generate cache pw']);
    const store = build({ secretProvisioning: STORE, passwordRemoteKey: { remoteKey: 'redis/cache', property: 'password' } });
    expect(find(store.objects, 'ExternalSecret', 'cache').spec.data).toEqual([{ secretKey: 'pw', remoteRef: { key: 'redis/cache', property: 'password' } }]);
    expect(build({}).refs.map(r => [r.name, r.keys])).toEqual([['cache', ['pw']]]);
  });
});

describe('no secret value in any manifest', () => {
  // The value the removed dev Secret derived from public constants: anyone could recompute it.
  const derived = createHash('sha256').update('cdk8s-mcp/dev/mcp-dev/edge-mcp-dev/redis-password').digest('base64url').slice(0, 40);
  const distDev = path.join(__dirname, '..', '..', 'dist', 'dev');

  test.each<[string, SecretsProvisioning | undefined]>([['existing', undefined], ['generated', GENERATED], ['external-secrets', STORE]])('%s: no Secret object, no literal secret env, a script with no value in it', (_label, provisioning) => {
    const { objects } = synth({ secretProvisioning: provisioning, corePlatform: CORE, redis: { type: 'bundled', exporter: { enabled: true } }, apiKey: { secretName: 'edge-mcp', key: 'api-key' } });
    expect(ofKind(objects, 'Secret')).toEqual([]);
    const secretEnv = ['DEV_MESH_API_KEY', 'EDGE_MCP_API_KEY', 'REDIS_PASSWORD', 'REDISCLI_AUTH'];
    const literal = podTemplates(objects).flatMap(t => t.spec.containers).flatMap((c: any) => c.env ?? []).filter((e: any) => secretEnv.includes(e.name) && !e.valueFrom?.secretKeyRef);
    expect(literal).toEqual([]);
    // The generator draws each value from /dev/urandom when it runs; its script holds none.
    for (const line of generatedSecrets(objects)) expect(line).toMatch(/^generate [-a-z0-9]+( [-a-z0-9]+)+$/);
  });

  test('dist/dev holds no Secret object and not the formerly derivable key', () => {
    const files = fs.readdirSync(distDev).filter(f => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = fs.readFileSync(path.join(distDev, f), 'utf8');
      expect(text).not.toMatch(/^kind: Secret$/m);
      expect(text).not.toContain(derived);
    }
  });

  test('the README shows no secret value either: the gateway section uses placeholders only', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).not.toContain(derived);
    const section = readme.slice(readme.indexOf('\n## EdgeGateway\n'), readme.indexOf('\n## McpServer templates'));
    const literals = [...section.matchAll(/--from-literal=[-\w]+=(\S+)/g)].map(m => m[1]);
    expect(literals.length).toBeGreaterThan(0);
    for (const value of literals) expect(value).toMatch(/^(…|<[^>]+>)`?\.?$/);
  });
});
