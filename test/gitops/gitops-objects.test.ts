import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { argoCdApplication } from '../../src/gitops/argocd-application';
import { fluxKustomizations } from '../../src/gitops/flux-kustomization';
import { isGenerated } from '../../src/gitops/generated-header';
import { defineEnvironment } from '../../src/platform/environment';
import { devEnvironment, prodEnvironment } from '../../src/platform/presets';
import { synthesizePlatform } from '../../src/platform/synthesize';

let out: string;
beforeEach(() => { out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-mcp-gitops-')); });
afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

const read = (file: string) => parseAllDocuments(fs.readFileSync(path.join(out, file), 'utf8')).map(d => d.toJS());

test('an environment that asks for them gets an Argo CD Application and Flux Kustomizations beside its folder', () => {
  const prod = defineEnvironment(prodEnvironment(), {
    gitops: {
      argoCd: { repoUrl: 'https://git.example.com/platform.git', targetRevision: 'main', distPath: 'deploy/dist/' },
      flux: { sourceName: 'platform', interval: '5m' },
    },
  });
  const files = synthesizePlatform([devEnvironment(), prod], out, { onWarning: () => undefined });
  expect(files.filter(f => /^(argocd|flux)\//.test(f))).toEqual(['argocd/prod.yaml', 'flux/prod.yaml']);
  expect(isGenerated(fs.readFileSync(path.join(out, 'argocd', 'prod.yaml'), 'utf8'))).toBe(true);

  const [app] = read('argocd/prod.yaml');
  expect(app).toEqual({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'mcp-prod', namespace: 'argocd', labels: { 'app.kubernetes.io/part-of': 'mcp-platform' } },
    spec: {
      project: 'default',
      sources: [
        { repoURL: 'https://git.example.com/platform.git', targetRevision: 'main', path: 'deploy/dist/crds' },
        { repoURL: 'https://git.example.com/platform.git', targetRevision: 'main', path: 'deploy/dist/prod' },
      ],
      destination: { server: 'https://kubernetes.default.svc', namespace: 'mcp-prod' },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true', 'PruneLast=true'] },
    },
  });
  // No resources finalizer: deleting the Application never cascades into the data.
  expect(app.metadata.finalizers).toBeUndefined();

  const [crds, env] = read('flux/prod.yaml');
  expect(crds.spec).toEqual({ interval: '5m', sourceRef: { kind: 'GitRepository', name: 'platform' }, path: './dist/crds', prune: false, wait: true });
  expect(env.metadata).toEqual({ name: 'mcp-prod', namespace: 'flux-system', labels: { 'app.kubernetes.io/part-of': 'mcp-platform' } });
  expect(env.spec).toEqual(expect.objectContaining({ path: './dist/prod', dependsOn: [{ name: 'mcp-crds-prod' }], prune: true }));
  // Health is the workloads' rollout, not every object (a backup claim binds at the first backup).
  expect(env.spec.wait).toBeUndefined();
  expect(new Set(env.spec.healthChecks.map((h: any) => h.kind))).toEqual(new Set(['Deployment', 'StatefulSet']));
  expect(env.spec.healthChecks).toContainEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'mcp-mesh-registry', namespace: 'mcp-prod' });
});

test('Argo CD sync can be left manual', () => {
  const app = argoCdApplication({ name: 'dev', namespace: 'mcp-dev', objects: [] }, { repoUrl: 'r', automated: false });
  expect(app.spec.syncPolicy).toEqual({ syncOptions: ['ServerSideApply=true', 'PruneLast=true'] });
  expect(app.spec.sources.map((s: any) => s.path)).toEqual(['dist/crds', 'dist/dev']);
});

test('Flux sources may be OCI repositories or buckets', () => {
  const [crds] = fluxKustomizations({ name: 'dev', namespace: 'mcp-dev', objects: [] }, { sourceName: 'oci', sourceKind: 'OCIRepository', namespace: 'gitops' });
  expect(crds.metadata.namespace).toBe('gitops');
  expect(crds.spec.sourceRef).toEqual({ kind: 'OCIRepository', name: 'oci' });
});
