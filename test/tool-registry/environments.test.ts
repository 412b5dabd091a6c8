import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { Construct } from 'constructs';
import { Connectivity } from '../../src/connectivity/connectivity';
import { defineEnvironment } from '../../src/platform/environment';
import { ToolRegistry } from '../../src/tool-registry/tool-registry';
import { fakeSecret, kubeletEnvironment } from '../support/kubelet-env';
import { postgresAvailable, startPostgres, TestPostgres } from '../support/postgres';
import { synthChart, synthEnvironment } from '../support/synth';
import { find, K8sObject, ofKind, TEST_IMAGE, withToolRegistry } from './helpers';
import { evaluate, oneSidedFlows, Pods, podsOf } from './network-policy-eval';

// The tool registry as part of an environment: where its Secrets come from in each tier, both
// sides of each of its flows, what its Ingress exposes, and the documented restore recipe
// against the rendered policies.

const tiers = ['dev', 'staging', 'prod'] as const;
const rendered = Object.fromEntries(tiers.map(t => [t, synthEnvironment(withToolRegistry(t))])) as Record<(typeof tiers)[number], ReturnType<typeof synthEnvironment>>;
const toolRegistryRefs = (tier: (typeof tiers)[number]) => rendered[tier].chart.externalReferences().filter(r => r.referencedBy.startsWith(`${tier}/tool-registry`));
const container = (objects: K8sObject[], kind: string, prefix: string) => {
  const o = objects.find(x => x.kind === kind && x.metadata.name.startsWith(prefix))!;
  return (kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec).containers[0];
};
const secretRef = (c: any, name: string) => {
  const ref = c.env.find((e: any) => e.name === name)?.valueFrom?.secretKeyRef;
  return ref && `${ref.name}/${ref.key}`;
};

describe('where the tool registry Secrets come from', () => {
  test('dev: nothing to create by hand; the generator makes the API key and the database password', () => {
    expect(toolRegistryRefs('dev')).toEqual([]);
    const script = container(rendered.dev.objects, 'Job', 'mcp-secret-generator').command[2] as string;
    expect(script).toMatch(/^generate tool-registry-api-key '.*' API_KEY$/m);
    expect(script).toMatch(/^generate tool-registry-db-credentials '.*' password$/m);
    // The embedding key is a credential issued elsewhere: off in dev, so no prerequisite.
    expect(script).not.toContain('EMBEDDING_API_KEY');
  });

  test('dev: PostgreSQL initialises with the password every client reads (one generated Secret key)', () => {
    const { objects } = rendered.dev;
    const key = 'tool-registry-db-credentials/password';
    expect(secretRef(container(objects, 'StatefulSet', 'tool-registry-db'), 'POSTGRES_PASSWORD')).toBe(key);
    expect(secretRef(container(objects, 'Deployment', 'tool-registry'), 'DATABASE_PASSWORD')).toBe(key);
    expect(secretRef(container(objects, 'Job', 'tool-registry-db-migrate'), 'PGPASSWORD')).toBe(key);
    expect(secretRef(container(objects, 'CronJob', 'tool-registry-db-backup'), 'PGPASSWORD')).toBe(key);
  });

  test('staging: documented prerequisites with their namespace and keys', () => {
    expect(toolRegistryRefs('staging').map(r => `${r.kind} ${r.namespace}/${r.name} [${r.keys.join(',')}]`)).toEqual([
      'Secret mcp-staging/tool-registry-api-key [API_KEY]',
      'Secret mcp-staging/tool-registry-db-credentials [password]',
      'Secret mcp-staging/tool-registry-embedding [EMBEDDING_API_KEY]',
    ]);
  });

  test('prod: only the secret store; CloudNativePG\'s tool-registry-db-app serves the API and the migration; ExternalSecrets with typed remote keys write the API\'s keys', () => {
    const { objects } = rendered.prod;
    // The store is one reference of the whole environment (recorded by the first component that reads from it).
    // Besides the store, only the Barman Cloud ObjectStore its backups go to (with its credentials).
    expect(toolRegistryRefs('prod').filter(r => r.kind !== 'ClusterSecretStore').map(r => `${r.kind} ${r.namespace}/${r.name}`)).toEqual(['ObjectStore mcp-prod/tool-registry-backups']);
    expect(rendered.prod.chart.externalReferences().filter(r => r.kind === 'ClusterSecretStore').map(r => r.name)).toEqual(['mcp-platform']);
    expect(secretRef(container(objects, 'Deployment', 'tool-registry'), 'DATABASE_PASSWORD')).toBe('tool-registry-db-app/password');
    expect(secretRef(container(objects, 'Job', 'tool-registry-db-migrate'), 'PGPASSWORD')).toBe('tool-registry-db-app/password');
    // Backups are the operator's (ScheduledBackup): no backup pod reads a Secret.
    expect(ofKind(objects, 'CronJob').filter(o => o.metadata.name.startsWith('tool-registry'))).toEqual([]);
    expect(find(objects, 'Cluster', 'tool-registry-db').spec.bootstrap.initdb.secret).toBeUndefined();
    const remote = (name: string) => find(objects, 'ExternalSecret', name).spec.data.map((d: any) => `${d.secretKey} <- ${d.remoteRef.key}#${d.remoteRef.property}`);
    expect(remote('tool-registry-api-key')).toEqual(['API_KEY <- mcp/mcp-prod/tool-registry-api-key#API_KEY']);
    expect(remote('tool-registry-embedding')).toEqual(['EMBEDDING_API_KEY <- mcp/mcp-prod/tool-registry-embedding#EMBEDDING_API_KEY']);
  });

  test('prod: a remote key override lands in the ExternalSecret', () => {
    const env = defineEnvironment(withToolRegistry('prod'), { toolRegistry: { secrets: { remoteKeys: { apiKey: { remoteKey: 'vault/tool-registry', property: 'admin' } } } } });
    const es = find(synthEnvironment(env).objects, 'ExternalSecret', 'tool-registry-api-key');
    expect(es.spec.data).toEqual([{ secretKey: 'API_KEY', remoteRef: { key: 'vault/tool-registry', property: 'admin' } }]);
  });
});

