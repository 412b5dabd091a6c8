import { addresses, cidrWithin, outsidePods, Reachability, selects } from '../support/reachability';
import { NS, namespace, pods, policy, workload } from './fixtures';

const net = (...objects: any[]) => new Reachability([namespace(NS), ...objects]);
const pod = (r: Reachability, app: string) => r.pods.find(p => p.labels.app === app)!;

describe('NetworkPolicy semantics of the evaluator', () => {
  test('a pod no policy selects is isolated in neither direction; a policy isolates only its policyTypes', () => {
    const r = net(workload('Deployment', 'a', { http: 80 }), workload('Deployment', 'b', { http: 80 }), policy('b', { ingress: [] }));
    expect([r.isolated(pod(r, 'a'), 'Ingress'), r.isolated(pod(r, 'a'), 'Egress')]).toEqual([false, false]);
    expect([r.isolated(pod(r, 'b'), 'Ingress'), r.isolated(pod(r, 'b'), 'Egress')]).toEqual([true, false]);
    expect(r.allows(pod(r, 'a'), pod(r, 'b'), 80)).toBe(false);
    expect(r.allows(pod(r, 'b'), pod(r, 'a'), 80)).toBe(true);
  });

  test('policyTypes left out: Ingress, plus Egress when the policy has egress rules', () => {
    const p = policy('a', { egress: [] });
    delete p.spec.policyTypes;
    const r = net(workload('Deployment', 'a', {}), p);
    expect([r.isolated(pod(r, 'a'), 'Ingress'), r.isolated(pod(r, 'a'), 'Egress')]).toEqual([true, true]);
  });

  test('a connection needs the client egress and the server ingress', () => {
    const objs = [workload('Deployment', 'a', {}), workload('Deployment', 'b', { http: 8080 })];
    const ingressOnly = net(...objs, policy('a', { egress: [] }), policy('b', { ingress: [{ from: [pods('a')], ports: [{ port: 8080 }] }] }));
    expect(ingressOnly.allows(pod(ingressOnly, 'a'), pod(ingressOnly, 'b'), 8080)).toBe(false);
    const both = net(...objs, policy('a', { egress: [{ to: [pods('b')], ports: [{ port: 8080 }] }] }), policy('b', { ingress: [{ from: [pods('a')], ports: [{ port: 8080 }] }] }));
    expect(both.allows(pod(both, 'a'), pod(both, 'b'), 8080)).toBe(true);
    expect(both.allows(pod(both, 'a'), pod(both, 'b'), 8081)).toBe(false);
    expect(both.allows(pod(both, 'a'), pod(both, 'b'), 8080, 'UDP')).toBe(false);
  });

  test('a rule without peers, or with an empty peer list, matches every peer', () => {
    const r = net(workload('Deployment', 'b', { http: 80 }), policy('b', { ingress: [{ ports: [{ port: 80 }] }, { from: [], ports: [{ port: 81 }] }] }));
    const anywhere = outsidePods('anywhere', 'elsewhere', { x: 'y' });
    expect([80, 81, 82].map(p => r.allows(anywhere, pod(r, 'b'), p))).toEqual([true, true, false]);
    expect(r.allows(addresses('internet', '0.0.0.0/0'), pod(r, 'b'), 80)).toBe(true);
  });

  test('named ports resolve on the destination pod; endPort spans a range; no ports means every port', () => {
    const r = net(workload('Deployment', 'a', {}), workload('Deployment', 'b', { http: 8080, metrics: 9090 }),
      policy('b', { ingress: [{ from: [pods('a')], ports: [{ port: 'http' }, { port: 9000, endPort: 9100 }] }, { from: [pods('c')] }] }));
    const [a, b] = [pod(r, 'a'), pod(r, 'b')];
    expect([8080, 9090, 9100, 9101, 8081].map(p => r.allows(a, b, p))).toEqual([true, true, true, false, false]);
    const c = outsidePods('c', NS, { app: 'c' });
    expect([1, 65535].map(p => r.allows(c, b, p))).toEqual([true, true]);
  });

  test('podSelector alone stays in the policy namespace; namespaceSelector alone takes every pod of the namespace; both intersect', () => {
    const rule = (peer: any) => net(workload('Deployment', 'b', { http: 80 }), policy('b', { ingress: [{ from: [peer], ports: [{ port: 80 }] }] }));
    const same = outsidePods('same', NS, { app: 'a' });
    const other = outsidePods('other', 'other', { app: 'a' });
    const otherPlain = outsidePods('other plain', 'other', {});
    const podOnly = rule(pods('a'));
    expect([same, other].map(c => podOnly.allows(c, pod(podOnly, 'b'), 80))).toEqual([true, false]);
    const nsOnly = rule({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } } });
    expect([same, other, otherPlain].map(c => nsOnly.allows(c, pod(nsOnly, 'b'), 80))).toEqual([false, true, true]);
    const both = rule({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } }, podSelector: { matchLabels: { app: 'a' } } });
    expect([same, other, otherPlain].map(c => both.allows(c, pod(both, 'b'), 80))).toEqual([false, true, false]);
  });

  test('namespaces are matched by the labels of rendered Namespaces plus kubernetes.io/metadata.name', () => {
    const r = new Reachability([namespace(NS), namespace('tenant', { team: 'x' }), workload('Deployment', 'b', { http: 80 }),
      policy('b', { ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'x' } } }], ports: [{ port: 80 }] }] })]);
    expect(r.allows(outsidePods('t', 'tenant'), pod(r, 'b'), 80)).toBe(true);
    expect(r.allows(outsidePods('u', 'unknown'), pod(r, 'b'), 80)).toBe(false);
  });

  test('matchExpressions: In, NotIn, Exists, DoesNotExist', () => {
    const sel = { matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }, { key: 'env', operator: 'NotIn', values: ['prod'] }, { key: 'app', operator: 'Exists' }, { key: 'legacy', operator: 'DoesNotExist' }] };
    expect(selects(sel, { tier: 'a', app: 'x' })).toBe(true);
    expect(selects(sel, { tier: 'c', app: 'x' })).toBe(false);
    expect(selects(sel, { tier: 'a', app: 'x', env: 'prod' })).toBe(false);
    expect(selects(sel, { tier: 'a' })).toBe(false);
    expect(selects(sel, { tier: 'a', app: 'x', legacy: '' })).toBe(false);
    expect(() => selects({ matchExpressions: [{ key: 'a', operator: 'Gt' }] }, {})).toThrow('operator Gt');
  });

  test('ipBlock matches addresses inside its CIDR minus except, never pods', () => {
    const r = net(workload('Deployment', 'a', {}), policy('a', { egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 5432 }] }] }));
    const a = pod(r, 'a');
    expect(r.allows(a, addresses('db', '10.2.3.4/32'), 5432)).toBe(true);
    expect(r.allows(a, addresses('db', '10.2.0.0/16'), 5432)).toBe(true);
    expect(r.allows(a, addresses('excluded', '10.1.2.3/32'), 5432)).toBe(false);
    expect(r.allows(a, addresses('overlaps except', '10.0.0.0/15'), 5432)).toBe(false);
    expect(r.allows(a, addresses('outside', '192.168.0.1/32'), 5432)).toBe(false);
    expect(r.allows(a, outsidePods('pod in the block', 'db'), 5432)).toBe(false);
  });

  test('CIDR containment for IPv4 and IPv6', () => {
    expect(cidrWithin('0.0.0.0/0', '0.0.0.0/0')).toBe(true);
    expect(cidrWithin('10.0.0.0/8', '0.0.0.0/0')).toBe(true);
    expect(cidrWithin('0.0.0.0/0', '10.0.0.0/8')).toBe(false);
    expect(cidrWithin('fd00::1/128', 'fd00::/8')).toBe(true);
    expect(cidrWithin('fe80::1/128', 'fd00::/8')).toBe(false);
    expect(cidrWithin('10.0.0.1/32', '::/0')).toBe(false);
  });

  test('workloads are the pod templates of Deployments, StatefulSets, DaemonSets, Jobs and CronJobs; Services select them', () => {
    const r = net(...['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].map((k, i) => workload(k, `w${i}`, { http: 8000 + i })),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: NS }, spec: { selector: { app: 'w4' }, ports: [{ port: 80, targetPort: 'http' }] } });
    expect(r.pods.map(p => p.name)).toEqual(['Deployment app/w0', 'StatefulSet app/w1', 'DaemonSet app/w2', 'Job app/w3', 'CronJob app/w4']);
    expect(r.serviceBackends(r.services[0]).map(b => [b.pod.name, b.ports.map(p => p.port)])).toEqual([['CronJob app/w4', [8004]]]);
  });
});
