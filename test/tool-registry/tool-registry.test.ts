import { Chart, Testing } from 'cdk8s';
import { McpConfigError } from '../../src/common/errors';
import { isPolicySubject } from '../../src/common/policy-facts';
import { McpPlatformChart } from '../../src/platform/platform-chart';
import { defineEnvironment, McpEnvironment } from '../../src/platform/environment';
import { devEnvironment, prodEnvironment, stagingEnvironment } from '../../src/platform/presets';
import { PgvectorDatabase, PgvectorDatabaseProps } from '../../src/tool-registry/pgvector-database';
import { ToolRegistry, ToolRegistryProps } from '../../src/tool-registry/tool-registry';
import { TOOL_REGISTRY_PRESETS } from '../../src/tool-registry/tool-registry-presets';
import { checkInvariants } from '../support/invariants';
import { SchemaValidator } from '../support/schema';
import { synthChart, synthEnvironment } from '../support/synth';
import { find, K8sObject, ofKind, TEST_IMAGE, withToolRegistry } from './helpers';

const schema = new SchemaValidator();

const base: ToolRegistryProps = {
  image: TEST_IMAGE,
  embeddingEndpointUrl: 'https://embeddings.example.com/v1/embeddings',
  embeddingApiKey: true,
};

const statefulset = synthChart(chart => new ToolRegistry(chart, 'tool-registry', base));
const cnpg = synthChart(chart => new ToolRegistry(chart, 'tool-registry', {
  ...base,
  ingress: { host: 'tools.example.com', tls: { clusterIssuer: 'letsencrypt-prod' } },
  monitoring: { scrape: true, prometheusRule: true, dashboard: true, labels: { release: 'kube-prometheus-stack' }, runbookBaseUrl: 'https://runbooks.example.com/tool-registry' },
  database: TOOL_REGISTRY_PRESETS.prod.database,
}));

/** Each peer of a policy direction as `<ports> <namespace>/<labels>` (component label only for app.kubernetes.io pods). */
function peers(policy: K8sObject, direction: 'ingress' | 'egress'): string[] {
  return (policy.spec[direction] ?? []).flatMap((rule: any) => (rule[direction === 'ingress' ? 'from' : 'to']).map((p: any) => {
    const ports = rule.ports.map((x: any) => `${x.port}${x.protocol === 'UDP' ? '/UDP' : ''}`).join(',');
    if (p.ipBlock) return `${ports} ${p.ipBlock.cidr}`;
    const ns = p.namespaceSelector ? `${p.namespaceSelector.matchLabels['kubernetes.io/metadata.name']}/` : '';
    const labels = p.podSelector?.matchLabels ?? {};
    const shown = labels['app.kubernetes.io/component'] && labels['app.kubernetes.io/instance'] ? { 'app.kubernetes.io/component': labels['app.kubernetes.io/component'] } : labels;
    return `${ports} ${ns}${Object.entries(shown).map(([k, v]) => `${k}=${v}`).join(',')}`;
  }));
}

const podSpec = (o: K8sObject) => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec);
const errorOf = (build: (chart: Chart) => void): McpConfigError => {
  try {
    build(new Chart(Testing.app(), 'test', { namespace: 'test' }));
  } catch (e) {
    if (e instanceof McpConfigError) return e;
    throw e;
  }
  throw new Error('expected an McpConfigError');
};

