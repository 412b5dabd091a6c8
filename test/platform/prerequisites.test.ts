import { ExternalReference } from '../../src/common/external-references';
import { devEnvironment, prodEnvironment, stagingEnvironment } from '../../src/platform/presets';
import { K8sObject, podTemplates } from '../support/invariants';
import { synthEnvironment } from '../support/synth';

const show = (r: ExternalReference) => `${r.kind} ${r.namespace ?? '(cluster)'}/${r.name} [${r.keys.join(', ')}] (${r.referencedBy})`;

/**
 * Names of what the rendered backups store into: the Barman Cloud ObjectStores the CloudNativePG
 * Clusters archive to, and the credential Secrets rendered ObjectStores read.
 */
function backupObjectStores(objects: K8sObject[]): Set<string> {
  const names = new Set<string>();
  for (const o of objects) {
    if (o.apiVersion === 'postgresql.cnpg.io/v1' && o.kind === 'Cluster') {
      for (const p of o.spec.plugins ?? []) if (p.parameters?.barmanObjectName) names.add(p.parameters.barmanObjectName);
    }
    if (o.kind === 'ObjectStore') collectCredentialNames(o.spec, false, names);
  }
  return names;
}

function collectCredentialNames(value: any, underCredentials: boolean, out: Set<string>): void {
  if (!value || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (underCredentials && k === 'name' && typeof v === 'string') out.add(v);
    collectCredentialNames(v, underCredentials || /credentials/i.test(k), out);
  }
}

test('dev needs nothing: externalReferences() is empty', () => {
  const { chart } = synthEnvironment(devEnvironment());
  expect(chart.externalReferences().map(show)).toEqual([]);
});

test('prod needs only the secret store (and the backup object store, when backups go to one): no hand-made Secret', () => {
  const { chart, objects } = synthEnvironment(prodEnvironment());
  const refs = chart.externalReferences();
  const stores = backupObjectStores(objects);
  expect(refs.filter(r => !(r.kind === 'ClusterSecretStore' && r.name === 'mcp-platform') && !stores.has(r.name)).map(show)).toEqual([]);
  expect(refs.filter(r => r.kind === 'ClusterSecretStore').map(show)).toEqual([expect.stringMatching(/^ClusterSecretStore \(cluster\)\/mcp-platform \[\]/)]);
});

test.each([devEnvironment(), stagingEnvironment(), prodEnvironment()].map(e => [e.name, e] as const))('%s: every reference says kind, namespace, name and the keys read', (_name, environment) => {
  const { chart } = synthEnvironment(environment);
  const incomplete = chart.externalReferences().filter(r =>
    !r.kind || !r.name || !Array.isArray(r.keys)
    || (r.kind === 'ClusterSecretStore' ? r.namespace !== undefined : !r.namespace)
    || ((r.kind === 'Secret' || r.kind === 'ConfigMap') && r.keys.length === 0));
  expect(incomplete.map(show)).toEqual([]);
});

/** `<kind>/<namespace>/<name>` of every Secret, ConfigMap and PVC a rendered pod reads. */
function podReads(objects: K8sObject[]): Set<string> {
  const out = new Set<string>();
  for (const t of podTemplates(objects)) {
    const ns = t.owner.metadata.namespace;
    const add = (kind: string, name?: string) => name && out.add(`${kind}/${ns}/${name}`);
    for (const v of t.spec.volumes ?? []) {
      add('Secret', v.secret?.secretName);
      add('ConfigMap', v.configMap?.name);
      add('PersistentVolumeClaim', v.persistentVolumeClaim?.claimName);
      for (const s of v.projected?.sources ?? []) {
        add('Secret', s.secret?.name);
        add('ConfigMap', s.configMap?.name);
      }
    }
    for (const c of [...(t.spec.initContainers ?? []), ...(t.spec.containers ?? [])]) {
      for (const e of c.envFrom ?? []) {
        add('Secret', e.secretRef?.name);
        add('ConfigMap', e.configMapRef?.name);
      }
      for (const e of c.env ?? []) {
        add('Secret', e.valueFrom?.secretKeyRef?.name);
        add('ConfigMap', e.valueFrom?.configMapKeyRef?.name);
      }
    }
  }
  return out;
}

test.each([stagingEnvironment(), prodEnvironment()].map(e => [e.name, e] as const))('%s: each Secret, ConfigMap and PVC reference is in the namespace of the pods that read it', (_name, environment) => {
  const { chart, objects } = synthEnvironment(environment);
  const reads = podReads(objects);
  const misplaced = chart.externalReferences()
    .filter(r => ['Secret', 'ConfigMap', 'PersistentVolumeClaim'].includes(r.kind))
    .filter(r => !reads.has(`${r.kind}/${r.namespace}/${r.name}`));
  expect(misplaced.map(show)).toEqual([]);
});
