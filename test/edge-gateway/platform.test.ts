import { defineEnvironment, McpEnvironment } from '../../src/platform/environment';
import { policyWarnings } from '../../src/platform/policy';
import { devEnvironment, prodEnvironment, stagingEnvironment } from '../../src/platform/presets';
import { find, ofKind, synthEnvironment } from '../support/synth';

describe('the gateway in the environment charts', () => {
  const withWarnings = (env: McpEnvironment) => {
    const synth = synthEnvironment(env);
    return { ...synth, warnings: policyWarnings(synth.chart, env.name, env.policy ?? {}) };
  };
  const dev = withWarnings(devEnvironment());
  const staging = withWarnings(stagingEnvironment());
  const prod = synthEnvironment(prodEnvironment());

  test('dev: one pod, no HPA, PDB, Redis or Secret, no core platform (a warning), an Ingress without TLS', () => {
    const { objects } = dev;
    expect(find(objects, 'Deployment', 'edge-mcp').spec.replicas).toBe(1);
    expect(ofKind(objects, 'HorizontalPodAutoscaler').map(h => h.spec.scaleTargetRef.name)).not.toContain('edge-mcp');
    expect(ofKind(objects, 'PodDisruptionBudget').map(p => p.metadata.name)).not.toContain('edge-mcp');
    expect(objects.filter(o => o.metadata.name.startsWith('edge-mcp-')).map(o => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    const ingress = find(objects, 'Ingress', 'edge-mcp');
    expect(ingress.spec.rules[0].host).toBe('edge.mcp.dev.example.com');
    expect(ingress.spec.tls).toBeUndefined();
    expect(dev.warnings).toEqual([expect.stringMatching(/^dev\/edge-gateway: EdgeGateway will reject every client in 'dev': without a core platform .* answers 401 .*; set corePlatform$/)]);
  });

  test('dev: the gateway reads no Secret, so it has no external reference and adds nothing to the secret generator', () => {
    const { chart, objects } = dev;
    expect(chart.externalReferences().filter(r => r.referencedBy.startsWith('dev/edge-gateway'))).toEqual([]);
    expect(find(objects, 'Deployment', 'edge-mcp').spec.template.spec.containers[0].env.filter((e: any) => e.valueFrom?.secretKeyRef)).toEqual([]);
    const generator = ofKind(objects, 'Role').find(r => r.metadata.name === 'mcp-secret-generator');
    expect((generator?.rules[0].resourceNames ?? []).filter((n: string) => n.startsWith('edge-mcp'))).toEqual([]);
  });

  test('dev with a bundled Redis: its password is generated in the cluster, still no prerequisite and no Secret object', () => {
    const { chart, objects } = synthEnvironment(defineEnvironment(devEnvironment(), { edgeGateway: { redis: { type: 'bundled' } } }));
    expect(find(objects, 'Role', 'mcp-secret-generator').rules[0].resourceNames).toContain('edge-mcp-redis');
    expect(chart.externalReferences().filter(r => r.referencedBy.startsWith('dev/edge-gateway'))).toEqual([]);
    expect(ofKind(objects, 'Secret')).toEqual([]);
  });

  test('dev with a core platform: its key cannot be generated, so Secret edge-mcp is the one prerequisite it adds', () => {
    const env = defineEnvironment(devEnvironment(), { edgeGateway: { corePlatform: { url: 'http://rest-api.developer-mesh.svc:8081' } } });
    const { chart } = synthEnvironment(env);
    expect(chart.externalReferences().filter(r => r.referencedBy.startsWith('dev/edge-gateway')).map(r => [r.kind, r.namespace, r.name, r.keys]))
      .toEqual([['Secret', 'mcp-dev', 'edge-mcp', ['core-platform-api-key']]]);
  });

  test('staging: 2..5 pods, a PDB, the staging core platform with its key from the existing Secret edge-mcp, cert-manager TLS, monitoring', () => {
    const { chart, objects } = staging;
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'edge-mcp');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([2, 5]);
    expect(find(objects, 'Deployment', 'edge-mcp').spec.replicas).toBeUndefined();
    expect(find(objects, 'PodDisruptionBudget', 'edge-mcp').spec.maxUnavailable).toBe(1);
    expect(find(objects, 'ConfigMap', 'edge-mcp-config').data).toEqual({ DEV_MESH_URL: 'https://devmesh.staging.example.com' });
    const env = find(objects, 'Deployment', 'edge-mcp').spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'DEV_MESH_API_KEY').valueFrom.secretKeyRef).toMatchObject({ name: 'edge-mcp', key: 'core-platform-api-key' });
    expect(ofKind(objects, 'ExternalSecret')).toEqual([]);
    expect(ofKind(objects, 'Secret')).toEqual([]);
    expect(chart.externalReferences().filter(r => r.referencedBy.startsWith('staging/edge-gateway')).map(r => [r.kind, r.namespace, r.name, r.keys]))
      .toEqual([['Secret', 'mcp-staging', 'edge-mcp', ['core-platform-api-key']]]);
    expect(find(objects, 'Ingress', 'edge-mcp').metadata.annotations!['cert-manager.io/cluster-issuer']).toBe('letsencrypt-staging');
    expect(['ServiceMonitor', 'PrometheusRule'].map(k => find(objects, k, 'edge-mcp').kind)).toEqual(['ServiceMonitor', 'PrometheusRule']);
    expect(find(objects, 'ConfigMap', 'edge-mcp-dashboard').metadata.labels!.grafana_dashboard).toBe('1');
    expect(staging.warnings).toEqual([]);
  });

  test('prod: 5..20 pods at 60 % CPU / 70 % memory, PDB minAvailable 3, the core platform key from an ExternalSecret, no Redis', () => {
    const { objects } = prod;
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'edge-mcp');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([5, 20]);
    expect(hpa.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([['cpu', 60], ['memory', 70]]);
    expect(find(objects, 'PodDisruptionBudget', 'edge-mcp').spec.minAvailable).toBe(3);
    expect(ofKind(objects, 'StatefulSet').map(s => s.metadata.name)).not.toContain('edge-mcp-redis');
    const es = find(objects, 'ExternalSecret', 'edge-mcp');
    expect(es.spec.target.name).toBe('edge-mcp');
    expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'mcp-platform' });
    expect(es.spec.data).toEqual([{ secretKey: 'core-platform-api-key', remoteRef: { key: 'mcp/mcp-prod/edge-mcp', property: 'core-platform-api-key' } }]);
  });

  test('prod: no hand-made Secret: every Secret key the gateway reads is written by an ExternalSecret, and only the store is a prerequisite', () => {
    const { chart, objects } = prod;
    const written = new Set(ofKind(objects, 'ExternalSecret').flatMap(es => es.spec.data.map((d: any) => `${es.spec.target.name}/${d.secretKey}`)));
    const refs = find(objects, 'Deployment', 'edge-mcp').spec.template.spec.containers[0].env.filter((x: any) => x.valueFrom?.secretKeyRef);
    expect(refs.length).toBeGreaterThan(0);
    for (const e of refs) expect(written).toContain(`${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`);
    // The store is one reference of the environment, recorded by the first component that reads from it.
    expect(chart.externalReferences().filter(r => r.referencedBy.startsWith('prod/edge-gateway') && r.kind !== 'ClusterSecretStore')).toEqual([]);
    expect(chart.externalReferences().map(r => `${r.kind}/${r.name}`)).toEqual(['ClusterSecretStore/mcp-platform']);
  });

  test('prod: the gateway flows in the model: ingress controller and Prometheus in on 8082, the core platform out on 443', () => {
    const flows = prod.chart.connectivity.flows.filter(f => f.from.name === 'edge-mcp' || f.to.name === 'edge-mcp')
      .map(f => `${f.from.name} -> ${f.to.name} ${f.ports.map(p => p.port).join(',')}`);
    expect(flows).toEqual([
      'edge-mcp -> cluster DNS 53,53',
      'ingress controller -> edge-mcp 8082',
      'Prometheus -> edge-mcp 8082',
      'edge-mcp -> core platform (devmesh.example.com) 443',
    ]);
  });

  test('staging and prod refuse a gateway without a core platform (it would answer 401 to every client)', () => {
    for (const base of [stagingEnvironment(), prodEnvironment()]) {
      const env = { ...base, edgeGateway: { ...base.edgeGateway, corePlatform: undefined } };
      expect(() => synthEnvironment(env)).toThrow(`${base.name}/edge-gateway: invalid corePlatform (unset): the '${base.name}' policy forbids components that reject every client: without a core platform the gateway validates every client's API key against http://localhost:8081, where nothing listens, and answers 401 while reporting ready; set corePlatform`);
    }
  });

  test('the gateway never calls the registry, and neither side allows it', () => {
    const { objects } = prod;
    const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
      !!selector && Object.entries(selector).every(([k, v]) => labels[k] === v);
    const gatewayPods = find(objects, 'Deployment', 'edge-mcp').spec.template.metadata.labels;
    const registryPods = find(objects, 'StatefulSet', 'mcp-mesh-registry').spec.template.metadata.labels;
    const registryIngress = find(objects, 'NetworkPolicy', 'mcp-mesh-registry').spec.ingress.flatMap((r: any) => r.from);
    const gatewayEgress = find(objects, 'NetworkPolicy', 'edge-mcp').spec.egress.flatMap((r: any) => r.to ?? []);
    expect(registryIngress.some((p: any) => !p.namespaceSelector && matches(p.podSelector?.matchLabels, gatewayPods))).toBe(false);
    expect(gatewayEgress.some((p: any) => !p.namespaceSelector && matches(p.podSelector?.matchLabels, registryPods))).toBe(false);
  });

  test('prod refuses an unpinned gateway image', () => {
    const env = defineEnvironment(prodEnvironment(), { edgeGateway: { image: 'registry.example.com/edge-mcp@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' } });
    expect(() => synthEnvironment(env)).not.toThrow();
    const floating = defineEnvironment(prodEnvironment(), { edgeGateway: { image: 'registry.example.com/edge-mcp:1' } });
    expect(() => synthEnvironment(floating)).toThrow("prod/edge-gateway: invalid image \"registry.example.com/edge-mcp:1\": Deployment edge-mcp container 'edge-mcp' is not pinned");
  });

  test('without the integrations: no ServiceMonitor or PrometheusRule, no ExternalSecret, no cert-manager annotation', () => {
    const env = defineEnvironment(prodEnvironment(), {
      name: 'bare', integrations: { prometheusOperator: false, externalSecrets: false, certManager: false }, secretProvisioning: { source: 'existing' },
    });
    const { chart, objects } = synthEnvironment(env);
    expect(ofKind(objects, 'ServiceMonitor')).toEqual([]);
    expect(ofKind(objects, 'PrometheusRule').map(r => r.metadata.name)).not.toContain('edge-mcp');
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
