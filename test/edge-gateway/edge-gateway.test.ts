import { EdgeGateway, EdgeGatewayProps } from '../../src/edge-gateway/edge-gateway';
import { EDGE_GATEWAY_ENV } from '../../src/edge-gateway/edge-gateway-runtime';
import { checkInvariants, K8sObject } from '../support/invariants';
import { SchemaValidator } from '../support/schema';
import { find, ofKind, synthChart } from '../support/synth';
import { policyRules } from './policy-peers';

const schema = new SchemaValidator();

/** Every option on: autoscaling with the connections metric, bundled Redis, Ingress, tracing, core platform, inert settings opted in. */
const FULL: EdgeGatewayProps = {
  autoscaling: { minReplicas: 3, maxReplicas: 12, targetCpuUtilizationPercent: 65, targetMemoryUtilizationPercent: 75, activeConnectionsPerPod: 200, scaleDownStabilizationSeconds: 600 },
  podDisruptionBudget: { minAvailable: 2 },
  apiKey: { secretName: 'edge-mcp', key: 'api-key' },
  corePlatform: {
    url: 'https://core.example.com',
    apiKey: { secretName: 'edge-mcp', key: 'core-api-key' },
    edgeId: 'edge-eu-1',
    peer: { namespace: 'developer-mesh', podLabels: { 'app.kubernetes.io/name': 'rest-api' } },
  },
  redis: {
    type: 'bundled',
    password: { secretName: 'edge-mcp', key: 'redis-password' },
    persistence: { enabled: true, size: '20Gi', storageClassName: 'fast-ssd' },
    exporter: { enabled: true },
  },
  rateLimits: { global: { rps: 500, burst: 800 }, tenant: { rps: 40 }, tool: { rps: 20, burst: 25 }, enableQuotas: false },
  l1Cache: { maxItems: 5000, ttlSeconds: 120 },
  l2Cache: { ttlSeconds: 1800, database: 2, connectTimeoutSeconds: 3, fallbackMode: false },
  compression: { enabled: true, thresholdBytes: 2048 },
  tracing: { enabled: true, otlpEndpoint: 'otel-collector.observability.svc:4317', samplingRate: 0.25, collector: { namespace: 'observability' } },
  environment: 'test',
  ingress: { host: 'edge.mcp.example.com', tls: { clusterIssuer: 'letsencrypt-prod' }, sessionAffinity: true, timeoutSeconds: 7200 },
  monitoring: { scrape: true, prometheusRule: true, dashboard: true, labels: { release: 'kube-prometheus-stack' } },
};

const gatewayEnvNames = (objects: K8sObject[]) => {
  const container = find(objects, 'Deployment', 'edge-mcp').spec.template.spec.containers[0];
  const fromConfigMap = Object.keys(objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'edge-mcp-config')?.data ?? {});
  return [...fromConfigMap, ...container.env.map((e: any) => e.name)].sort();
};

