import { defineEnvironment } from '../../src/platform/environment';
import { devEnvironment, prodEnvironment, stagingEnvironment } from '../../src/platform/presets';
import { find, ofKind, synthEnvironment } from '../support/synth';

describe('the gateway in the environment charts', () => {
  const dev = synthEnvironment(devEnvironment());
  const staging = synthEnvironment(stagingEnvironment());
  const prod = synthEnvironment(prodEnvironment());

  test('dev: one pod, no HPA, PDB or Redis, a generated dev-only key, an Ingress without TLS', () => {
    const { objects } = dev;
    expect(find(objects, 'Deployment', 'edge-mcp').spec.replicas).toBe(1);
    expect(ofKind(objects, 'HorizontalPodAutoscaler').map(h => h.spec.scaleTargetRef.name)).not.toContain('edge-mcp');
    expect(ofKind(objects, 'PodDisruptionBudget').map(p => p.metadata.name)).not.toContain('edge-mcp');
    expect(ofKind(objects, 'StatefulSet').map(s => s.metadata.name)).not.toContain('edge-mcp-redis');
    expect(find(objects, 'Secret', 'edge-mcp-dev').metadata.labels!['mcp.platform/dev-only']).toBe('true');
    expect(find(objects, 'ConfigMap', 'edge-mcp-config').data).toMatchObject({ EDGE_MCP_REDIS_ENABLED: 'false', ENVIRONMENT: 'dev' });
    const ingress = find(objects, 'Ingress', 'edge-mcp');
    expect(ingress.spec.rules[0].host).toBe('edge.mcp.dev.example.com');
    expect(ingress.spec.tls).toBeUndefined();
  });

  test('staging: 2..5 pods, a PDB, an in-memory Redis, keys from the existing Secret edge-mcp, cert-manager TLS', () => {
    const { chart, objects } = staging;
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'edge-mcp');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([2, 5]);
    expect(find(objects, 'Deployment', 'edge-mcp').spec.replicas).toBeUndefined();
    expect(find(objects, 'PodDisruptionBudget', 'edge-mcp').spec.maxUnavailable).toBe(1);
    expect(find(objects, 'StatefulSet', 'edge-mcp-redis').spec.volumeClaimTemplates).toBeUndefined();
    expect(find(objects, 'ConfigMap', 'edge-mcp-config').data.REDIS_ADDR).toBe('edge-mcp-redis.mcp-staging.svc:6379');
    expect(ofKind(objects, 'ExternalSecret')).toEqual([]);
    expect(ofKind(objects, 'Secret')).toEqual([]);
    expect(chart.externalReferences().filter(r => r.referencedBy.startsWith('staging/edge-gateway')).map(r => `${r.kind}/${r.name}`)).toEqual(['Secret/edge-mcp']);
    expect(find(objects, 'Ingress', 'edge-mcp').metadata.annotations!['cert-manager.io/cluster-issuer']).toBe('letsencrypt-staging');
    expect(ofKind(objects, 'ServiceMonitor').map(s => s.metadata.name)).toEqual(expect.arrayContaining(['edge-mcp', 'edge-mcp-redis']));
  });

  test('prod: 5..20 pods at 60 % CPU / 70 % memory, PDB minAvailable 3, Redis with AOF, keys from an ExternalSecret', () => {
    const { objects } = prod;
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'edge-mcp');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([5, 20]);
    expect(hpa.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([['cpu', 60], ['memory', 70]]);
    expect(find(objects, 'PodDisruptionBudget', 'edge-mcp').spec.minAvailable).toBe(3);
    const redis = find(objects, 'StatefulSet', 'edge-mcp-redis');
    expect(redis.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('50Gi');
    expect(find(objects, 'ConfigMap', 'edge-mcp-redis-config').data['redis.conf']).toContain('appendonly yes\n');
    const es = find(objects, 'ExternalSecret', 'edge-mcp');
    expect(es.spec.target.name).toBe('edge-mcp');
    expect(es.spec.data.map((d: any) => d.secretKey)).toEqual(['api-key', 'redis-password']);
    const env = find(objects, 'Deployment', 'edge-mcp').spec.template.spec.containers[0].env;
    const writes = new Set(es.spec.data.map((d: any) => `${es.spec.target.name}/${d.secretKey}`));
    for (const e of env.filter((x: any) => x.valueFrom?.secretKeyRef)) expect(writes).toContain(`${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`);
  });

  test('the registry admits the gateway pods', () => {
    const { objects } = prod;
    const np = find(objects, 'NetworkPolicy', 'mcp-mesh-registry');
    const gatewayPods = find(objects, 'Deployment', 'edge-mcp').spec.template.metadata.labels;
    const admitted = np.spec.ingress.flatMap((r: any) => r.from).some((p: any) => !p.namespaceSelector && Object.entries(p.podSelector?.matchLabels ?? {}).every(([k, v]) => gatewayPods[k] === v));
    expect(admitted).toBe(true);
  });

  test('staging and prod refuse a generated Secret', () => {
    for (const base of [stagingEnvironment(), prodEnvironment()]) {
      const env = defineEnvironment(base, { edgeGateway: { generateDevSecret: true } });
      expect(() => synthEnvironment(env)).toThrow(`${base.name}/edge-gateway: invalid generateDevSecret true: generated Secrets with plaintext values are for dev only: reference an existing Secret or an ExternalSecret instead of generateDevSecret`);
    }
  });

  test('prod refuses an unpinned gateway image', () => {
    const env = defineEnvironment(prodEnvironment(), { edgeGateway: { image: 'registry.example.com/edge-mcp@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' } });
    expect(() => synthEnvironment(env)).not.toThrow();
    const floating = defineEnvironment(prodEnvironment(), { edgeGateway: { image: 'registry.example.com/edge-mcp:1' } });
    expect(() => synthEnvironment(floating)).toThrow("prod/edge-gateway: invalid image \"registry.example.com/edge-mcp:1\": Deployment edge-mcp container 'edge-mcp' is not pinned");
  });

  test('without the integrations: no ServiceMonitor, no ExternalSecret, no cert-manager annotation', () => {
    const env = defineEnvironment(prodEnvironment(), { name: 'bare', integrations: { prometheusOperator: false, externalSecrets: false, certManager: false } });
    const { chart, objects } = synthEnvironment(env);
    expect(ofKind(objects, 'ServiceMonitor')).toEqual([]);
    expect(ofKind(objects, 'ExternalSecret')).toEqual([]);
    const ingress = find(objects, 'Ingress', 'edge-mcp');
    expect(ingress.metadata.annotations!['cert-manager.io/cluster-issuer']).toBeUndefined();
    expect(ingress.spec.tls).toBeUndefined();
    expect(chart.externalReferences().filter(r => r.kind === 'Secret').map(r => r.name)).toContain('edge-mcp');
  });

  test('an environment without edgeGateway renders no gateway', () => {
    const { edgeGateway: _omit, ...rest } = devEnvironment();
    const { objects } = synthEnvironment({ ...rest, name: 'nogw' });
    expect(objects.filter(o => o.metadata.name.startsWith('edge-mcp'))).toEqual([]);
  });
});
