import { Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { McpConfigError } from '../../src/common/errors';
import { McpServer, McpServerProps } from '../../src/server/mcp-server';
import { McpServerCatalog } from '../../src/server/server-catalog';
import { SERVER_LABELS, STDIO_BRIDGE } from '../../src/server/server-runtime';
import { McpServerTemplate } from '../../src/server/server-template';
import { checkInvariants, K8sObject } from '../support/invariants';
import { SchemaValidator } from '../support/schema';
import { find, ofKind, synthChart } from '../support/synth';

const schema = new SchemaValidator();
const GITHUB_TOKEN = { secretName: 'mcp-github-token', key: 'token' };

function server(props: McpServerProps, build?: (chart: Chart) => void) {
  return synthChart(chart => {
    build?.(chart);
    new McpServer(chart, 'server', props);
  }, 'mcp-servers');
}

function container(objects: K8sObject[], name: string) {
  return find(objects, 'Deployment', name).spec.template.spec.containers[0];
}

/** Every env var name the container gets, from env and from the ConfigMaps it loads. */
function envNames(objects: K8sObject[], name: string): string[] {
  const c = container(objects, name);
  const fromConfigMaps = (c.envFrom ?? []).flatMap((e: any) => Object.keys(find(objects, 'ConfigMap', e.configMapRef.name).data));
  return [...(c.env ?? []).map((e: any) => e.name), ...fromConfigMaps];
}

describe.each<[string, McpServerProps]>([
  ['demo (http)', { template: 'demo', name: 'demo', ingress: { baseHost: 'mcp.example.com', tls: { clusterIssuer: 'letsencrypt-prod' }, certManager: true } }],
  ['file-server (http, volume, HPA)', {
    template: 'file-server', name: 'file-server', volumeClaims: { data: 'files' },
    autoscaling: { minReplicas: 2, maxReplicas: 5 }, config: { allowed_directories: ['/data', '/data/shared'], read_only_mode: true },
  }],
  ['github (stdio behind the bridge)', { template: 'github', name: 'github', replicas: 2, config: { github_token: GITHUB_TOKEN } }],
])('%s on its own', (_name, props) => {
  const { objects, externals } = server(props);

  test('matches the snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('holds every platform invariant', () => {
    expect(checkInvariants(objects, externals)).toEqual([]);
  });

  test('validates against the Kubernetes 1.28 schema', () => {
    expect(objects.flatMap(o => schema.validate(o))).toEqual([]);
  });

  test('every env var reaches the container exactly once', () => {
    const names = envNames(objects, props.name!);
    expect(names.length).toBeGreaterThan(0);
    expect(names).toEqual([...new Set(names)]);
  });

  test('probes /health (startup, liveness) and /ready (readiness) on the port the container declares', () => {
    const c = container(objects, props.name!);
    expect([c.startupProbe.httpGet.path, c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path]).toEqual(['/health', '/health', '/ready']);
    expect(c.ports.map((p: any) => p.containerPort)).toContain(c.livenessProbe.httpGet.port);
  });

  test('every object carries the managed-by and server labels kubectl selects on', () => {
    for (const o of objects) {
      expect({ o: `${o.kind}/${o.metadata.name}`, labels: o.metadata.labels }).toMatchObject({
        labels: { [SERVER_LABELS.managedBy]: 'mcp-platform', [SERVER_LABELS.server]: props.name },
      });
    }
    const pod = find(objects, 'Deployment', props.name!).spec.template.metadata.labels;
    expect(pod).toMatchObject({ [SERVER_LABELS.managedBy]: 'mcp-platform', [SERVER_LABELS.server]: props.name, [SERVER_LABELS.template]: props.template });
  });
});

