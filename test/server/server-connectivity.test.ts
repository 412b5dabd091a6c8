import { Testing } from 'cdk8s';
import { McpConfigError } from '../../src/common/errors';
import { Connectivity } from '../../src/connectivity/connectivity';
import { McpEnvironment } from '../../src/platform/environment';
import { defaultEnvironments, devEnvironment, prodEnvironment, stagingEnvironment } from '../../src/platform/presets';
import { McpServer } from '../../src/server/mcp-server';
import { McpServerInstance } from '../../src/server/server-fleet';
import { SERVER_PRESETS } from '../../src/server/server-presets';
import { K8sObject } from '../support/invariants';
import { find, synthChart, synthEnvironment } from '../support/synth';

// Who may call the MCP servers, and whom they may call, as the connectivity model renders it:
// every server of every environment has a real caller, and both sides of every flow between
// workloads of the chart agree.

const DNS = [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }];
const INGRESS_NGINX = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } };
const KUBE_DNS = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } };

function withServers(base: McpEnvironment, servers: McpServerInstance[]): McpEnvironment {
  return { ...base, servers: { ...base.servers, servers } };
}

function serverObjects(objects: K8sObject[], env: string, kind: string): K8sObject[] {
  return objects.filter(o => o.kind === kind && o.metadata.namespace === `mcp-servers-${env}`);
}

