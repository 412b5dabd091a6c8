import { Registry, RegistryProps } from '../../src/registry/registry';
import { REGISTRY_ENV_CONTRACT, REGISTRY_RUNTIME, REGISTRY_SQLITE_PATH } from '../../src/registry/registry-runtime';
import { checkInvariants, podTemplates } from '../support/invariants';
import { SchemaValidator } from '../support/schema';
import { find, ofKind, synthChart } from '../support/synth';

const schema = new SchemaValidator();
const DB_SECRET = { secretName: 'registry-db', key: 'uri' };
// An in-cluster PostgreSQL by its Service name: the pods of namespace `db`.
const PG = { type: 'postgres' as const, url: DB_SECRET, host: 'registry-db-rw.db.svc' };

function render(props: RegistryProps = {}) {
  return synthChart(chart => new Registry(chart, 'registry', props), 'mcp');
}

describe.each([
  ['sqlite, one replica', {}],
  ['postgres by URL secret, three replicas, with alerts and a dashboard', { replicas: 3, database: PG, monitoring: { prometheusRule: true, dashboard: true, scrape: true } }],
  ['postgres, autoscaled, admin port and tracing', {
    database: { type: 'postgres' as const, url: DB_SECRET, peer: { cidr: '10.20.0.5/32' } },
    autoscaling: { minReplicas: 2, maxReplicas: 6 },
    admin: { clients: [{ namespace: 'ops', podLabels: { app: 'mesh-admin' } }] },
    tracing: { redisUrl: 'redis://redis.mcp.svc:6379/0', telemetryEndpoint: 'tempo.monitoring.svc:4317' },
  }],
])('Registry with %s', (_label, props: RegistryProps) => {
  const { objects, externals } = render(props);
  const container = find(objects, 'StatefulSet', 'mcp-mesh-registry').spec.template.spec.containers[0];

  test('matches the snapshot', () => expect(objects).toMatchSnapshot());
  test('holds every platform invariant', () => expect(checkInvariants(objects, externals)).toEqual([]));
  test('validates against the Kubernetes schema', () => expect(objects.flatMap(o => schema.validate(o))).toEqual([]));

  test('the container sets only env vars the registry reads and acts on', () => {
    const names = [...Object.keys(find(objects, 'ConfigMap', 'mcp-mesh-registry-config').data), ...(container.env ?? []).map((e: any) => e.name)];
    expect(names.filter(n => !(REGISTRY_ENV_CONTRACT[n]?.read && REGISTRY_ENV_CONTRACT[n]?.effective))).toEqual([]);
    expect(names).toContain('DATABASE_URL');
  });

  test('binds 0.0.0.0 on the port the probes, container and Services use; no metrics port', () => {
    expect(container.args).toEqual(['--host', '0.0.0.0', '--port', String(REGISTRY_RUNTIME.httpPort)]);
    for (const p of ['startupProbe', 'livenessProbe', 'readinessProbe']) expect(container[p].httpGet).toEqual({ path: '/health', port: 8000, scheme: 'HTTP' });
    expect(find(objects, 'Service', 'mcp-mesh-registry').spec.ports).toEqual([expect.objectContaining({ port: 8000, targetPort: 'http' })]);
    expect(find(objects, 'Service', 'mcp-mesh-registry-headless').spec).toMatchObject({ clusterIP: 'None', ports: [{ port: 8000, targetPort: 'http' }] });
    expect(container.ports.map((p: any) => p.name)).not.toContain('metrics');
    expect(ofKind(objects, 'ServiceMonitor').concat(ofKind(objects, 'PodMonitor'))).toEqual([]);
  });

  test('no RBAC and no API token: the registry never calls the Kubernetes API', () => {
    expect(ofKind(objects, 'Role').concat(ofKind(objects, 'RoleBinding'))).toEqual([]);
    expect(find(objects, 'ServiceAccount', 'mcp-mesh-registry').automountServiceAccountToken).toBe(false);
    expect(find(objects, 'StatefulSet', 'mcp-mesh-registry').spec.template.spec.automountServiceAccountToken).toBe(false);
  });
});

