import { Chart } from 'cdk8s';
import { defineEnvironment } from '../../src/platform/environment';
import { devEnvironment } from '../../src/platform/presets';
import { ToolRegistry, ToolRegistryProps } from '../../src/tool-registry/tool-registry';
import { expectConstructRejected, expectEnvironmentRejected } from '../support/bad-input';
import { synthChart } from '../support/synth';
import { find, TEST_IMAGE, withToolRegistry } from './helpers';

// Bad input to the ToolRegistry and its database: each case names the construct path, the
// field, the value as shown (secrets never) and the fix; environments write nothing.

const base: ToolRegistryProps = {
  image: TEST_IMAGE,
  embeddingEndpointUrl: 'https://embeddings.example.com/v1/embeddings',
  database: { credentialsSecret: 'tool-registry-db-credentials' },
};
const DSN = 'postgresql+asyncpg://tool_registry:hunter2-s3cret@tool-registry-db:5432/tool_registry';
const API_KEY = 'k3y-Zq81-live-Api';
const PASSWORD = 'Sup3r$ecret!pw';

const build = (props: any) => (chart: Chart) => new ToolRegistry(chart, 'tool-registry', { ...base, ...props });
const withDb = (database: any) => build({ database: { ...base.database, ...database } });

describe('ToolRegistry bad input (construct)', () => {
  test.each([
    ['legacy storage key', withDb({ storage: { sizeGibibytes: 100 } }), 'test/tool-registry', 'database.storage.sizeGibibytes', 100, /did you mean 'size'/],
    ['storage in decimal GB with a B', withDb({ storage: { size: '100GB' } }), 'test/tool-registry/database', 'storage.size', '100GB', /storage quantity of at least 1Gi/],
    ['storage not in whole GiB', withDb({ storage: { size: '1536Mi' } }), 'test/tool-registry/database', 'storage.size', '1536Mi', /whole number of GiB/],
    ['CPU in words', build({ resources: { requests: { cpu: '2 cores' } } }), 'test/tool-registry', 'resources.requests.cpu', '2 cores', /CPU quantity/],
    ['memory request above its limit', build({ resources: { requests: { memory: '4Gi' } } }), 'test/tool-registry', 'resources.requests.memory', '4Gi', /may not exceed the limit "2Gi"/],
    ['database CPU request above its limit', withDb({ resources: { requests: { cpu: '3' } } }), 'test/tool-registry/database', 'resources.requests.cpu', '3', /may not exceed the limit "2"/],
    ['misspelt top-level key', build({ autoscalling: { maxReplicas: 5 } }), 'test/tool-registry', 'autoscalling', { maxReplicas: 5 }, /did you mean 'autoscaling'/],
    ['old upper-case log level', build({ logLevel: 'DEBUG' }), 'test/tool-registry', 'logLevel', 'DEBUG', /use one of "debug", "error", "info", "warning"/],
    ['workers as a word', build({ workers: 'four' }), 'test/tool-registry', 'workers', 'four', /a number/],
    ['workers out of range', build({ workers: 64 }), 'test/tool-registry', 'workers', 64, /32/],
    ['40-character image digest', build({ image: `ghcr.io/example/tool-registry@sha256:${'a'.repeat(40)}` }), 'test/tool-registry', 'image', `ghcr.io/example/tool-registry@sha256:${'a'.repeat(40)}`, /64/],
    ['backup schedule with hour 25', withDb({ backup: { schedule: '0 25 * * *' } }), 'test/tool-registry/database', 'backup.schedule', '0 25 * * *', /five-field cron/],
    ['unknown backup time zone', withDb({ backup: { timeZone: 'Mars/Olympus' } }), 'test/tool-registry/database', 'backup.timeZone', 'Mars/Olympus', /IANA time zone/],
    ['error-rate threshold above 100 %', build({ monitoring: { prometheusRule: true, alerts: { errorRatePercent: 150 } } }), 'test/tool-registry', 'monitoring.alerts.errorRatePercent', 150, /100/],
    ['toleration seconds without NoExecute', build({ scheduling: { tolerations: [{ key: 'spot', operator: 'Exists', tolerationSeconds: 30 }] } }), 'test/tool-registry', 'scheduling.tolerations[0].tolerationSeconds', 30, /NoExecute/],
    ['ingress without a host', build({ ingress: { tls: { clusterIssuer: 'letsencrypt' } } }), 'test/tool-registry', 'ingress.host', undefined, /set ingress.host/],
    ['a fixed replica count while autoscaled', build({ replicas: 3 }), 'test/tool-registry', 'replicas', 3, /autoscaling.enabled: false/],
    ['an unknown scheduling affinity key on CloudNativePG', withDb({ backend: 'cloudnative-pg', cloudNativePg: { backupMethod: { method: 'volumeSnapshot', volumeSnapshotClassName: 'csi' } }, scheduling: { affinity: { nodeAfinity: {} } } }), 'test/tool-registry/database', 'scheduling.affinity.nodeAfinity', {}, /nodeAffinity, podAffinity or podAntiAffinity/],
    ['extraEnv shadowing DATABASE_URL', build({ extraEnv: [{ name: 'DATABASE_URL', value: 'x' }] }), 'test/tool-registry', 'extraEnv[0].name', 'DATABASE_URL', /sets this variable itself/],
    ['extraEnv shadowing the password DATABASE_URL expands', build({ extraEnv: [{ name: 'DATABASE_PASSWORD', value: 'x' }] }), 'test/tool-registry', 'extraEnv[0].name', 'DATABASE_PASSWORD', /sets this variable itself/],
    ['an unknown ingress route', build({ ingress: { host: 'tools.example.com', routes: ['metrics'] } }), 'test/tool-registry', 'ingress.routes[0]', 'metrics', /use one of "admin", "docs", "mcp"/],
    ['the old SECRET_KEY reference (the API reads no SECRET_KEY)', build({ secrets: { secretKey: { secretName: 's', key: 'SECRET_KEY' } } }), 'test/tool-registry', 'secrets.secretKey', { secretName: 's', key: 'SECRET_KEY' }, /unknown field/],
  ] as const)('%s', (_name, b, path, field, value, fix) => {
    expectConstructRejected(b, { path, field, value, fix });
  });

  test('a plaintext DATABASE_URL where the database password Secret belongs is refused and never shown', () => {
    expectConstructRejected(withDb({ credentialsSecret: DSN }), {
      path: 'test/tool-registry/database', field: 'credentialsSecret', value: '<not shown: not a Secret name>', fix: /never the secret value itself/, never: [DSN, 'hunter2'],
    });
  });

  test('an API key typed as the Secret name is refused and never shown', () => {
    expectConstructRejected(build({ secrets: { apiKeySecretName: API_KEY } }), {
      path: 'test/tool-registry', field: 'secrets.apiKeySecretName', value: '<not shown: not a Secret name>', fix: /never the secret value itself/, never: [API_KEY],
    });
  });

  test('a database password typed as credentialsSecret is refused and never shown', () => {
    expectConstructRejected(withDb({ credentialsSecret: PASSWORD }), {
      path: 'test/tool-registry/database', field: 'credentialsSecret', value: '<not shown: not a Secret name>', fix: /never the secret value itself/, never: [PASSWORD],
    });
  });

  test('the shared scheduling shape reaches the CloudNativePG Cluster', () => {
    const { objects } = synthChart(withDb({
      backend: 'cloudnative-pg', cloudNativePg: { backupMethod: { method: 'volumeSnapshot', volumeSnapshotClassName: 'csi' } },
      scheduling: { nodeSelector: { pool: 'db' }, tolerations: [{ key: 'db', operator: 'Exists', effect: 'NoSchedule' }], priorityClassName: 'high', topologySpread: true },
    }));
    const spec = find(objects, 'Cluster', 'tool-registry-db').spec;
    expect(spec.affinity).toMatchObject({ enablePodAntiAffinity: true, nodeSelector: { pool: 'db' }, tolerations: [{ key: 'db', operator: 'Exists', effect: 'NoSchedule' }] });
    expect(spec.priorityClassName).toBe('high');
    expect(spec.topologySpreadConstraints[0].labelSelector.matchLabels).toEqual({ 'cnpg.io/cluster': 'tool-registry-db', 'cnpg.io/podRole': 'instance' });
  });

  test('Helm-style storage.size takes effect on the claim (not left at the default)', () => {
    const { objects } = synthChart(withDb({ storage: { size: '100Gi' } }));
    expect(find(objects, 'StatefulSet', 'tool-registry-db').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('100Gi');
  });
});

describe('ToolRegistry bad input (whole environment, nothing written)', () => {
  test('a tool registry without an image: the synth says what is missing and how to supply it', () => {
    const { image: _none, ...withoutImage } = withToolRegistry('dev').toolRegistry!;
    expectEnvironmentRejected({ ...devEnvironment(), toolRegistry: withoutImage as ToolRegistryProps }, {
      path: 'dev', field: 'toolRegistry.image', fix: /^set image \(Image of your Tool Registry API build, pinned by tag or digest \(`registry.example.com\/tool-registry:1.0.0`\): the API publishes no image, so build it from its source and push it to a registry your cluster pulls from\)$/,
    });
  });

  test('a database password in place of the credentials Secret name', () => {
    const env = defineEnvironment(withToolRegistry('staging'), { toolRegistry: { database: { credentialsSecret: PASSWORD } } });
    expectEnvironmentRejected(env, { path: 'staging/tool-registry/database', field: 'credentialsSecret', value: '<not shown: not a Secret name>', fix: /never the secret value itself/, never: [PASSWORD] });
  });

  test('a backup time zone that does not exist', () => {
    const env = defineEnvironment(withToolRegistry('staging'), { toolRegistry: { database: { backup: { timeZone: 'Mars/Olympus' } } } });
    expectEnvironmentRejected(env, { path: 'staging/tool-registry/database', field: 'backup.timeZone', value: 'Mars/Olympus', fix: /IANA/ });
  });

  test('Helm-style storage key in a values file', () => {
    const env = defineEnvironment(withToolRegistry('prod'), { toolRegistry: { database: { storage: { persistentVolumeSize: '100Gi' } as any } } });
    expectEnvironmentRejected(env, { path: 'prod', field: 'toolRegistry.database.storage.persistentVolumeSize', value: '<a string, not shown>', fix: /unknown field; valid fields are size, storageClassName/ });
  });

  test('a plaintext remote key as a whole environment sees it', () => {
    const env = defineEnvironment(withToolRegistry('prod'), { toolRegistry: { secrets: { remoteKeys: { apiKey: 'my-api-key-value' as any } } } });
    expectEnvironmentRejected(env, { path: 'prod', field: 'toolRegistry.secrets.remoteKeys.apiKey', value: '<a string, not shown>', fix: /an object with remoteKey/, never: ['my-api-key-value'] });
  });
});
