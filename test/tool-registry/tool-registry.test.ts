import { Chart, Testing } from 'cdk8s';
import { McpConfigError } from '../../src/common/errors';
import { isPolicySubject } from '../../src/common/policy-facts';
import { McpPlatformChart } from '../../src/platform/platform-chart';
import { policyViolations } from '../../src/platform/policy';
import { defineEnvironment, McpEnvironment } from '../../src/platform/environment';
import { devEnvironment, prodEnvironment, stagingEnvironment } from '../../src/platform/presets';
import { PgvectorDatabase, PgvectorDatabaseProps } from '../../src/tool-registry/pgvector-database';
import { ToolRegistry, ToolRegistryProps } from '../../src/tool-registry/tool-registry';
import { TOOL_REGISTRY_PRESETS } from '../../src/tool-registry/tool-registry-presets';
import { checkInvariants } from '../support/invariants';
import { SchemaValidator } from '../support/schema';
import { synthChart, synthEnvironment } from '../support/synth';
import { find, K8sObject, ofKind } from './helpers';

const schema = new SchemaValidator();

const base: ToolRegistryProps = {
  embeddingEndpointUrl: 'https://embeddings.example.com/v1/embeddings',
  secrets: {
    databaseUrl: { secretName: 'tool-registry-secrets', key: 'DATABASE_URL' },
    secretKey: { secretName: 'tool-registry-secrets', key: 'SECRET_KEY' },
    embeddingApiKey: { secretName: 'tool-registry-secrets', key: 'EMBEDDING_API_KEY' },
  },
  database: { credentialsSecret: 'tool-registry-db-credentials' },
};

