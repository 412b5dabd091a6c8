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
const MY_IMAGE = 'registry.example.com/mcp-snowflake:2.1.0';

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
  ['demo (http)', { template: 'demo', name: 'demo', ingress: { host: 'demo.mcp.example.com', tls: { clusterIssuer: 'letsencrypt-prod' } } }],
  ['filesystem (stdio behind the bridge, volume, HPA)', {
    template: 'filesystem', name: 'filesystem', volumeClaims: { data: 'files' },
    autoscaling: { minReplicas: 2, maxReplicas: 5 }, config: { allowed_dirs: ['/data', '/data/shared'] },
  }],
  ['github (stdio behind the bridge)', { template: 'github', name: 'github', replicas: 2, config: { github_token: GITHUB_TOKEN } }],
  ['snowflake (the user\'s image)', { template: 'snowflake', name: 'snowflake', image: MY_IMAGE, config: { account: 'acme', password: { secretName: 'sf', key: 'password' } } }],
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
    expect(names).toEqual([...new Set(names)]);
  });

  test('probes a declared container port, never the MCP endpoint', () => {
    const c = container(objects, props.name!);
    for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) {
      expect(c.ports.map((p: any) => p.containerPort)).toContain(probe.httpGet.port);
      expect(probe.httpGet.path).not.toMatch(/^\/(mcp|sse)/);
    }
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

describe('runtime contract per template', () => {
  test('demo: MCP_PORT and MCP_TRANSPORT (never PORT), /health for every probe', () => {
    const { objects } = server({ template: 'demo', name: 'demo' });
    expect(find(objects, 'ConfigMap', 'demo-config').data).toEqual({ MCP_HELLO_FROM: 'MCP Platform', MCP_LOG_LEVEL: 'info', MCP_PORT: '7071', MCP_TRANSPORT: 'http' });
    const c = container(objects, 'demo');
    expect([c.startupProbe, c.livenessProbe, c.readinessProbe].map((p: any) => `${p.httpGet.path}:${p.httpGet.port}`)).toEqual(['/health:7071', '/health:7071', '/health:7071']);
    expect(c.image).toBe('dataeverything/mcp-demo:sha-1e0f1c1');
  });

  test('logLevel maps onto the template\'s log level key', () => {
    const { objects } = server({ template: 'demo', name: 'demo', logLevel: 'warning' });
    expect(find(objects, 'ConfigMap', 'demo-config').data.MCP_LOG_LEVEL).toBe('warning');
  });

  test('github: GITHUB_TOOLSETS (plural), the token from a Secret, read-only as the --read-only flag', () => {
    const { objects, externals } = server({ template: 'github', name: 'github', config: { github_token: GITHUB_TOKEN } });
    expect(find(objects, 'ConfigMap', 'github-config').data).toEqual({ GITHUB_DYNAMIC_TOOLSETS: 'false', GITHUB_TOOLSETS: 'repos,issues,pull_requests' });
    expect(container(objects, 'github').env).toEqual([{ name: 'GITHUB_PERSONAL_ACCESS_TOKEN', valueFrom: { secretKeyRef: { name: 'mcp-github-token', key: 'token', optional: false } } }]);
    const config = parse(find(objects, 'ConfigMap', 'github-bridge').data['config.yaml']);
    expect(config.mcp.targets[0].stdio.args).toEqual(['stdio', '--read-only']);
    const writable = parse(find(server({ template: 'github', name: 'github', config: { github_token: GITHUB_TOKEN, read_only: false } }).objects, 'ConfigMap', 'github-bridge').data['config.yaml']);
    expect(writable.mcp.targets[0].stdio.args).toEqual(['stdio']);
    expect(externals.Secret).toEqual(['mcp-github-token']);
  });

  test('filesystem: the allowed directories are the server\'s arguments, no env var', () => {
    const { objects } = server({ template: 'filesystem', name: 'fs', config: { allowed_dirs: ['/data/a', '/data/b'] } });
    const config = parse(find(objects, 'ConfigMap', 'fs-bridge').data['config.yaml']);
    expect(config.mcp.targets[0].stdio).toEqual({ cmd: '/opt/mcp-server/server', args: ['/data/a', '/data/b'] });
    expect(ofKind(objects, 'ConfigMap').map(c => c.metadata.name)).toEqual(['fs-bridge']);
    expect(container(objects, 'fs').env).toBeUndefined();
  });

  test('a config change rolls the pods (checksum annotation)', () => {
    const checksum = (hello: string) => find(server({ template: 'demo', name: 'd', config: { hello_from: hello } }).objects, 'Deployment', 'd').spec.template.metadata.annotations['checksum/config'];
    expect(checksum('a')).not.toEqual(checksum('b'));
    const args = (dirs: string[]) => find(server({ template: 'filesystem', name: 'f', config: { allowed_dirs: dirs } }).objects, 'Deployment', 'f').spec.template.metadata.annotations['checksum/config'];
    expect(args(['/data/a'])).not.toEqual(args(['/data/b']));
  });
});

describe('the stdio bridge', () => {
  const { objects } = server({ template: 'github', name: 'github', config: { github_token: GITHUB_TOKEN } });
  const spec = find(objects, 'Deployment', 'github').spec.template.spec;

  test('the pinned bridge image runs as the container; an init container copies the server out of its own image', () => {
    expect(spec.initContainers).toHaveLength(1);
    expect(spec.initContainers[0]).toMatchObject({
      name: 'install-server', image: 'dataeverything/mcp-github:sha-d4c379b',
      command: ['cp', '/server/github-mcp-server', '/opt/mcp-server/github-mcp-server'],
      volumeMounts: [{ name: 'mcp-server-bin', mountPath: '/opt/mcp-server' }],
    });
    expect(spec.containers[0]).toMatchObject({ image: STDIO_BRIDGE.image, args: ['-f', '/etc/mcp-bridge/config.yaml'] });
    expect(spec.containers[0].command).toBeUndefined();
    expect(spec.containers[0].volumeMounts).toEqual(expect.arrayContaining([
      { name: 'mcp-server-bin', mountPath: '/opt/mcp-server', readOnly: true },
      { name: 'bridge-config', mountPath: '/etc/mcp-bridge', readOnly: true },
    ]));
    expect(STDIO_BRIDGE.image).toMatch(/^ghcr\.io\/agentgateway\/agentgateway:v\d+\.\d+\.\d+$/);
  });

  test('the bridge serves MCP on the Service port and is probed on its readiness server', () => {
    const config = parse(find(objects, 'ConfigMap', 'github-bridge').data['config.yaml']);
    expect(config.gateways.default.port).toBe(find(objects, 'Service', 'github').spec.ports[0].port);
    expect(spec.containers[0].readinessProbe.httpGet).toEqual({ path: '/healthz/ready', port: 15021, scheme: 'HTTP' });
    expect(JSON.stringify(config)).not.toMatch(/GITHUB_PERSONAL_ACCESS_TOKEN|token/i);
  });

  test('a stdio-only template without the bridge is refused, not deployed unreachable', () => {
    expect(() => server({ template: 'github', stdioBridge: false, config: { github_token: GITHUB_TOKEN } }))
      .toThrow(/server: invalid stdioBridge false: template 'github' speaks only stdio, and a stdio server without a bridge has no network endpoint/);
  });

  test('templates that speak HTTP never get the bridge; stdio on request does', () => {
    expect(find(server({ template: 'demo', name: 'demo' }).objects, 'Deployment', 'demo').spec.template.spec.initContainers).toBeUndefined();
    const template: McpServerTemplate = {
      id: 'both', title: 'Both', description: 'x', repository: 'acme/both', tag: '1.0.0', transports: ['http', 'stdio'], port: 9000, healthPath: '/healthz', stdio: { command: '/bin/srv' },
    };
    const viaBridge = server({ template, name: 'both', transport: 'stdio' }).objects;
    expect(find(viaBridge, 'Deployment', 'both').spec.template.spec.initContainers[0].name).toBe('install-server');
    expect(() => server({ template: 'demo', transport: 'stdio' })).toThrow(/invalid transport "stdio": template 'demo' supports http: pick one of those/);
  });

  test('a mirror registry prefixes both images', () => {
    const s = find(server({ template: 'github', name: 'github', registryPrefix: 'registry.local:5000/mirror', config: { github_token: GITHUB_TOKEN } }).objects, 'Deployment', 'github').spec.template.spec;
    expect(s.initContainers[0].image).toBe('registry.local:5000/mirror/dataeverything/mcp-github:sha-d4c379b');
    expect(s.containers[0].image).toBe('registry.local:5000/mirror/agentgateway/agentgateway:v1.4.1');
  });
});

describe('ingress', () => {
  const ingressOf = (props: McpServerProps['ingress']) => ofKind(server({ template: 'demo', name: 'demo', ingress: props }).objects, 'Ingress')[0];

  test('routes the MCP path only, with cert-manager TLS', () => {
    const ing = ingressOf({ host: 'demo.mcp.example.com', tls: { clusterIssuer: 'letsencrypt-prod' } });
    expect(ing.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
    expect(ing.spec.tls).toEqual([{ hosts: ['demo.mcp.example.com'], secretName: 'demo-tls' }]);
    expect(ing.spec.rules[0].http.paths.map((p: any) => p.path)).toEqual(['/mcp']);
  });

  test('with an existing TLS Secret: no cert-manager annotation, the Secret is an external reference', () => {
    const { objects, externals } = server({ template: 'demo', name: 'demo', ingress: { host: 'demo.mcp.example.com', tls: { secretName: 'wildcard-tls' } } });
    const ing = ofKind(objects, 'Ingress')[0];
    expect(ing.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBeUndefined();
    expect(ing.spec.tls).toEqual([{ hosts: ['demo.mcp.example.com'], secretName: 'wildcard-tls' }]);
    expect(externals.Secret).toEqual(['wildcard-tls']);
  });
});

describe('placement and shared props', () => {
  test('namespace lands in every object\'s metadata and the URL', () => {
    const chart = Testing.chart();
    const s = new McpServer(chart, 'demo', { template: 'demo', namespace: 'mcp-servers-dev', monitoring: { prometheusRule: true, dashboard: true }, replicas: 2 });
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
  });

  test('resources are quantities; scheduling and pod template options reach the pod', () => {
    const { objects } = server({
      template: 'demo', name: 'demo', resources: { requests: { cpu: '0.25', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      scheduling: { nodeSelector: { pool: 'mcp' }, priorityClassName: 'mcp-high' },
      podAnnotations: { 'example.com/scrape': 'no' }, imagePullSecrets: ['regcred'],
      extraEnv: [{ name: 'HTTPS_PROXY', value: 'http://proxy:3128' }],
    });
    const pod = find(objects, 'Deployment', 'demo').spec.template;
    expect(pod.spec.containers[0].resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '1024Mi' } });
    expect(pod.spec).toMatchObject({ nodeSelector: { pool: 'mcp' }, priorityClassName: 'mcp-high', imagePullSecrets: [{ name: 'regcred' }] });
    expect(pod.metadata.annotations['example.com/scrape']).toBe('no');
    expect(pod.spec.containers[0].env).toEqual([{ name: 'HTTPS_PROXY', value: 'http://proxy:3128' }]);
  });

  test('user templates come from a user catalog', () => {
    const catalog = McpServerCatalog.withBuiltins().register({
      id: 'weather', title: 'Weather', description: 'Forecasts', repository: 'quay.io/acme/mcp-weather', digest: `sha256:${'b'.repeat(64)}`,
      transports: ['sse'], port: 3001, portEnv: ['PORT'], config: { api_key: { env: 'WEATHER_API_KEY', secret: true, required: true, description: 'API key' } },
    });
    const { objects } = server({ template: 'weather', catalog, name: 'weather', config: { api_key: { secretName: 'weather', key: 'api-key' } }, ingress: { host: 'weather.example.com' } });
    expect(container(objects, 'weather').image).toBe(`quay.io/acme/mcp-weather@sha256:${'b'.repeat(64)}`);
    expect(container(objects, 'weather').livenessProbe.tcpSocket).toEqual({ port: 3001 });
    expect(find(objects, 'ConfigMap', 'weather-config').data).toEqual({ PORT: '3001' });
    // SSE: the stream and the path the client POSTs its messages to, nothing else.
    expect(find(objects, 'Ingress', 'weather').spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.path)).sort()).toEqual(['/messages', '/sse']);
  });

  test('policy facts: a PDB above one replica, debug logging from logLevel', () => {
    const chart = Testing.chart();
    const one = new McpServer(chart, 'a', { template: 'demo', name: 'a', logLevel: 'debug' });
    const two = new McpServer(chart, 'b', { template: 'demo', name: 'b', replicas: 2 });
    expect(one.policyFacts()).toMatchObject({ disruptionBudget: { present: false }, debugLogging: { enabled: true } });
    expect(two.policyFacts()).toMatchObject({ disruptionBudget: { present: true }, debugLogging: { enabled: false } });
    expect(() => new McpServer(Testing.chart(), 'g', { template: 'github', logLevel: 'debug', config: { github_token: GITHUB_TOKEN } }))
      .toThrow(McpConfigError);
  });
});

describe('workload identity', () => {
  test('serviceAccountAnnotations give the pods their own ServiceAccount, still without an API token', () => {
    const { objects } = server({ template: 'demo', name: 'demo', serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/mcp-demo' } });
    const sa = find(objects, 'ServiceAccount', 'demo');
    expect(sa.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/mcp-demo' });
    expect(sa.automountServiceAccountToken).toBe(false);
    const pod = find(objects, 'Deployment', 'demo').spec.template.spec;
    expect(pod).toMatchObject({ serviceAccountName: 'demo', automountServiceAccountToken: false });
    expect(ofKind(server({ template: 'demo', name: 'demo' }).objects, 'ServiceAccount')).toEqual([]);
  });
});
