/**
 * The gateway and its Redis in the connectivity model: both sides of every flow between
 * workloads are rendered (the client's egress and the server's ingress), peers outside the
 * platform are admitted or reached on the one port of their flow, and nothing else is.
 */
import { Chart } from 'cdk8s';
import { Connectivity } from '../../src/connectivity/connectivity';
import { EdgeGateway, EdgeGatewayProps } from '../../src/edge-gateway/edge-gateway';
import { EdgeRedis } from '../../src/edge-gateway/redis';
import { K8sObject } from '../support/invariants';
import { find, ofKind, synthChart } from '../support/synth';
import { connects, egressAllows, ingressAllows, Pods, podsOf, policyRules } from './policy-peers';

const PROMETHEUS: Pods = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
const INGRESS_NGINX: Pods = { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
const ANY = '0.0.0.0/0';

const gatewayChart = (props: EdgeGatewayProps, extra?: (chart: Chart) => void) => synthChart(chart => {
  new EdgeGateway(chart, 'gw', props);
  extra?.(chart);
});

/** An egress-isolated workload of the chart (an agent, say) with its own model-rendered policy. */
function addClientWorkload(chart: Chart, name: string): void {
  Connectivity.of(chart).addWorkload(chart, {
    name, component: 'Test', podSelector: { app: name },
    networkPolicy: { name, labels: { app: name }, ingress: true, egress: true, id: `np-${name}` },
  });
}

describe('gateway and bundled Redis', () => {
  const { objects } = gatewayChart({ redis: { type: 'bundled', exporter: { enabled: true } }, monitoring: { scrape: true } });
  const gateway = podsOf(objects, 'Deployment', 'edge-mcp');
  const redis = podsOf(objects, 'StatefulSet', 'edge-mcp-redis');

  test('the gateway reaches Redis on 6379: its egress and the Redis ingress both allow it', () => {
    expect(connects(objects, gateway, redis, 6379)).toEqual({ egress: true, ingress: true });
  });

  test('nothing wider: not the exporter port, not the other way, and Redis egresses nowhere', () => {
    expect(connects(objects, gateway, redis, 9121)).toEqual({ egress: false, ingress: false });
    expect(connects(objects, redis, gateway, 8082)).toEqual({ egress: false, ingress: false });
    expect(find(objects, 'NetworkPolicy', 'edge-mcp-redis').spec.egress).toEqual([]);
  });

  test('Prometheus is admitted on the real metrics ports only: 8082 on the gateway, 9121 on Redis', () => {
    expect(ingressAllows(objects, gateway, PROMETHEUS, 8082)).toBe(true);
    expect(ingressAllows(objects, redis, PROMETHEUS, 9121)).toBe(true);
    expect(ingressAllows(objects, redis, PROMETHEUS, 6379)).toBe(false);
  });

  test('without an Ingress the ingress controller is not admitted', () => {
    expect(ingressAllows(objects, gateway, INGRESS_NGINX, 8082)).toBe(false);
  });

  test('without scraping Prometheus is admitted nowhere', () => {
    const quiet = gatewayChart({ redis: { type: 'bundled', exporter: { enabled: true } } }).objects;
    expect(ingressAllows(quiet, podsOf(quiet, 'Deployment', 'edge-mcp'), PROMETHEUS, 8082)).toBe(false);
    expect(ingressAllows(quiet, podsOf(quiet, 'StatefulSet', 'edge-mcp-redis'), PROMETHEUS, 9121)).toBe(false);
  });

  test('networkPolicy.enabled false renders no policy for either, and both stay in the model', () => {
    let chart!: Chart;
    const { objects: open } = synthChart(c => { chart = c; new EdgeGateway(c, 'gw', { redis: { type: 'bundled' }, networkPolicy: { enabled: false } }); });
    expect(ofKind(open, 'NetworkPolicy')).toEqual([]);
    expect(Connectivity.of(chart).workloads.map(w => [w.name, w.policyName])).toEqual([['edge-mcp-redis', undefined], ['edge-mcp', undefined]]);
  });
});

describe('gateway ingress', () => {
  test('with an Ingress the ingress controller reaches 8082, and nothing else', () => {
    const { objects } = gatewayChart({ ingress: { host: 'edge.example.com' } });
    const np = find(objects, 'NetworkPolicy', 'edge-mcp');
    expect(policyRules(np, 'ingress')).toEqual([[['ingress-nginx/{"app.kubernetes.io/name":"ingress-nginx"}'], ['TCP/8082']]]);
  });

  test('a client named by workload gets both sides: its egress to 8082 and the gateway ingress', () => {
    const { objects } = gatewayChart({ networkPolicy: { clients: [{ workload: 'weather-agent' }] } }, c => addClientWorkload(c, 'weather-agent'));
    const agent: Pods = { namespace: 'test', labels: { app: 'weather-agent' } };
    expect(connects(objects, agent, podsOf(objects, 'Deployment', 'edge-mcp'), 8082)).toEqual({ egress: true, ingress: true });
    expect(policyRules(find(objects, 'NetworkPolicy', 'weather-agent'), 'egress')).toEqual([
      [[`(own)/${JSON.stringify(find(objects, 'Deployment', 'edge-mcp').spec.selector.matchLabels)}`], ['TCP/8082']],
    ]);
  });

  test('clients outside the platform are admitted on 8082 on the gateway side only', () => {
    const { objects } = gatewayChart({ networkPolicy: { clients: [{ namespace: 'batch', podLabels: { app: 'etl' } }, { cidr: '10.20.0.0/16' }] } });
    const gateway = podsOf(objects, 'Deployment', 'edge-mcp');
    expect(ingressAllows(objects, gateway, { namespace: 'batch', labels: { app: 'etl' } }, 8082)).toBe(true);
    expect(ingressAllows(objects, gateway, { namespace: 'batch', labels: { app: 'other' } }, 8082)).toBe(false);
    expect(ingressAllows(objects, gateway, '10.20.0.0/16', 8082)).toBe(true);
    expect(ofKind(objects, 'NetworkPolicy').map(np => np.metadata.name)).toEqual(['edge-mcp']);
  });

  test('a client workload the environment does not render fails at synth', () => {
    expect(() => gatewayChart({ networkPolicy: { clients: [{ workload: 'nobody' }] } }))
      .toThrow('test/gw: invalid networkPolicy.clients[0].workload "nobody": name a workload this environment renders (edge-mcp)');
  });
});

describe('gateway -> core platform', () => {
  const egressOf = (props: EdgeGatewayProps) => policyRules(find(gatewayChart(props).objects, 'NetworkPolicy', 'edge-mcp'), 'egress').slice(1);
  const apiKey = { secretName: 'core', key: 'api-key' };

  test.each<[string, Partial<EdgeGatewayProps['corePlatform']>, [string[], string[]][]]>([
    ['an https URL outside the cluster: any address, port 443 only', { url: 'https://devmesh.example.com' }, [[[ANY], ['TCP/443']]]],
    ['an explicit port in the URL', { url: 'http://devmesh.example.com:8081' }, [[[ANY], ['TCP/8081']]]],
    ['an in-cluster Service URL: that namespace', { url: 'http://rest-api.developer-mesh.svc:8081' }, [[['developer-mesh/*'], ['TCP/8081']]]],
    ['an in-cluster URL with the cluster domain', { url: 'https://rest-api.developer-mesh.svc.cluster.local' }, [[['developer-mesh/*'], ['TCP/443']]]],
    ['an in-cluster URL in the own namespace', { url: 'http://rest-api.test.svc' }, [[['test/*'], ['TCP/80']]]],
    ['a CIDR peer narrows an outside URL', { url: 'https://devmesh.example.com', peer: { cidr: '203.0.113.0/24' } }, [[['203.0.113.0/24'], ['TCP/443']]]],
    ['pod labels in a namespace pick the API pods', { url: 'http://rest-api.developer-mesh.svc:8081', peer: { namespace: 'developer-mesh', podLabels: { app: 'rest-api' } } },
      [[['developer-mesh/{"app":"rest-api"}'], ['TCP/8081']]]],
    ['the port prop wins over the URL (a Service whose target port differs)', { url: 'http://rest-api.developer-mesh.svc:80', port: 8080 }, [[['developer-mesh/*'], ['TCP/8080']]]],
    ['a URL in a Secret: any address on 443 unless told', { url: { secretName: 'core', key: 'url' } }, [[[ANY], ['TCP/443']]]],
  ])('%s', (_label, core, expected) => {
    expect(egressOf({ corePlatform: { apiKey, ...core } as EdgeGatewayProps['corePlatform'] })).toEqual(expected);
  });

  test('the flow is in the model with its reason, and nothing is admitted back', () => {
    let chart!: Chart;
    const { objects } = synthChart(c => { chart = c; new EdgeGateway(c, 'gw', { corePlatform: { url: 'https://devmesh.example.com', apiKey } }); });
    const flow = Connectivity.of(chart).flows.find(f => f.to.kind === 'external' && f.to.name.startsWith('core platform'));
    expect(flow).toMatchObject({ from: { name: 'edge-mcp' }, to: { name: 'core platform (devmesh.example.com)', peer: { cidr: ANY } }, ports: [{ port: 443 }] });
    expect(find(objects, 'NetworkPolicy', 'edge-mcp').spec.ingress).toEqual([]);
  });
});

describe('gateway -> external Redis and OTLP collector', () => {
  const password = { secretName: 'r', key: 'p' };
  const egressOf = (props: EdgeGatewayProps) => policyRules(find(gatewayChart(props).objects, 'NetworkPolicy', 'edge-mcp'), 'egress').slice(1);

  test('a managed Redis: any address on its port; a peer narrows it; an in-cluster address picks its namespace', () => {
    expect(egressOf({ redis: { type: 'external', address: 'master.abc.cache.amazonaws.com:6380', password } })).toEqual([[[ANY], ['TCP/6380']]]);
    expect(egressOf({ redis: { type: 'external', address: 'master.abc.cache.amazonaws.com:6380', password, peer: { cidr: '10.1.0.0/16' } } })).toEqual([[['10.1.0.0/16'], ['TCP/6380']]]);
    expect(egressOf({ redis: { type: 'external', address: 'redis-master.cache.svc:6379', password } })).toEqual([[['cache/*'], ['TCP/6379']]]);
  });

  test('the OTLP collector: its namespace for an in-cluster endpoint, the collector peer when given', () => {
    expect(egressOf({ tracing: { enabled: true, otlpEndpoint: 'otel-collector.observability.svc:4317' } })).toEqual([[['observability/*'], ['TCP/4317']]]);
    expect(egressOf({ tracing: { enabled: true, otlpEndpoint: 'otel.example.com:4317' } })).toEqual([[[ANY], ['TCP/4317']]]);
    expect(egressOf({ tracing: { enabled: true, otlpEndpoint: 'otel:4317', collector: { podLabels: { app: 'otel' } } } })).toEqual([[['(own)/{"app":"otel"}'], ['TCP/4317']]]);
  });

  test('a standalone EdgeRedis used as the gateway external Redis: both sides when the Redis names the gateway as its client', () => {
    const { objects } = synthChart(c => {
      const redis = new EdgeRedis(c, 'redis', { name: 'cache', password, networkPolicy: { clients: [{ workload: 'edge-mcp' }] } });
      new EdgeGateway(c, 'gw', { redis: { type: 'external', address: redis.address, password, peer: { podLabels: redis.selector } } });
    });
    expect(connects(objects, podsOf(objects, 'Deployment', 'edge-mcp'), podsOf(objects, 'StatefulSet', 'cache'), 6379)).toEqual({ egress: true, ingress: true });
  });
});

describe('a standalone EdgeRedis', () => {
  const withClients = (clients: object[]): K8sObject[] => synthChart(c => new EdgeRedis(c, 'redis', { password: { secretName: 's', key: 'k' }, networkPolicy: { clients } as never })).objects;

  test('admits nobody on 6379 until a client is declared, then that client only', () => {
    const redis = (objects: K8sObject[]) => podsOf(objects, 'StatefulSet', 'edge-mcp-redis');
    const app: Pods = { namespace: 'apps', labels: { app: 'api' } };
    expect(ingressAllows(withClients([]), redis(withClients([])), app, 6379)).toBe(false);
    const objects = withClients([{ namespace: 'apps', podLabels: { app: 'api' } }]);
    expect(ingressAllows(objects, redis(objects), app, 6379)).toBe(true);
    expect(egressAllows(objects, redis(objects), app, 6379)).toBe(false);
  });
});
