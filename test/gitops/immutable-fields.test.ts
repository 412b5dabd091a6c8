import { contentHash } from '../../src/common/checksum';
import { gibibytes, immutableFieldChanges, sameContent } from '../../src/gitops/immutable-fields';
import { ManifestObject } from '../../src/gitops/manifest-objects';

const obj = (kind: string, rest: Record<string, unknown>, apiVersion = 'v1'): ManifestObject =>
  ({ apiVersion, kind, metadata: { name: 'x', namespace: 'ns' }, ...rest });
const fields = (b: ManifestObject, a: ManifestObject) => immutableFieldChanges(b, a, `${a.kind}/ns/x`).map(c => c.field);

const sts = (spec: Record<string, unknown>) => obj('StatefulSet', { spec: { serviceName: 'x-headless', selector: { matchLabels: { a: '1' } }, replicas: 1, template: { t: 1 }, ...spec } }, 'apps/v1');

test.each([
  ['replicas', { replicas: 3 }],
  ['template', { template: { t: 2 } }],
  ['updateStrategy', { updateStrategy: { type: 'OnDelete' } }],
  ['persistentVolumeClaimRetentionPolicy', { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' } }],
  ['minReadySeconds', { minReadySeconds: 10 }],
  ['ordinals', { ordinals: { start: 1 } }],
])('a StatefulSet may change %s', (_f, spec) => {
  expect(fields(sts({}), sts(spec))).toEqual([]);
});

test.each([
  ['spec.volumeClaimTemplates', { volumeClaimTemplates: [{ metadata: { name: 'data' } }] }],
  ['spec.selector', { selector: { matchLabels: { a: '2' } } }],
  ['spec.serviceName', { serviceName: 'other' }],
  ['spec.podManagementPolicy', { podManagementPolicy: 'Parallel' }],
  ['spec.revisionHistoryLimit', { revisionHistoryLimit: 3 }],
])('a StatefulSet may not change %s, and the recipe orphans it', (field, spec) => {
  const [change] = immutableFieldChanges(sts({}), sts(spec), 'StatefulSet/ns/x');
  expect(change).toEqual(expect.objectContaining({ object: 'StatefulSet/ns/x', field }));
  expect(change.recipe).toContain('kubectl -n ns delete statefulset x --cascade=orphan');
});

test('a grown claim template names the claims to resize', () => {
  const tpl = (size: string) => sts({ volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: size } } } }] });
  const [change] = immutableFieldChanges(tpl('10Gi'), tpl('20Gi'), 'StatefulSet/ns/x');
  expect(change.recipe).toContain(`kubectl -n ns patch pvc data-x-<ordinal> -p '{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}'`);
});

test.each(['Deployment', 'ReplicaSet', 'DaemonSet'])('a %s may change its template but not its selector', kind => {
  const w = (sel: string, image: string) => obj(kind, { spec: { selector: { matchLabels: { app: sel } }, template: { spec: { image } } } }, 'apps/v1');
  expect(fields(w('a', '1'), w('a', '2'))).toEqual([]);
  expect(fields(w('a', '1'), w('b', '1'))).toEqual(['spec.selector']);
});

test('a Job that keeps its name may not change its template or selector; other fields may change', () => {
  const job = (image: string, parallelism = 1, selector?: unknown) => obj('Job', { spec: { parallelism, selector, template: { spec: { image } } } }, 'batch/v1');
  expect(fields(job('a'), job('a', 2))).toEqual([]);
  expect(fields(job('a'), job('b'))).toEqual(['spec.template']);
  expect(fields(job('a'), job('a', 1, { matchLabels: { x: '1' } }))).toEqual(['spec.selector']);
});

test('a Service may change ports and type but not clusterIP, clusterIPs or ipFamilies', () => {
  const svc = (spec: Record<string, unknown>) => obj('Service', { spec: { ports: [{ port: 80 }], ...spec } });
  expect(fields(svc({}), svc({ ports: [{ port: 81 }] }))).toEqual([]);
  expect(fields(svc({ clusterIP: 'None' }), svc({}))).toEqual(['spec.clusterIP']);
  expect(fields(svc({ clusterIPs: ['None'] }), svc({}))).toEqual(['spec.clusterIPs']);
  expect(fields(svc({ ipFamilies: ['IPv4'] }), svc({ ipFamilies: ['IPv6'] }))).toEqual(['spec.ipFamilies']);
});