describe.each(tiers)('%s: the tool registry\'s NetworkPolicies', tier => {
  const { objects } = rendered[tier];
  const ns = `mcp-${tier}`;
  const ours = (p: Pods) => /\/tool-registry/.test(p.name);

  test('no flow between its pods is allowed on one side only', () => {
    expect(podsOf(objects, ns).filter(ours).length).toBeGreaterThanOrEqual(4);
    expect(oneSidedFlows(objects, ns, ours)).toEqual([]);
  });

  test('the check fails on a broken fixture: the API\'s egress rule to the database removed', () => {
    const broken = objects.map(o => (o.kind === 'NetworkPolicy' && o.metadata.name === 'tool-registry'
      ? { ...o, spec: { ...o.spec, egress: o.spec.egress.filter((r: any) => !r.ports.some((x: any) => x.port === 5432)) } } : o));
    expect(oneSidedFlows(broken, ns, ours)).toContainEqual(expect.stringMatching(/admits Deployment\/tool-registry on 5432, whose egress does not allow it/));
  });

  test('every rule names its ports; the database is matched by pod selector, never by IP block', () => {
    const policies = ofKind(objects, 'NetworkPolicy').filter(p => p.metadata.name.startsWith('tool-registry'));
    for (const p of policies) for (const d of ['ingress', 'egress']) for (const r of p.spec[d] ?? []) expect(r.ports?.length).toBeGreaterThan(0);
    const api = find(objects, 'NetworkPolicy', 'tool-registry');
    const toDb = api.spec.egress.filter((r: any) => r.ports.some((x: any) => x.port === 5432));
    expect(toDb.flatMap((r: any) => r.to).every((peer: any) => peer.podSelector && !peer.ipBlock)).toBe(true);
  });

  test('the API reaches the database on 5432 and the database admits it; the API admits only the ingress controller', () => {
    const pods = podsOf(objects, ns);
    const api = pods.find(p => p.name === 'Deployment/tool-registry')!;
    const db = pods.find(p => p.name === (tier === 'prod' ? 'Pooler/tool-registry-db-pooler-rw' : 'StatefulSet/tool-registry-db'))!;
    expect(evaluate(objects, api, 'egress', db, 5432).allowed).toBe(true);
    expect(evaluate(objects, db, 'ingress', api, 5432).allowed).toBe(true);
    // Nothing of the environment calls it yet unless wired (agents: see apiEndpoint); the Ingress does.
    const peers = find(objects, 'NetworkPolicy', 'tool-registry').spec.ingress.flatMap((r: any) => r.from.map((f: any) => f.namespaceSelector?.matchLabels['kubernetes.io/metadata.name']));
    expect(peers).toEqual(tier === 'dev' ? ['ingress-nginx'] : ['ingress-nginx', 'monitoring']);
  });
});

