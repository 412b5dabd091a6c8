import * as fs from 'fs';
import * as path from 'path';
import { contentHash } from '../../src/common/checksum';
import { RETAIN_DATA_ANNOTATIONS } from '../../src/common/pod';
import { ManifestObject, parseManifests } from '../../src/gitops/manifest-objects';
import { defaultEnvironments } from '../../src/platform/presets';

// What keeps routine upgrades appliable and data safe, checked on the committed output.
const dist = path.join(__dirname, '..', '..', 'dist');
const load = (folder: string) => parseManifests(fs.readFileSync(path.join(dist, folder, 'manifests.k8s.yaml'), 'utf8'));
const VERSION = 'app.kubernetes.io/version';

describe.each(defaultEnvironments().map(e => [e.name] as const))('%s', name => {
  const objects = load(name);
  const ofKind = (kind: string) => objects.filter(o => o.kind === kind);

  test('claim templates carry only the StatefulSet selector labels, plus the retention annotations', () => {
    for (const sts of ofKind('StatefulSet')) {
      for (const t of sts.spec.volumeClaimTemplates ?? []) {
        expect({ sts: sts.metadata.name, labels: t.metadata.labels, annotations: t.metadata.annotations })
          .toEqual({ sts: sts.metadata.name, labels: sts.spec.selector.matchLabels, annotations: RETAIN_DATA_ANNOTATIONS });
      }
    }
  });

  test('no version-bearing label or annotation sits in an immutable field', () => {
    const immutable = (o: ManifestObject): unknown[] => {
      if (o.kind === 'StatefulSet') return [o.spec.selector, o.spec.volumeClaimTemplates];
      if (['Deployment', 'DaemonSet', 'ReplicaSet'].includes(o.kind)) return [o.spec.selector];
      if (o.kind === 'PersistentVolumeClaim') return [o.spec];
      return [];
    };
    const offenders = objects.filter(o => immutable(o).some(f => JSON.stringify(f ?? null).includes(VERSION)));
    expect(offenders.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });

  test('Jobs are named by a hash of their whole pod template', () => {
    for (const job of ofKind('Job')) {
      expect(job.metadata.name).toMatch(new RegExp(`-${contentHash(job.spec.template).slice(0, 8)}$`));
    }
  });

  test('objects that hold data are protected from Argo CD and Flux pruning and deletion', () => {
    const holders = objects.filter(o => o.kind === 'PersistentVolumeClaim' || o.apiVersion.startsWith('postgresql.cnpg.io/') && o.kind === 'Cluster');
    expect(holders.length).toBeGreaterThan(0);
    for (const o of holders) expect({ o: o.metadata.name, a: o.metadata.annotations }).toEqual({ o: o.metadata.name, a: expect.objectContaining(RETAIN_DATA_ANNOTATIONS) });
  });

  test('backup claims do not hold an Argo CD Application in Progressing before the first backup', () => {
    const backups = ofKind('PersistentVolumeClaim').filter(o => o.metadata.labels?.['app.kubernetes.io/component']?.endsWith('backup'));
    for (const o of backups) expect(o.metadata.annotations['argocd.argoproj.io/ignore-healthcheck']).toBe('true');
  });

  test('Namespaces sync before workloads (Argo CD wave -1)', () => {
    for (const ns of ofKind('Namespace')) expect(ns.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
  });
});

test('CRDs sync first (Argo CD wave -2)', () => {
  for (const crd of load('crds')) expect(crd.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-2');
});
