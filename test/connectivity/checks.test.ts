import { outsidePods } from '../support/reachability';
import { checkCallers, checkRuleWidth, checkSymmetry } from './checks';
import { checkDocument, parsePeerText } from './document';
import { INGRESS_NGINX, policy, pods, replace, service, soundApp, soundDocument, workload } from './fixtures';

const callerOptions = {
  ingressController: outsidePods('ingress-nginx', 'ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }),
  notCallers: [outsidePods('Prometheus', 'monitoring', { 'app.kubernetes.io/name': 'prometheus' })],
};
const DNS = { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] };

describe('the sound fixture passes every check', () => {
  test.each([
    ['symmetry', () => checkSymmetry(soundApp())],
    ['callers', () => checkCallers(soundApp(), callerOptions)],
    ['rule width', () => checkRuleWidth(soundApp())],
    ['document', () => checkDocument(soundApp(), soundDocument())],
  ])('%s', (_name, check) => {
    expect(check()).toEqual([]);
  });
});

describe('a one-sided rule', () => {
  test('an ingress allowance the client cannot use: web no longer egresses to api', () => {
    const objects = replace(soundApp(), 'NetworkPolicy', 'web', policy('web', { ingress: [{ from: [INGRESS_NGINX], ports: [{ port: 3000 }] }], egress: [DNS] }));
    expect(checkSymmetry(objects)).toEqual(['NetworkPolicy app/api ingress[0] admits Deployment app/web to Deployment app/api on 8080/TCP, but Deployment app/web\'s egress does not allow it']);
  });

  test('an egress allowance the server refuses: db no longer admits api', () => {
    const objects = replace(soundApp(), 'NetworkPolicy', 'db', policy('db', { ingress: [{ from: [pods('web')], ports: [{ port: 5432 }] }], egress: [] }));
    expect(checkSymmetry(objects)).toEqual([
      'NetworkPolicy app/api egress[1] lets Deployment app/api reach StatefulSet app/db on 5432/TCP, but StatefulSet app/db\'s ingress does not admit it',
      'NetworkPolicy app/db ingress[0] admits Deployment app/web to StatefulSet app/db on 5432/TCP, but Deployment app/web\'s egress does not allow it',
    ]);
  });

  test('a rule that reaches an in-cluster pod only through an ipBlock does not count as reaching it', () => {
    const objects = replace(soundApp(), 'NetworkPolicy', 'api', policy('api', {
      ingress: [{ from: [pods('web')], ports: [{ port: 8080 }] }],
      egress: [DNS, { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 5432 }] }],
    }));
    expect(checkSymmetry(objects)).toEqual(['NetworkPolicy app/db ingress[0] admits Deployment app/api to StatefulSet app/db on 5432/TCP, but Deployment app/api\'s egress does not allow it']);
  });
});

describe('a Service with no caller', () => {
  test('db admits nobody: no pod, no Ingress, no outside client may call it', () => {
    const objects = replace(soundApp(), 'NetworkPolicy', 'db', policy('db', { ingress: [], egress: [] }));
    expect(checkCallers(objects, callerOptions)).toEqual(['StatefulSet app/db backs Service db (5432/TCP), but nothing may call it: no rendered pod may reach it there, no Ingress routes to it and its ingress admits no client outside the chart']);
  });

  test('Prometheus scraping is no caller', () => {
    const objects = replace(soundApp(), 'NetworkPolicy', 'web', policy('web', { ingress: [], egress: [DNS, { to: [pods('api')], ports: [{ port: 8080 }] }] }))
      .filter(o => o.kind !== 'Ingress');
    const onlyScraped = replace(objects, 'NetworkPolicy', 'api', policy('api', {
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ port: 8080 }] }],
      egress: [DNS, { to: [pods('db')], ports: [{ port: 5432 }] }],
    }));
    expect(checkCallers(onlyScraped, callerOptions)).toEqual([
      'Deployment app/web backs Service web (3000/TCP), but nothing may call it: no rendered pod may reach it there, no Ingress routes to it and its ingress admits no client outside the chart',
      'Deployment app/api backs Service api (8080/TCP), but nothing may call it: no rendered pod may reach it there, no Ingress routes to it and its ingress admits no client outside the chart',
    ]);
  });

  test('an Ingress whose pods do not admit the ingress controller is reported, and is no caller', () => {
    const objects = replace(soundApp(), 'NetworkPolicy', 'web', policy('web', { ingress: [], egress: [DNS, { to: [pods('api')], ports: [{ port: 8080 }] }] }));
    expect(checkCallers(objects, callerOptions)).toEqual([
      'Ingress app/web routes to Service web (3000/TCP on Deployment app/web), but Deployment app/web does not admit the ingress controller there',
      'Deployment app/web backs Service web (3000/TCP), but nothing may call it: no rendered pod may reach it there, no Ingress routes to it and its ingress admits no client outside the chart',
    ]);
  });

  test('admitting the ingress controller without an Ingress that routes there is no caller', () => {
    const objects = soundApp().filter(o => o.kind !== 'Ingress');
    expect(checkCallers(objects, callerOptions)).toEqual(['Deployment app/web backs Service web (3000/TCP), but nothing may call it: no rendered pod may reach it there, no Ingress routes to it and its ingress admits no client outside the chart']);
  });

  test('a declared client outside the chart is a caller', () => {
    const client = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'batch' } }, podSelector: { matchLabels: { app: 'etl' } } };
    const objects = replace(soundApp(), 'NetworkPolicy', 'db', policy('db', { ingress: [{ from: [client], ports: [{ port: 5432 }] }], egress: [] }));
    expect(checkCallers(objects, callerOptions)).toEqual([]);
  });

  test('a workload that is not ingress-isolated may be called by anyone', () => {
    const objects = [...soundApp().filter(o => !(o.kind === 'NetworkPolicy' && o.metadata.name === 'db')), workload('Deployment', 'cache', { redis: 6379 }), service('cache', 6379, 'redis')];
    expect(checkCallers(objects, callerOptions)).toEqual([]);
  });
});

