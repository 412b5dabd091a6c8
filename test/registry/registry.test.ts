import { Registry, RegistryProps } from '../../src/registry/registry';
import { REGISTRY_ENV, REGISTRY_RUNTIME } from '../../src/registry/registry-runtime';
import { checkInvariants, podTemplates } from '../support/invariants';
import { SchemaValidator } from '../support/schema';
import { find, ofKind, synthChart } from '../support/synth';

const schema = new SchemaValidator();
const DB_SECRET = { secretName: 'registry-db', key: 'uri' };

function render(props: RegistryProps = {}) {
  return synthChart(chart => new Registry(chart, 'registry', props), 'mcp');
}

describe.each([
  ['sqlite, one replica', {}],
  ['postgres by URL secret, three replicas', { replicas: 3, database: { type: 'postgres' as const, url: DB_SECRET }, serviceMonitor: true }],
  ['postgres by host and password secret', { replicas: 2, database: { type: 'postgres' as const, host: 'pg-rw.db.svc', password: { secretName: 'pg', key: 'password' } } }],
])('Registry with %s', (_label, props: RegistryProps) => {
  const { objects, externals } = render(props);

  test('matches the snapshot', () => expect(objects).toMatchSnapshot());
  test('holds every platform invariant', () => expect(checkInvariants(objects, externals)).toEqual([]));
  test('validates against the Kubernetes schema', () => expect(objects.flatMap(o => schema.validate(o))).toEqual([]));

  test('the ConfigMap carries only env vars the registry reads', () => {
    const known = new Set<string>(Object.values(REGISTRY_ENV));
    const keys = Object.keys(find(objects, 'ConfigMap', 'mcp-mesh-registry-config').data);
    expect(keys.filter(k => !known.has(k))).toEqual([]);
  });

  test('binds 0.0.0.0 on the port the probes, container and Services use', () => {
    const data = find(objects, 'ConfigMap', 'mcp-mesh-registry-config').data;
    expect([data.HOST, data.PORT]).toEqual(['0.0.0.0', String(REGISTRY_RUNTIME.httpPort)]);
    const c = find(objects, 'StatefulSet', 'mcp-mesh-registry').spec.template.spec.containers[0];
    for (const p of ['startupProbe', 'livenessProbe', 'readinessProbe']) expect(c[p].httpGet).toEqual({ path: '/health', port: 8000, scheme: 'HTTP' });
    expect(find(objects, 'Service', 'mcp-mesh-registry').spec.ports[0]).toMatchObject({ port: 8000, targetPort: 'http' });
    expect(find(objects, 'Service', 'mcp-mesh-registry-headless').spec).toMatchObject({ clusterIP: 'None', ports: [{ port: 8000, targetPort: 'http' }] });
  });

  test('pods get their identity from the downward API', () => {
    const env = find(objects, 'StatefulSet', 'mcp-mesh-registry').spec.template.spec.containers[0].env;
    const field = (n: string) => env.find((e: any) => e.name === n)?.valueFrom?.fieldRef?.fieldPath;
    expect([field('POD_NAME'), field('POD_IP'), field('POD_NAMESPACE')]).toEqual(['metadata.name', 'status.podIP', 'metadata.namespace']);
  });
});