describe('EdgeGateway with every option', () => {
  const { objects, externals } = synthChart(chart => new EdgeGateway(chart, 'gateway', FULL));
  const deployment = find(objects, 'Deployment', 'edge-mcp');
  const pod = deployment.spec.template;
  const container = pod.spec.containers[0];

  test('matches the snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('holds every platform invariant and validates against the schemas', () => {
    expect(checkInvariants(objects, externals)).toEqual([]);
    expect(objects.flatMap(o => schema.validate(o))).toEqual([]);
  });

  test('renders exactly the expected objects', () => {
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ConfigMap/edge-mcp-config', 'ConfigMap/edge-mcp-dashboard', 'ConfigMap/edge-mcp-redis-config', 'ConfigMap/edge-mcp-redis-dashboard',
      'Deployment/edge-mcp',
      'HorizontalPodAutoscaler/edge-mcp',
      'Ingress/edge-mcp',
      'NetworkPolicy/edge-mcp', 'NetworkPolicy/edge-mcp-redis',
      'PodDisruptionBudget/edge-mcp', 'PodDisruptionBudget/edge-mcp-redis',
      'PrometheusRule/edge-mcp', 'PrometheusRule/edge-mcp-redis',
      'Service/edge-mcp', 'Service/edge-mcp-redis',
      'ServiceAccount/edge-mcp',
      'ServiceMonitor/edge-mcp', 'ServiceMonitor/edge-mcp-redis',
      'StatefulSet/edge-mcp-redis',
    ]);
  });

  test('sets the effective env vars plus the inert ones the props opted into, every one from the contract', () => {
    expect(gatewayEnvNames(objects)).toEqual([
      'DEV_MESH_API_KEY', 'DEV_MESH_URL',
      'EDGE_MCP_API_KEY', 'EDGE_MCP_COMPRESSION_THRESHOLD', 'EDGE_MCP_ENABLE_COMPRESSION', 'EDGE_MCP_ENABLE_QUOTAS',
      'EDGE_MCP_GLOBAL_BURST', 'EDGE_MCP_GLOBAL_RPS', 'EDGE_MCP_ID', 'EDGE_MCP_L1_MAX_ITEMS', 'EDGE_MCP_L1_TTL', 'EDGE_MCP_L2_TTL',
      'EDGE_MCP_REDIS_CONNECT_TIMEOUT', 'EDGE_MCP_REDIS_DB', 'EDGE_MCP_REDIS_ENABLED', 'EDGE_MCP_REDIS_FALLBACK_MODE',
      'EDGE_MCP_TENANT_BURST', 'EDGE_MCP_TENANT_RPS', 'EDGE_MCP_TOOL_BURST', 'EDGE_MCP_TOOL_RPS',
      'ENVIRONMENT', 'OTLP_ENDPOINT', 'OTLP_INSECURE',
      'REDIS_ADDR', 'REDIS_PASSWORD', 'TRACING_ENABLED', 'TRACING_SAMPLING_RATE',
    ]);
    const known = new Set<string>(Object.values(EDGE_GATEWAY_ENV));
    expect(gatewayEnvNames(objects).filter(n => !known.has(n))).toEqual([]);
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'edge-mcp-config' } }]);
    expect(container.env.find((e: any) => e.name === 'EDGE_MCP_ID')).toEqual({ name: 'EDGE_MCP_ID', value: 'edge-eu-1' });
  });

  test('maps typed settings to the values the binary parses', () => {
    expect(find(objects, 'ConfigMap', 'edge-mcp-config').data).toEqual({
      EDGE_MCP_GLOBAL_RPS: '500', EDGE_MCP_GLOBAL_BURST: '800',
      EDGE_MCP_TENANT_RPS: '40', EDGE_MCP_TENANT_BURST: '80',
      EDGE_MCP_TOOL_RPS: '20', EDGE_MCP_TOOL_BURST: '25',
      EDGE_MCP_ENABLE_QUOTAS: 'false',
      EDGE_MCP_L1_MAX_ITEMS: '5000', EDGE_MCP_L1_TTL: '120s', EDGE_MCP_L2_TTL: '1800s',
      EDGE_MCP_REDIS_ENABLED: 'true', EDGE_MCP_REDIS_DB: '2', EDGE_MCP_REDIS_CONNECT_TIMEOUT: '3s', EDGE_MCP_REDIS_FALLBACK_MODE: 'false',
      REDIS_ADDR: 'edge-mcp-redis.test.svc:6379',
      EDGE_MCP_ENABLE_COMPRESSION: 'true', EDGE_MCP_COMPRESSION_THRESHOLD: '2048',
      TRACING_ENABLED: 'true', OTLP_ENDPOINT: 'otel-collector.observability.svc:4317', OTLP_INSECURE: 'true', TRACING_SAMPLING_RATE: '0.25',
      DEV_MESH_URL: 'https://core.example.com', ENVIRONMENT: 'test',
    });
  });

  test('the binary listens on the port the Service, probes and args use, with auto-update off', () => {
    expect(container.args).toEqual(['--config', '/app/configs/config.docker.yaml', '--port', '8082', '--log-level', 'info', '--disable-auto-update']);
    expect(container.ports).toEqual([{ containerPort: 8082, name: 'http' }]);
    expect([container.startupProbe.httpGet.path, container.livenessProbe.httpGet.path, container.readinessProbe.httpGet.path]).toEqual(['/health/startup', '/health/live', '/health/ready']);
    for (const p of [container.startupProbe, container.livenessProbe, container.readinessProbe]) expect(p.httpGet.port).toBe(8082);
    expect(find(objects, 'Service', 'edge-mcp').spec.ports).toEqual([{ name: 'http', port: 8082, protocol: 'TCP', targetPort: 'http' }]);
  });

  test('runs as the distroless nonroot user with no API token', () => {
    expect(pod.spec.securityContext).toMatchObject({ runAsUser: 65532, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    expect(find(objects, 'ServiceAccount', 'edge-mcp').automountServiceAccountToken).toBe(false);
    expect(ofKind(objects, 'Role')).toEqual([]);
  });

  test('the HPA scales the Deployment, which carries no replicas', () => {
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'edge-mcp');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'edge-mcp' });
    expect(deployment.spec.replicas).toBeUndefined();
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([3, 12]);
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 65 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 75 } } },
      { type: 'Pods', pods: { metric: { name: 'edge_mcp_active_connections' }, target: { type: 'AverageValue', averageValue: 200 } } },
    ]);
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(600);
    expect(hpa.spec.behavior.scaleDown.selectPolicy).toBe('Min');
  });

  test('the PDB selects the gateway pods and never blocks a drain', () => {
    const pdb = find(objects, 'PodDisruptionBudget', 'edge-mcp');
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(pdb.spec.minAvailable).toBe(2);
    expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
  });

  test('pods spread across zones and nodes', () => {
    expect(pod.spec.topologySpreadConstraints.map((t: any) => [t.topologyKey, t.whenUnsatisfiable, t.labelSelector.matchLabels])).toEqual([
      ['topology.kubernetes.io/zone', 'ScheduleAnyway', deployment.spec.selector.matchLabels],
      ['kubernetes.io/hostname', 'ScheduleAnyway', deployment.spec.selector.matchLabels],
    ]);
  });

  test('each ServiceMonitor selects exactly one Service', () => {
    const services = ofKind(objects, 'Service');
    const selected = (sm: K8sObject) => services.filter(s => Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v)).map(s => s.metadata.name);
    expect(selected(find(objects, 'ServiceMonitor', 'edge-mcp'))).toEqual(['edge-mcp']);
    for (const kind of ['ServiceMonitor', 'PrometheusRule']) for (const o of ofKind(objects, kind)) expect(o.metadata.labels!.release).toBe('kube-prometheus-stack');
    expect(find(objects, 'ServiceMonitor', 'edge-mcp').spec.endpoints).toMatchObject([{ port: 'http', path: '/metrics' }]);
    expect(selected(find(objects, 'ServiceMonitor', 'edge-mcp-redis'))).toEqual(['edge-mcp-redis']);
  });

  test('REDIS_ADDR is host:port of the bundled Redis Service, and both read the same password', () => {
    const redisService = find(objects, 'Service', 'edge-mcp-redis');
    const port = redisService.spec.ports.find((p: any) => p.name === 'redis').port;
    expect(find(objects, 'ConfigMap', 'edge-mcp-config').data.REDIS_ADDR).toBe(`${redisService.metadata.name}.test.svc:${port}`);
    const redis = find(objects, 'StatefulSet', 'edge-mcp-redis').spec.template.spec.containers[0];
    const secretRef = (c: any, name: string) => c.env.find((e: any) => e.name === name).valueFrom.secretKeyRef;
    expect(secretRef(container, 'REDIS_PASSWORD')).toMatchObject({ name: 'edge-mcp', key: 'redis-password' });
    expect(secretRef(redis, 'REDIS_PASSWORD')).toEqual(secretRef(container, 'REDIS_PASSWORD'));
  });

  test('the Ingress routes only /ws, with WebSocket timeouts, cert-manager TLS and cookie affinity', () => {
    const ingress = find(objects, 'Ingress', 'edge-mcp');
    expect(ingress.spec.rules).toEqual([{
      host: 'edge.mcp.example.com',
      http: { paths: [{ path: '/ws', pathType: 'Exact', backend: { service: { name: 'edge-mcp', port: { number: 8082 } } } }] },
    }]);
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([{ hosts: ['edge.mcp.example.com'], secretName: 'edge-mcp-tls' }]);
    expect(ingress.metadata.annotations).toMatchObject({
      'cert-manager.io/cluster-issuer': 'letsencrypt-prod',
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '7200',
      'nginx.ingress.kubernetes.io/proxy-send-timeout': '7200',
      'nginx.ingress.kubernetes.io/proxy-http-version': '1.1',
      'nginx.ingress.kubernetes.io/affinity': 'cookie',
      'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
    });
  });

  test('the NetworkPolicy admits the ingress controller and Prometheus only, and egresses to DNS, Redis, core platform and OTLP only', () => {
    const np = find(objects, 'NetworkPolicy', 'edge-mcp');
    expect(np.spec.podSelector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policyRules(np, 'ingress')).toEqual([
      [['ingress-nginx/{"app.kubernetes.io/name":"ingress-nginx"}', 'monitoring/{"app.kubernetes.io/name":"prometheus"}'], ['TCP/8082']],
    ]);
    expect(policyRules(np, 'egress')).toEqual([
      [['kube-system/{"k8s-app":"kube-dns"}'], ['UDP/53', 'TCP/53']],
      [[`(own)/${JSON.stringify(find(objects, 'StatefulSet', 'edge-mcp-redis').spec.selector.matchLabels)}`], ['TCP/6379']],
      [['developer-mesh/{"app.kubernetes.io/name":"rest-api"}'], ['TCP/443']],
      [['observability/*'], ['TCP/4317']],
    ]);
  });

  test('the Redis NetworkPolicy admits Prometheus on the exporter port and the gateway on 6379, and allows no egress', () => {
    const np = find(objects, 'NetworkPolicy', 'edge-mcp-redis');
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policyRules(np, 'ingress')).toEqual([
      [['monitoring/{"app.kubernetes.io/name":"prometheus"}'], ['TCP/9121']],
      [[`(own)/${JSON.stringify(deployment.spec.selector.matchLabels)}`], ['TCP/6379']],
    ]);
    expect(np.spec.egress).toEqual([]);
  });

  test('a config change rolls the pods', () => {
    const changed = synthChart(chart => new EdgeGateway(chart, 'gateway', { ...FULL, corePlatform: { ...FULL.corePlatform!, url: 'https://core2.example.com' } })).objects;
    const checksum = (objs: K8sObject[]) => find(objs, 'Deployment', 'edge-mcp').spec.template.metadata.annotations['checksum/config'];
    expect(checksum(changed)).not.toEqual(checksum(objects));
  });
});

