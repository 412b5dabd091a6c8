/**
 * Bad input to the EdgeGateway (and its Redis), on its own and through a whole environment:
 * each is refused at synth with the construct path, the field, the value and the fix, secret
 * values are never echoed, and nothing is written.
 */
import { EdgeGateway, EdgeGatewayProps } from '../../src/edge-gateway/edge-gateway';
import { EdgeRedis } from '../../src/edge-gateway/redis';
import { defineEnvironment, McpEnvironment } from '../../src/platform/environment';
import { devEnvironment, prodEnvironment, stagingEnvironment } from '../../src/platform/presets';
import { expectConstructRejected, expectEnvironmentRejected, ExpectedRejection } from '../support/bad-input';

const gateway = (props: object) => (chart: Parameters<Parameters<typeof expectConstructRejected>[0]>[0]) => new EdgeGateway(chart, 'gw', props as EdgeGatewayProps);
const core = { url: 'https://core.example.com', apiKey: { secretName: 'edge-mcp', key: 'core-platform-api-key' } };
const at = (field: string, value: unknown, fix: RegExp, never?: string[]): ExpectedRejection => ({ path: 'test/gw', field, value, fix, never });

describe('EdgeGateway refuses bad props with path, field, value and fix', () => {
  test.each<[string, object, ExpectedRejection]>([
    ['a plaintext core platform key where a Secret reference belongs (never echoed)',
      { corePlatform: { url: 'https://core.example.com', apiKey: 'sk-live-0123456789' } },
      at('corePlatform.apiKey', '<a string, not shown>', /use an object with key, secretName/, ['sk-live-0123456789'])],
    ['a plaintext EDGE_MCP_API_KEY (never echoed)',
      { apiKey: 'edge-plaintext-key' }, at('apiKey', '<a string, not shown>', /use an object/, ['edge-plaintext-key'])],
    ['ingress TLS without a host',
      { ingress: { tls: { clusterIssuer: 'letsencrypt-prod' } } }, at('ingress.host', undefined, /set ingress.host/)],
    ['an unknown key, with the closest valid one', { replica: 3 }, at('replica', 3, /unknown field; did you mean 'replicas'\?/)],
    ['a Helm-style image object', { image: { repository: 'ghcr.io/x/edge-mcp', tag: '1.2.3' } }, at('image', { repository: 'ghcr.io/x/edge-mcp', tag: '1.2.3' }, /use a string/)],
    ['the old upper-case log level', { logLevel: 'DEBUG' }, at('logLevel', 'DEBUG', /use one of "debug", "error", "info", "warning"/)],
    ['replicas as a word', { replicas: 'two' }, at('replicas', 'two', /use a number/)],
    ['a CPU quantity that is not one', { resources: { limits: { cpu: '2 cores' } } }, at('resources.limits.cpu', '2 cores', /millicores such as '250m'/)],
    ['a memory request above its limit', { resources: { requests: { memory: '1Gi' } } }, at('resources.requests.memory', '1Gi', /may not exceed the limit "512Mi"/)],
    ['minReplicas above maxReplicas', { autoscaling: { minReplicas: 6, maxReplicas: 5 } }, at('autoscaling.minReplicas', 6, /use at most autoscaling.maxReplicas \(5\)/)],
    ['a client CIDR with prefix /33', { networkPolicy: { clients: [{ cidr: '10.0.0.0/33' }] } }, at('networkPolicy.clients[0].cidr', '10.0.0.0/33', /CIDR notation/)],
    ['a core platform URL without a scheme', { corePlatform: { ...core, url: 'core.example.com' } }, at('corePlatform.url', 'core.example.com', /absolute http\(s\) base URL/)],
    ['a core platform URL with credentials (never echoed)', { corePlatform: { ...core, url: 'https://admin:hunter2@core.example.com' } },
      at('corePlatform.url', '<a URL with credentials, not shown>', /without credentials/, ['hunter2'])],
    ['an edge id with spaces', { corePlatform: { ...core, edgeId: 'edge one' } }, at('corePlatform.edgeId', 'edge one', /letters, digits/)],
    ['an OTLP endpoint with a scheme', { tracing: { enabled: true, otlpEndpoint: 'http://otel-collector:4317' } }, at('tracing.otlpEndpoint', 'http://otel-collector:4317', /host:port without a scheme/)],
    ['tracing on without an endpoint', { tracing: { enabled: true } }, at('tracing.otlpEndpoint', undefined, /set the OTLP gRPC collector as host:port/)],
    ['a sampling rate above 1', { tracing: { enabled: true, otlpEndpoint: 'otel:4317', samplingRate: 2 } }, at('tracing.samplingRate', 2, /fraction between 0 and 1/)],
    ['a 40-character digest', { image: 'ghcr.io/x/edge-mcp@sha256:0123456789abcdef0123456789abcdef01234567' },
      at('image', 'ghcr.io/x/edge-mcp@sha256:0123456789abcdef0123456789abcdef01234567', /malformed digest/)],
    ['a release without --disable-auto-update', { image: 'ghcr.io/smartramana/developer-mesh-edge-mcp:1.0.0' },
      at('image', 'ghcr.io/smartramana/developer-mesh-edge-mcp:1.0.0', /has no --disable-auto-update flag and exits on it/)],
    ['an alert hold time that is not a Prometheus duration', { monitoring: { prometheusRule: true, alerts: { down: { for: '5 minutes' } } } },
      at('monitoring.alerts.down.for', '5 minutes', /Prometheus duration/)],
    ['a variable the gateway sets itself in extraEnv', { extraEnv: [{ name: 'DEV_MESH_URL', value: 'https://x.example.com' }] },
      at('extraEnv[0].name', 'DEV_MESH_URL', /sets this variable itself/)],
    ['a Redis address with a scheme', { redis: { type: 'external', address: 'redis://cache:6379/0', password: { secretName: 'r', key: 'p' } } },
      at('redis.address', 'redis://cache:6379/0', /host:port without a scheme/)],
    ['l2Cache without Redis', { l2Cache: { ttlSeconds: 60 } }, at('l2Cache', { ttlSeconds: 60 }, /configure redis/)],
    ['a PDB that blocks every drain', { replicas: 3, podDisruptionBudget: { minAvailable: 3 } }, at('podDisruptionBudget.minAvailable', 3, /a drain can never evict a pod/)],
    ['a core platform peer CIDR that is not one', { corePlatform: { ...core, peer: { cidr: '203.0.113.0/40' } } }, at('corePlatform.peer.cidr', '203.0.113.0/40', /CIDR notation/)],
    ['a core platform port out of range', { corePlatform: { ...core, port: 70000 } }, at('corePlatform.port', 70000, /65535/)],
    ['an external Redis peer CIDR without a prefix', { redis: { type: 'external', address: 'cache:6379', password: { secretName: 'r', key: 'p' }, peer: { cidr: '10.1.2.3' } } },
      at('redis.peer.cidr', '10.1.2.3', /CIDR notation/)],
    ['an OTLP collector CIDR that is not one', { tracing: { enabled: true, otlpEndpoint: 'otel:4317', collector: { cidr: 'otel.example.com' } } },
      at('tracing.collector.cidr', 'otel.example.com', /CIDR notation/)],
    ['a client named by a workload the environment does not render', { networkPolicy: { clients: [{ workload: 'weather-agnet' }] } },
      at('networkPolicy.clients[0].workload', 'weather-agnet', /name a workload this environment renders \(edge-mcp\)/)],
    ['a misspelled remote key override, with the closest valid one', { secretRemoteKeys: { coreplatformApiKey: { remoteKey: 'x' } } },
      at('secretRemoteKeys.coreplatformApiKey', { remoteKey: 'x' }, /unknown field; did you mean 'corePlatformApiKey'\?/)],
    ['an empty remote key', { corePlatform: core, secretRemoteKeys: { corePlatformApiKey: { remoteKey: ' ' } } },
      at('secretRemoteKeys.corePlatformApiKey.remoteKey', ' ', /name the secret in the external store/)],
    ['an empty remote property', { corePlatform: core, secretRemoteKeys: { corePlatformApiKey: { remoteKey: 'devmesh', property: '' } } },
      at('secretRemoteKeys.corePlatformApiKey.property', '', /name the property inside the remote secret/)],
    ['two remote keys for one Secret key', {
      corePlatform: core, apiKey: core.apiKey,
      secretRemoteKeys: { corePlatformApiKey: { remoteKey: 'devmesh' }, apiKey: { remoteKey: 'edge' } },
    }, at('secretRemoteKeys.apiKey', { remoteKey: 'edge' }, /apiKey reads the same Secret key as secretRemoteKeys.corePlatformApiKey/)],
    ['a remote key override for a Secret key the gateway does not read', { secretRemoteKeys: { redisPassword: { remoteKey: 'redis/edge' } } },
      at('secretRemoteKeys.redisPassword', { remoteKey: 'redis/edge' }, /reads no such Secret key with these props: configure redis or remove the override/)],
    ['a Secret name that is not a DNS subdomain', { redis: { type: 'bundled', password: { secretName: 'Edge_MCP', key: 'password' } } },
      at('redis.password.secretName', 'Edge_MCP', /RFC 1123 subdomain/)],
    ['an invalid secret store name', { corePlatform: core, secretProvisioning: { source: 'external-secrets', store: { name: 'Vault Store' } } },
      at('secretProvisioning.store.name', 'Vault Store', /RFC 1123 subdomain/)],
    ['a removed prop: the gateway-specific ExternalSecret', { externalSecret: { storeRef: { name: 'vault' }, data: {} } },
      at('externalSecret', { storeRef: { name: 'vault' }, data: {} }, /unknown field/)],
    ['a removed prop: the derived dev Secret', { generateDevSecret: true }, at('generateDevSecret', true, /unknown field/)],
  ])('%s', (_label, props, expected) => {
    expectConstructRejected(gateway(props), expected);
  });

  test('EdgeRedis on its own: an empty password remote key, and a client CIDR that is not one', () => {
    const password = { secretName: 'cache', key: 'pw' };
    expectConstructRejected(chart => new EdgeRedis(chart, 'redis', { password, passwordRemoteKey: { remoteKey: '' } }), {
      path: 'test/redis', field: 'passwordRemoteKey.remoteKey', value: '', fix: /name the secret in the external store/,
    });
    expectConstructRejected(chart => new EdgeRedis(chart, 'redis', { password, networkPolicy: { clients: [{ cidr: '10.0.0.0/33' }] } }), {
      path: 'test/redis', field: 'networkPolicy.clients[0].cidr', value: '10.0.0.0/33', fix: /CIDR notation/,
    });
  });

  test('EdgeRedis on its own: a plaintext password (never echoed)', () => {
    expectConstructRejected(chart => new EdgeRedis(chart, 'redis', { password: 'redis-plain-pw' } as never), {
      path: 'test/redis', field: 'password', value: '<a string, not shown>', fix: /use an object/, never: ['redis-plain-pw'],
    });
  });
});