describe('config', () => {
  test('plain values go to the ConfigMap, loaded with envFrom; secrets are secretKeyRefs', () => {
    const { objects, externals } = server({ template: 'snowflake', name: 'sf', config: { account: 'acme', password: { secretName: 'snowflake', key: 'password' }, read_only: false } });
    expect(find(objects, 'ConfigMap', 'sf-config').data).toEqual({
      MCP_LOG_LEVEL: 'info', MCP_PORT: '7071', MCP_TRANSPORT: 'http', PORT: '7071',
      SNOWFLAKE_ACCOUNT: 'acme', SNOWFLAKE_AUTHENTICATOR: 'snowflake', SNOWFLAKE_QUERY_TIMEOUT: '300', SNOWFLAKE_READ_ONLY: 'false',
    });
    const c = container(objects, 'sf');
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'sf-config' } }]);
    expect(c.env).toEqual([{ name: 'SNOWFLAKE_PASSWORD', valueFrom: { secretKeyRef: { name: 'snowflake', key: 'password', optional: false } } }]);
    expect(externals.Secret).toEqual(['snowflake']);
    expect(JSON.stringify(objects)).not.toMatch(/"password":"[^{]/);
  });

  test('arrays are joined with the key separator, defaults fill omitted keys', () => {
    const { objects } = server({ template: 'file-server', name: 'fs', config: { allowed_directories: ['/data/a', '/data/b'] } });
    expect(find(objects, 'ConfigMap', 'fs-config').data).toMatchObject({ MCP_ALLOWED_DIRS: '/data/a:/data/b', MCP_READ_ONLY: 'false', MCP_MAX_FILE_SIZE: '100' });
  });

  test('a config change rolls the pods (checksum annotation)', () => {
    const checksum = (hello: string) => find(server({ template: 'demo', name: 'd', config: { hello_from: hello } }).objects, 'Deployment', 'd').spec.template.metadata.annotations['checksum/config'];
    expect(checksum('a')).not.toEqual(checksum('b'));
  });

  test.each<[string, McpServerProps, RegExp]>([
    ['a missing required key', { template: 'file-server' },
      /server: invalid config\.allowed_directories \(unset\): template 'file-server' requires allowed_directories .*env MCP_ALLOWED_DIRS.*set config\.allowed_directories = \['\.\.\.'\]/],
    ['a missing required secret', { template: 'github' },
      /server: invalid config\.github_token \(unset\): template 'github' requires github_token .*set config\.github_token = \{ secretName: '<existing Secret>', key: '<key>' \}/],
    ['an unknown key', { template: 'demo', config: { greeting: 'hi' } },
      /server: invalid config\.greeting "\(redacted\)": template 'demo' has no config key 'greeting': use one of hello_from, log_level/],
    ['a plain value for a secret key', { template: 'github', config: { github_token: 'ghp_123' } },
      /server: invalid config\.github_token "\(redacted\)": github_token is a secret of template 'github': reference an existing Secret/],
    ['a value of the wrong type', { template: 'file-server', config: { allowed_directories: '/data' } },
      /server: invalid config\.allowed_directories "\/data": use a list of strings/],
    ['a value outside the enum', { template: 'demo', config: { log_level: 'verbose' } },
      /server: invalid config\.log_level "verbose": use one of 'debug', 'info', 'warning', 'error'/],
    ['a non-integer', { template: 'file-server', config: { allowed_directories: ['/data'], max_file_size: 1.5 } },
      /server: invalid config\.max_file_size 1\.5: use a whole number/],
    ['a malformed Secret reference', { template: 'github', config: { github_token: { secretName: 'Bad_Name', key: 'token' } } },
      /server: invalid config\.github_token\.secretName "Bad_Name": use the name of an existing Secret/],
  ])('refuses %s with the path, field, value and fix', (_case, props, message) => {
    expect(() => server(props)).toThrow(McpConfigError);
    expect(() => server(props)).toThrow(message);
  });
});

