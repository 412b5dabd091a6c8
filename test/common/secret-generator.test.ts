import { Chart } from 'cdk8s';
import { renderConnectivityDocument } from '../../src/connectivity/connectivity-document';
import { Connectivity } from '../../src/connectivity/connectivity';
import { secretGeneratorScript } from '../../src/common/secret-generator';
import { provideSecret, SecretsProvisioning } from '../../src/common/secret-provisioning';
import { checkDocument } from '../connectivity/document';
import { checkRuleWidth, checkSymmetry } from '../connectivity/checks';
import { secretsProduced } from '../platform/secret-sources';
import { checkInvariants, checkPodSecurity, K8sObject } from '../support/invariants';
import { SchemaValidator } from '../support/schema';
import { synthChart } from '../support/synth';

const GENERATED: SecretsProvisioning = { source: 'generated' };
const labels = (name: string) => ({ 'app.kubernetes.io/name': name });

// Two components asking for generated Secrets, one of them twice with different keys.
function build(chart: Chart, extra: (chart: Chart) => void = () => undefined): void {
  provideSecret(chart, GENERATED, { secretName: 'tool-registry-secrets', labels: labels('tool-registry'), keys: { SECRET_KEY: { generate: true } }, field: 'secrets' });
  provideSecret(chart, GENERATED, { secretName: 'tool-registry-secrets', labels: labels('tool-registry'), keys: { EMBEDDING_API_KEY: { generate: true } }, field: 'secrets' });
  provideSecret(chart, GENERATED, { secretName: 'edge-mcp', labels: labels('edge-mcp'), keys: { 'api-key': { generate: true } }, field: 'apiKey' });
  extra(chart);
}

const job = (objects: K8sObject[]) => objects.filter(o => o.kind === 'Job');

