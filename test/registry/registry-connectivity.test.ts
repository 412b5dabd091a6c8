import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Connectivity, endpointLabel } from '../../src/connectivity/connectivity';
import { defineEnvironment } from '../../src/platform/environment';
import { devEnvironment, prodEnvironment, stagingEnvironment } from '../../src/platform/presets';
import { Registry, RegistryProps } from '../../src/registry/registry';
import { K8sObject } from '../support/invariants';
import { find, ofKind, synthChart, synthEnvironment } from '../support/synth';
import { connection, Party, podOf } from './policies';

const DB_SECRET = { secretName: 'registry-db', key: 'uri' };
const REGISTRY = (objects: K8sObject[]) => podOf(objects, 'StatefulSet', 'mcp-mesh-registry');
const BACKUP = (objects: K8sObject[]) => podOf(objects, 'CronJob', 'mcp-mesh-registry-backup');
const RESTORE = (objects: K8sObject[]) => podOf(objects, 'CronJob', 'mcp-mesh-registry-restore');

/** A client Deployment of the same chart, added to the model by name. */
function withClient(chart: Chart, name: string, labels: Record<string, string>): void {
  const d = new kplus.Deployment(chart, name, { metadata: { name }, select: false, podMetadata: { labels } });
  d.select(kplus.LabelSelector.of({ labels }));
  d.addContainer({ image: 'busybox:1.36', securityContext: { ensureNonRoot: false } });
  Connectivity.of(chart).addWorkload(d, { name, component: 'Test', podSelector: labels, networkPolicy: { name, labels, ingress: true, egress: true } });
}

function render(props: RegistryProps, build?: (chart: Chart) => void) {
  return synthChart(chart => {
    build?.(chart);
    new Registry(chart, 'registry', props);
  }, 'mcp');
}

describe('where the registry\'s PostgreSQL is', () => {
  const pgPods: Party = { labels: { 'cnpg.io/cluster': 'registry-db', role: 'primary' }, namespace: 'db' };
  const otherPods: Party = { labels: { app: 'other' }, namespace: 'apps' };

  test('a cluster Service host admits the pods of its namespace, by namespace selector, on the port only', () => {
    for (const host of ['registry-db-rw.db.svc', 'registry-db-rw.db.svc.cluster.local']) {
      const { objects } = render({ database: { type: 'postgres', url: DB_SECRET, host } });
      for (const pod of [REGISTRY(objects), BACKUP(objects), RESTORE(objects)]) {
        expect(connection(objects, pod, pgPods, 5432).egress).toBe(true);
        expect(connection(objects, pod, pgPods, 5433).egress).toBe(false);
        expect(connection(objects, pod, otherPods, 5432).egress).toBe(false);
        expect(connection(objects, pod, { ip: '203.0.113.9' }, 5432).egress).toBe(false);
      }
      const rules = find(objects, 'NetworkPolicy', 'mcp-mesh-registry').spec.egress;
      expect(rules).toContainEqual({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'db' } } }], ports: [{ port: 5432, protocol: 'TCP' }] });
      expect(JSON.stringify(rules)).not.toContain('ipBlock');
    }
  });

  test('a bare Service name means the registry\'s own namespace', () => {
    const { objects } = render({ database: { type: 'postgres', url: DB_SECRET, host: 'registry-db-rw' } });
    expect(connection(objects, REGISTRY(objects), { labels: { app: 'pg' }, namespace: 'mcp' }, 5432).egress).toBe(true);
    expect(connection(objects, REGISTRY(objects), pgPods, 5432).egress).toBe(false);
  });

  test('an in-cluster peer by pod labels admits only those pods', () => {
    const { objects } = render({ database: { type: 'postgres', url: DB_SECRET, port: 6432, peer: { namespace: 'db', podLabels: { 'cnpg.io/cluster': 'registry-db' } } } });
    expect(connection(objects, REGISTRY(objects), pgPods, 6432).egress).toBe(true);
    expect(connection(objects, REGISTRY(objects), { labels: { 'cnpg.io/cluster': 'other' }, namespace: 'db' }, 6432).egress).toBe(false);
    expect(connection(objects, BACKUP(objects), pgPods, 6432).egress).toBe(true);
  });

  test('an external server by CIDR: an ipBlock on the port, nothing wider', () => {
    const { objects } = render({ database: { type: 'postgres', url: DB_SECRET, peer: { cidr: '10.20.0.5/32' } } });
    for (const pod of [REGISTRY(objects), BACKUP(objects), RESTORE(objects)]) {
      expect(connection(objects, pod, { ip: '10.20.0.5' }, 5432).egress).toBe(true);
      expect(connection(objects, pod, { ip: '10.20.0.6' }, 5432).egress).toBe(false);
    }
    expect(JSON.stringify(ofKind(objects, 'NetworkPolicy'))).not.toContain('0.0.0.0/0');
  });

  test('the presets never open 0.0.0.0/0 to the registry\'s pods', () => {
    for (const env of [devEnvironment(), stagingEnvironment(), prodEnvironment()]) {
      const policies = synthEnvironment(env).objects.filter(o => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('mcp-mesh-registry'));
      expect(policies.map(p => p.metadata.name).sort()).toEqual(['mcp-mesh-registry', 'mcp-mesh-registry-backup', 'mcp-mesh-registry-restore']);
      expect(JSON.stringify(policies)).not.toContain('0.0.0.0/0');
    }
  });

  test('SQLite: the backup and restore pods have no network flow at all, the registry only DNS', () => {
    const { objects } = render({});
    for (const name of ['mcp-mesh-registry-backup', 'mcp-mesh-registry-restore']) {
      expect(find(objects, 'NetworkPolicy', name).spec).toMatchObject({ policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] });
    }
    const egress = find(objects, 'NetworkPolicy', 'mcp-mesh-registry').spec.egress;
    expect(egress.flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([53, 53]);
  });
});

