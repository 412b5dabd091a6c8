import { McpConfigError } from '../../src/common/errors';
import { ManifestObject } from '../../src/gitops/manifest-objects';
import { checkUpgrade, UpgradeRefusedError } from '../../src/gitops/upgrade-guard';

const pvc = (name: string, storage = '1Gi'): ManifestObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'ns' }, spec: { resources: { requests: { storage } } } });
const cm = (name: string): ManifestObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' }, data: {} });
const cluster: ManifestObject = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db', namespace: 'ns' }, spec: {} };
const otherCluster: ManifestObject = { apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Cluster', metadata: { name: 'c', namespace: 'ns' }, spec: {} };

test('new and removed objects without data pass; removed data holders are refused', () => {
  const { refused } = checkUpgrade([pvc('a'), cm('old'), cluster, otherCluster], [cm('new')]);
  expect(refused.map(c => `${c.object} ${c.field}`)).toEqual(['PersistentVolumeClaim/ns/a (removed)', 'Cluster/ns/db (removed)']);
  expect(refused[0].recipe).toMatch(/copy its data to the new store/);
});

test('objects are matched by group, kind, namespace and name (not by API version)', () => {
  const v1 = { ...cluster, spec: { instances: 1 } };
  const v2 = { ...cluster, apiVersion: 'postgresql.cnpg.io/v2', spec: { instances: 3 } };
  expect(checkUpgrade([v1], [v2]).refused).toEqual([]);
});

test('an acknowledgement matches its object and field (or a parent field) only', () => {
  const before = [pvc('a', '2Gi'), pvc('b', '2Gi')];
  const after = [pvc('a', '1Gi'), pvc('b', '1Gi')];
  const check = checkUpgrade(before, after, [
    { object: 'PersistentVolumeClaim/ns/a', field: 'spec.resources', reason: 'recreated by hand' },
    { object: 'PersistentVolumeClaim/ns/zzz', field: 'spec', reason: 'old' },
  ]);
  expect(check.refused.map(c => c.object)).toEqual(['PersistentVolumeClaim/ns/b']);
  expect(check.acknowledged.map(c => c.object)).toEqual(['PersistentVolumeClaim/ns/a']);
  expect(check.stale.map(a => a.object)).toEqual(['PersistentVolumeClaim/ns/zzz']);
});

test('the error names each object, field and recipe, and how to acknowledge it', () => {
  const { refused } = checkUpgrade([pvc('a', '2Gi')], [pvc('a', '1Gi')]);
  const error = new UpgradeRefusedError('prod', refused);
  expect(error).toBeInstanceOf(McpConfigError);
  expect(error.message).toContain('prod: 1 change(s) would be refused');
  expect(error.message).toContain('PersistentVolumeClaim/ns/a spec.resources.requests.storage: a PersistentVolumeClaim cannot shrink (2Gi -> 1Gi)');
  expect(error.message).toContain('Recipe: keep the size, or copy the data out, kubectl -n ns delete persistentvolumeclaim a');
  expect(error.message).toContain("gitops: { acknowledgedChanges: [{ object: 'PersistentVolumeClaim/ns/a', field: 'spec.resources.requests.storage', reason: '...' }] }");
});
