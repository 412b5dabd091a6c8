import { DatabaseBackup } from '../../src/backup/database-backup';
import { protectData } from '../../src/gitops/data-protection';
import { defineEnvironment } from '../../src/platform/environment';
import { withToolRegistry } from '../tool-registry/helpers';
import { find, synthChart, synthEnvironment } from '../support/synth';

// Backups that outlive the environment: the backup claim can bind a cluster-scoped
// PersistentVolume (reclaimPolicy Retain) created outside the environment.
const backup = (volumeName?: string) => synthChart(chart => {
  new DatabaseBackup(chart, 'backup', {
    name: 'db-backup',
    identity: { name: 'db', instance: 'db', component: 'database-backup', version: '1.0.0' },
    source: { kind: 'postgres', connection: { host: 'db', password: { secretName: 'db', key: 'password' } }, defaults: { database: 'app', username: 'app' } },
    volumeName,
  });
  protectData(chart);
});

test('the backup claim binds a given PersistentVolume and carries the GitOps protection and health hint', () => {
  const claim = find(backup('mcp-prod-backups').objects, 'PersistentVolumeClaim', 'db-backup');
  expect(claim.spec.volumeName).toBe('mcp-prod-backups');
  expect(claim.metadata.annotations).toEqual({
    'argocd.argoproj.io/ignore-healthcheck': 'true',
    'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
    'kustomize.toolkit.fluxcd.io/prune': 'disabled',
  });
});

test('without a volume name the claim is provisioned from the StorageClass', () => {
  expect(find(backup().objects, 'PersistentVolumeClaim', 'db-backup').spec.volumeName).toBeUndefined();
});

test('CloudNativePG backups go to the ObjectStore: backup.volumeName is refused there', () => {
  const env = defineEnvironment(withToolRegistry('prod'), { toolRegistry: { database: { backup: { volumeName: 'pv' } } } });
  expect(() => synthEnvironment(env)).toThrow("invalid backup.volumeName \"pv\": backup.volumeName applies to the statefulset backend's pg_dump CronJob only: remove it");
});