describe('the secret generator objects', () => {
  const { chart, objects, externals } = synthChart(c => build(c), 'mcp-dev');

  test('the Role grants get only on the generated Secrets, create on Secrets, and nothing else', () => {
    const roles = objects.filter(o => o.kind === 'Role');
    expect(roles.map(r => r.rules)).toEqual([[
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['edge-mcp', 'tool-registry-secrets'] },
      // The API cannot limit create by name (the name is not in the URL of a POST).
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ]]);
    const binding = objects.find(o => o.kind === 'RoleBinding')!;
    const sa = objects.find(o => o.kind === 'ServiceAccount')!;
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roles[0].metadata.name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: 'mcp-dev' }]);
    expect(job(objects)[0].spec.template.spec.serviceAccountName).toBe(sa.metadata.name);
  });

  test('one Job whose script creates exactly the requested Secrets and keys (keys merged per Secret)', () => {
    expect(job(objects)).toHaveLength(1);
    const container = job(objects)[0].spec.template.spec.containers[0];
    expect(container.command).toEqual(['/bin/sh', '-c', secretGeneratorScript([
      { name: 'edge-mcp', keys: ['api-key'], labels: labels('edge-mcp') },
      { name: 'tool-registry-secrets', keys: ['EMBEDDING_API_KEY', 'SECRET_KEY'], labels: labels('tool-registry') },
    ])]);
    expect(container.image).toMatch(/^curlimages\/curl:\d+\.\d+\.\d+$/);
  });

  test('read back from the rendered Job, it produces exactly the requested Secrets and keys', () => {
    expect([...secretsProduced(objects)].map(([id, s]) => [id, s.source, [...s.keys]])).toEqual([
      ['mcp-dev/edge-mcp', 'secret generator', ['api-key']],
      ['mcp-dev/tool-registry-secrets', 'secret generator', ['EMBEDDING_API_KEY', 'SECRET_KEY']],
    ]);
  });

  test('the Job passes Pod Security restricted and every platform invariant; it needs no prerequisite', () => {
    expect(checkPodSecurity(objects)).toEqual([]);
    expect(checkInvariants(objects, externals)).toEqual([]);
    expect(chart.node.tryFindChild('secret-generator-mcp-dev')).toBeDefined();
    expect(externals).toEqual({});
  });

  test('every object is valid Kubernetes 1.28', () => {
    const schema = new SchemaValidator([]);
    expect(objects.flatMap(o => schema.validate(o))).toEqual([]);
  });

  test('a Job pod template is immutable, so the Job name follows it: a new Secret renders a new Job, the same input the same name', () => {
    const name = job(objects)[0].metadata.name;
    expect(name).toMatch(/^mcp-secret-generator-[0-9a-f]{8}$/);
    expect(job(synthChart(c => build(c), 'mcp-dev').objects)[0].metadata.name).toBe(name);
    const more = synthChart(c => build(c, x => provideSecret(x, GENERATED, { secretName: 'mcp-github-token', labels: labels('github'), keys: { token: { generate: true } }, field: 'x' })), 'mcp-dev');
    expect(job(more.objects)[0].metadata.name).not.toBe(name);
    const moreKeys = synthChart(c => build(c, x => provideSecret(x, GENERATED, { secretName: 'edge-mcp', labels: labels('edge-mcp'), keys: { other: { generate: true } }, field: 'x' })), 'mcp-dev');
    expect(job(moreKeys.objects)[0].metadata.name).not.toBe(name);
  });

  test('its NetworkPolicy comes from the connectivity model: DNS and the API server only, both sides, and the document says so', () => {
    const policies = objects.filter(o => o.kind === 'NetworkPolicy');
    expect(policies.map(p => [p.metadata.name, p.spec.policyTypes, p.spec.ingress])).toEqual([['mcp-secret-generator', ['Ingress', 'Egress'], []]]);
    expect(policies[0].spec.egress.flatMap((r: any) => r.ports.map((p: any) => `${p.port}/${p.protocol}`))).toEqual(['53/UDP', '53/TCP', '443/TCP', '6443/TCP']);
    expect(checkSymmetry(objects)).toEqual([]);
    expect(checkRuleWidth(objects)).toEqual([]);
    expect(checkDocument(objects, renderConnectivityDocument(Connectivity.of(chart), { environment: 'test', namespace: 'mcp-dev' }))).toEqual([]);
  });
});

test('a Secret with a key issued elsewhere is no generated Secret: it stays a prerequisite', () => {
  const { objects, externals } = synthChart(c => provideSecret(c, GENERATED, {
    secretName: 'mcp-github-token', labels: labels('github'), keys: { token: { generate: false } }, field: 'secrets.githubToken',
  }), 'mcp-dev');
  expect(job(objects)).toEqual([]);
  expect(externals).toEqual({ Secret: ['mcp-github-token'] });
});

test('each namespace has its own generator, Role and Job', () => {
  const { chart, objects } = synthChart(c => {
    provideSecret(c, GENERATED, { secretName: 'a', labels: labels('a'), keys: { k: { generate: true } }, field: 'x' });
    provideSecret(c, GENERATED, { secretName: 'b', namespace: 'mcp-servers-dev', labels: labels('b'), keys: { k: { generate: true } }, field: 'x' });
  }, 'mcp-dev');
  expect(objects.filter(o => o.kind === 'Role').map(r => [r.metadata.namespace, r.rules[0].resourceNames])).toEqual([['mcp-dev', ['a']], ['mcp-servers-dev', ['b']]]);
  expect(job(objects).map(j => j.metadata.namespace)).toEqual(['mcp-dev', 'mcp-servers-dev']);
  // Both workloads are named mcp-secret-generator: the document names them by namespace.
  const document = renderConnectivityDocument(Connectivity.of(chart), { environment: 'test', namespace: 'mcp-dev' });
  expect(document).toContain('| mcp-servers-dev/mcp-secret-generator | Kubernetes API server | 443/TCP, 6443/TCP |');
  expect(checkDocument(objects, document)).toEqual([]);
});
