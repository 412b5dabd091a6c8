import { McpEnvironment } from '../../src/platform/environment';
import { devEnvironment, prodEnvironment, stagingEnvironment } from '../../src/platform/presets';
import { McpServer, McpServerProps } from '../../src/server/mcp-server';
import { McpServersSettings } from '../../src/server/server-fleet';
import { ExpectedRejection, expectConstructRejected, expectEnvironmentRejected } from '../support/bad-input';

// McpServer input, including input that bypasses the type checker (`as any`, values files):
// every case fails at synth with the construct path, the field, the value and the fix, and no
// secret value ever appears in the message.
const PAT = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';
const TOKEN = { secretName: 'mcp-github-token', key: 'token' };
const server = (props: Record<string, unknown>) => (chart: any) => new McpServer(chart, 'server', props as unknown as McpServerProps);

describe('bad McpServer props fail at synth with the path, field, value and fix', () => {
  test.each<[string, Record<string, unknown>, Omit<ExpectedRejection, 'path'>]>([
    ['a misspelt prop (the closest key suggested)', { template: 'demo', replica: 2 }, { field: 'replica', value: 2, fix: /unknown field; did you mean 'replicas'\?/ }],
    ['a Helm-style key', { template: 'demo', replicaCount: 2 }, { field: 'replicaCount', value: 2, fix: /unknown field/ }],
    ['a number given as a word', { template: 'demo', replicas: 'two' }, { field: 'replicas', value: 'two', fix: /use a number/ }],
    ['a CPU quantity in words', { template: 'demo', resources: { limits: { cpu: '2 cores' } } }, { field: 'resources.limits.cpu', value: '2 cores', fix: /quantity/ }],
    ['a memory request above its limit', { template: 'demo', resources: { requests: { memory: '1Gi' }, limits: { memory: '512Mi' } } },
      { field: 'resources.requests.memory', value: '1Gi', fix: /the request may not exceed the limit "512Mi"/ }],
    ['a 40-character digest', { template: 'demo', image: `dataeverything/mcp-demo@sha256:${'a'.repeat(40)}` },
      { field: 'image', value: `dataeverything/mcp-demo@sha256:${'a'.repeat(40)}`, fix: /malformed digest; expected @sha256:<64 hex digits>/ }],
    ['an image on latest', { template: 'demo', image: 'dataeverything/mcp-demo:latest' }, { field: 'image', value: 'dataeverything/mcp-demo:latest', fix: /latest is never allowed/ }],
    ['a template without an image and no image', { template: 'snowflake', config: { account: 'acme' } }, { field: 'image', fix: /template 'snowflake' has no published image: set image/ }],
    ['a config key the template lacks', { template: 'demo', config: { greeting: 'hi' } }, { field: 'config.greeting', value: '(redacted)', fix: /template 'demo' has no config key 'greeting': use one of hello_from, log_level/ }],
    ['a config value of the wrong type', { template: 'filesystem', config: { allowed_dirs: '/data' } }, { field: 'config.allowed_dirs', value: '/data', fix: /use a list of strings/ }],
    ['a missing required config key', { template: 'filesystem' }, { field: 'config.allowed_dirs', fix: /template 'filesystem' requires allowed_dirs/ }],
    ['a plaintext token for a secret config key', { template: 'github', config: { github_token: PAT } },
      { field: 'config.github_token', value: '(redacted)', fix: /github_token is a secret of template 'github': reference an existing Secret with config\.github_token = \{ secretName, key \}/, never: [PAT] }],
    ['a plaintext password for a secret key without a secret-looking name', { template: 'snowflake', image: 'acme/sf:1.0.0', config: { account: 'a', private_key: 'PEMDATA' } },
      { field: 'config.private_key', value: '(redacted)', fix: /private_key is a secret of template 'snowflake': reference an existing Secret/, never: ['PEMDATA'] }],
    ['an ingress without a host', { template: 'demo', ingress: { tls: { clusterIssuer: 'letsencrypt' } } }, { field: 'ingress.host', fix: /set ingress\.host/ }],
    ['a malformed alert duration', { template: 'demo', alerts: { downFor: '5 minutes' } }, { field: 'alerts.downFor', value: '5 minutes', fix: /Prometheus duration/ }],
    ['a log level outside the enum', { template: 'demo', logLevel: 'verbose' }, { field: 'logLevel', value: 'verbose', fix: /use one of "debug", "error", "info", "warning"/ }],
    ['a stdio-only template without the bridge', { template: 'github', stdioBridge: false, config: { github_token: TOKEN } }, { field: 'stdioBridge', value: false, fix: /has no network endpoint/ }],
    ['an upper-case server name', { template: 'demo', name: 'Demo_1' }, { field: 'name', value: 'Demo_1', fix: /RFC 1123 label/ }],
    ['minReplicas above maxReplicas', { template: 'demo', autoscaling: { minReplicas: 5, maxReplicas: 3 } }, { field: 'autoscaling.minReplicas', value: 5, fix: /use at most autoscaling\.maxReplicas \(3\)/ }],
    ['extraEnv shadowing the port the server reads', { template: 'demo', extraEnv: [{ name: 'MCP_PORT', value: '80' }] }, { field: 'extraEnv[0].name', value: 'MCP_PORT', fix: /the component sets this variable itself/ }],
    ['a claim for a volume the template lacks', { template: 'demo', volumeClaims: { data: 'files' } }, { field: 'volumeClaims.data', value: 'files', fix: /template 'demo' has no volume 'data'/ }],
    ['an egress port out of range', { template: 'demo', egress: [{ description: 'Weather API', ports: [0] }] }, { field: 'egress[0].ports', value: [0], fix: /whole numbers from 1 to 65535/ }],
    ['an egress CIDR without a prefix', { template: 'demo', egress: [{ description: 'Weather API', ports: [443], cidr: '10.0.0.1' }] }, { field: 'egress[0].cidr', value: '10.0.0.1', fix: /use CIDR notation/ }],
    ['an egress without a description', { template: 'demo', egress: [{ description: ' ', ports: [443] }] }, { field: 'egress[0].description', value: ' ', fix: /say what the destination is/ }],
    ['a client CIDR without a prefix', { template: 'demo', networkPolicy: { clients: [{ cidr: '10.0.0.1' }] } }, { field: 'networkPolicy.clients[0].cidr', value: '10.0.0.1', fix: /CIDR notation/ }],
    ['a rendered claim in words', { template: 'filesystem', config: { allowed_dirs: ['/data'] }, volumeClaims: { data: { size: 'ten gigs' } } },
      { field: 'volumeClaims.data.size', value: 'ten gigs', fix: /quantity/ }],
    ['a ReadWriteOnce claim shared by two pods', { template: 'filesystem', replicas: 2, config: { allowed_dirs: ['/data'] }, volumeClaims: { data: { size: '1Gi', accessMode: 'ReadWriteOnce' } } },
      { field: 'volumeClaims.data.accessMode', value: 'ReadWriteOnce', fix: /cannot mount a ReadWriteOnce volume: use ReadWriteMany/ }],
    ['an access mode that does not exist', { template: 'filesystem', config: { allowed_dirs: ['/data'] }, volumeClaims: { data: { size: '1Gi', accessMode: 'ReadWriteAll' } } },
      { field: 'volumeClaims.data.accessMode', value: 'ReadWriteAll', fix: /ReadWriteOnce|ReadWriteMany/ }],
    ['an empty remote key for a secret', { template: 'github', config: { github_token: { ...TOKEN, remoteKey: { remoteKey: '' } } } },
      { field: 'config.github_token.remoteKey.remoteKey', value: '', fix: /name the secret in the external store/ }],
  ])('%s', (_label, props, expected) => {
    expectConstructRejected(server(props), { path: 'test/server', ...expected });
  });
});