describe('what the Ingress exposes', () => {
  const paths = (objects: K8sObject[]) => find(objects, 'Ingress', 'tool-registry').spec.rules[0].http.paths.map((p: any) => `${p.pathType} ${p.path}`);

  test('by default only the /mcp tool API: no admin, no docs, no /', () => {
    for (const tier of tiers) expect(paths(rendered[tier].objects)).toEqual(['Prefix /mcp']);
  });

  test('admin and docs on request', () => {
    const env = defineEnvironment(withToolRegistry('staging'), { toolRegistry: { ingress: { routes: ['mcp', 'admin', 'docs'] } } });
    expect(paths(synthEnvironment(env).objects)).toEqual(['Prefix /admin', 'Prefix /docs', 'Prefix /mcp', 'Exact /openapi.json', 'Exact /redoc']);
  });
});

describe('in-cluster callers', () => {
  test('a workload connected to apiEndpoint is admitted on 8000 and let out to it (both sides)', () => {
    const { objects } = synthChart(chart => {
      const registry = new ToolRegistry(chart, 'tool-registry', { image: TEST_IMAGE, embeddingEndpointUrl: 'https://embeddings.example.com/v1/embeddings' });
      const model = Connectivity.of(chart);
      const agents = model.addGroup({ name: 'agents', component: 'McpAgent', podSelector: { 'mcp.platform/agent': 'true' } });
      model.addWorkload(new Construct(chart, 'agent'), {
        name: 'weather', component: 'McpAgent', podSelector: { 'app.kubernetes.io/name': 'weather', 'mcp.platform/agent': 'true' }, groups: [agents],
        networkPolicy: { name: 'weather', labels: {}, ingress: true, egress: true },
      });
      model.connect(agents, registry.apiEndpoint, 'agents look tools up');
    });
    const agent: Pods = { name: 'agent', namespace: 'test', labels: { 'app.kubernetes.io/name': 'weather', 'mcp.platform/agent': 'true' } };
    const api = podsOf(objects, 'test').find(p => p.name === 'Deployment/tool-registry')!;
    expect(evaluate(objects, api, 'ingress', agent, 8000)).toEqual({ isolated: true, allowed: true });
    expect(evaluate(objects, agent, 'egress', api, 8000)).toEqual({ isolated: true, allowed: true });
  });

  test('declared clients: a workload by name (both sides) and a namespace outside the platform (ingress only)', () => {
    const { objects } = synthChart(chart => {
      Connectivity.of(chart).addWorkload(chart, {
        name: 'indexer', component: 'Batch', podSelector: { app: 'indexer' }, networkPolicy: { name: 'indexer', labels: {}, ingress: true, egress: true },
      });
      new ToolRegistry(chart, 'tool-registry', {
        image: TEST_IMAGE, embeddingEndpointUrl: 'https://embeddings.example.com/v1/embeddings',
        networkPolicy: { clients: [{ workload: 'indexer' }, { namespace: 'batch' }] },
      });
    });
    const api = podsOf(objects, 'test').find(p => p.name === 'Deployment/tool-registry')!;
    const indexer: Pods = { name: 'indexer', namespace: 'test', labels: { app: 'indexer' } };
    expect(evaluate(objects, api, 'ingress', indexer, 8000).allowed).toBe(true);
    expect(evaluate(objects, indexer, 'egress', api, 8000).allowed).toBe(true);
    expect(evaluate(objects, api, 'ingress', { name: 'batch job', namespace: 'batch', labels: { any: 'pod' } }, 8000).allowed).toBe(true);
  });
});