const statefulset = synthChart(chart => new ToolRegistry(chart, 'tool-registry', base));
const cnpg = synthChart(chart => new ToolRegistry(chart, 'tool-registry', {
  ...base,
  ingress: { host: 'tools.example.com', tls: { clusterIssuer: 'letsencrypt-prod' } },
  monitoring: { serviceMonitor: true, prometheusRule: true, runbookBaseUrl: 'https://runbooks.example.com/tool-registry' },
  database: {
    ...TOOL_REGISTRY_PRESETS.prod.database, podMonitor: true,
  },
}));

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

  test('renders no Secret: every secret is a reference to an existing one', () => {
    expect(ofKind(objects, 'Secret')).toEqual([]);
    expect(externals.Secret).toEqual(expect.arrayContaining(['tool-registry-secrets', 'tool-registry-db-credentials']));
  });

  test('the API: Deployment on 8000, Service 80 -> named port, ConfigMap, secret refs, emptyDirs, probes', () => {
    const deployment = find(objects, 'Deployment', 'tool-registry');
    const spec = podSpec(deployment);
    const c = spec.containers[0];
    expect(c.ports).toEqual([{ containerPort: 8000, name: 'http' }]);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) expect(c[probe].httpGet).toMatchObject({ path: '/health', port: 8000 });
    expect(find(objects, 'Service', 'tool-registry').spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    expect(Object.keys(find(objects, 'ConfigMap', 'tool-registry-config').data).sort()).toEqual(['CORS_ORIGINS', 'EMBEDDING_ENDPOINT_URL', 'ENABLE_CACHE', 'LOG_LEVEL', 'WORKERS']);
    const secretEnv = Object.fromEntries(c.env.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => [e.name, e.valueFrom.secretKeyRef.key]));
    expect(secretEnv).toEqual({ DATABASE_URL: 'DATABASE_URL', SECRET_KEY: 'SECRET_KEY', EMBEDDING_API_KEY: 'EMBEDDING_API_KEY' });
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

  test('NetworkPolicies: only the ingress controller and Prometheus reach the API; only the API and the own jobs reach Postgres', () => {
    const api = find(objects, 'NetworkPolicy', 'tool-registry');
    expect(api.spec.ingress.flatMap((r: any) => r.from.map((p: any) => p.namespaceSelector.matchLabels['kubernetes.io/metadata.name']))).toEqual(['ingress-nginx', 'monitoring']);
    // DNS, the database (instances, and the Pooler with CloudNativePG), the embedding endpoint.
    const poolerRule = _name.startsWith('statefulset') ? [] : [[5432]];
    expect(api.spec.egress.map((r: any) => r.ports.map((p: any) => p.port))).toEqual([[53, 53], [5432], ...poolerRule, [443]]);
    const db = find(objects, 'NetworkPolicy', 'tool-registry-db');
    const clients = db.spec.ingress.filter((r: any) => r.ports.some((p: any) => p.port === 5432)).flatMap((r: any) => r.from)
      .map((p: any) => p.podSelector?.matchLabels?.['app.kubernetes.io/component'] ?? p.podSelector?.matchLabels?.['cnpg.io/poolerName'] ?? (p.podSelector?.matchLabels?.['cnpg.io/cluster'] && 'instances') ?? p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']);
    const expected = _name.startsWith('statefulset')
      ? ['database-migration', 'database-backup', 'tool-registry']
      : ['instances', 'cnpg-system', 'database-migration', 'tool-registry-db-pooler-rw', 'tool-registry'];
    expect(clients).toEqual(expected);
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
    expect(find(statefulset.objects, 'NetworkPolicy', 'tool-registry-db').spec).toMatchObject({ policyTypes: ['Egress', 'Ingress'] });
    expect(find(statefulset.objects, 'NetworkPolicy', 'tool-registry-db').spec.egress).toBeUndefined();
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
      bootstrap: { initdb: { database: 'tool_registry', owner: 'tool_registry', secret: { name: 'tool-registry-db-credentials' }, postInitApplicationSQLRefs: { configMapRefs: [{ name: 'tool-registry-db-schema', key: 'schema.sql' }] } } },
      plugins: [{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'tool-registry-backups' } }],
    });
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

  test('Ingress with a cert-manager Certificate for the host', () => {
    const ingress = find(cnpg.objects, 'Ingress', 'tool-registry');
    expect(ingress.spec.tls).toEqual([{ hosts: ['tools.example.com'], secretName: 'tool-registry-tls' }]);
    expect(find(cnpg.objects, 'Certificate', 'tool-registry-tls').spec).toMatchObject({ secretName: 'tool-registry-tls', dnsNames: ['tools.example.com'], issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt-prod' } });
  });

  test('PrometheusRule: the seed alerts with severity labels and runbook annotations', () => {
    const rules = find(cnpg.objects, 'PrometheusRule', 'tool-registry').spec.groups[0].rules;
    expect(rules.map((r: any) => r.alert)).toEqual(['ToolRegistryDown', 'ToolRegistryHighErrorRate', 'ToolRegistryHighLatency', 'ToolRegistryCpuExhaustion', 'ToolRegistryMemoryExhaustion', 'ToolRegistryAutoscalerAtMaximum']);
    for (const r of rules) {
      expect(['critical', 'warning']).toContain(r.labels.severity);
      expect(r.annotations).toMatchObject({ summary: expect.any(String), runbook: expect.any(String), runbook_url: `https://runbooks.example.com/tool-registry#${r.alert.toLowerCase()}` });
    }
    const expr = Object.fromEntries(rules.map((r: any) => [r.alert, r.expr]));
    expect(expr.ToolRegistryHighErrorRate).toContain('> 0.10');
    expect(expr.ToolRegistryHighLatency).toMatch(/histogram_quantile\(0\.95,[\s\S]*> 2$/);
  });

  test('the Grafana dashboard ConfigMap carries the sidecar label and the seed panels', () => {
    const cm = find(cnpg.objects, 'ConfigMap', 'tool-registry-dashboard');
    expect(cm.metadata.labels!.grafana_dashboard).toBe('1');
    const dashboard = JSON.parse(cm.data['tool-registry.json']);
    expect(dashboard.panels.map((p: any) => p.title)).toEqual(expect.arrayContaining(['Request rate by status', 'Error ratio (5xx)', 'Latency percentiles', 'Registered tools', 'Embedding cache hit ratio']));
  });
});

describe('environments', () => {
  const kinds = (env: McpEnvironment) => new Set(synthEnvironment(env).objects.map(o => o.kind));

  test('dev and staging run the statefulset backend, prod CloudNativePG', () => {
    for (const env of [devEnvironment(), stagingEnvironment()]) {
      const k = kinds(env);
      expect(k.has('StatefulSet') && k.has('CronJob') && !k.has('Cluster')).toBe(true);
    }
    const prod = kinds(prodEnvironment());
    expect(['Cluster', 'ScheduledBackup', 'Pooler', 'PodMonitor', 'PrometheusRule', 'Certificate'].every(k => prod.has(k))).toBe(true);
  });

  test('dev renders the dashboard but no monitoring CRDs for the tool registry', () => {
    const { objects } = synthEnvironment(devEnvironment());
    expect(find(objects, 'ConfigMap', 'tool-registry-dashboard')).toBeDefined();
    expect(objects.filter(o => o.apiVersion.startsWith('monitoring.coreos.com/'))).toEqual([]);
  });

  test('policy facts: CloudNativePG reports its instances, backups and PDB; the API its PDB', () => {
    const { chart } = synthEnvironment(prodEnvironment());
    const facts = chart.node.findAll().filter(isPolicySubject).map(c => c.policyFacts());
    expect(facts).toContainEqual(expect.objectContaining({ component: 'PgvectorDatabase (cloudnative-pg)', haReplicas: { replicas: 3, field: 'instances' }, backups: expect.objectContaining({ enabled: true }), disruptionBudget: expect.objectContaining({ present: true }) }));
    expect(facts).toContainEqual(expect.objectContaining({ component: 'ToolRegistry', disruptionBudget: expect.objectContaining({ present: true }) }));
  });

  test('prod policy rejects a single CloudNativePG instance and disabled backups', () => {
    const env = defineEnvironment(prodEnvironment(), { toolRegistry: { database: { instances: 1, backup: { enabled: false } } } });
    expect(() => synthEnvironment(env)).toThrow(/^prod\/tool-registry\/database: invalid instances 1: the 'prod' policy requires at least 2 replicas/);
    const lenient = new McpPlatformChart(Testing.app(), 'lenient', { environment: { ...env, policy: {} } });
    expect(policyViolations(lenient, 'prod', env.policy!).map(v => `${v.field}: ${v.fix}`)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^instances: the 'prod' policy requires at least 2 replicas/),
      expect.stringMatching(/^backup.enabled: the 'prod' policy requires backups of PgvectorDatabase \(cloudnative-pg\)/),
    ]));
  });

  test('the cloudnative-pg backend needs integrations.cloudNativePg', () => {
    const env = defineEnvironment(stagingEnvironment(), { toolRegistry: { database: { backend: 'cloudnative-pg', cloudNativePg: { backupMethod: { method: 'volumeSnapshot', volumeSnapshotClassName: 'csi' } } } } });
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
    ['HPA min > max', registry({ autoscaling: { minReplicas: 10, maxReplicas: 5 } }), 'test/tool-registry', 'autoscaling.minReplicas', 10, 'must not exceed autoscaling.maxReplicas (5)'],
    ['missing DATABASE_URL reference', registry({ secrets: { secretKey: base.secrets.secretKey } as any }), 'test/tool-registry', 'secrets.databaseUrl', undefined, 'reference the key of an existing Secret'],
    ['missing database credentials Secret', registry({}, { credentialsSecret: undefined }), 'test/tool-registry/database', 'credentialsSecret', undefined, 'kubernetes.io/basic-auth Secret'],
    ['CNPG without a backup method', registry({}, { backend: 'cloudnative-pg' }), 'test/tool-registry/database', 'cloudNativePg.backupMethod', undefined, "{ method: 'plugin'"],
    ['pg_dump retention on CNPG', registry({}, { backend: 'cloudnative-pg', backup: { retention: { keepLast: 3 } }, cloudNativePg: { backupMethod: { method: 'volumeSnapshot', volumeSnapshotClassName: 'csi' } } }), 'test/tool-registry/database', 'backup.retention', { keepLast: 3 }, 'ObjectStore retentionPolicy'],
    ['replicas on the statefulset backend', registry({}, { instances: 2 }), 'test/tool-registry/database', 'instances', 2, "backend 'cloudnative-pg'"],
    ['an embedding URL with credentials', registry({ embeddingEndpointUrl: 'https://user:pw@embeddings.example.com' }), 'test/tool-registry', 'embeddingEndpointUrl', 'https://user:pw@embeddings.example.com', 'secrets.embeddingApiKey'],
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
    const { objects, externals } = synthChart(chart => new PgvectorDatabase(chart, 'db', { name: 'vectors', credentialsSecret: 'vectors-credentials' }));
    expect(checkInvariants(objects, externals)).toEqual([]);
    expect(objects.flatMap(o => schema.validate(o))).toEqual([]);
    // No clients declared: only the own migration and backup Jobs may connect.
    expect(find(objects, 'NetworkPolicy', 'vectors').spec.ingress).toHaveLength(2);
  });
});