describe('who may call the registry', () => {
  const ui = { app: 'ui' };

  test('a declared client workload: both its egress and the registry\'s ingress follow, on the API port only', () => {
    const { objects } = render({ networkPolicy: { clients: [{ workload: 'ui' }] } }, chart => withClient(chart, 'ui', ui));
    const client = podOf(objects, 'Deployment', 'ui');
    expect(connection(objects, client, REGISTRY(objects), 8000)).toEqual({ egress: true, ingress: true });
    expect(connection(objects, client, REGISTRY(objects), 8001)).toEqual({ egress: false, ingress: false });
  });

  test('a client outside the platform is admitted on the registry\'s side', () => {
    const { objects } = render({ networkPolicy: { clients: [{ namespace: 'web', podLabels: ui }, { cidr: '192.0.2.0/24' }] } });
    expect(connection(objects, { labels: ui, namespace: 'web' }, REGISTRY(objects), 8000).ingress).toBe(true);
    expect(connection(objects, { labels: ui, namespace: 'other' }, REGISTRY(objects), 8000).ingress).toBe(false);
    expect(connection(objects, { ip: '192.0.2.7' }, REGISTRY(objects), 8000).ingress).toBe(true);
  });

  test('admin clients reach the admin port only, and named ones get the egress', () => {
    const { objects } = render({ admin: { clients: [{ workload: 'ui' }] } }, chart => withClient(chart, 'ui', ui));
    const client = podOf(objects, 'Deployment', 'ui');
    expect(connection(objects, client, REGISTRY(objects), 8001)).toEqual({ egress: true, ingress: true });
    expect(connection(objects, client, REGISTRY(objects), 8000)).toEqual({ egress: false, ingress: false });
  });

  test('nobody calls a registry on its own: no ingress rule, no Prometheus (no metrics), nothing into backup or restore', () => {
    const { objects } = render({});
    const prometheus: Party = { labels: { 'app.kubernetes.io/name': 'prometheus' }, namespace: 'monitoring' };
    expect(find(objects, 'NetworkPolicy', 'mcp-mesh-registry').spec.ingress).toEqual([]);
    expect(connection(objects, prometheus, REGISTRY(objects), 8000).ingress).toBe(false);
  });

  test('the registry exposes its pods and API port for the agents\' flow', () => {
    synthChart(chart => {
      const r = new Registry(chart, 'registry');
      expect(r.workload).toMatchObject({ kind: 'workload', name: 'mcp-mesh-registry', component: 'Registry', podSelector: r.selector, isolation: { ingress: true, egress: true } });
      expect(r.apiEndpoint).toEqual({ target: r.workload, ports: [{ port: 8000 }] });
      expect(r.adminEndpoint).toBeUndefined();
      expect(Connectivity.of(chart).workloads.map(w => w.name)).toEqual(['mcp-mesh-registry', 'mcp-mesh-registry-backup', 'mcp-mesh-registry-restore']);
    });
  });

  test('networkPolicy.enabled false renders no policy, but the model still knows the pods', () => {
    const { objects, chart } = render({ networkPolicy: { enabled: false }, database: { type: 'postgres', url: DB_SECRET } });
    expect(ofKind(objects, 'NetworkPolicy')).toEqual([]);
    expect(Connectivity.of(chart).workloads.every(w => !w.isolation.ingress && !w.isolation.egress)).toBe(true);
  });
});

