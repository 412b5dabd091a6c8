import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { K8sObject } from './invariants';
import { expand, fakeConfigMap, fakeSecret, KubeletError, kubeletContainer, kubeletEnvironment, materializeVolumes } from './kubelet-env';
import { containerProbes, runProbe } from './kubelet-probes';

const deployment = (container: any, podSpec: any = {}, labels: Record<string, string> = { app: 'demo' }): K8sObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'demo', namespace: 'mcp' },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels, annotations: { note: 'hi' } }, spec: { containers: [{ name: 'main', image: 'x', ...container }], ...podSpec } } },
});
const ns = (o: K8sObject) => ({ ...o, metadata: { ...o.metadata, namespace: 'mcp' } });
const ref = { workload: 'demo', container: 'main' };
const envOf = (objects: K8sObject[]) => kubeletEnvironment(objects, ref, { serviceLinks: false }).env;

describe('$(VAR) expansion', () => {
  const vars: Record<string, string> = { A: 'a', B: 'b' };
  const map = (n: string) => vars[n];
  test.each([
    ['$(A)-$(B)', 'a-b'],
    ['$$(A)', '$(A)'],
    ['$$$(A)', '$a'],
    ['$(MISSING)', '$(MISSING)'],
    ['$(A', '$(A'],
    ['$A', '$A'],
    ['end$', 'end$'],
    ['$()', '$()'],
    ['x$(A)y$(A)z', 'xayaz'],
  ])('%s -> %s', (input, want) => expect(expand(input, map)).toBe(want));
});