describe('bad server settings in an environment fail at synth and write nothing', () => {
  const withServers = (base: McpEnvironment, servers: unknown): McpEnvironment => ({ ...base, servers: servers as McpServersSettings });

  test.each<[string, McpEnvironment, ExpectedRejection]>([
    ['a misspelt server prop', withServers(devEnvironment(), { servers: [{ name: 'demo', template: 'demo', replica: 2 }] }),
      { path: 'dev', field: 'servers.servers[0].replica', value: 2, fix: /did you mean 'replicas'\?/ }],
    ['a plaintext GitHub token in prod', withServers(prodEnvironment(), { servers: [{ name: 'github', template: 'github', autoscaling: { maxReplicas: 3 }, config: { github_token: PAT } }] }),
      { path: 'prod/servers/github', field: 'config.github_token', value: '(redacted)', fix: /reference an existing Secret/, never: [PAT] }],
    ['two servers with one name', withServers(stagingEnvironment(), { servers: [{ name: 'demo', template: 'demo', replicas: 2 }, { name: 'demo', template: 'demo', replicas: 2 }] }),
      { path: 'staging/servers', field: 'servers[1].name', value: 'demo', fix: /server names must be unique/ }],
    ['a quota in words', withServers(devEnvironment(), { deployer: { quota: { cpu: '8 cores', memory: '16Gi', pods: 10 } } }),
      { path: 'dev/servers/deployer', field: 'quota.cpu', value: '8 cores', fix: /quantity/ }],
    ['a client workload the environment does not render', withServers(devEnvironment(), { servers: [{ name: 'demo', template: 'demo', ingress: true, networkPolicy: { clients: [{ workload: 'cursor' }] } }] }),
      { path: 'dev/servers/demo', field: 'networkPolicy.clients[0].workload', value: 'cursor', fix: /name a workload this environment renders/ }],
    ['namespace policy ports left empty', withServers(devEnvironment(), { deployer: { networkPolicy: { ports: [] } } }),
      { path: 'dev/servers/deployer', field: 'networkPolicy.ports', value: [], fix: /list the TCP ports the servers listen on/ }],
    ['a template egress port as a word', withServers(devEnvironment(), { templates: [{ id: 'weather', title: 'W', description: 'W', repository: 'acme/w', tag: '1.0.0', transports: ['http'], port: 3001, egress: [{ description: 'API', ports: ['https'] }] }] }),
      { path: 'dev', field: 'servers.templates[0].egress[0].ports[0]', value: 'https', fix: /use a number/ }],
    ['the retired file-server template', withServers(devEnvironment(), { servers: [{ name: 'files', template: 'file-server' }] }),
      { path: 'dev/servers/files', field: 'template', value: 'file-server', fix: /use a template of the catalog \(demo, filesystem, github, snowflake\)/ }],
  ])('%s', (_label, environment, expected) => {
    expectEnvironmentRejected(environment, expected);
  });
});