test('a PersistentVolumeClaim may grow but not shrink or change anything else', () => {
  const pvc = (storage: string, spec: Record<string, unknown> = {}) => obj('PersistentVolumeClaim', { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, ...spec } });
  expect(fields(pvc('10Gi'), pvc('20Gi'))).toEqual([]);
  expect(fields(pvc('1Gi'), pvc('1024Mi'))).toEqual([]);
  expect(fields(pvc('20Gi'), pvc('10Gi'))).toEqual(['spec.resources.requests.storage']);
  expect(fields(pvc('10Gi'), pvc('10Gi', { storageClassName: 'fast' }))).toEqual(['spec.storageClassName']);
  expect(fields(pvc('10Gi'), pvc('10Gi', { accessModes: ['ReadWriteMany'] }))).toEqual(['spec.accessModes']);
});

test.each(['RoleBinding', 'ClusterRoleBinding'])('a %s may change its subjects but not its roleRef', kind => {
  const rb = (role: string, sa: string) => obj(kind, { roleRef: { kind: 'Role', name: role }, subjects: [{ kind: 'ServiceAccount', name: sa }] }, 'rbac.authorization.k8s.io/v1');
  expect(fields(rb('r', 'a'), rb('r', 'b'))).toEqual([]);
  expect(fields(rb('r', 'a'), rb('s', 'a'))).toEqual(['roleRef']);
});

test.each(['ConfigMap', 'Secret'])('an immutable %s may not change its data; a mutable one may', kind => {
  const cm = (immutable: boolean, value: string) => obj(kind, { immutable, data: { k: value } });
  expect(fields(cm(false, 'a'), cm(false, 'b'))).toEqual([]);
  expect(fields(cm(true, 'a'), cm(true, 'b'))).toEqual(['data']);
  expect(fields(cm(true, 'a'), cm(false, 'a'))).toEqual(['immutable']);
});

test('kinds without immutable fields pass any change', () => {
  expect(fields(obj('CronJob', { spec: { schedule: '1 * * * *' } }, 'batch/v1'), obj('CronJob', { spec: { schedule: '2 * * * *' } }, 'batch/v1'))).toEqual([]);
});

test('quantities compare across units', () => {
  expect([gibibytes('1Gi'), gibibytes('1024Mi'), gibibytes('2Ti'), gibibytes('1G'), gibibytes('x')]).toEqual([1, 1, 2048, 1e9 / 2 ** 30, NaN]);
});

// sameContent replaces comparing contentHash of both sides: it must agree with it on every pair.
test('sameContent agrees with comparing content hashes', () => {
  const leaves = [null, undefined, 0, -0, 1, '1', '', 'a', true, false, NaN, Infinity, [], {}, [null], [undefined], [, 1], [1, ,], { a: undefined }, { a: null }, { a: 1 }, () => 1]; // eslint-disable-line no-sparse-arrays
  let seed = 7;
  const pick = <T>(list: T[]): T => list[(seed = (seed * 48271) % 2147483647) % list.length];
  const value = (depth: number): unknown => {
    const r = pick([0, 1, 2, 3]);
    if (depth > 2 || r === 0) return pick(leaves);
    const size = pick([0, 1, 2, 3]);
    if (r === 1) return Array.from({ length: size }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: size }, () => [pick(['a', 'b', 'c']), value(depth + 1)]));
  };
  // The same content in another key order.
  const reordered = (v: unknown): unknown => {
    if (Array.isArray(v) || v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reordered(x)]));
  };
  const outcomes = { same: 0, different: 0 };
  for (let i = 0; i < 3000; i++) {
    const a = value(0);
    const b = pick([0, 1]) ? reordered(a) : value(0);
    const expected = contentHash(a ?? null) === contentHash(b ?? null);
    if (sameContent(a, b) !== expected) expect([a, b, sameContent(a, b)]).toEqual([a, b, expected]);
    outcomes[expected ? 'same' : 'different']++;
  }
  expect(Math.min(outcomes.same, outcomes.different)).toBeGreaterThan(500);
});