describe('environments refuse a bad gateway and write nothing', () => {
  const withGateway = (base: McpEnvironment, edgeGateway: object) => defineEnvironment(base, { edgeGateway } as never);

  test('prod: a plaintext core platform key (never echoed), caught by the environment schema check', () => {
    expectEnvironmentRejected(withGateway(prodEnvironment(), { corePlatform: { apiKey: 'prod-plain-key-42' } }), {
      path: 'prod', field: 'edgeGateway.corePlatform.apiKey', value: '<a string, not shown>', fix: /use an object with key, secretName/, never: ['prod-plain-key-42'],
    });
  });

  test('staging: a core platform URL that is not http(s)', () => {
    expectEnvironmentRejected(withGateway(stagingEnvironment(), { corePlatform: { url: 'ftp://devmesh.example.com' } }), {
      path: 'staging/edge-gateway', field: 'corePlatform.url', value: 'ftp://devmesh.example.com', fix: /http\(s\)/,
    });
  });

  test('dev: a Helm-style key in the gateway props', () => {
    expectEnvironmentRejected(withGateway(devEnvironment(), { replicaCount: 2 }), {
      path: 'dev', field: 'edgeGateway.replicaCount', value: 2, fix: /unknown field/,
    });
  });

  test('dev: an ingress host that is a URL', () => {
    expectEnvironmentRejected(withGateway(devEnvironment(), { ingress: { host: 'https://edge.example.com' } }), {
      path: 'dev/edge-gateway', field: 'ingress.host', value: 'https://edge.example.com', fix: /RFC 1123 subdomain/,
    });
  });
});