/** Whether a policy peer selects pods labelled `labels` in `namespace` (the policy's own namespace is `own`). */
function selects(peer: any, own: string, namespace: string, labels: Record<string, string>): boolean {
  if (peer.ipBlock) return false;
  const ns = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ?? own;
  if (ns !== namespace) return false;
  return Object.entries(peer.podSelector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

describe.each(defaultEnvironments().map(e => [e.name, e] as const))('%s: every server has a caller', (name, env) => {
  const { chart, objects } = synthEnvironment(env);
  const host = env.ingress!.host;
  const deployments = serverObjects(objects, name, 'Deployment');

  test('every server is reached through an Ingress at <server>.<ingress host> on the MCP path only, or by a declared client', () => {
    expect(deployments.length).toBeGreaterThan(0);
    for (const d of deployments) {
      const server = chart.servers!.servers.find(s => s.name === d.metadata.name)!;
      const callers = chart.connectivity.flowsInto(server.workload);
      expect({ server: server.name, callers: callers.length > 0 }).toEqual({ server: server.name, callers: true });
      if (!server.ingress) continue;
      const ingress = find(serverObjects(objects, name, 'Ingress'), 'Ingress', server.name);
      expect(ingress.spec.rules).toEqual([{
        host: `${server.name}.${host}`,
        http: { paths: [{ path: '/mcp', pathType: 'Prefix', backend: { service: { name: server.name, port: { number: server.port } } } }] },
      }]);
      if (env.ingress!.tls) {
        expect(ingress.spec.tls).toEqual([{ hosts: [`${server.name}.${host}`], secretName: `${server.name}-tls` }]);
        expect(ingress.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBe(env.ingress!.tls.clusterIssuer);
      } else {
        expect(ingress.spec.tls).toBeUndefined();
      }
    }
  });

  test('each server\'s NetworkPolicy admits its callers on its port only, and lets it reach DNS plus what its template calls', () => {
    for (const d of deployments) {
      const np = find(serverObjects(objects, name, 'NetworkPolicy'), 'NetworkPolicy', d.metadata.name);
      const port = d.spec.template.spec.containers[0].ports[0].containerPort;
      expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(np.spec.ingress.length).toBeGreaterThan(0);
      for (const rule of np.spec.ingress) expect(rule.ports).toEqual([{ port, protocol: 'TCP' }]);
      expect(np.spec.ingress.flatMap((r: any) => r.from)).toContainEqual(INGRESS_NGINX);
      const egress = d.metadata.labels?.['mcp.platform/template'] === 'github'
        ? [{ to: [KUBE_DNS], ports: DNS }, { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] }]
        : [{ to: [KUBE_DNS], ports: DNS }];
      expect({ server: d.metadata.name, egress: np.spec.egress }).toEqual({ server: d.metadata.name, egress });
    }
  });

  test('the namespace-wide policy admits the ingress controller on the catalog\'s ports, never every port', () => {
    const np = find(serverObjects(objects, name, 'NetworkPolicy'), 'NetworkPolicy', 'mcp-servers-ingress');
    expect(np.spec.ingress).toEqual([{ from: [INGRESS_NGINX], ports: [{ port: 7071, protocol: 'TCP' }, { port: 8080, protocol: 'TCP' }] }]);
  });
});

describe('declared clients', () => {
  // A server as the client of another (the only MCP client a preset-free test environment has):
  // the caller's egress and the callee's ingress are both rendered from the one flow.
  const env = withServers(devEnvironment(), [
    { ...SERVER_PRESETS.dev.servers![0] },
    { ...SERVER_PRESETS.dev.servers![1], ingress: false, networkPolicy: { clients: [{ workload: 'demo' }, { namespace: 'batch', podLabels: { app: 'etl' } }] } },
  ]);
  const { objects } = synthEnvironment(env);
  const policies = serverObjects(objects, 'dev', 'NetworkPolicy');
  const pods = (server: string) => find(objects, 'Deployment', server).spec.template.metadata.labels;

  test('a named workload: the server admits its pods, and the client\'s egress reaches the server\'s pods on its port', () => {
    const filesystem = find(policies, 'NetworkPolicy', 'filesystem');
    const demo = find(policies, 'NetworkPolicy', 'demo');
    const admitted = filesystem.spec.ingress.filter((r: any) => r.from.some((p: any) => selects(p, 'mcp-servers-dev', 'mcp-servers-dev', pods('demo'))));
    expect(admitted.map((r: any) => r.ports)).toEqual([[{ port: 8080, protocol: 'TCP' }]]);
    const reaches = demo.spec.egress.filter((r: any) => r.to.some((p: any) => selects(p, 'mcp-servers-dev', 'mcp-servers-dev', pods('filesystem'))));
    expect(reaches.map((r: any) => r.ports)).toEqual([[{ port: 8080, protocol: 'TCP' }]]);
  });

  test('a peer outside the platform is admitted on the server\'s side only', () => {
    const filesystem = find(policies, 'NetworkPolicy', 'filesystem');
    expect(filesystem.spec.ingress.flatMap((r: any) => r.from)).toContainEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'batch' } }, podSelector: { matchLabels: { app: 'etl' } },
    });
  });

  test('every flow between two workloads of the chart is allowed on both sides', () => {
    const { chart } = synthEnvironment(env);
    let checked = 0;
    for (const { from, to, ports: flowPorts } of chart.connectivity.flows) {
      if (from.kind !== 'workload' || to.kind !== 'workload') continue;
      const ports = JSON.stringify(flowPorts.map(p => ({ port: p.port, protocol: p.protocol ?? 'TCP' })));
      if (from.policyName && from.isolation.egress) {
        const client = objects.find(o => o.kind === 'NetworkPolicy' && o.metadata.name === from.policyName && o.metadata.namespace === from.namespace)!;
        expect(client.spec.egress.some((r: any) => JSON.stringify(r.ports) === ports && r.to.some((p: any) => selects(p, from.namespace, to.namespace, { ...to.podSelector })))).toBe(true);
      }
      if (to.policyName && to.isolation.ingress) {
        const server = objects.find(o => o.kind === 'NetworkPolicy' && o.metadata.name === to.policyName && o.metadata.namespace === to.namespace)!;
        expect(server.spec.ingress.some((r: any) => JSON.stringify(r.ports) === ports && r.from.some((p: any) => selects(p, to.namespace, from.namespace, { ...from.podSelector })))).toBe(true);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  test('a server nobody may call is reported: a warning in dev, refused where the policy requires working endpoints', () => {
    const chart = Testing.chart();
    const lonely = new McpServer(chart, 'lonely', { template: 'demo' });
    expect(lonely.policyFacts().rejectsAllClients).toMatchObject({ present: true, field: 'ingress or networkPolicy.clients' });
    const called = new McpServer(chart, 'called', { template: 'demo', name: 'called', networkPolicy: { clients: [{ cidr: '10.0.0.0/8' }] } });
    expect(called.policyFacts().rejectsAllClients?.present).toBe(false);
    const staging = withServers(stagingEnvironment(), [{ name: 'demo', template: 'demo', replicas: 2 }]);
    expect(() => synthEnvironment(staging)).toThrow(/staging\/servers\/demo: invalid ingress or networkPolicy\.clients \(unset\): the 'staging' policy forbids components that reject every client: its NetworkPolicy admits no caller/);
  });

  test('apiEndpoint: another component connects to a server, and the flow renders on both sides', () => {
    const { objects: out } = synthChart(chart => {
      const model = Connectivity.of(chart);
      const server = new McpServer(chart, 'github', { template: 'github', namespace: 'mcp-servers', config: { github_token: { secretName: 'gh', key: 'token' } } });
      const client = model.addWorkload(chart, {
        name: 'assistant', component: 'Test', podSelector: { app: 'assistant' },
        networkPolicy: { name: 'assistant', labels: {}, ingress: true, egress: true, id: 'assistant-policy' },
      });
      model.connect(client, server.apiEndpoint, 'calls GitHub tools');
    }, 'mcp-prod');
    const serverPeer = { podSelector: { matchLabels: find(out, 'Deployment', 'github').spec.selector.matchLabels }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mcp-servers' } } };
    expect(find(out, 'NetworkPolicy', 'assistant').spec.egress).toEqual([{ to: [serverPeer], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    expect(find(out, 'NetworkPolicy', 'github').spec.ingress).toEqual([{
      from: [{ podSelector: { matchLabels: { app: 'assistant' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mcp-prod' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }]);
  });

  test('a workload name the environment does not render fails at synth with the field and the known names', () => {
    const bad = withServers(devEnvironment(), [{ name: 'demo', template: 'demo', networkPolicy: { clients: [{ workload: 'claude-desktop' }] } }]);
    expect(() => synthEnvironment(bad)).toThrow(McpConfigError);
    expect(() => synthEnvironment(bad)).toThrow(/dev\/servers\/demo: invalid networkPolicy\.clients\[0\]\.workload "claude-desktop": name a workload this environment renders \(.*demo.*\)/);
  });
});

describe('secrets and volumes of the servers', () => {
  const referencedByServers = (env: McpEnvironment) => {
    const { chart } = synthEnvironment(env);
    return chart.externalReferences().filter(r => r.referencedBy.startsWith(`${env.name}/servers`) || r.namespace === `mcp-servers-${env.name}`);
  };

  test('dev: no server needs anything created first', () => {
    expect(referencedByServers(devEnvironment())).toEqual([]);
  });

  test('dev with github opted in: its token is the one documented prerequisite, never generated', () => {
    const env = withServers(devEnvironment(), [...SERVER_PRESETS.dev.servers!, { name: 'github', template: 'github', config: { github_token: { secretName: 'mcp-github-token', key: 'token' } }, ingress: true }]);
    expect(referencedByServers(env).map(r => ({ kind: r.kind, namespace: r.namespace, name: r.name, keys: r.keys })))
      .toEqual([{ kind: 'Secret', namespace: 'mcp-servers-dev', name: 'mcp-github-token', keys: ['token'] }]);
    const { objects } = synthEnvironment(env);
    expect(serverObjects(objects, 'dev', 'Job')).toEqual([]);
  });

  test('staging: the token Secret and the shared claim, each with its namespace and keys', () => {
    expect(referencedByServers(stagingEnvironment()).map(r => ({ kind: r.kind, namespace: r.namespace, name: r.name, keys: r.keys }))).toEqual([
      { kind: 'PersistentVolumeClaim', namespace: 'mcp-servers-staging', name: 'mcp-filesystem-data', keys: [] },
      { kind: 'Secret', namespace: 'mcp-servers-staging', name: 'mcp-github-token', keys: ['token'] },
    ]);
  });

  test('prod: only the secret store; the token comes from an ExternalSecret, the claim is rendered', () => {
    // The store is cluster-scoped and shared with the other components (whichever declares it first is named).
    expect(referencedByServers(prodEnvironment()).filter(r => r.kind !== 'ClusterSecretStore')).toEqual([]);
    const { chart, objects } = synthEnvironment(prodEnvironment());
    expect(chart.externalReferences().map(r => `${r.kind}/${r.name}`)).toContain('ClusterSecretStore/mcp-platform');
    const es = find(serverObjects(objects, 'prod', 'ExternalSecret'), 'ExternalSecret', 'mcp-github-token');
    expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'mcp-platform' });
    expect(es.spec.data).toEqual([{ secretKey: 'token', remoteRef: { key: 'mcp/mcp-servers-prod/mcp-github-token', property: 'token' } }]);
    const claim = find(serverObjects(objects, 'prod', 'PersistentVolumeClaim'), 'PersistentVolumeClaim', 'filesystem-data');
    expect(claim.spec).toMatchObject({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '20Gi' } } });
    const volumes = find(objects, 'Deployment', 'filesystem').spec.template.spec.volumes;
    expect(volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'filesystem-data', readOnly: false } });
  });

  test('a typed remote key per secret config key', () => {
    const github = { name: 'github', template: 'github', ingress: true, autoscaling: { minReplicas: 2, maxReplicas: 3 },
      config: { github_token: { secretName: 'gh', key: 'pat', remoteKey: { remoteKey: 'teams/ai/github', property: 'token' } } } };
    const { objects } = synthEnvironment(withServers(prodEnvironment(), [github]));
    expect(find(objects, 'ExternalSecret', 'gh').spec.data).toEqual([{ secretKey: 'pat', remoteRef: { key: 'teams/ai/github', property: 'token' } }]);
  });
});

describe('preset server Ingresses outside dev answer private networks only (the servers authenticate no client)', () => {
  test.each([['staging', stagingEnvironment()], ['prod', prodEnvironment()]] as const)('%s', (_name, environment) => {
    const { objects } = synthEnvironment(environment);
    const ingresses = objects.filter(o => o.kind === 'Ingress' && o.metadata.namespace === `mcp-servers-${environment.name}`);
    expect(ingresses.map(i => i.metadata.name).sort()).toEqual(['filesystem', 'github']);
    for (const i of ingresses) expect(i.metadata.annotations?.['nginx.ingress.kubernetes.io/whitelist-source-range']).toBe('10.0.0.0/8,172.16.0.0/12,192.168.0.0/16');
  });
});