describe('transports and the stdio bridge', () => {
  const { objects } = server({ template: 'github', name: 'github', config: { github_token: GITHUB_TOKEN } });

  test('the server image runs the bridge binary an init container copied from the pinned bridge image', () => {
    const spec = find(objects, 'Deployment', 'github').spec.template.spec;
    expect(spec.initContainers).toHaveLength(1);
    expect(spec.initContainers[0]).toMatchObject({ image: STDIO_BRIDGE.image, args: ['--copy-self', '/opt/mcp-bridge/agentgateway'] });
    expect(spec.containers[0]).toMatchObject({
      image: 'ghcr.io/data-everything/mcp-github:0.13.0',
      command: ['/opt/mcp-bridge/agentgateway', '-f', '/etc/mcp-bridge/config.yaml'],
    });
    expect(STDIO_BRIDGE.image).toMatch(/^ghcr\.io\/agentgateway\/agentgateway:\d+\.\d+\.\d+-musl$/);
  });

  test('the bridge serves the server on the Service port, /health and /ready itself, and no secret', () => {
    const config = parse(find(objects, 'ConfigMap', 'github-bridge').data['config.yaml']);
    const bind = config.binds[0];
    expect(bind.port).toBe(find(objects, 'Service', 'github').spec.ports[0].port);
    const routes = bind.listeners[0].routes;
    expect(routes.filter((r: any) => r.policies?.directResponse?.status === 200).map((r: any) => r.matches[0].path.exact)).toEqual(['/health', '/ready']);
    const mcp = routes.find((r: any) => r.backends);
    expect(mcp.matches.map((m: any) => m.path.pathPrefix)).toEqual(['/mcp', '/sse']);
    expect(mcp.backends[0].mcp.targets[0].stdio).toEqual({ cmd: '/server/github-mcp-server', args: ['stdio'] });
    expect(JSON.stringify(config)).not.toMatch(/GITHUB_PERSONAL_ACCESS_TOKEN|token/);
  });

  test('a stdio-only template without the bridge is refused, not deployed unreachable', () => {
    expect(() => server({ template: 'github', stdioBridge: false, config: { github_token: GITHUB_TOKEN } }))
      .toThrow(/server: invalid stdioBridge false: template 'github' speaks only stdio, and a stdio server without a bridge has no network endpoint/);
  });

  test('templates that speak HTTP never get the bridge; stdio on request does', () => {
    const http = server({ template: 'demo', name: 'demo' }).objects;
    expect(find(http, 'Deployment', 'demo').spec.template.spec.initContainers).toBeUndefined();
    const template: McpServerTemplate = { id: 'both', title: 'Both', description: 'x', tag: '1.0.0', transports: ['http', 'stdio'], port: 9000, stdio: { command: 'srv' } };
    const viaBridge = server({ template, name: 'both', transport: 'stdio' }).objects;
    expect(find(viaBridge, 'Deployment', 'both').spec.template.spec.initContainers[0].name).toBe('install-bridge');
    expect(() => server({ template: 'demo', transport: 'sse' })).toThrow(/invalid transport "sse": template 'demo' supports http, stdio/);
  });
});

