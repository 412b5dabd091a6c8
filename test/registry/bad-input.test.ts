import { defineEnvironment } from '../../src/platform/environment';
import { devEnvironment, prodEnvironment } from '../../src/platform/presets';
import { Registry, RegistryProps } from '../../src/registry/registry';
import { ExpectedRejection, expectConstructRejected, expectEnvironmentRejected } from '../support/bad-input';

// Input that bypasses the type checker (`as any`, values files) and input that type-checks but
// is wrong: each is refused at synth with the construct path, the field, the value and the fix,
// secrets are never echoed, and nothing is written.

const PG = { type: 'postgres' as const, url: { secretName: 'registry-db', key: 'uri' } };
const rejects = (props: RegistryProps, expected: Omit<ExpectedRejection, 'path'>) =>
  expectConstructRejected(chart => new Registry(chart, 'registry', props), { path: 'test/registry', ...expected });

describe('a Registry refuses bad props at synth', () => {
  test('a wrong type (replicas as a word)', () => {
    rejects({ replicas: 'two' } as any, { field: 'replicas', value: 'two', fix: /use a number/ });
  });

  test('an unknown key, with the closest valid key', () => {
    rejects({ replica: 3 } as any, { field: 'replica', value: 3, fix: /unknown field; did you mean 'replicas'\?/ });
  });

  test('a Helm-style storage block', () => {
    rejects({ database: { type: 'sqlite', storage: { size: '100Gi' } } } as any, {
      field: 'database.storage', value: { size: '100Gi' }, fix: /unknown field; did you mean 'storageGibibytes'\?/,
    });
  });

  test('a CPU quantity that is not one', () => {
    rejects({ resources: { limits: { cpu: '2 cores' } } }, { field: 'resources.limits.cpu', value: '2 cores', fix: /use a CPU quantity/ });
  });

  test('a memory request above its limit', () => {
    rejects({ resources: { requests: { memory: '1Gi' } } }, { field: 'resources.requests.memory', value: '1Gi', fix: /may not exceed the limit "512Mi"/ });
  });

  test('a log level in the registry\'s own vocabulary', () => {
    rejects({ logLevel: 'DEBUG' } as any, { field: 'logLevel', value: 'DEBUG', fix: /use one of "debug", "error", "info", "warning"/ });
  });

  test('a heartbeat threshold out of range', () => {
    rejects({ heartbeat: { timeoutThresholdSeconds: 0 } }, { field: 'heartbeat.timeoutThresholdSeconds', value: 0, fix: /use a whole number >= 1/ });
  });

  test('an invalid name', () => {
    rejects({ name: 'Mesh_Registry' }, { field: 'name', value: 'Mesh_Registry', fix: /RFC 1123 label/ });
  });

  test('an image digest of the wrong length', () => {
    const image = `mcpmesh/registry@sha256:${'a'.repeat(40)}`;
    rejects({ image }, { field: 'image', value: image, fix: /digest/ });
  });

  test('an unknown backup time zone', () => {
    expectConstructRejected(chart => new Registry(chart, 'registry', { backup: { timeZone: 'Mars/Olympus' } }), {
      path: 'test/registry/backup', field: 'timeZone', value: 'Mars/Olympus', fix: /IANA time zone/,
    });
  });

  test('a backup schedule with an hour out of range', () => {
    expectConstructRejected(chart => new Registry(chart, 'registry', { backup: { schedule: '0 25 * * *' } }), {
      path: 'test/registry/backup', field: 'schedule', value: '0 25 * * *', fix: /five-field cron expression/,
    });
  });

  test('a client CIDR with a prefix beyond /32', () => {
    rejects({ networkPolicy: { clients: [{ cidr: '10.0.0.0/33' }] } }, { field: 'networkPolicy.clients[0].cidr', value: '10.0.0.0/33', fix: /CIDR notation/ });
  });

  test('a database URI given as a plain string is never echoed', () => {
    rejects({ database: { type: 'postgres', url: 'postgresql://mesh:hunter2@db:5432/mcp_mesh' } } as any, {
      field: 'database.url', value: '<a string, not shown>', fix: /use an object with key, secretName/, never: ['hunter2'],
    });
  });

  test('a Redis URL with a password is never echoed', () => {
    rejects({ tracing: { redisUrl: 'redis://:s3cret@redis:6379/0', telemetryEndpoint: 'tempo.monitoring.svc:4317' } }, {
      field: 'tracing.redisUrl', value: '<a URL with a password, not shown>', fix: /redisUrlSecret/, never: ['s3cret'],
    });
  });

  test('a collector endpoint with a scheme', () => {
    rejects({ tracing: { redisUrl: 'redis://redis:6379', telemetryEndpoint: 'http://tempo:4317' } }, {
      field: 'tracing.telemetryEndpoint', value: 'http://tempo:4317', fix: /host:port without a scheme/,
    });
  });

  test('the admin port on the API port', () => {
    rejects({ admin: { port: 8000 } }, { field: 'admin.port', value: 8000, fix: /other than the API port 8000/ });
  });

  test('autoscaling on SQLite', () => {
    rejects({ autoscaling: { maxReplicas: 3 } }, { field: 'autoscaling', value: { maxReplicas: 3 }, fix: /SQLite keeps one database file per pod/ });
  });

  test('the old host/password database form, with the migration', () => {
    rejects({ database: { type: 'postgres', host: 'pg.db.svc', password: { secretName: 'pg', key: 'password' } } } as any, {
      field: 'database.host', value: 'pg.db.svc', fix: /one database setting, DATABASE_URL/,
    });
  });

  test('a disruption budget that blocks every drain', () => {
    rejects({ replicas: 3, database: PG, podDisruptionBudget: { minAvailable: 3 } }, { field: 'podDisruptionBudget.minAvailable', value: 3, fix: /from 1 to 2/ });
  });

  test('an invalid StorageClass name', () => {
    rejects({ database: { type: 'sqlite', storageClassName: 'Fast SSD' } }, { field: 'database.storageClassName', value: 'Fast SSD', fix: /RFC 1123 subdomain/ });
  });

  test('PostgreSQL without saying where it runs (no 0.0.0.0/0 fallback)', () => {
    rejects({ database: PG }, { field: 'database.peer', fix: /say where the PostgreSQL server runs.*database.host = '<service>.<namespace>.svc'.*cidr/ });
  });

  test('a database host outside the cluster', () => {
    rejects({ database: { ...PG, host: 'db.example.com' } }, { field: 'database.host', value: 'db.example.com', fix: /not a cluster Service name.*database.peer = \{ cidr/ });
  });

  test('both database.peer and database.host', () => {
    rejects({ database: { ...PG, host: 'pg.db.svc', peer: { namespace: 'db' } } }, { field: 'database.host', value: 'pg.db.svc', fix: /set database.peer or database.host, not both/ });
  });

  test('a database peer with a malformed CIDR', () => {
    rejects({ database: { ...PG, peer: { cidr: '10.0.0.300/32' } } }, { field: 'database.peer.cidr', value: '10.0.0.300/32', fix: /CIDR notation/ });
  });

  test('a database peer with an invalid namespace', () => {
    rejects({ database: { ...PG, peer: { namespace: 'DB_Namespace' } } }, { field: 'database.peer.namespace', value: 'DB_Namespace', fix: /RFC 1123 label/ });
  });

  test('a database peer given as a string', () => {
    rejects({ database: { ...PG, peer: '10.0.0.0/8' } } as any, { field: 'database.peer', value: '<a string, not shown>', fix: /use an object/ });
  });

  test('an empty remote key for the database URI', () => {
    expectConstructRejected(chart => new Registry(chart, 'registry', {
      database: { ...PG, host: 'pg.db.svc', urlRemoteKey: { remoteKey: '' } },
      secretProvisioning: { source: 'external-secrets', store: { name: 'vault' } },
    }), { path: 'test/registry', field: 'database.urlRemoteKey.remoteKey', value: '', fix: /name the secret in the external store/ });
  });

  test('a tracing Redis outside the cluster without egressPeers', () => {
    rejects({ tracing: { redisUrl: 'redis://redis.example.com:6379/0', telemetryEndpoint: 'tempo.monitoring.svc:4317' } }, {
      field: 'tracing.egressPeers', fix: /tracing.redisUrl names "redis.example.com", not a cluster Service.*set tracing.egressPeers/,
    });
  });

  test('a tracing Redis URL in a Secret without egressPeers', () => {
    rejects({ tracing: { redisUrlSecret: { secretName: 'redis', key: 'url' }, exporter: 'console' } }, {
      field: 'tracing.egressPeers', fix: /tracing.redisUrlSecret is in a Secret.*set tracing.egressPeers/,
    });
  });

  test('a client naming a workload the chart does not render', () => {
    rejects({ networkPolicy: { clients: [{ workload: 'ui' }] } }, {
      field: 'networkPolicy.clients[0].workload', value: 'ui', fix: /name a workload this environment renders \(mcp-mesh-registry, mcp-mesh-registry-backup, mcp-mesh-registry-restore\)/,
    });
  });

  test('an admin client with a malformed CIDR', () => {
    rejects({ admin: { clients: [{ cidr: 'ops-net' }] } }, { field: 'admin.clients[0].cidr', value: 'ops-net', fix: /CIDR notation/ });
  });

  test('an alert duration that Prometheus cannot parse', () => {
    rejects({ monitoring: { prometheusRule: true }, alerts: { downFor: '5 minutes' } }, { field: 'alerts.downFor', value: '5 minutes', fix: /Prometheus duration/ });
  });
});

describe('an environment with a bad registry fails the whole synth and writes nothing', () => {
  test('SQLite with three replicas in dev', () => {
    expectEnvironmentRejected(defineEnvironment(devEnvironment(), { registry: { replicas: 3 } }), {
      path: 'dev/registry', field: 'replicas', value: 3, fix: /SQLite keeps one database file per pod/,
    });
  });

  test('a plaintext database URI in prod is never echoed', () => {
    const env = prodEnvironment();
    expectEnvironmentRejected({ ...env, registry: { ...env.registry, database: { type: 'postgres', url: 'postgresql://mesh:hunter2@db/mcp' } as any } }, {
      path: 'prod', field: 'registry.database.url', value: '<a string, not shown>', fix: /use an object with key, secretName/, never: ['hunter2'],
    });
  });

  test('prod with the database location removed', () => {
    const env = prodEnvironment();
    const { peer: _peer, ...database } = env.registry!.database as any;
    expectEnvironmentRejected({ ...env, registry: { ...env.registry, database } }, {
      path: 'prod/registry', field: 'database.peer', fix: /say where the PostgreSQL server runs/,
    });
  });

  test('a Helm-style key in a values file', () => {
    const env = devEnvironment();
    expectEnvironmentRejected({ ...env, registry: { ...env.registry, replicaCount: 1 } as any }, {
      path: 'dev', field: 'registry.replicaCount', value: 1, fix: /unknown field; valid fields are .*\breplicas\b/,
    });
  });
});