describe('kubeletEnvironment', () => {
  test('envFrom with prefix and optional sources, skipping invalid names; env overrides', () => {
    const objects = [
      deployment({
        envFrom: [
          { configMapRef: { name: 'cm' } },
          { prefix: 'S_', secretRef: { name: 'sec' } },
          { configMapRef: { name: 'absent', optional: true } },
          { secretRef: { name: 'absent', optional: true } },
        ],
        env: [{ name: 'A', value: 'override' }],
      }),
      fakeConfigMap('cm', { 'A': '1', 'B': '2', '1BAD': 'x' }, 'mcp'),
      fakeSecret('sec', { TOKEN: 's3cret' }, 'mcp'),
    ];
    const r = kubeletEnvironment(objects, ref, { serviceLinks: false });
    expect(r.env).toEqual({ A: 'override', B: '2', S_TOKEN: 's3cret' });
    expect(r.skippedKeys).toEqual(['1BAD']);
  });

  test('envFrom values are not expanded; env values expand only earlier variables', () => {
    const env = envOf([
      deployment({
        envFrom: [{ configMapRef: { name: 'cm' } }],
        env: [
          { name: 'FIRST', value: '$(LATER)/$(FROM_CM)' },
          { name: 'LATER', value: 'later' },
          { name: 'REF', value: '$(LATER)-$$(LATER)-$(RAW)' },
        ],
      }),
      fakeConfigMap('cm', { FROM_CM: 'cm', RAW: '$(FROM_CM)' }, 'mcp'),
    ]);
    expect(env.FIRST).toBe('$(LATER)/cm');
    expect(env.REF).toBe('later-$(LATER)-$(FROM_CM)');
    expect(env.RAW).toBe('$(FROM_CM)');
  });

  test('configMapKeyRef and secretKeyRef (data base64, stringData merged over data, optional)', () => {
    const secret: K8sObject = { ...fakeSecret('sec', { a: 'from-data', b: 'old' }, 'mcp'), stringData: { b: 'from-stringData' } };
    const env = envOf([
      deployment({
        env: [
          { name: 'CM', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } },
          { name: 'SA', valueFrom: { secretKeyRef: { name: 'sec', key: 'a' } } },
          { name: 'SB', valueFrom: { secretKeyRef: { name: 'sec', key: 'b' } } },
          { name: 'OPT1', valueFrom: { secretKeyRef: { name: 'sec', key: 'nope', optional: true } } },
          { name: 'OPT2', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } },
          { name: 'NOT_EXPANDED', valueFrom: { configMapKeyRef: { name: 'cm', key: 'dollar' } } },
        ],
      }),
      fakeConfigMap('cm', { k: 'v', dollar: '$(CM)' }, 'mcp'),
      secret,
    ]);
    expect(env).toEqual({ CM: 'v', SA: 'from-data', SB: 'from-stringData', NOT_EXPANDED: '$(CM)' });
  });

  test('fieldRef and resourceFieldRef with fake pod facts', () => {
    const objects = [deployment({
      resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1500m', memory: '256Mi' } },
      env: [
        { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'NOTE', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['note']" } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
        { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        { name: 'CPU_REQ_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
        { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'ID', value: '$(NAME).$(NS)' },
      ],
    }, { serviceAccountName: 'demo-sa' })];
    const env = kubeletEnvironment(objects, ref, { serviceLinks: false, facts: { name: 'demo-abc', podIP: '10.1.2.3', nodeName: 'n9' } }).env;
    expect(env).toEqual({
      NAME: 'demo-abc', NS: 'mcp', APP: 'demo', NOTE: 'hi', IP: '10.1.2.3', NODE: 'n9', SA: 'demo-sa',
      CPU_LIMIT: '2', CPU_REQ_M: '250', MEM_MI: '256', ID: 'demo-abc.mcp',
    });
  });

  test('resourceFieldRef without limits reports node allocatable; requests default to limits', () => {
    const env = envOf([deployment({
      resources: { limits: { memory: '1Gi' } },
      env: [
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
        { name: 'MEM_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.memory' } } },
      ],
    })]);
    expect(env).toEqual({ CPU: '2000', MEM_REQ: String(2 ** 30) });
  });

  test('service links for Services with a cluster IP, plus the kubernetes Service; defined variables win', () => {
    const svc = (name: string, spec: any): K8sObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'mcp' }, spec });
    const objects = [
      deployment({ env: [{ name: 'REDIS_PORT', value: '6379' }], command: ['run', '$(REDIS_SERVICE_HOST):$(REDIS_SERVICE_PORT)'] }),
      svc('redis', { clusterIP: '10.0.0.9', ports: [{ name: 'redis', port: 6379 }] }),
      svc('redis-headless', { clusterIP: 'None', ports: [{ port: 6379 }] }),
    ];
    const r = kubeletEnvironment(objects, ref);
    expect(r.env).toMatchObject({
      REDIS_PORT: '6379', REDIS_SERVICE_HOST: '10.0.0.9', REDIS_SERVICE_PORT: '6379', REDIS_SERVICE_PORT_REDIS: '6379',
      REDIS_PORT_6379_TCP: 'tcp://10.0.0.9:6379', REDIS_PORT_6379_TCP_ADDR: '10.0.0.9', KUBERNETES_SERVICE_HOST: '10.96.0.1',
    });
    expect(Object.keys(r.env).some(k => k.startsWith('REDIS_HEADLESS'))).toBe(false);
    expect(r.command).toEqual(['run', '10.0.0.9:6379']);
    const off = kubeletEnvironment([{ ...objects[0], spec: { ...objects[0].spec, template: { ...objects[0].spec.template, spec: { ...objects[0].spec.template.spec, enableServiceLinks: false } } } }, objects[1]], ref);
    expect(off.env.REDIS_SERVICE_HOST).toBeUndefined();
    expect(off.env.KUBERNETES_SERVICE_HOST).toBe('10.96.0.1');
  });

  test('command and args expand against the final environment; argv follows the ENTRYPOINT/CMD rules', () => {
    const objects = [deployment({ command: ['server', '--pass', '$(PW)'], args: ['$(LATE)', '$$(PW)', '$(NONE)'], env: [{ name: 'PW', value: 'p' }, { name: 'LATE', value: 'l' }] })];
    const r = kubeletEnvironment(objects, ref, { serviceLinks: false });
    expect(r.argv({ entrypoint: ['ignored'], cmd: ['ignored'] })).toEqual(['server', '--pass', 'p', 'l', '$(PW)', '$(NONE)']);
    const argsOnly = kubeletEnvironment([deployment({ args: ['a'] })], ref, { serviceLinks: false });
    expect(argsOnly.argv({ entrypoint: ['ep'], cmd: ['c'] })).toEqual(['ep', 'a']);
    const commandOnly = kubeletEnvironment([deployment({ command: ['x'] })], ref, { serviceLinks: false });
    expect(commandOnly.argv({ entrypoint: ['ep'], cmd: ['c'] })).toEqual(['x']);
    expect(() => kubeletEnvironment([deployment({})], ref).argv()).toThrow(KubeletError);
  });

  test('init containers, StatefulSet pod names and CronJob templates resolve', () => {
    const sts: K8sObject = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { template: { spec: { initContainers: [{ name: 'init', env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }], containers: [] } } } };
    expect(kubeletEnvironment([sts], { workload: 'db', container: 'init' }, { serviceLinks: false }).env).toEqual({ N: 'db-0' });
    const cron: K8sObject = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'bk' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'X', value: '1' }] }] } } } } } };
    expect(kubeletEnvironment([cron], { workload: 'bk', container: 'c' }, { serviceLinks: false }).env).toEqual({ X: '1' });
  });

  test.each([
    ['missing envFrom ConfigMap', { envFrom: [{ configMapRef: { name: 'nope' } }] }, /configmap "nope" not found/],
    ['missing envFrom Secret', { envFrom: [{ secretRef: { name: 'nope' } }] }, /secret "nope" not found/],
    ['missing ConfigMap key', { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'nope' } } }] }, /couldn't find key nope in ConfigMap mcp\/cm/],
    ['missing Secret', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }] }, /secret "nope" not found \(env X\)/],
    ['missing Secret key', { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'sec', key: 'nope' } } }] }, /couldn't find key nope in Secret mcp\/sec/],
    ['whole label map in env', { env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'metadata.labels' } } }] }, /unsupported fieldRef/],
  ])('%s raises a KubeletError', (_, container, message) => {
    const objects = [deployment(container), fakeConfigMap('cm', { k: 'v' }, 'mcp'), fakeSecret('sec', { k: 'v' }, 'mcp')];
    expect(() => kubeletEnvironment(objects, ref)).toThrow(KubeletError);
    expect(() => kubeletEnvironment(objects, ref)).toThrow(message);
  });

  test('a ConfigMap in another namespace is not visible', () => {
    const objects = [deployment({ envFrom: [{ configMapRef: { name: 'cm' } }] }), fakeConfigMap('cm', { A: '1' }, 'other')];
    expect(() => kubeletEnvironment(objects, ref)).toThrow(/configmap "cm" not found/);
  });

  test('unknown workload or container', () => {
    expect(() => kubeletEnvironment([deployment({})], { workload: 'x', container: 'main' })).toThrow(/no workload named "x"/);
    expect(() => kubeletEnvironment([deployment({})], { workload: 'demo', container: 'x' })).toThrow(/has no container "x"/);
  });
});

