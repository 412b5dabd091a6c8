import { Testing } from 'cdk8s';
import { McpConfigError } from '../../src/common/errors';
import { defineEnvironment } from '../../src/platform/environment';
import { McpPlatformChart } from '../../src/platform/platform-chart';
import { policyViolations } from '../../src/platform/policy';
import { devEnvironment, prodEnvironment } from '../../src/platform/presets';
import { Registry, RegistryProps } from '../../src/registry/registry';
import { synthChart } from '../support/synth';

const render = (props: RegistryProps) => synthChart(chart => new Registry(chart, 'registry', props));
const DB = { type: 'postgres' as const, url: { secretName: 'db', key: 'uri' } };

describe('bad Registry props fail at synth with the path, field, value and fix', () => {
  test.each<[string, RegistryProps, RegExp]>([
    ['SQLite with several replicas', { replicas: 3 }, /^test\/registry: invalid replicas 3: SQLite keeps one database file per pod.*set database to \{ type: 'postgres'/],
    ['no replicas', { replicas: 0 }, /^test\/registry: invalid replicas 0: use a whole number >= 1$/],
    ['fractional replicas', { replicas: 1.5 }, /invalid replicas 1.5: use a whole number >= 1/],
    ['an invalid backup schedule', { backup: { schedule: '0 25 * * *' } }, /^test\/registry\/backup: invalid schedule "0 25 \* \* \*": .*five-field cron expression/],
    ['a six-field schedule', { backup: { schedule: '0 0 2 * * *' } }, /invalid schedule "0 0 2 \* \* \*": use a five-field cron expression/],
    ['keeping no backups', { backup: { retention: { keepLast: 0 } } }, /^test\/registry\/backup: invalid retention.keepLast 0: use a whole number >= 1$/],
    ['a zero-day age limit', { backup: { retention: { maxAgeDays: 0 } } }, /invalid retention.maxAgeDays 0: use a whole number >= 1/],
    ['an upper-case name', { name: 'Registry' }, /^test\/registry: invalid name "Registry": use at most 52 lower-case letters/],
    ['a name too long for StatefulSet pod labels', { name: 'r'.repeat(53) }, /invalid name "r{53}": use at most 52/],
    ['PostgreSQL without a Secret reference', { replicas: 3, database: { type: 'postgres' } }, /^test\/registry: invalid database.url \(unset\): reference the database credentials in an existing Secret: set database.url = \{ secretName, key \}/],
    ['PostgreSQL host without a password Secret', { database: { type: 'postgres', host: 'db.example.com' } }, /invalid database.url \(unset\): reference the database credentials/],
    ['PostgreSQL with both URL and host', { database: { ...DB, host: 'db' } }, /invalid database.url\/database.host .*set either url/],
    ['an invalid database port', { database: { ...DB, url: undefined, host: 'db', password: { secretName: 'db', key: 'p' }, port: 70000 } }, /invalid database.port 70000: use a whole number between 1 and 65535/],
    ['an unpinned image', { image: 'mcpmesh/registry:latest' }, /^test\/registry: invalid image "mcpmesh\/registry:latest": pin the image to a version tag or a digest/],
    ['an image without a tag', { image: 'mcpmesh/registry' }, /invalid image "mcpmesh\/registry": pin the image/],
    ['a malformed image', { image: 'MCPMESH/Registry:1' }, /invalid image "MCPMESH\/Registry:1": .*invalid repository/],
    ['a zero heartbeat threshold', { heartbeat: { timeoutThresholdSeconds: 0 } }, /invalid heartbeat.timeoutThresholdSeconds 0/],
    ['a PDB that blocks drains', { ...{ replicas: 3, database: DB }, podDisruptionBudget: { maxUnavailable: 0 } }, /^test\/registry: invalid podDisruptionBudget.maxUnavailable 0: use 1 or more: 0 blocks node drains forever$/],
    ['a PDB requiring every replica', { ...{ replicas: 3, database: DB }, podDisruptionBudget: { minAvailable: 3 } }, /invalid podDisruptionBudget.minAvailable 3: use a whole number from 1 to 2/],
  ])('%s', (_label, props, message) => {
    expect(() => render(props)).toThrow(McpConfigError);
    expect(() => render(props)).toThrow(message);
  });
});

describe('environment validation', () => {
  const chart = (env: ReturnType<typeof devEnvironment>) => new McpPlatformChart(Testing.app(), env.name, { environment: env });
  test('an invalid environment name', () => {
    expect(() => chart({ ...devEnvironment(), name: 'Dev_1' })).toThrow(/^Dev_1: invalid environment.name "Dev_1": use at most 63 lower-case letters/);
  });
  test('an invalid label value', () => {
    expect(() => chart(defineEnvironment(devEnvironment(), { commonLabels: { team: 'platform team' } }))).toThrow(/^dev: invalid environment.commonLabels\["team"\] "platform team": use at most 63 characters of letters/);
  });
  test('an invalid label key', () => {
    expect(() => chart(defineEnvironment(devEnvironment(), { commonLabels: { 'bad key': 'x' } }))).toThrow(/invalid environment.commonLabels key "bad key"/);
  });
  test('common labels land on every object', () => {
    const c = chart(defineEnvironment(devEnvironment(), { commonLabels: { 'example.com/team': 'platform' } }));
    expect(Testing.synth(c).every(o => o.metadata.labels['example.com/team'] === 'platform')).toBe(true);
  });
});

describe('the prod policy refuses unsafe settings at synth, naming the field to change', () => {
  const synthProd = (overrides: Parameters<typeof defineEnvironment>[1]) =>
    () => Testing.synth(new McpPlatformChart(Testing.app(), 'prod', { environment: defineEnvironment(prodEnvironment(), overrides) }));

  test('a single-replica registry', () => {
    expect(synthProd({ registry: { replicas: 1 } })).toThrow("prod/registry: invalid replicas 1: the 'prod' policy requires at least 2 replicas of highly available components: set replicas to 2 or more");
  });
  test('disabled backups', () => {
    expect(synthProd({ registry: { backup: { enabled: false } } })).toThrow("prod/registry: invalid backup.enabled false: the 'prod' policy requires backups of Registry: set backup.enabled to true");
  });
  test('a missing PDB (single replica) is reported too', () => {
    const env = defineEnvironment(prodEnvironment(), { registry: { replicas: 1 } });
    const chart = new McpPlatformChart(Testing.app(), 'lenient', { environment: { ...env, policy: {} } });
    const violations = policyViolations(chart, 'prod', env.policy!).filter(v => v.path === 'lenient/registry');
    expect(violations.map(v => v.fix)).toEqual([
      "the 'prod' policy requires at least 2 replicas of highly available components: set replicas to 2 or more",
      expect.stringMatching(/^the 'prod' policy requires a PodDisruptionBudget for Registry: set replicas to 2 or more \(a PodDisruptionBudget is rendered/),
    ]);
  });
  test('an unpinned image', () => {
    expect(synthProd({ registry: { image: 'mcpmesh/registry:3' } })).toThrow(/^prod\/registry: invalid image "mcpmesh\/registry:3": StatefulSet mcp-mesh-registry container 'registry' is not pinned, and the 'prod' policy requires an exact version tag or a digest/);
  });
  test('debug logging', () => {
    expect(synthProd({ registry: { logLevel: 'DEBUG' } })).toThrow("prod/registry: invalid logLevel \"debug\": the 'prod' policy forbids debug logging: set logLevel to 'info'");
  });
  test('dev allows what prod refuses', () => {
    const env = defineEnvironment(devEnvironment(), { registry: { image: 'mcpmesh/registry:3', logLevel: 'DEBUG', backup: { enabled: false } } });
    expect(() => Testing.synth(new McpPlatformChart(Testing.app(), 'dev', { environment: env }))).not.toThrow();
  });
});