test('SQLite keeps its data on a volumeClaimTemplate that outlives the pods', () => {
  const sts = find(render().objects, 'StatefulSet', 'mcp-mesh-registry');
  expect(sts.spec.volumeClaimTemplates[0]).toMatchObject({ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
  expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  expect(sts.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
  expect(find(render().objects, 'ConfigMap', 'mcp-mesh-registry-config').data).toMatchObject({ DATABASE_URL: REGISTRY_SQLITE_PATH });
  expect(REGISTRY_SQLITE_PATH.startsWith(`${REGISTRY_RUNTIME.dataPath}/`)).toBe(true);
  expect(sts.spec.volumeClaimTemplates[0].metadata.labels['app.kubernetes.io/version']).toBeUndefined();
});

test('one replica gets no PDB and no spread', () => {
  const { objects } = render();
  expect(ofKind(objects, 'PodDisruptionBudget').concat(ofKind(objects, 'HorizontalPodAutoscaler'))).toEqual([]);
  expect(find(objects, 'StatefulSet', 'mcp-mesh-registry').spec.template.spec.topologySpreadConstraints).toBeUndefined();
});

test('several replicas get a PDB and topology spread', () => {
  const { objects } = render({ replicas: 3, database: PG });
  expect(find(objects, 'PodDisruptionBudget', 'mcp-mesh-registry').spec).toMatchObject({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  const spec = find(objects, 'StatefulSet', 'mcp-mesh-registry').spec.template.spec;
  expect(spec.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
});

test('autoscaling on PostgreSQL: the HPA owns replicas, the PDB follows its minimum', () => {
  const { objects } = render({ database: PG, autoscaling: { minReplicas: 2, maxReplicas: 5 } });
  const sts = find(objects, 'StatefulSet', 'mcp-mesh-registry');
  expect(sts.spec.replicas).toBeUndefined();
  expect(find(objects, 'HorizontalPodAutoscaler', 'mcp-mesh-registry').spec).toMatchObject({ minReplicas: 2, maxReplicas: 5, scaleTargetRef: { kind: 'StatefulSet', name: 'mcp-mesh-registry' } });
  expect(find(objects, 'PodDisruptionBudget', 'mcp-mesh-registry').spec.maxUnavailable).toBe(1);
});

test('selector returns a copy', () => {
  synthChart(chart => {
    const r = new Registry(chart, 'registry');
    r.selector['app.kubernetes.io/name'] = 'changed';
    expect(r.selector['app.kubernetes.io/name']).toBe('mcp-mesh-registry');
  });
});

test('PostgreSQL credentials come only from the referenced Secret, after a bounded wait', () => {
  const { objects, externals } = render({ replicas: 3, database: { ...PG, waitTimeoutSeconds: 90 } });
  const spec = find(objects, 'StatefulSet', 'mcp-mesh-registry').spec.template.spec;
  expect(spec.containers[0].env).toContainEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'registry-db', key: 'uri', optional: false } } });
  expect(spec.initContainers[0].name).toBe('wait-for-database');
  expect(spec.initContainers[0].command[2]).toContain('+ 90 ))');
  expect(ofKind(objects, 'Secret')).toEqual([]);
  expect(externals.Secret).toEqual(['registry-db']);
  expect(spec.volumes.map((v: any) => v.name)).toEqual(['tmp']);
  expect(find(objects, 'StatefulSet', 'mcp-mesh-registry').spec.volumeClaimTemplates).toBeUndefined();
});

test('the admin port: env, a named container port, no Service port, and a rule for declared admin clients only', () => {
  const { objects } = render({ admin: { port: 9001, clients: [{ namespace: 'ops', podLabels: { app: 'mesh-admin' } }] } });
  expect(find(objects, 'ConfigMap', 'mcp-mesh-registry-config').data.MCP_MESH_ADMIN_PORT).toBe('9001');
  expect(find(objects, 'StatefulSet', 'mcp-mesh-registry').spec.template.spec.containers[0].ports).toContainEqual({ containerPort: 9001, name: 'admin' });
  expect(find(objects, 'Service', 'mcp-mesh-registry').spec.ports.map((p: any) => p.port)).toEqual([8000]);
  const admitted = find(objects, 'NetworkPolicy', 'mcp-mesh-registry').spec.ingress.filter((r: any) => r.ports.some((p: any) => p.port === 9001));
  expect(admitted).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } }, podSelector: { matchLabels: { app: 'mesh-admin' } } }], ports: [{ port: 9001, protocol: 'TCP' }] }]);
  expect(find(render().objects, 'ConfigMap', 'mcp-mesh-registry-config').data.MCP_MESH_ADMIN_PORT).toBeUndefined();
});

