import { Connectivity } from '../../src/connectivity/connectivity';
import { McpServer } from '../../src/server/mcp-server';
import { McpServerDeployer, McpServerDeployerProps } from '../../src/server/server-deployer';
import { checkInvariants } from '../support/invariants';
import { SchemaValidator } from '../support/schema';
import { find, ofKind, synthChart } from '../support/synth';

const schema = new SchemaValidator();

function deployer(props: McpServerDeployerProps = {}, withServer = true) {
  return synthChart(chart => {
    new McpServerDeployer(chart, 'deployer', { namespace: 'mcp-servers', ...props });
    if (withServer) new McpServer(chart, 'demo', { template: 'demo', namespace: 'mcp-servers' });
  }, 'mcp-platform');
}

/** The Role's grants as `group/resource:verb`. */
function grants(role: any): Set<string> {
  return new Set(role.rules.flatMap((r: any) => r.apiGroups.flatMap((g: string) => r.resources.flatMap((res: string) => r.verbs.map((v: string) => `${g || 'core'}/${res}:${v}`)))));
}

const manage = (res: string) => ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'].map(v => `${res}:${v}`);
const read = (res: string) => ['get', 'list', 'watch'].map(v => `${res}:${v}`);

describe('McpServerDeployer', () => {
  const { objects, externals } = deployer();

  test('matches the snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('holds every platform invariant, with a server and on its own', () => {
    expect(checkInvariants(objects, externals)).toEqual([]);
    const alone = deployer({ networkPolicy: { enabled: false } }, false);
    expect(checkInvariants(alone.objects, alone.externals)).toEqual([]);
  });

  test('validates against the Kubernetes 1.28 schema', () => {
    expect(objects.flatMap(o => schema.validate(o))).toEqual([]);
  });

  test('the Role grants exactly what deploy, list, status and delete need', () => {
    expect(grants(find(objects, 'Role', 'mcp-platform-deployer'))).toEqual(new Set([
      ...manage('apps/deployments'),
      ...read('apps/replicasets'),
      ...manage('core/services'),
      ...manage('core/configmaps'),
      ...read('core/pods'),
      'core/pods/log:get',
      ...read('core/events'),
      ...manage('networking.k8s.io/ingresses'),
      ...manage('autoscaling/horizontalpodautoscalers'),
    ]));
  });

  test('no Secret rights, no pod writes, no wildcards, no escalation, nothing cluster-wide', () => {
    const all = [...grants(find(objects, 'Role', 'mcp-platform-deployer'))];
    expect(all.filter(g => g.includes('secrets'))).toEqual([]);
    expect(all.filter(g => /^core\/pods:(create|update|patch|delete)/.test(g))).toEqual([]);
    expect(all.filter(g => g.includes('*') || /:(escalate|bind|impersonate|deletecollection)$/.test(g))).toEqual([]);
    expect(objects.filter(o => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toEqual([]);
  });

  test('without autoscalers the HPA rule goes', () => {
    const role = find(deployer({ manageAutoscalers: false }).objects, 'Role', 'mcp-platform-deployer');
    expect([...grants(role)].filter(g => g.startsWith('autoscaling/'))).toEqual([]);
  });

  test('the RoleBinding binds the ServiceAccount to the Role in the servers namespace', () => {
    const rb = find(objects, 'RoleBinding', 'mcp-platform-deployer');
    expect(rb.metadata.namespace).toBe('mcp-servers');
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'mcp-platform-deployer' });
    expect(rb.subjects).toEqual([{ kind: 'ServiceAccount', name: 'mcp-platform-deployer', namespace: 'mcp-servers' }]);
    const cross = find(deployer({ serviceAccountNamespace: 'mcp-platform' }).objects, 'RoleBinding', 'mcp-platform-deployer');
    expect(cross.subjects[0].namespace).toBe('mcp-platform');
  });

  test('no long-lived token: no service-account-token Secret, no automounted token', () => {
    expect(ofKind(objects, 'Secret')).toEqual([]);
    expect(JSON.stringify(objects)).not.toContain('kubernetes.io/service-account-token');
    expect(find(objects, 'ServiceAccount', 'mcp-platform-deployer').automountServiceAccountToken).toBe(false);
  });

  test('the namespace is labelled managed-by=mcp-platform and enforces Pod Security restricted', () => {
    const ns = find(objects, 'Namespace', 'mcp-servers');
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.labels).toMatchObject({ 'managed-by': 'mcp-platform', 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  test('every pod of the namespace admits the ingress controller on the servers\' ports only (never every port)', () => {
    const np = find(objects, 'NetworkPolicy', 'mcp-servers-ingress');
    // An empty selector: every pod of the namespace, servers the deployer creates at runtime included.
    expect(np.spec.podSelector.matchLabels ?? {}).toEqual({});
    expect(np.spec.policyTypes).toEqual(['Ingress']);
    expect(np.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } }],
      ports: [{ port: 7071, protocol: 'TCP' }, { port: 8080, protocol: 'TCP' }],
    }]);
    for (const rule of np.spec.ingress) expect(rule.ports?.length).toBeGreaterThan(0);
  });

  test('declared clients of every server: a named workload gets the egress, an outside peer the ingress side only', () => {
    const { objects: out } = synthChart(chart => {
      Connectivity.of(chart).addWorkload(chart, {
        name: 'mcp-backend', component: 'Test', namespace: 'mcp-platform', podSelector: { app: 'backend' },
        networkPolicy: { name: 'mcp-backend', labels: {}, ingress: true, egress: true },
      });
      new McpServerDeployer(chart, 'deployer', { namespace: 'mcp-servers', networkPolicy: { ports: [9000], clients: [{ workload: 'mcp-backend' }, { namespace: 'batch' }] } });
    }, 'mcp-platform');
    const np = find(out, 'NetworkPolicy', 'mcp-servers-ingress');
    expect(np.spec.ingress.map((r: any) => r.ports)).toEqual([[{ port: 9000, protocol: 'TCP' }]]);
    expect(np.spec.ingress[0].from).toEqual(expect.arrayContaining([
      { podSelector: { matchLabels: { app: 'backend' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mcp-platform' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'batch' } } },
    ]));
    // The backend's own policy lets it reach every pod of the servers namespace on 9000.
    expect(find(out, 'NetworkPolicy', 'mcp-backend').spec.egress).toEqual([{
      to: [{ podSelector: { matchLabels: {} }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mcp-servers' } } }],
      ports: [{ port: 9000, protocol: 'TCP' }],
    }]);
    expect(() => deployer({ networkPolicy: { ports: [] } })).toThrow(/invalid networkPolicy\.ports \[\]: list the TCP ports the servers listen on/);
    expect(() => deployer({ networkPolicy: { ports: [70000] } })).toThrow(/invalid networkPolicy\.ports\[0\] 70000/);
  });

  test('a LimitRange always, a ResourceQuota on request', () => {
    expect(find(objects, 'LimitRange', 'mcp-server-defaults').spec.limits[0]).toMatchObject({ type: 'Container', default: { cpu: '500m', memory: '512Mi' } });
    expect(ofKind(objects, 'ResourceQuota')).toEqual([]);
    const quota = find(deployer({ quota: { cpu: '4', memory: '8Gi', pods: 20 } }).objects, 'ResourceQuota', 'mcp-servers');
    expect(quota.spec.hard).toEqual({ 'limits.cpu': '4000m', 'limits.memory': '8192Mi', 'pods': '20' });
    expect(() => deployer({ quota: { cpu: '4', memory: '8Gi', pods: 0 } })).toThrow(/invalid quota\.pods 0: use a whole number >= 1/);
    expect(() => deployer({ quota: { cpu: '4 cores', memory: '8Gi', pods: 2 } })).toThrow(/invalid quota\.cpu "4 cores"/);
    const custom = find(deployer({ defaultContainerResources: { limits: { cpu: '1', memory: '1Gi' } } }).objects, 'LimitRange', 'mcp-server-defaults');
    expect(custom.spec.limits[0]).toMatchObject({ default: { cpu: '1000m', memory: '1024Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } });
  });

  test('rbac: false renders the namespace setup only', () => {
    const { objects: setup } = deployer({ rbac: false });
    expect(setup.filter(o => ['ServiceAccount', 'Role', 'RoleBinding'].includes(o.kind))).toEqual([]);
  });

  test('an invalid namespace fails with the field and the fix', () => {
    expect(() => deployer({ namespace: 'MCP Servers' })).toThrow(/deployer: invalid namespace "MCP Servers": use at most 63 lower-case letters/);
  });
});