describe('the README restore recipe against the rendered policies', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## ToolRegistry'));
  // The whole `kubectl run` command, its multi-line --overrides included.
  const run = section.slice(section.indexOf('kubectl -n $NS run restore'), section.indexOf('# Inside the pod:'));
  const labels = Object.fromEntries(run.match(/--labels=(\S+)/)![1].split(',').map(kv => kv.split('=')));

  test.each(['dev', 'staging'] as const)('%s: the helper pod the README starts may reach PostgreSQL and is admitted by it', tier => {
    const { objects } = rendered[tier];
    const ns = `mcp-${tier}`;
    const helper: Pods = { name: 'restore', namespace: ns, labels };
    const db = podsOf(objects, ns).find(p => p.name === 'StatefulSet/tool-registry-db')!;
    expect(evaluate(objects, db, 'ingress', helper, 5432)).toEqual({ isolated: true, allowed: true });
    expect(evaluate(objects, helper, 'egress', db, 5432)).toEqual({ isolated: true, allowed: true });
    const dns: Pods = { name: 'dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
    expect(evaluate(objects, helper, 'egress', dns, 53).allowed).toBe(true);
    // The recipe reads the same password Secret the database was initialised with.
    expect(run).toContain('"secretKeyRef":{"name":"tool-registry-db-credentials","key":"password"}');
  });
});

const describeWithPostgres = postgresAvailable() ? describe : describe.skip;

describeWithPostgres('dev against PostgreSQL 15: the API\'s composed DATABASE_URL logs in with the password PostgreSQL was initialised with', () => {
  let pg: TestPostgres;
  const password = 'Gen3ratedAlnum0123456789abcdefghijKLMNOP'; // 40 alphanumerics, as the generator writes
  const { objects } = rendered.dev;
  const secrets = [fakeSecret('tool-registry-db-credentials', { password }, 'mcp-dev'), fakeSecret('tool-registry-api-key', { API_KEY: 'k'.repeat(40) }, 'mcp-dev')];

  beforeAll(async () => {
    pg = await startPostgres();
    // Require passwords over TCP for everyone but the test's superuser.
    const hba = pg.psql('SHOW hba_file');
    fs.writeFileSync(hba, 'local all all trust\nhost all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n');
    pg.psql('SELECT pg_reload_conf()');
    // What the postgres image's entrypoint does with the StatefulSet's env.
    const db = kubeletEnvironment([...objects, ...secrets], { workload: 'tool-registry-db', kind: 'StatefulSet', container: 'postgres' }, { serviceLinks: false }).env;
    pg.psql(`CREATE ROLE ${db.POSTGRES_USER} LOGIN PASSWORD '${db.POSTGRES_PASSWORD}'`);
    pg.psql(`CREATE DATABASE ${db.POSTGRES_DB} OWNER ${db.POSTGRES_USER}`);
  });
  afterAll(() => pg?.stop());

  const psqlWith = (url: string) => spawnSync('/usr/lib/postgresql/15/bin/psql', ['-X', '-At', '-d', url, '-c', 'SELECT current_user || \' \' || current_database()'], { encoding: 'utf8' });
  const local = (url: string) => url.replace('postgresql+asyncpg://', 'postgresql://').replace(/@tool-registry-db:5432\//, `@${pg.host}:${pg.port}/`);

  test('the kubelet-built URL connects as the owner to its database', () => {
    const api = kubeletEnvironment([...objects, ...secrets], { workload: 'tool-registry', kind: 'Deployment', container: 'tool-registry' }, { serviceLinks: false }).env;
    expect(api.DATABASE_URL).toBe(`postgresql+asyncpg://tool_registry:${password}@tool-registry-db:5432/tool_registry`);
    const r = psqlWith(local(api.DATABASE_URL));
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('tool_registry tool_registry');
  });

  test('control: another password is refused, so the login above proves the two sides agree', () => {
    const r = psqlWith(`postgresql://tool_registry:not-the-generated-one@${pg.host}:${pg.port}/tool_registry`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('password authentication failed');
  });
});