test('tracing: the env the registry reads, the Redis URL from a Secret when it has a password, and egress to Redis and the collector', () => {
  const { objects, externals } = render({ tracing: { redisUrlSecret: { secretName: 'redis-url', key: 'url' }, redisPort: 6380, telemetryEndpoint: 'otel.monitoring.svc:4318', telemetryProtocol: 'http', egressPeers: [{ namespace: 'observability' }] } });
  expect(find(objects, 'ConfigMap', 'mcp-mesh-registry-config').data).toMatchObject({
    MCP_MESH_DISTRIBUTED_TRACING_ENABLED: 'true', TRACE_EXPORTER_TYPE: 'otlp', TELEMETRY_ENDPOINT: 'otel.monitoring.svc:4318', TELEMETRY_PROTOCOL: 'http',
  });
  const env = find(objects, 'StatefulSet', 'mcp-mesh-registry').spec.template.spec.containers[0].env;
  expect(env).toContainEqual({ name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: 'redis-url', key: 'url', optional: false } } });
  expect(externals.Secret).toContain('redis-url');
  const egress = find(objects, 'NetworkPolicy', 'mcp-mesh-registry').spec.egress.flatMap((r: any) => r.ports.map((p: any) => p.port));
  expect(egress).toEqual(expect.arrayContaining([6380, 4318]));
  const off = find(render().objects, 'ConfigMap', 'mcp-mesh-registry-config').data;
  expect(Object.keys(off).filter(k => /TRAC|REDIS|TELEMETRY/.test(k))).toEqual([]);
});

test('a config change rolls the pods through the checksum annotation', () => {
  const a = podTemplates(render().objects)[0].annotations['checksum/config'];
  const b = podTemplates(render({ logLevel: 'warning' }).objects)[0].annotations['checksum/config'];
  expect(a).toMatch(/^[0-9a-f]{64}$/);
  expect(b).not.toEqual(a);
});

test('the SQLite backup pod runs on the node that mounts the ReadWriteOnce data volume', () => {
  const { objects } = render();
  const spec = find(objects, 'CronJob', 'mcp-mesh-registry-backup').spec.jobTemplate.spec.template.spec;
  expect(spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-mcp-mesh-registry-0', readOnly: false } });
  expect(spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([{
    labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'mcp-mesh-registry', 'app.kubernetes.io/instance': 'mcp-mesh-registry', 'app.kubernetes.io/component': 'registry', 'statefulset.kubernetes.io/pod-name': 'mcp-mesh-registry-0' } },
    topologyKey: 'kubernetes.io/hostname',
  }]);
  expect(spec.securityContext.runAsUser).toBe(REGISTRY_RUNTIME.uid);
});

test('the PostgreSQL backup pod mounts no data volume and may run anywhere', () => {
  const { objects } = render({ replicas: 3, database: PG });
  const cron = find(objects, 'CronJob', 'mcp-mesh-registry-backup');
  const spec = cron.spec.jobTemplate.spec.template.spec;
  expect(spec.affinity).toBeUndefined();
  expect(spec.volumes.map((v: any) => v.name)).toEqual(['script', 'backup', 'tmp']);
  expect(cron.spec).toMatchObject({ schedule: '0 2 * * *', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3 });
  expect(cron.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(3600);
});