describe('EdgeGateway minimal', () => {
  const { chart, objects, externals } = synthChart(c => new EdgeGateway(c, 'gateway'));

  test('one pod, no ConfigMap, HPA, PDB, Redis, Ingress or monitoring; valid and sound', () => {
    expect(objects.map(o => o.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'Service', 'ServiceAccount']);
    expect(find(objects, 'Deployment', 'edge-mcp').spec.replicas).toBe(1);
    expect(find(objects, 'Deployment', 'edge-mcp').spec.template.spec.topologySpreadConstraints).toBeUndefined();
    expect(checkInvariants(objects, externals)).toEqual([]);
    expect(objects.flatMap(o => schema.validate(o))).toEqual([]);
  });

  test('sets only the edge id: nothing inert, nothing the binary defaults to anyway', () => {
    expect(gatewayEnvNames(objects)).toEqual(['EDGE_MCP_ID']);
    expect(find(objects, 'Deployment', 'edge-mcp').spec.template.spec.containers[0].envFrom).toBeUndefined();
  });

  test('references no Secret; egress is DNS only; no ingress rule at all; reports that it rejects every client', () => {
    expect(externals).toEqual({});
    const np = find(objects, 'NetworkPolicy', 'edge-mcp');
    expect(policyRules(np, 'egress')).toEqual([[['kube-system/{"k8s-app":"kube-dns"}'], ['UDP/53', 'TCP/53']]]);
    expect(np.spec.ingress).toEqual([]);
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect((chart.node.findChild('gateway') as EdgeGateway).policyFacts()).toMatchObject({
      disruptionBudget: { present: false }, rejectsAllClients: { present: true, field: 'corePlatform' },
    });
  });
});