describe('materializeVolumes', () => {
  const mounted = (volumes: any[], mounts: any[], extra: K8sObject[] = []) => [deployment({ volumeMounts: mounts, resources: { limits: { memory: '128Mi' } } }, { volumes }), ...extra];

  test('configMap, secret, projected and downwardAPI volumes with items, keys and modes; subPath; emptyDir', () => {
    const objects = mounted(
      [
        { name: 'conf', configMap: { name: 'cm', items: [{ key: 'redis.conf', path: 'sub/r.conf', mode: 0o600 }] } },
        { name: 'all', configMap: { name: 'cm', defaultMode: 0o640 } },
        { name: 'sec', secret: { secretName: 'sec', defaultMode: 0o400 } },
        { name: 'proj', projected: { sources: [{ configMap: { name: 'cm', items: [{ key: 'a', path: 'a.txt' }] } }, { secret: { name: 'sec' } }, { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }, { serviceAccountToken: { path: 'token' } }] } },
        { name: 'dapi', downwardAPI: { items: [{ path: 'mem', resourceFieldRef: { containerName: 'main', resource: 'limits.memory', divisor: '1Mi' } }] } },
        { name: 'data', emptyDir: {} },
        { name: 'opt', secret: { secretName: 'absent', optional: true } },
      ],
      [
        { name: 'conf', mountPath: '/etc/redis' },
        { name: 'all', mountPath: '/etc/all' },
        { name: 'all', mountPath: '/etc/one.conf', subPath: 'redis.conf' },
        { name: 'sec', mountPath: '/var/run/secrets/app' },
        { name: 'proj', mountPath: '/proj' },
        { name: 'dapi', mountPath: '/dapi' },
        { name: 'data', mountPath: '/data' },
        { name: 'opt', mountPath: '/opt/s' },
      ],
      [fakeConfigMap('cm', { 'redis.conf': 'port 6379\n', 'a': 'A' }, 'mcp'), { ...fakeSecret('sec', { pw: 'x' }, 'mcp'), stringData: { extra: 'y' } }],
    );
    const v = materializeVolumes(objects, ref);
    try {
      const mode = (p: string) => fs.statSync(p).mode & 0o777;
      const read = (p: string) => fs.readFileSync(v.hostPath(p), 'utf8');
      expect(read('/etc/redis/sub/r.conf')).toBe('port 6379\n');
      expect(mode(v.hostPath('/etc/redis/sub/r.conf'))).toBe(0o600);
      expect(fs.existsSync(v.hostPath('/etc/redis/a'))).toBe(false);
      expect(read('/etc/all/a')).toBe('A');
      expect(mode(v.hostPath('/etc/all/a'))).toBe(0o640);
      expect(read('/etc/one.conf')).toBe('port 6379\n');
      expect(read('/var/run/secrets/app/pw')).toBe('x');
      expect(read('/var/run/secrets/app/extra')).toBe('y');
      expect(mode(v.hostPath('/var/run/secrets/app/pw'))).toBe(0o400);
      expect(read('/proj/a.txt')).toBe('A');
      expect(read('/proj/pw')).toBe('x');
      expect(read('/proj/labels')).toBe('app="demo"');
      expect(read('/proj/token')).toMatch(/^eyJ/);
      expect(read('/dapi/mem')).toBe('128');
      expect(fs.readdirSync(v.hostPath('/data'))).toEqual([]);
      expect(fs.readdirSync(v.hostPath('/opt/s'))).toEqual([]);
      expect(v.rewrite('redis-server /etc/redis/sub/r.conf --dir /data')).toBe(`redis-server ${v.hostPath('/etc/redis/sub/r.conf')} --dir ${v.hostPath('/data')}`);
      expect(v.rewrite('dir /data\nx=/database /x/data "/data"')).toBe(`dir ${v.hostPath('/data')}\nx=/database /x/data "${v.hostPath('/data')}"`);
      expect(() => v.hostPath('/nowhere/x')).toThrow(/no volumeMount covers/);
    } finally {
      v.cleanup();
    }
    expect(fs.existsSync(v.root)).toBe(false);
  });

  test.each([
    ['missing ConfigMap', [{ name: 'v', configMap: { name: 'nope' } }], /configmap "nope" not found/],
    ['missing Secret', [{ name: 'v', secret: { secretName: 'nope' } }], /secret "nope" not found/],
    ['missing item key', [{ name: 'v', configMap: { name: 'cm', items: [{ key: 'nope', path: 'x' }] } }], /configured key nope not found in ConfigMap cm/],
    ['missing projected Secret', [{ name: 'v', projected: { sources: [{ secret: { name: 'nope' } }] } }], /secret "nope" not found/],
    ['hostPath', [{ name: 'v', hostPath: { path: '/etc' } }], /unsupported volume type hostPath/],
  ])('%s raises a KubeletError and leaves no temp dir', (_, volumes, message) => {
    const objects = mounted(volumes, [{ name: 'v', mountPath: '/m' }], [fakeConfigMap('cm', { k: 'v' }, 'mcp')]);
    const parentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelet-test-'));
    try {
      expect(() => materializeVolumes(objects, ref, { parentDir })).toThrow(message);
      expect(fs.readdirSync(parentDir)).toEqual([]);
    } finally {
      fs.rmSync(parentDir, { recursive: true, force: true });
    }
  });

  test('a StatefulSet volumeClaimTemplate mounts as an empty directory', () => {
    const sts: K8sObject = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }], template: { spec: { containers: [{ name: 'c', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } } } };
    const v = materializeVolumes([sts], { workload: 'db', container: 'c' });
    try {
      expect(fs.readdirSync(v.hostPath('/data'))).toEqual([]);
    } finally {
      v.cleanup();
    }
    expect(() => materializeVolumes([{ ...sts, spec: { ...sts.spec, volumeClaimTemplates: [] } }], { workload: 'db', container: 'c' })).toThrow(/names no pod volume/);
  });

  test('kubeletContainer combines environment and volumes', () => {
    const objects = [ns(deployment({ command: ['cat', '/etc/c/file'], volumeMounts: [{ name: 'c', mountPath: '/etc/c' }], env: [{ name: 'A', value: '1' }] }, { volumes: [{ name: 'c', configMap: { name: 'cm' } }] })), fakeConfigMap('cm', { file: 'content' }, 'mcp')];
    const c = kubeletContainer(objects, ref, { serviceLinks: false });
    try {
      expect(c.env).toEqual({ A: '1' });
      expect(fs.readFileSync(c.volumes.rewrite(c.argv()[1]), 'utf8')).toBe('content');
    } finally {
      c.cleanup();
    }
  });
});

describe('containerProbes', () => {
  test('resolves named ports and refuses undeclared ones', () => {
    const c = { name: 'main', ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: { httpGet: { path: '/ready', port: 'http', httpHeaders: [{ name: 'X', value: '1' }] } }, livenessProbe: { exec: { command: ['true'] }, timeoutSeconds: 3 } };
    expect(containerProbes(c)).toEqual([
      { kind: 'liveness', type: 'exec', command: ['true'], timeoutSeconds: 3 },
      { kind: 'readiness', type: 'httpGet', port: 8080, path: '/ready', scheme: 'HTTP', httpHeaders: [{ name: 'X', value: '1' }], timeoutSeconds: 1 },
    ]);
    expect(() => containerProbes({ ...c, ports: [] })).toThrow(/declares no port named "http"/);
  });

  test('exec probes run with the given environment', async () => {
    const [probe] = containerProbes({ name: 'c', livenessProbe: { exec: { command: ['sh', '-c', 'test "$TOKEN" = ok'] } } });
    expect((await runProbe(probe, { env: { TOKEN: 'ok' } })).success).toBe(true);
    expect((await runProbe(probe, { env: { TOKEN: 'no' } })).success).toBe(false);
  });
});