describe('the document and the policies', () => {
  test('a row without a rule: the document says web may reach db, the policies do not', () => {
    expect(checkDocument(soundApp(), soundDocument({ extraRows: ['| web | db | 5432/TCP | reports |'] }))).toEqual([
      'row web -> db (5432/TCP): Deployment app/web -> StatefulSet app/db on 5432/TCP is not allowed (client egress denies it, server ingress denies it)',
    ]);
  });

  test('a row allowed on one side only', () => {
    const objects = replace(soundApp(), 'NetworkPolicy', 'db', policy('db', { ingress: [{ from: [pods('api'), pods('web')], ports: [{ port: 5432 }] }], egress: [] }));
    expect(checkDocument(objects, soundDocument({ extraRows: ['| web | db | 5432/TCP | reports |'] }))).toEqual([
      'row web -> db (5432/TCP): Deployment app/web -> StatefulSet app/db on 5432/TCP is not allowed (client egress denies it)',
    ]);
  });

  test('a rule without a row: api -> db is enforced but not documented', () => {
    expect(checkDocument(soundApp(), soundDocument({ dropRows: ['| api | db |'] }))).toEqual([
      'NetworkPolicy app/api egress[1] reaches {"podSelector":{"matchLabels":{"app":"db"}}} on 5432/TCP for Deployment app/api, but no row of the document says so',
      'NetworkPolicy app/db ingress[0] admits {"podSelector":{"matchLabels":{"app":"api"}}} on 5432/TCP for StatefulSet app/db, but no row of the document says so',
    ]);
  });

  test('a rule wider than its row: a port more, or a peer with fewer labels than the row names', () => {
    const widerPort = replace(soundApp(), 'NetworkPolicy', 'db', policy('db', { ingress: [{ from: [pods('api')], ports: [{ port: 5432 }, { port: 5433 }] }], egress: [] }));
    expect(checkDocument(widerPort, soundDocument())).toEqual(['NetworkPolicy app/db ingress[0] admits {"podSelector":{"matchLabels":{"app":"api"}}} on 5433/TCP for StatefulSet app/db, but no row of the document says so']);
    const widerPeer = replace(soundApp(), 'NetworkPolicy', 'web', policy('web', {
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: 3000 }] }],
      egress: [DNS, { to: [pods('api')], ports: [{ port: 8080 }] }],
    }));
    expect(checkDocument(widerPeer, soundDocument())).toEqual(['NetworkPolicy app/web ingress[0] admits {"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ingress-nginx"}}} on 3000/TCP for Deployment app/web, but no row of the document says so']);
  });

  test('a policy the document does not name, and a workload whose isolation differs', () => {
    const objects = [...replace(soundApp(), 'NetworkPolicy', 'db', policy('db', { ingress: [{ from: [pods('api')], ports: [{ port: 5432 }] }] })), policy('extra', { ingress: [] })];
    expect(checkDocument(objects, soundDocument())).toEqual([
      'workload db: the document says it isolates ingress, egress, NetworkPolicy db isolates Ingress',
      'NetworkPolicy app/extra is rendered but no workload of the document has it',
    ]);
  });

  test('a row naming what the document does not define', () => {
    expect(checkDocument(soundApp(), soundDocument({ extraRows: ['| web | nowhere | 80/TCP | ? |'] }))).toEqual(['row web -> nowhere: nowhere is neither a workload, a group nor an outside peer of the document']);
  });

  test('outside peers are read back from their descriptions', () => {
    expect(parsePeerText('10.0.0.0/8')).toEqual({ kind: 'cidr', cidr: '10.0.0.0/8' });
    expect(parsePeerText('namespace batch, pods app=etl,tier=x')).toEqual({ kind: 'pods', namespace: 'batch', labels: { app: 'etl', tier: 'x' } });
    expect(parsePeerText('namespace batch')).toEqual({ kind: 'pods', namespace: 'batch', labels: {} });
    expect(parsePeerText('pods app=etl')).toEqual({ kind: 'pods', namespace: undefined, labels: { app: 'etl' } });
    expect(parsePeerText('every pod of the namespace')).toEqual({ kind: 'pods', labels: {} });
  });
});

describe('no rule wider than a flow', () => {
  test('empty ports, a port without a number, a huge range and a rule without peers are reported', () => {
    const objects = replace(soundApp(), 'NetworkPolicy', 'db', policy('db', {
      ingress: [{ from: [pods('api')], ports: [] }, { from: [pods('api')], ports: [{ protocol: 'TCP' }, { port: 1, endPort: 65535 }] }, { ports: [{ port: 5432 }] }],
      egress: [{ to: [pods('api')] }],
    }));
    expect(checkRuleWidth(objects)).toEqual([
      'NetworkPolicy app/db ingress[0] names no port: it allows every port',
      'NetworkPolicy app/db ingress[1] allows every TCP port',
      'NetworkPolicy app/db ingress[1] allows the port range 1-65535',
      'NetworkPolicy app/db ingress[2] names no peer: it admits every source',
      'NetworkPolicy app/db egress[0] names no port: it allows every port',
    ]);
  });
});