describe.each([['statefulset backend', statefulset], ['cloudnative-pg backend with Ingress and monitoring', cnpg]] as const)('ToolRegistry, %s', (_name, { objects, externals }) => {
  test('matches the snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('holds every platform invariant', () => {
    expect(checkInvariants(objects, externals)).toEqual([]);
  });

  test('every object validates against the Kubernetes 1.28 or CRD schema', () => {
    expect(objects.flatMap(o => schema.validate(o))).toEqual([]);
  });

  test('renders no Secret; with the default provisioning the API key, embedding key and (statefulset) password are prerequisites', () => {
    expect(ofKind(objects, 'Secret')).toEqual([]);
    expect(externals.Secret).toEqual(_name.startsWith('statefulset')
      ? ['tool-registry-api-key', 'tool-registry-db-credentials', 'tool-registry-embedding']
      // CloudNativePG writes tool-registry-db-app itself.
      : ['tool-registry-api-key', 'tool-registry-embedding']);
  });

  test('the API: Deployment on 8000, Service 80 -> named port, ConfigMap, secret refs, emptyDirs, probes', () => {
    const deployment = find(objects, 'Deployment', 'tool-registry');
    const spec = podSpec(deployment);
    const c = spec.containers[0];
    expect(c.ports).toEqual([{ containerPort: 8000, name: 'http' }]);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) expect(c[probe].httpGet).toMatchObject({ path: '/health', port: 8000 });
    expect(find(objects, 'Service', 'tool-registry').spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    expect(Object.keys(find(objects, 'ConfigMap', 'tool-registry-config').data).sort()).toEqual(['CORS_ORIGINS', 'EMBEDDING_ENDPOINT_URL', 'ENABLE_CACHE', 'LOG_LEVEL', 'WORKERS']);
    const secretEnv = Object.fromEntries(c.env.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => [e.name, `${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`]));
    const password = _name.startsWith('statefulset') ? 'tool-registry-db-credentials/password' : 'tool-registry-db-app/password';
    expect(secretEnv).toEqual({ DATABASE_PASSWORD: password, API_KEY: 'tool-registry-api-key/API_KEY', EMBEDDING_API_KEY: 'tool-registry-embedding/EMBEDDING_API_KEY' });
    // DATABASE_URL is composed by the kubelet after the password it expands, on the host clients use.
    const names = c.env.map((e: any) => e.name);
    expect(names.indexOf('DATABASE_PASSWORD')).toBeLessThan(names.indexOf('DATABASE_URL'));
    const host = _name.startsWith('statefulset') ? 'tool-registry-db' : 'tool-registry-db-pooler-rw';
    expect(c.env.find((e: any) => e.name === 'DATABASE_URL').value).toBe(`postgresql+asyncpg://tool_registry:$(DATABASE_PASSWORD)@${host}:5432/tool_registry`);
    const mounts = Object.fromEntries(c.volumeMounts.map((m: any) => [m.mountPath, spec.volumes.find((v: any) => v.name === m.name)]));
    expect(mounts['/app/tmp'].emptyDir).toBeDefined();
    expect(mounts['/app/logs'].emptyDir).toBeDefined();
    expect(spec.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
  });

  test('HPA 2..50 at 70 % CPU and 80 % memory, and a PDB over the same pods', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'tool-registry');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 50, scaleTargetRef: { kind: 'Deployment', name: 'tool-registry' } });
    expect(hpa.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([['cpu', 70], ['memory', 80]]);
    expect(find(objects, 'PodDisruptionBudget', 'tool-registry').spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: find(objects, 'Deployment', 'tool-registry').spec.selector.matchLabels } });
  });

  test('NetworkPolicies: the API admits the ingress controller and Prometheus only when routed and scraped; Postgres admits the API and its own jobs', () => {
    const statefulsetBackend = _name.startsWith('statefulset');
    const api = find(objects, 'NetworkPolicy', 'tool-registry');
    // A standalone statefulset chart has no Ingress and no ServiceMonitor: nothing may call the API.
    expect(peers(api, 'ingress')).toEqual(statefulsetBackend ? [] : ['8000 ingress-nginx/app.kubernetes.io/name=ingress-nginx', '8000 monitoring/app.kubernetes.io/name=prometheus']);
    // DNS, the database's client endpoint (the Pooler with CloudNativePG), the embedding endpoint's port.
    expect(peers(api, 'egress')).toEqual([
      '53/UDP,53 kube-system/k8s-app=kube-dns',
      statefulsetBackend ? '5432 app.kubernetes.io/component=database' : '5432 cnpg.io/poolerName=tool-registry-db-pooler-rw',
      '443 0.0.0.0/0',
    ]);
    const db = find(objects, 'NetworkPolicy', 'tool-registry-db');
    expect(peers(db, 'ingress')).toEqual(statefulsetBackend
      ? ['5432 app.kubernetes.io/component=database-migration', '5432 app.kubernetes.io/component=database-backup', '5432 app.kubernetes.io/component=tool-registry']
      : ['5432 cnpg.io/cluster=tool-registry-db,cnpg.io/podRole=instance', '5432 cnpg.io/poolerName=tool-registry-db-pooler-rw', '5432 app.kubernetes.io/component=database-migration',
        '8000,5432 cnpg-system/app.kubernetes.io/name=cloudnative-pg', '9187 monitoring/app.kubernetes.io/name=prometheus']);
    if (!statefulsetBackend) {
      const pooler = find(objects, 'NetworkPolicy', 'tool-registry-db-pooler-rw');
      expect(peers(pooler, 'ingress')).toEqual(['9127 monitoring/app.kubernetes.io/name=prometheus', '5432 app.kubernetes.io/component=tool-registry']);
    }
  });

  test('the migration Job waits for the database, then applies the schema ConfigMap in one transaction', () => {
    const job = ofKind(objects, 'Job')[0];
    const c = podSpec(job).containers[0];
    expect(c.command[2]).toMatch(/until pg_isready[\s\S]*exec psql -X --no-password -v ON_ERROR_STOP=1 --single-transaction/);
    expect(podSpec(job).volumes.find((v: any) => v.configMap)?.configMap.name).toBe('tool-registry-db-schema');
    expect(job.metadata.name).toMatch(/^tool-registry-db-migrate-[0-9a-f]{8}$/);
  });
});