describe('EdgeGateway with an external Redis', () => {
  const { objects } = synthChart(c => new EdgeGateway(c, 'gw', {
    apiKey: { secretName: 'edge-mcp', key: 'api-key' },
    redis: { type: 'external', address: 'master.cache.abc123.use1.cache.amazonaws.com:6380', password: { secretName: 'elasticache', key: 'auth' }, username: 'edge', tls: { enabled: true } },
  }));

  test('passes host:port, ACL user and TLS options, and allows egress to that port only', () => {
    expect(find(objects, 'ConfigMap', 'edge-mcp-config').data).toMatchObject({
      REDIS_ADDR: 'master.cache.abc123.use1.cache.amazonaws.com:6380', REDIS_USERNAME: 'edge', REDIS_TLS_ENABLED: 'true', REDIS_TLS_SKIP_VERIFY: 'false', EDGE_MCP_REDIS_ENABLED: 'true',
    });
    expect(ofKind(objects, 'StatefulSet')).toEqual([]);
    expect(find(objects, 'NetworkPolicy', 'edge-mcp').spec.egress[1]).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 6380, protocol: 'TCP' }] });
  });

  test('rejects a redis:// URL', () => {
    expect(() => synthChart(c => new EdgeGateway(c, 'gw', {
      apiKey: { secretName: 'edge-mcp', key: 'api-key' },
      redis: { type: 'external', address: 'redis://redis:6379/0', password: { secretName: 'r', key: 'p' } },
    }))).toThrow("test/gw: invalid redis.address \"redis://redis:6379/0\": use host:port without a scheme or path, e.g. 'redis.cache.svc:6379'");
  });
});