describe('ingress', () => {
  const ingressOf = (props: McpServerProps['ingress']) => ofKind(server({ template: 'demo', name: 'demo', ingress: props }).objects, 'Ingress')[0];

  test('with cert-manager: the ClusterIssuer annotation and a TLS Secret cert-manager fills', () => {
    const ing = ingressOf({ baseHost: 'mcp.example.com', tls: { clusterIssuer: 'letsencrypt-prod' }, certManager: true });
    expect(ing.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
    expect(ing.spec.tls).toEqual([{ hosts: ['demo.mcp.example.com'], secretName: 'demo-tls' }]);
    expect(ing.spec.rules[0].host).toBe('demo.mcp.example.com');
  });

  test('with an existing TLS Secret: no cert-manager annotation, the Secret is an external reference', () => {
    const { objects, externals } = server({ template: 'demo', name: 'demo', ingress: { baseHost: 'mcp.example.com', tls: { secretName: 'wildcard-tls' } } });
    const ing = ofKind(objects, 'Ingress')[0];
    expect(ing.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBeUndefined();
    expect(ing.spec.tls).toEqual([{ hosts: ['demo.mcp.example.com'], secretName: 'wildcard-tls' }]);
    expect(externals.Secret).toEqual(['wildcard-tls']);
  });

  test('a ClusterIssuer without cert-manager is refused', () => {
    expect(() => ingressOf({ baseHost: 'mcp.example.com', tls: { clusterIssuer: 'letsencrypt-prod' } }))
      .toThrow(/invalid ingress\.tls\.clusterIssuer "letsencrypt-prod": a ClusterIssuer needs cert-manager/);
  });
});

describe('network policy', () => {
  test('admits the edge gateway, agents and the ingress controller on the server port only', () => {
    const { objects } = server({ template: 'demo', name: 'demo', networkPolicy: { platformNamespace: 'mcp-prod' } });
    const np = find(objects, 'NetworkPolicy', 'demo');
    expect(np.spec.policyTypes).toEqual(['Ingress']);
    const peers = np.spec.ingress.map((r: any) => ({
      ns: r.from[0].namespaceSelector?.matchLabels['kubernetes.io/metadata.name'],
      pods: r.from[0].podSelector?.matchLabels,
      ports: r.ports,
    }));
    expect(peers).toEqual([
      { ns: 'mcp-prod', pods: { 'app.kubernetes.io/component': 'edge-gateway', 'app.kubernetes.io/part-of': 'mcp-platform' }, ports: [{ port: 7071, protocol: 'TCP' }] },
      { ns: 'mcp-prod', pods: { 'app.kubernetes.io/component': 'agent', 'app.kubernetes.io/part-of': 'mcp-platform' }, ports: [{ port: 7071, protocol: 'TCP' }] },
      { ns: 'ingress-nginx', pods: { 'app.kubernetes.io/name': 'ingress-nginx' }, ports: [{ port: 7071, protocol: 'TCP' }] },
    ]);
  });
});

describe('placement and props', () => {
  test('namespace moves every object and the URL', () => {
    const chart = Testing.chart();
    const s = new McpServer(chart, 'demo', { template: 'demo', namespace: 'mcp-servers-dev' });
    const objects = Testing.synth(chart) as K8sObject[];
    expect(new Set(objects.map(o => o.metadata.namespace))).toEqual(new Set(['mcp-servers-dev']));
    expect(s.url).toBe('http://demo.mcp-servers-dev.svc:7071');
  });

  test('replicas above 1 render a PDB and topology spread; the HPA owns replicas when autoscaling', () => {
    const { objects } = server({ template: 'demo', name: 'demo', replicas: 3 });
    expect(find(objects, 'PodDisruptionBudget', 'demo').spec.maxUnavailable).toBe(1);
    expect(find(objects, 'Deployment', 'demo').spec.template.spec.topologySpreadConstraints).toHaveLength(2);
    const scaled = server({ template: 'demo', name: 'demo', autoscaling: { maxReplicas: 4 } }).objects;
    expect(find(scaled, 'Deployment', 'demo').spec!.replicas).toBeUndefined();
    expect(find(scaled, 'HorizontalPodAutoscaler', 'demo').spec).toMatchObject({ minReplicas: 2, maxReplicas: 4 });
    expect(() => server({ template: 'demo', replicas: 2, autoscaling: { maxReplicas: 4 } })).toThrow(/invalid replicas 2: leave replicas unset with autoscaling/);
  });

  test.each<[string, McpServerProps, RegExp]>([
    ['an unknown template', { template: 'slack' }, /server: invalid template "slack": use a template of the catalog \(demo, file-server, github, snowflake\) or register it first/],
    ['an invalid port in an inline template', { template: { id: 'weather', title: 'W', description: 'd', tag: '1.0.0', transports: ['http'], port: 70000 } },
      /server: invalid templates\.weather\.port 70000: use the TCP port the server listens on, a whole number between 1 and 65535/],
    ['a privileged port', { template: { id: 'weather', title: 'W', description: 'd', tag: '1.0.0', transports: ['http'], port: 80 } },
      /invalid templates\.weather\.port 80: use a port of 1024 or more/],
    ['a bad name', { template: 'demo', name: 'Demo_1' }, /server: invalid name "Demo_1": use at most 52 lower-case letters/],
    ['a claim for a volume the template lacks', { template: 'demo', volumeClaims: { data: 'x' } }, /invalid volumeClaims\.data "x": template 'demo' has no volume 'data'/],
  ])('refuses %s', (_case, props, message) => {
    expect(() => server(props)).toThrow(message);
  });

  test('user templates come from a user catalog', () => {
    const catalog = McpServerCatalog.withBuiltins().register({
      id: 'weather', title: 'Weather', description: 'Forecasts', repository: 'quay.io/acme/mcp-weather', digest: `sha256:${'b'.repeat(64)}`,
      transports: ['sse'], port: 3001, config: { api_key: { env: 'WEATHER_API_KEY', secret: true, required: true, description: 'API key' } },
    });
    const { objects } = server({ template: 'weather', catalog, name: 'weather', config: { api_key: { secretName: 'weather', key: 'api-key' } } });
    const c = container(objects, 'weather');
    expect(c.image).toBe(`quay.io/acme/mcp-weather@sha256:${'b'.repeat(64)}`);
    expect(find(objects, 'ConfigMap', 'weather-config').data).toEqual({ PORT: '3001' });
    expect(find(objects, 'Deployment', 'weather').metadata.labels?.[SERVER_LABELS.transport]).toBe('sse');
  });

  test('policy facts: a PDB above one replica, debug logging from log_level', () => {
    const chart = Testing.chart();
    const one = new McpServer(chart, 'a', { template: 'demo', name: 'a', config: { log_level: 'debug' } });
    const two = new McpServer(chart, 'b', { template: 'demo', name: 'b', replicas: 2 });
    expect(one.policyFacts()).toMatchObject({ disruptionBudget: { present: false }, debugLogging: { enabled: true } });
    expect(two.policyFacts()).toMatchObject({ disruptionBudget: { present: true }, debugLogging: { enabled: false } });
  });
});