describe('tracing servers are placed by their host', () => {
  test('cluster Service hosts: each server\'s namespace on its own port', () => {
    const { objects } = render({ tracing: { redisUrl: 'redis://redis.cache.svc:6380/0', telemetryEndpoint: 'tempo.monitoring.svc.cluster.local:4317' } });
    const registry = REGISTRY(objects);
    expect(connection(objects, registry, { labels: {}, namespace: 'cache' }, 6380).egress).toBe(true);
    expect(connection(objects, registry, { labels: {}, namespace: 'cache' }, 4317).egress).toBe(false);
    expect(connection(objects, registry, { labels: {}, namespace: 'monitoring' }, 4317).egress).toBe(true);
    expect(JSON.stringify(find(objects, 'NetworkPolicy', 'mcp-mesh-registry'))).not.toContain('ipBlock');
  });
});

describe('the restore is a rendered workload the policies admit', () => {
  test.each([
    ['dev (SQLite)', devEnvironment()],
    ['prod (PostgreSQL)', prodEnvironment()],
  ])('%s: the restore pods are selected by their own policy, which allows what the restore does', (_label, env) => {
    const { objects } = synthEnvironment(env);
    const restore = find(objects, 'CronJob', 'mcp-mesh-registry-restore');
    expect(restore.spec.suspend).toBe(true);
    const pod = RESTORE(objects) as { labels: Record<string, string>; namespace: string };
    const selecting = ofKind(objects, 'NetworkPolicy').filter(p => p.metadata.namespace === pod.namespace
      && Object.entries(p.spec.podSelector.matchLabels ?? {}).every(([k, v]) => pod.labels[k] === v));
    expect(selecting.map(p => p.metadata.name)).toEqual(['mcp-mesh-registry-restore']);
    const dns: Party = { labels: { 'k8s-app': 'kube-dns' }, namespace: 'kube-system' };
    if (env.name === 'prod') {
      expect(connection(objects, pod, { ip: '10.1.2.3' }, 5432).egress).toBe(true);
      expect(connection(objects, pod, dns, 53).egress).toBe(true);
      expect(restore.spec.jobTemplate.spec.template.spec.containers[0].env).toContainEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'mcp-mesh-registry-db', key: 'uri', optional: false } } });
    } else {
      // Volumes only: the policy isolates it completely, which is all the restore needs.
      expect(connection(objects, pod, dns, 53).egress).toBe(false);
    }
    // The restore reads the backups the backup writes.
    const volumes = restore.spec.jobTemplate.spec.template.spec.volumes.map((v: any) => v.persistentVolumeClaim?.claimName).filter(Boolean);
    expect(volumes).toContain('mcp-mesh-registry-backup');
  });
});

test('the README\'s restore of a named backup: the Job kubectl makes from the template keeps the admitted labels and gets RESTORE_FILE', () => {
  const { objects } = synthEnvironment(prodEnvironment());
  const cron = find(objects, 'CronJob', 'mcp-mesh-registry-restore');
  // What `kubectl create job --from=cronjob/...` builds (kubectl create job: the jobTemplate's metadata and spec).
  const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'registry-restore-1', namespace: 'mcp-prod', annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' } }, spec: cron.spec.jobTemplate.spec };
  const readme = fs.readFileSync('README.md', 'utf8');
  expect(readme).toContain('kubectl set env --local -f - RESTORE_FILE=mcp-mesh-registry-backup-20250101T020000Z.dump -o yaml');
  const out = JSON.parse(execFileSync('kubectl', ['set', 'env', '--local', '-f', '-', 'RESTORE_FILE=mcp-mesh-registry-backup-20250101T020000Z.dump', '-o', 'json'], { input: JSON.stringify(job), encoding: 'utf8' }));
  const template = out.spec.template;
  expect(template.spec.containers[0].env).toContainEqual({ name: 'RESTORE_FILE', value: 'mcp-mesh-registry-backup-20250101T020000Z.dump' });
  expect(template.spec.containers[0].env).toContainEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'mcp-mesh-registry-db', key: 'uri', optional: false } } });
  const pod: Party = { labels: template.metadata.labels, namespace: 'mcp-prod' };
  expect(connection(objects, pod, { ip: '10.3.4.5' }, 5432).egress).toBe(true);
});