describe('statefulset backend', () => {
  const sts = find(statefulset.objects, 'StatefulSet', 'tool-registry-db');
  const spec = podSpec(sts);

  test('pinned pgvector image, UID 999 with fsGroup, PGDATA below the volume, writable emptyDirs, pg_isready probes', () => {
    const c = spec.containers[0];
    expect(c.image).toBe('pgvector/pgvector:0.8.0-pg16');
    expect(spec.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999, runAsNonRoot: true });
    expect(c.env.find((e: any) => e.name === 'PGDATA').value).toBe('/var/lib/postgresql/data/pgdata');
    expect(c.env.find((e: any) => e.name === 'POSTGRES_PASSWORD').valueFrom.secretKeyRef).toMatchObject({ name: 'tool-registry-db-credentials', key: 'password' });
    const mounts = c.volumeMounts.map((m: any) => m.mountPath).sort();
    expect(mounts).toEqual(['/dev/shm', '/tmp', '/var/lib/postgresql/data', '/var/run/postgresql']);
    expect(c.readinessProbe.exec.command[0]).toBe('pg_isready');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    expect(find(statefulset.objects, 'Service', 'tool-registry-db').spec.clusterIP).toBe('None');
  });

  test('the database pods get no egress at all', () => {
    expect(find(statefulset.objects, 'NetworkPolicy', 'tool-registry-db').spec).toMatchObject({ policyTypes: ['Ingress', 'Egress'], egress: [] });
  });

  test('the pg_dump CronJob reuses DatabaseBackup: Forbid, deadlines, backup PVC', () => {
    const cron = find(statefulset.objects, 'CronJob', 'tool-registry-db-backup');
    expect(cron.spec).toMatchObject({ concurrencyPolicy: 'Forbid', schedule: '0 2 * * *' });
    expect(find(statefulset.objects, 'PersistentVolumeClaim', 'tool-registry-db-backup')).toBeDefined();
  });
});

