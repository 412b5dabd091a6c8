import { ExternalReference } from '../../src/common/external-references';
import { devEnvironment, prodEnvironment, stagingEnvironment } from '../../src/platform/presets';
import { K8sObject, podTemplates } from '../support/invariants';
import { synthEnvironment } from '../support/synth';
import { secretsProduced, unproducedSecrets } from './secret-sources';

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

describe('every Secret a pod reads is produced by the output', () => {
  test('dev: by the secret generator Job, with every key read (no plaintext Secret, no prerequisite)', () => {
    const { objects } = synthEnvironment(devEnvironment());
    expect(unproducedSecrets(objects, ['secret generator'])).toEqual([]);
  });

  test('dev: each generator\'s Role may get exactly the Secrets its Job creates, in its namespace', () => {
    const { objects } = synthEnvironment(devEnvironment());
    const generated = [...secretsProduced(objects)].filter(([, s]) => s.source === 'secret generator').map(([id]) => id).sort();
    const grantable = objects.filter(o => o.kind === 'Role' && o.metadata.name === 'mcp-secret-generator')
      .flatMap(r => r.rules.filter((rule: any) => rule.verbs.includes('get')).flatMap((rule: any) => rule.resourceNames.map((n: string) => `${r.metadata.namespace}/${n}`))).sort();
    expect(grantable).toEqual(generated);
  });

  test('prod: by an ExternalSecret or by CloudNativePG, with every key read', () => {
    const { objects } = synthEnvironment(prodEnvironment());
    expect(unproducedSecrets(objects, ['ExternalSecret', 'CloudNativePG'])).toEqual([]);
  });

  describe('the check, on fixtures', () => {
    const pod = (env: any[]) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app', namespace: 'ns' }, spec: { template: { metadata: { labels: {} }, spec: { containers: [{ name: 'app', env }] } } } });
    const reads = (name: string, key: string, optional = false) => ({ name: key.toUpperCase(), valueFrom: { secretKeyRef: { name, key, optional } } });
    const generator = (line: string) => ({
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'mcp-secret-generator-0', namespace: 'ns', labels: { 'app.kubernetes.io/name': 'mcp-secret-generator' } },
      spec: { template: { spec: { containers: [{ command: ['/bin/sh', '-c', `set -eu\n${line}`] }] } } },
    });
    const externalSecret = (name: string, keys: string[]) => ({ apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name, namespace: 'ns' }, spec: { data: keys.map(secretKey => ({ secretKey, remoteRef: { key: `mcp/ns/${name}`, property: secretKey } })) } });
    const cluster = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db', namespace: 'ns' }, spec: { instances: 2 } };

    test('a Secret nothing produces', () => {
      expect(unproducedSecrets([pod([reads('missing', 'token')])] as any, ['secret generator'])).toEqual(['Secret ns/missing (read by Deployment app) is not produced by the output']);
    });

    test('optional references need nothing', () => {
      expect(unproducedSecrets([pod([reads('missing', 'token', true)])] as any, ['secret generator'])).toEqual([]);
    });

    test('a generated Secret without a key that is read', () => {
      const objects = [pod([reads('app', 'a'), reads('app', 'b')]), generator("generate app '{}' a")] as any;
      expect(unproducedSecrets(objects, ['secret generator'])).toEqual(['Secret ns/app (read by Deployment app): the secret generator does not produce key b']);
      expect(unproducedSecrets([pod([reads('app', 'a')]), generator("generate app '{\"x\":\"y\"}' a")] as any, ['secret generator'])).toEqual([]);
    });

    test('a plaintext Secret where only generated ones are allowed', () => {
      const objects = [pod([reads('app', 'a')]), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app', namespace: 'ns' }, stringData: { a: 'x' } }] as any;
      expect(unproducedSecrets(objects, ['secret generator'])).toEqual(['Secret ns/app (read by Deployment app) is produced by a Secret, not by secret generator']);
    });

    test('ExternalSecrets with their keys, and CloudNativePG\'s <cluster>-app', () => {
      const objects = [pod([reads('app', 'a'), reads('db-app', 'uri'), reads('db-app', 'password')]), externalSecret('app', ['a']), cluster] as any;
      expect(unproducedSecrets(objects, ['ExternalSecret', 'CloudNativePG'])).toEqual([]);
      const missingKey = [pod([reads('app', 'b')]), externalSecret('app', ['a'])] as any;
      expect(unproducedSecrets(missingKey, ['ExternalSecret'])).toEqual(['Secret ns/app (read by Deployment app): the ExternalSecret does not produce key b']);
      const ownSecret = [pod([reads('db-app', 'uri')]), { ...cluster, spec: { bootstrap: { initdb: { secret: { name: 'creds' } } } } }] as any;
      expect(unproducedSecrets(ownSecret, ['ExternalSecret', 'CloudNativePG'])).toEqual([
        'Secret ns/db-app (read by Deployment app) is not produced by the output',
        'Secret ns/creds (read by Cluster db) is not produced by the output',
      ]);
    });
  });
});