test('the connectivity document lists every flow out of the registry\'s workloads, with ports and reasons', () => {
  const { chart } = synthEnvironment(prodEnvironment());
  const out = chart.connectivity.flows.filter(f => f.from.kind === 'workload' && f.from.component === 'Registry');
  expect(out.map(f => `${endpointLabel(f.from)} -> ${endpointLabel(f.to)} ${f.ports.map(p => `${p.protocol ?? 'TCP'}/${p.port}`).join(',')}: ${f.reason}`)).toEqual([
    'mcp-mesh-registry -> cluster DNS UDP/53,TCP/53: name resolution',
    'mcp-mesh-registry -> PostgreSQL (10.0.0.0/8) TCP/5432: stores agents and their capabilities',
    'mcp-mesh-registry-backup -> cluster DNS UDP/53,TCP/53: name resolution',
    'mcp-mesh-registry-backup -> PostgreSQL (10.0.0.0/8) TCP/5432: backs up the database (pg_dump)',
    'mcp-mesh-registry-restore -> cluster DNS UDP/53,TCP/53: name resolution',
    'mcp-mesh-registry-restore -> PostgreSQL (10.0.0.0/8) TCP/5432: restores a backup (pg_restore)',
    'mcp-mesh-registry -> agents (group) TCP/8080: the registry proxies MCP calls (/proxy/*, meshctl call) to agents',
  ]);
});

describe('prerequisites of the registry', () => {
  const registryRefs = (env: ReturnType<typeof prodEnvironment>) =>
    synthEnvironment(env).chart.externalReferences().filter(r => r.referencedBy.endsWith('/registry') || r.referencedBy.includes('/registry/'));

  test('dev (SQLite): none', () => expect(registryRefs(devEnvironment())).toEqual([]));

  test('prod: only the secret store; the database URI Secret comes from an ExternalSecret', () => {
    expect(registryRefs(prodEnvironment()).map(r => `${r.kind}/${r.name}`)).toEqual(['ClusterSecretStore/mcp-platform']);
    const es = find(synthEnvironment(prodEnvironment()).objects, 'ExternalSecret', 'mcp-mesh-registry-db');
    expect(es.spec.data).toEqual([{ secretKey: 'uri', remoteRef: { key: 'mcp/mcp-prod/mcp-mesh-registry-db', property: 'uri' } }]);
  });

  test('prod with a typed remote key for the URI', () => {
    const env = defineEnvironment(prodEnvironment(), { registry: { database: { ...(prodEnvironment().registry!.database as any), urlRemoteKey: { remoteKey: 'databases/registry', property: 'dsn' } } } });
    const es = find(synthEnvironment(env).objects, 'ExternalSecret', 'mcp-mesh-registry-db');
    expect(es.spec.data).toEqual([{ secretKey: 'uri', remoteRef: { key: 'databases/registry', property: 'dsn' } }]);
  });

  test('staging: the database URI Secret is a documented prerequisite (it names a server the platform does not run)', () => {
    expect(registryRefs(stagingEnvironment()).map(r => ({ kind: r.kind, namespace: r.namespace, name: r.name, keys: r.keys }))).toEqual([
      { kind: 'Secret', namespace: 'mcp-staging', name: 'mcp-mesh-registry-db', keys: ['uri'] },
    ]);
  });

  test('generated secrets cannot produce an external database URI: it stays a prerequisite', () => {
    const env = defineEnvironment(devEnvironment(), { registry: { replicas: 1, database: { type: 'postgres', url: DB_SECRET, host: 'pg.db.svc' } } });
    expect(registryRefs(env).map(r => `${r.kind}/${r.name}:${r.keys.join(',')}`)).toEqual(['Secret/registry-db:uri']);
  });
});