describe('cloudnative-pg backend', () => {
  const cluster = find(cnpg.objects, 'Cluster', 'tool-registry-db');

  test('Cluster with instances, storage, pgvector image and initdb running the schema ConfigMap', () => {
    expect(cluster.spec).toMatchObject({
      instances: 3, imageName: 'ghcr.io/cloudnative-pg/postgresql:17.6-standard-trixie', enablePDB: true,
      storage: { size: '50Gi' },
      bootstrap: { initdb: { database: 'tool_registry', owner: 'tool_registry', postInitApplicationSQLRefs: { configMapRefs: [{ name: 'tool-registry-db-schema', key: 'schema.sql' }] } } },
      plugins: [{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'tool-registry-backups' } }],
    });
    // No initdb Secret: the operator writes tool-registry-db-app, which every client reads.
    expect(cluster.spec.bootstrap.initdb.secret).toBeUndefined();
    // The schema ConfigMap is applied before the Cluster that reads it at bootstrap.
    const names = cnpg.objects.map(o => `${o.kind}/${o.metadata.name}`);
    expect(names.indexOf('ConfigMap/tool-registry-db-schema')).toBeLessThan(names.indexOf('Cluster/tool-registry-db'));
  });

  test('ScheduledBackup with the plugin, a Pooler, and PodMonitors for instances and poolers', () => {
    expect(find(cnpg.objects, 'ScheduledBackup', 'tool-registry-db-backup').spec).toMatchObject({ cluster: { name: 'tool-registry-db' }, schedule: '0 0 2 * * *', method: 'plugin', pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' } });
    expect(find(cnpg.objects, 'Pooler', 'tool-registry-db-pooler-rw').spec).toMatchObject({ cluster: { name: 'tool-registry-db' }, type: 'rw', instances: 2, pgbouncer: { poolMode: 'session' } });
    expect(find(cnpg.objects, 'PodMonitor', 'tool-registry-db').spec.selector.matchLabels).toEqual({ 'cnpg.io/cluster': 'tool-registry-db', 'cnpg.io/podRole': 'instance' });
    expect(find(cnpg.objects, 'PodMonitor', 'tool-registry-db-pooler-rw').spec.selector.matchLabels).toEqual({ 'cnpg.io/poolerName': 'tool-registry-db-pooler-rw' });
    expect(ofKind(cnpg.objects, 'CronJob')).toEqual([]);
  });

  test('Ingress with TLS issued by cert-manager through the ingress-shim annotation (one TLS meaning, no Certificate object)', () => {
    const ingress = find(cnpg.objects, 'Ingress', 'tool-registry');
    expect(ingress.spec.tls).toEqual([{ hosts: ['tools.example.com'], secretName: 'tool-registry-tls' }]);
    expect(ingress.metadata.annotations).toMatchObject({ 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' });
    expect(ofKind(cnpg.objects, 'Certificate')).toEqual([]);
  });

  test('PrometheusRules for the API and the database, with severity labels, runbook anchors and the monitoring labels', () => {
    const api = find(cnpg.objects, 'PrometheusRule', 'tool-registry');
    const db = find(cnpg.objects, 'PrometheusRule', 'tool-registry-db');
    expect(api.spec.groups[0].rules.map((r: any) => r.alert)).toEqual(['ToolRegistryUnavailable', 'ToolRegistryRestarting', 'ToolRegistryHighErrorRate', 'ToolRegistryHighLatency', 'ToolRegistryCpuExhaustion', 'ToolRegistryMemoryExhaustion', 'ToolRegistryAutoscalerAtMaximum']);
    expect(db.spec.groups[0].rules.map((r: any) => r.alert)).toEqual(['ToolRegistryDatabaseUnavailable', 'ToolRegistryDatabaseInstanceNotReady', 'ToolRegistryDatabaseReplicationLag', 'ToolRegistryDatabaseBackupTooOld', 'ToolRegistryDatabasePoolerUnavailable']);
    for (const rule of [api, db]) {
      expect(rule.metadata.labels!.release).toBe('kube-prometheus-stack');
      for (const r of rule.spec.groups[0].rules) {
        expect(['critical', 'warning']).toContain(r.labels.severity);
        expect(r.annotations).toMatchObject({ summary: expect.any(String), description: expect.any(String), runbook: expect.any(String), runbook_url: `https://runbooks.example.com/tool-registry#${r.alert.toLowerCase()}` });
      }
    }
    for (const kind of ['ServiceMonitor', 'PodMonitor']) for (const m of ofKind(cnpg.objects, kind)) expect(m.metadata.labels!.release).toBe('kube-prometheus-stack');
  });

  test('the Grafana dashboard ConfigMap carries the sidecar label and only contract and kube-state-metrics panels', () => {
    const cm = find(cnpg.objects, 'ConfigMap', 'tool-registry-dashboard');
    expect(cm.metadata.labels!.grafana_dashboard).toBe('1');
    const dashboard = JSON.parse(cm.data['tool-registry-dashboard.json']);
    expect(dashboard.panels.map((p: any) => p.title)).toEqual(['Request rate by status', 'Error ratio (5xx)', 'Latency percentiles', 'Available replicas', 'Container restarts (1h)', 'CPU use of the limit', 'Memory working set', 'Database ready instances', 'Database replication lag']);
  });
});

describe('environments', () => {
  const kinds = (env: McpEnvironment) => new Set(synthEnvironment(env).objects.map(o => o.kind));

  test('dev and staging run the statefulset backend, prod CloudNativePG', () => {
    for (const env of [withToolRegistry('dev'), withToolRegistry('staging')]) {
      const k = kinds(env);
      expect(k.has('StatefulSet') && k.has('CronJob') && !k.has('Cluster')).toBe(true);
    }
    const prod = kinds(withToolRegistry('prod'));
    expect(['Cluster', 'ScheduledBackup', 'Pooler', 'PodMonitor', 'PrometheusRule'].every(k => prod.has(k))).toBe(true);
  });

  test('no preset renders a tool registry: the API publishes no image, so users add it with theirs', () => {
    for (const env of [devEnvironment(), stagingEnvironment(), prodEnvironment()]) {
      expect(env.toolRegistry).toBeUndefined();
      expect(synthEnvironment(env).objects.filter(o => o.metadata.name?.startsWith('tool-registry'))).toEqual([]);
    }
  });

  test('dev (no Prometheus Operator) renders no monitoring objects for the tool registry', () => {
    const { objects } = synthEnvironment(withToolRegistry('dev'));
    expect(objects.find(o => o.metadata.name === 'tool-registry-dashboard')).toBeUndefined();
    expect(objects.filter(o => o.apiVersion.startsWith('monitoring.coreos.com/'))).toEqual([]);
  });

  test('policy facts: CloudNativePG reports its instances, backups and PDB; the API its PDB', () => {
    const { chart } = synthEnvironment(withToolRegistry('prod'));
    const facts = chart.node.findAll().filter(isPolicySubject).map(c => c.policyFacts());
    expect(facts).toContainEqual(expect.objectContaining({ component: 'PgvectorDatabase (cloudnative-pg)', haReplicas: { replicas: 3, field: 'instances' }, backups: expect.objectContaining({ enabled: true }), disruptionBudget: expect.objectContaining({ present: true }) }));
    expect(facts).toContainEqual(expect.objectContaining({ component: 'ToolRegistry', disruptionBudget: expect.objectContaining({ present: true }) }));
  });

  test('prod policy rejects a single CloudNativePG instance, and disabled backups', () => {
    const single = defineEnvironment(withToolRegistry('prod'), { toolRegistry: { database: { instances: 1 } } });
    expect(() => synthEnvironment(single)).toThrow("prod/tool-registry/database: invalid instances 1: the 'prod' policy requires at least 2 replicas");
    const noBackups = defineEnvironment(withToolRegistry('prod'), { toolRegistry: { database: { backup: { enabled: false } } } });
    expect(() => synthEnvironment(noBackups)).toThrow(/prod\/tool-registry\/database: invalid backup.enabled false/);
  });

  test('the cloudnative-pg backend needs integrations.cloudNativePg', () => {
    const env = defineEnvironment(withToolRegistry('staging'), { toolRegistry: { database: { backend: 'cloudnative-pg', cloudNativePg: { backupMethod: { method: 'volumeSnapshot', volumeSnapshotClassName: 'csi' } } } } });
    expect(() => new McpPlatformChart(Testing.app(), 'staging', { environment: env })).toThrow("staging: invalid toolRegistry.database.backend \"cloudnative-pg\": install CloudNativePG");
  });
});

describe('bad input fails at construction with path, field, value and fix', () => {
  const registry = (props: Partial<ToolRegistryProps>, database?: PgvectorDatabaseProps) => (chart: Chart) =>
    new ToolRegistry(chart, 'tool-registry', { ...base, ...props, database: { ...base.database, ...database } });

  test.each([
    ['embedding dimension 0', registry({}, { schema: { embeddingDimensions: 0 } }), 'test/tool-registry/database', 'schema.embeddingDimensions', 0, 'from 1 to 16000'],
    ['embedding dimension 16001', registry({}, { schema: { embeddingDimensions: 16001, index: { type: 'none' } } }), 'test/tool-registry/database', 'schema.embeddingDimensions', 16001, 'from 1 to 16000'],
    ['2001 dimensions with hnsw', registry({}, { schema: { embeddingDimensions: 2001 } }), 'test/tool-registry/database', 'schema.embeddingDimensions', 2001, "cannot build an hnsw index on vector columns above 2000 dimensions"],
    ['2001 dimensions with ivfflat', registry({}, { schema: { embeddingDimensions: 2001, index: { type: 'ivfflat' } } }), 'test/tool-registry/database', 'schema.embeddingDimensions', 2001, "or set schema.index to { type: 'none' }"],
    ['ivfflat lists 0', registry({}, { schema: { index: { type: 'ivfflat', lists: 0 } } }), 'test/tool-registry/database', 'schema.index.lists', 0, 'from 1 to 32768'],
    ['CNPG instances 0', registry({}, { backend: 'cloudnative-pg', instances: 0 }), 'test/tool-registry/database', 'instances', 0, 'use a whole number >= 1'],
    ['HPA min > max', registry({ autoscaling: { minReplicas: 10, maxReplicas: 5 } }), 'test/tool-registry', 'autoscaling.minReplicas', 10, 'use at most autoscaling.maxReplicas (5)'],
    ['no image (the API publishes none)', registry({ image: undefined }), 'test/tool-registry', 'image', undefined, 'the API publishes no image, so build it from its source'],
    ['an API key Secret name that is a key value', registry({ secrets: { apiKeySecretName: 'Zx9_secret value' } }), 'test/tool-registry', 'secrets.apiKeySecretName', '<not shown: not a Secret name>', 'never the secret value itself'],
    ['a remote key for an API key that is off', registry({ apiKey: false, secrets: { remoteKeys: { apiKey: { remoteKey: 'mcp/tool-registry' } } } }), 'test/tool-registry', 'secrets.remoteKeys.apiKey', { remoteKey: 'mcp/tool-registry' }, 'set apiKey: true'],
    ['no route exposed', registry({ ingress: { host: 'tools.example.com', routes: [] } }), 'test/tool-registry', 'ingress.routes', [], "expose at least one route group"],
    ['an embedding endpoint rule without peers', registry({ networkPolicy: { embeddingEndpoint: { peers: [] } } }), 'test/tool-registry', 'networkPolicy.embeddingEndpoint.peers', [], 'name where the embedding service runs'],
    ['a password remote key on CloudNativePG', registry({}, { backend: 'cloudnative-pg', passwordRemoteKey: { remoteKey: 'db' }, cloudNativePg: { backupMethod: { method: 'volumeSnapshot', volumeSnapshotClassName: 'csi' } } }), 'test/tool-registry/database', 'passwordRemoteKey', { remoteKey: 'db' }, 'CloudNativePG writes the password itself'],
    ['CNPG without a backup method', registry({}, { backend: 'cloudnative-pg' }), 'test/tool-registry/database', 'cloudNativePg.backupMethod', undefined, "{ method: 'plugin'"],
    ['pg_dump retention on CNPG', registry({}, { backend: 'cloudnative-pg', backup: { retention: { keepLast: 3 } }, cloudNativePg: { backupMethod: { method: 'volumeSnapshot', volumeSnapshotClassName: 'csi' } } }), 'test/tool-registry/database', 'backup.retention', { keepLast: 3 }, 'ObjectStore retentionPolicy'],
    ['replicas on the statefulset backend', registry({}, { instances: 2 }), 'test/tool-registry/database', 'instances', 2, "backend 'cloudnative-pg'"],
    ['an embedding URL with credentials', registry({ embeddingEndpointUrl: 'https://user:pw@embeddings.example.com' }), 'test/tool-registry', 'embeddingEndpointUrl', '<not shown: contains credentials>', 'secrets.embeddingSecretName'],
  ] as const)('%s', (_name, build, path, field, value, fix) => {
    const e = errorOf(build);
    expect({ path: e.path, field: e.field, value: e.value }).toEqual({ path, field, value });
    expect(e.fix).toContain(fix);
    expect(e.message).toContain(`${path}: invalid ${field}`);
  });

  test('2001 dimensions without an index are accepted (exact search)', () => {
    expect(() => synthChart(registry({}, { schema: { embeddingDimensions: 2001, index: { type: 'none' } } }))).not.toThrow();
  });

  test('PgvectorDatabase works on its own', () => {
    const { objects, externals } = synthChart(chart => new PgvectorDatabase(chart, 'db', { name: 'vectors' }));
    expect(checkInvariants(objects, externals)).toEqual([]);
    expect(objects.flatMap(o => schema.validate(o))).toEqual([]);
    expect(externals.Secret).toEqual(['vectors-credentials']);
    // No clients declared: only the own migration and backup Jobs may connect.
    expect(peers(find(objects, 'NetworkPolicy', 'vectors'), 'ingress')).toEqual(['5432 app.kubernetes.io/component=database-migration', '5432 app.kubernetes.io/component=database-backup']);
  });
});
