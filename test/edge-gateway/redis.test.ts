import { EdgeRedis, EdgeRedisProps } from '../../src/edge-gateway/redis';
import { checkInvariants } from '../support/invariants';
import { SchemaValidator } from '../support/schema';
import { find, ofKind, synthChart } from '../support/synth';

const schema = new SchemaValidator();
const password = { secretName: 'edge-mcp', key: 'redis-password' };

describe('EdgeRedis with AOF persistence and the exporter', () => {
  const { objects, externals } = synthChart(c => new EdgeRedis(c, 'redis', {
    password,
    maxMemory: '400Mi',
    evictionPolicy: 'allkeys-lfu',
    persistence: { enabled: true, size: '5Gi', storageClassName: 'fast-ssd' },
    exporter: { enabled: true },
    monitoring: { scrape: true },
  }));
  const sts = find(objects, 'StatefulSet', 'edge-mcp-redis');
  const [redis, exporter] = sts.spec.template.spec.containers;
  const conf: string = find(objects, 'ConfigMap', 'edge-mcp-redis-config').data['redis.conf'];

  test('matches the snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('holds every platform invariant and validates against the schemas', () => {
    expect(checkInvariants(objects, externals)).toEqual([]);
    expect(objects.flatMap(o => schema.validate(o))).toEqual([]);
    expect(externals).toEqual({ Secret: ['edge-mcp'] });
  });

  test('one pod behind a headless Service with the redis and metrics ports', () => {
    expect(sts.spec.replicas).toBe(1);
    const svc = find(objects, 'Service', 'edge-mcp-redis');
    expect(sts.spec.serviceName).toBe(svc.metadata.name);
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.ports.map((p: any) => [p.name, p.port, p.targetPort])).toEqual([['redis', 6379, 'redis'], ['metrics', 9121, 'metrics']]);
  });

  test('redis.conf sets maxmemory, the eviction policy and AOF', () => {
    expect(conf.split('\n')).toEqual(expect.arrayContaining(['maxmemory 400mb', 'maxmemory-policy allkeys-lfu', 'appendonly yes', 'appendfsync everysec', 'dir /data', 'save ""']));
  });

  test('the password comes from the Secret and never appears in a command line', () => {
    expect(redis.command).toEqual(['redis-server', '/etc/redis/redis.conf', '--requirepass', '$(REDIS_PASSWORD)']);
    const refs = (c: any) => Object.fromEntries(c.env.filter((e: any) => e.valueFrom).map((e: any) => [e.name, e.valueFrom.secretKeyRef]));
    const ref = { name: 'edge-mcp', key: 'redis-password', optional: false };
    expect(refs(redis)).toEqual({ REDIS_PASSWORD: ref, REDISCLI_AUTH: ref });
    expect(refs(exporter)).toEqual({ REDIS_PASSWORD: ref });
    expect(conf).not.toContain('requirepass');
  });

  test('probes run an authenticated redis-cli ping', () => {
    for (const p of [redis.startupProbe, redis.livenessProbe, redis.readinessProbe]) {
      expect(p.exec.command).toEqual(['sh', '-c', 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG']);
    }
  });

  test('data lives on a retained volumeClaimTemplate mounted at /data', () => {
    expect(sts.spec.volumeClaimTemplates).toMatchObject([{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '5Gi' } } } }]);
    expect(redis.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  test('runs as the redis and exporter users under PSS restricted', () => {
    expect(sts.spec.template.spec.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(exporter.securityContext).toMatchObject({ runAsUser: 59000, readOnlyRootFilesystem: true });
    expect(sts.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  test('on its own the NetworkPolicy admits only Prometheus on 9121 (no client declared), and allows no egress', () => {
    const np = find(objects, 'NetworkPolicy', 'edge-mcp-redis');
    expect(np.spec.podSelector.matchLabels).toEqual(sts.spec.selector.matchLabels);
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.egress).toEqual([]);
    expect(np.spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }], ports: [{ port: 9121, protocol: 'TCP' }] },
    ]);
  });

  test('the PDB allows the one pod to be evicted', () => {
    const pdb = find(objects, 'PodDisruptionBudget', 'edge-mcp-redis');
    expect(pdb.spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: sts.spec.selector.matchLabels }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  test('the ServiceMonitor scrapes the exporter port of the one Redis Service', () => {
    const sm = find(objects, 'ServiceMonitor', 'edge-mcp-redis');
    expect(sm.spec.endpoints).toMatchObject([{ port: 'metrics' }]);
    expect(ofKind(objects, 'Service').filter(s => Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v))).toHaveLength(1);
  });
});

describe('EdgeRedis in memory', () => {
  const { objects, externals } = synthChart(c => new EdgeRedis(c, 'redis', { password }));
  const sts = find(objects, 'StatefulSet', 'edge-mcp-redis');

  test('no claim, an emptyDir for /data, no exporter, maxmemory three quarters of the limit', () => {
    expect(sts.spec.volumeClaimTemplates).toBeUndefined();
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'data', emptyDir: { sizeLimit: '64Mi' } });
    expect(sts.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['redis']);
    const conf: string = find(objects, 'ConfigMap', 'edge-mcp-redis-config').data['redis.conf'];
    expect(conf).toContain('maxmemory 384mb\n');
    expect(conf).toContain('appendonly no\n');
    expect(ofKind(objects, 'ServiceMonitor')).toEqual([]);
    expect(find(objects, 'NetworkPolicy', 'edge-mcp-redis').spec.ingress).toEqual([]);
    expect(checkInvariants(objects, externals)).toEqual([]);
  });
});

describe('EdgeRedis rejects bad input', () => {
  const build = (props: Partial<EdgeRedisProps>) => () => synthChart(c => new EdgeRedis(c, 'redis', { password, ...props } as EdgeRedisProps));

  test('no password', () => {
    expect(build({ password: undefined })).toThrow('test/redis: invalid password (unset): set password');
  });

  test('maxmemory at or above the memory limit', () => {
    expect(build({ maxMemory: '512Mi' })).toThrow('test/redis: invalid maxMemory "512Mi": use from 16Mi to 511Mi: below the memory limit (512Mi)');
  });

  test('maxmemory in fractional MiB and a claim in fractional GiB', () => {
    expect(build({ maxMemory: '100.5Mi' })).toThrow('test/redis: invalid maxMemory "100.5Mi": use a whole number of MiB');
    expect(build({ persistence: { enabled: true, size: '1.5Gi' } })).toThrow('test/redis: invalid persistence.size "1.5Gi": use a whole number of GiB');
  });

  test('an unknown eviction policy', () => {
    expect(build({ evictionPolicy: 'lru' as never })).toThrow('test/redis: invalid evictionPolicy "lru": use one of "allkeys-lfu", "allkeys-lru"');
  });

  test('scrape without the exporter renders no ServiceMonitor (Redis has no metrics endpoint of its own)', () => {
    const { objects } = synthChart(c => new EdgeRedis(c, 'redis', { password, monitoring: { scrape: true, prometheusRule: true } }));
    expect(ofKind(objects, 'ServiceMonitor')).toEqual([]);
    const rule = find(objects, 'PrometheusRule', 'edge-mcp-redis');
    expect(rule.spec.groups[0].rules.map((r: any) => r.alert)).toEqual(['EdgeRedisDown']);
  });
});
