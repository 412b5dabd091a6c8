import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { mcpAgentCrdManifest } from '../../src/agent/mcp-agent-crd';
import { defaultEnvironments } from '../../src/platform/presets';
import { synthesizePlatform } from '../../src/platform/synthesize';
import { checkInvariants, operatorPodLabels, podTemplates } from '../support/invariants';
import { SchemaValidator } from '../support/schema';
import { synthEnvironment } from '../support/synth';

// The platform's own CRDs are rendered to crds.k8s.yaml, not into the environment charts.
const schema = new SchemaValidator([mcpAgentCrdManifest()]);

describe.each(defaultEnvironments().map(e => [e.name, e] as const))('%s environment', (_name, environment) => {
  const { objects, externals } = synthEnvironment(environment);

  test('holds every platform invariant', () => {
    expect(checkInvariants(objects, externals)).toEqual([]);
  });

  test('every object validates against the Kubernetes 1.28 or CRD schema', () => {
    const crds = objects.filter(o => o.kind === 'CustomResourceDefinition');
    const validator = crds.length ? new SchemaValidator([mcpAgentCrdManifest(), ...crds]) : schema;
    expect(objects.flatMap(o => validator.validate(o))).toEqual([]);
  });

  test('every namespaced object lands in a Namespace the chart renders', () => {
    // The platform lives in the environment namespace; MCP servers live in their own
    // (mcp-servers-<env>), so the deployer's namespace-scoped rights reach servers only.
    const rendered = new Set(objects.filter(o => o.kind === 'Namespace').map(o => o.metadata.name));
    expect(rendered.has(environment.namespace!)).toBe(true);
    const namespaced = objects.filter(o => o.kind !== 'Namespace' && o.kind !== 'CustomResourceDefinition');
    expect(new Set(namespaced.map(o => o.metadata.namespace))).toEqual(rendered);
  });

  test('every same-namespace pod peer of a NetworkPolicy selects pods the chart renders', () => {
    // Pods of the chart's workloads, and those operators create from its objects (CloudNativePG).
    const pods = [
      ...podTemplates(objects).map(t => ({ namespace: t.owner.metadata.namespace, labels: t.labels })),
      ...objects.flatMap(o => operatorPodLabels([o]).map(labels => ({ namespace: o.metadata.namespace, labels }))),
    ];
    const dangling = objects.filter(o => o.kind === 'NetworkPolicy').flatMap(np =>
      [...(np.spec.ingress ?? []).flatMap((r: any) => r.from ?? []), ...(np.spec.egress ?? []).flatMap((r: any) => r.to ?? [])]
        .filter((peer: any) => peer.podSelector?.matchLabels && !peer.namespaceSelector)
        .filter((peer: any) => !pods.some(p => p.namespace === np.metadata.namespace
          && Object.entries(peer.podSelector.matchLabels).every(([k, v]) => p.labels[k] === v)))
        .map((peer: any) => `${np.metadata.namespace}/${np.metadata.name}: ${JSON.stringify(peer.podSelector.matchLabels)}`));
    expect(dangling).toEqual([]);
  });

  test('synthesis is deterministic', () => {
    expect(synthEnvironment(environment).objects).toEqual(objects);
  });
});

test('dev renders no object that needs an operator CRD', () => {
  const { objects } = synthEnvironment(defaultEnvironments()[0]);
  const operatorGroups = ['monitoring.coreos.com', 'cert-manager.io', 'postgresql.cnpg.io', 'external-secrets.io', 'keda.sh', 'mesh.mcp.io'];
  expect(objects.filter(o => operatorGroups.some(g => o.apiVersion.startsWith(`${g}/`))).map(o => o.kind)).toEqual([]);
});

test('the committed dist/ equals a fresh synth, file for file', () => {
  // The review surface for rendered changes is dist/ itself (no separate environment snapshot).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-mcp-dist-'));
  try {
    const files = synthesizePlatform(defaultEnvironments(), path.join(dir, 'dist'), { onWarning: () => undefined });
    const committed = path.join(__dirname, '..', '..', 'dist');
    const listed = (root: string) => fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(f => fs.statSync(path.join(root, f)).isFile()).sort();
    expect(listed(committed)).toEqual(['.cdk8s-mcp-files', ...files].sort());
    // The CRDs (applied first) and each environment's folder with its capability graph.
    expect(files).toEqual(expect.arrayContaining(['crds/manifests.k8s.yaml', ...defaultEnvironments().flatMap(e => [`${e.name}/manifests.k8s.yaml`, `${e.name}/kustomization.yaml`, `${e.name}/graph.md`])]));
    for (const f of listed(committed)) {
      const fresh = fs.readFileSync(path.join(dir, 'dist', f), 'utf8');
      expect({ file: f, same: fs.readFileSync(path.join(committed, f), 'utf8') === fresh }).toEqual({ file: f, same: true });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