test('SQLite keeps its data on a volumeClaimTemplate that outlives the pods', () => {
  const sts = find(render().objects, 'StatefulSet', 'mcp-mesh-registry');
  expect(sts.spec.volumeClaimTemplates[0]).toMatchObject({ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
  expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  expect(sts.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
  expect(find(render().objects, 'ConfigMap', 'mcp-mesh-registry-config').data).toMatchObject({ DATABASE_TYPE: 'sqlite', DATABASE_PATH: '/data/mcp_mesh_registry.db' });
});

test('one replica gets no RBAC, no token, no PDB and no spread', () => {
  const { objects } = render();
  expect(ofKind(objects, 'Role').concat(ofKind(objects, 'RoleBinding'), ofKind(objects, 'PodDisruptionBudget'))).toEqual([]);
  const spec = find(objects, 'StatefulSet', 'mcp-mesh-registry').spec.template.spec;
  expect(spec.automountServiceAccountToken).toBe(false);
  expect(spec.topologySpreadConstraints).toBeUndefined();
});

test('several replicas get lease-only leader election RBAC, a PDB and topology spread', () => {
  const { objects } = render({ replicas: 3, database: { type: 'postgres', url: DB_SECRET } });
  const role = find(objects, 'Role', 'mcp-mesh-registry-leader-election');
  expect(role.rules).toEqual([{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }]);
  expect(find(objects, 'RoleBinding', 'mcp-mesh-registry-leader-election').subjects).toEqual([{ kind: 'ServiceAccount', name: 'mcp-mesh-registry', namespace: 'mcp', apiGroup: '' }]);
  expect(find(objects, 'PodDisruptionBudget', 'mcp-mesh-registry').spec).toMatchObject({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  const spec = find(objects, 'StatefulSet', 'mcp-mesh-registry').spec.template.spec;
  expect(spec.automountServiceAccountToken).toBe(true);
  expect(spec.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
});

test('PostgreSQL credentials come only from the referenced Secret, after a bounded wait', () => {
  const { objects, externals } = render({ replicas: 3, database: { type: 'postgres', url: DB_SECRET, waitTimeoutSeconds: 90 } });
  const spec = find(objects, 'StatefulSet', 'mcp-mesh-registry').spec.template.spec;
  expect(spec.containers[0].env).toContainEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'registry-db', key: 'uri', optional: false } } });
  expect(spec.initContainers[0].name).toBe('wait-for-database');
  expect(spec.initContainers[0].command[2]).toContain('+ 90 ))');
  expect(ofKind(objects, 'Secret')).toEqual([]);
  expect(externals.Secret).toEqual(['registry-db']);
  expect(spec.volumes.map((v: any) => v.name)).toEqual(['tmp']);
  expect(find(objects, 'StatefulSet', 'mcp-mesh-registry').spec.volumeClaimTemplates).toBeUndefined();
});

test('the NetworkPolicy admits agents and the gateway on the API port and Prometheus on metrics only', () => {
  const np = find(render().objects, 'NetworkPolicy', 'mcp-mesh-registry');
  const rules = np.spec.ingress.map((r: any) => ({ from: r.from[0].podSelector.matchLabels['app.kubernetes.io/component'] ?? r.from[0].podSelector.matchLabels['app.kubernetes.io/name'], port: r.ports[0].port }));
  expect(rules).toEqual([{ from: 'agent', port: 8000 }, { from: 'edge-gateway', port: 8000 }, { from: 'prometheus', port: 9090 }]);
  expect(np.spec.policyTypes).toEqual(['Egress', 'Ingress']);
});

test('allowClient admits another peer on the API port', () => {
  const { objects } = synthChart(chart => new Registry(chart, 'registry').allowClient('ui', { podLabels: { app: 'ui' }, namespace: 'web' }));
  const np = find(objects, 'NetworkPolicy', 'mcp-mesh-registry');
  expect(np.spec.ingress).toContainEqual({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } }, podSelector: { matchLabels: { app: 'ui' } } }], ports: [{ port: 8000, protocol: 'TCP' }] });
});

test('the ServiceMonitor scrapes the client Service only, on the metrics port', () => {
  const { objects } = render({ serviceMonitor: true });
  const sm = find(objects, 'ServiceMonitor', 'mcp-mesh-registry');
  expect(sm.spec.endpoints).toEqual([expect.objectContaining({ port: 'metrics', path: '/metrics' })]);
  expect(checkInvariants(objects)).not.toContainEqual(expect.stringContaining('ServiceMonitor'));
});

test('a config change rolls the pods through the checksum annotation', () => {
  const a = podTemplates(render().objects)[0].annotations['checksum/config'];
  const b = podTemplates(render({ logLevel: 'WARNING' }).objects)[0].annotations['checksum/config'];
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
  const { objects } = render({ replicas: 3, database: { type: 'postgres', url: DB_SECRET } });
  const cron = find(objects, 'CronJob', 'mcp-mesh-registry-backup');
  const spec = cron.spec.jobTemplate.spec.template.spec;
  expect(spec.affinity).toBeUndefined();
  expect(spec.volumes.map((v: any) => v.name)).toEqual(['script', 'backup', 'tmp']);
  expect(cron.spec).toMatchObject({ schedule: '0 2 * * *', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3 });
  expect(cron.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(3600);
});
