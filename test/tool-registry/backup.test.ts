import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ToolRegistry } from '../../src/tool-registry/tool-registry';
import { TOOL_REGISTRY_PRESETS } from '../../src/tool-registry/tool-registry-presets';
import { postgresAvailable, startPostgres, TestPostgres } from '../support/postgres';
import { synthChart } from '../support/synth';
import { find, K8sObject, TEST_IMAGE } from './helpers';

// The exact backup script and environment of the statefulset backend's CronJob, run against a
// real PostgreSQL 15 server: dump, restore into a fresh database, retention.

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** The CronJob's script (from the ConfigMap it mounts) and its literal env values. */
function backupJob(objects: K8sObject[], cronJobName: string): { script: string; env: Record<string, string>; secretEnv: string[] } {
  const cron = find(objects, 'CronJob', cronJobName);
  const pod = cron.spec.jobTemplate.spec.template.spec;
  const container = pod.containers[0];
  const [shell, scriptPath] = container.command;
  expect(shell).toBe('/bin/sh');
  const mount = container.volumeMounts.find((m: any) => scriptPath.startsWith(`${m.mountPath}/`));
  const volume = pod.volumes.find((v: any) => v.name === mount.name);
  const script = find(objects, 'ConfigMap', volume.configMap.name).data[scriptPath.slice(mount.mountPath.length + 1)];
  const env: Record<string, string> = {};
  const secretEnv: string[] = [];
  for (const e of container.env) {
    if (e.value !== undefined) env[e.name] = e.value;
    else secretEnv.push(e.name);
  }
  return { script, env, secretEnv };
}

const synth = (preset: 'dev' | 'staging') => synthChart(chart => new ToolRegistry(chart, 'tool-registry', { ...TOOL_REGISTRY_PRESETS[preset], image: TEST_IMAGE })).objects;

const describeWithPostgres = postgresAvailable() ? describe : describe.skip;

describeWithPostgres('the statefulset backend pg_dump CronJob against PostgreSQL 15', () => {
  let pg: TestPostgres;
  let dir: string;
  const dev = backupJob(synth('dev'), 'tool-registry-db-backup');

  beforeAll(async () => {
    pg = await startPostgres();
    // The role and database the manifest names (PGUSER / PGDATABASE).
    pg.psql(`CREATE ROLE ${dev.env.PGUSER} LOGIN PASSWORD 'secret'`);
    pg.psql(`CREATE DATABASE ${dev.env.PGDATABASE} OWNER ${dev.env.PGUSER}`);
    pg.psql(`SET ROLE ${dev.env.PGUSER};
      CREATE TABLE tools (id SERIAL PRIMARY KEY, name VARCHAR(255) UNIQUE NOT NULL, description TEXT NOT NULL, category VARCHAR(100) NOT NULL,
        tags JSONB DEFAULT '[]', input_schema JSONB NOT NULL, embedding REAL[], is_active BOOLEAN DEFAULT true, version VARCHAR(50) DEFAULT '1.0.0',
        created_at TIMESTAMP DEFAULT NOW(), updated_at TIMESTAMP DEFAULT NOW());
      INSERT INTO tools (name, description, category, tags, input_schema, embedding)
        SELECT 'tool-' || i, 'Tool number ' || i, 'cat-' || (i % 3), jsonb_build_array('t' || i), '{"type":"object"}', ARRAY[i, i * 0.5]::real[]
          FROM generate_series(1, 50) AS i;`, dev.env.PGDATABASE);
  });
  afterAll(() => pg?.stop());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tool-registry-backup-'));
    if (process.getuid?.() === 0) fs.chmodSync(dir, 0o777);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs the script as the CronJob would: its env, the Secret-backed PGPASSWORD, BACKUP_DIR on the test's volume. */
  function runBackup(job: typeof dev): { status: number | null; stdout: string; stderr: string } {
    const scriptFile = path.join(dir, '..', `${path.basename(dir)}.sh`);
    fs.writeFileSync(scriptFile, job.script);
    try {
      expect(job.secretEnv).toEqual(['PGPASSWORD']);
      const env = { PATH: `${PG_BIN}:${process.env.PATH}`, ...job.env, PGHOST: pg.host, PGPORT: String(pg.port), PGPASSWORD: 'secret', BACKUP_DIR: dir };
      return spawnSync('/bin/sh', [scriptFile], { env, encoding: 'utf8' });
    } finally {
      fs.rmSync(scriptFile, { force: true });
    }
  }

  const dumps = () => fs.readdirSync(dir).filter(f => f.endsWith('.dump')).sort();

  test('the CronJob connects as the owner to the database the StatefulSet serves', () => {
    expect(dev.env).toMatchObject({ BACKUP_SOURCE: 'postgres', PGHOST: 'tool-registry-db', PGPORT: '5432', PGDATABASE: 'tool_registry', PGUSER: 'tool_registry', BACKUP_KEEP_LAST: '3' });
  });

  test('a dump restores into a fresh database with identical rows', () => {
    const r = runBackup(dev);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [dump] = dumps();
    expect(dump).toMatch(/^tool-registry-db-backup-\d{8}T\d{6}Z\.dump$/);
    expect(execFileSync('sha256sum', ['-c', `${dump}.sha256`], { cwd: dir, encoding: 'utf8' })).toContain(': OK');

    pg.psql('CREATE DATABASE restored');
    execFileSync(path.join(PG_BIN, 'pg_restore'), ['--no-owner', '--exit-on-error', `--dbname=${pg.url('restored')}`, path.join(dir, dump)]);
    const rows = (db: string) => pg.psql('SELECT id, name, description, category, tags, input_schema, embedding, is_active, version, created_at FROM tools ORDER BY id', db);
    expect(rows('restored')).toEqual(rows(dev.env.PGDATABASE));
    expect(pg.psql('SELECT count(*) FROM tools', 'restored')).toBe('50');
    // The sequence continues after the restored ids.
    expect(pg.psql("INSERT INTO tools (name, description, category, input_schema) VALUES ('new', 'd', 'c', '{}') RETURNING id", 'restored').split('\n')[0]).toBe('51');
  });

  test('retention keeps the newest BACKUP_KEEP_LAST dumps and deletes the oldest with their checksums', () => {
    const old = ['20240101T020000Z', '20240102T020000Z', '20240103T020000Z', '20240104T020000Z'].map(s => `tool-registry-db-backup-${s}.dump`);
    for (const f of old) {
      fs.writeFileSync(path.join(dir, f), 'old');
      fs.writeFileSync(path.join(dir, `${f}.sha256`), 'old');
    }
    fs.writeFileSync(path.join(dir, 'unrelated.dump'), 'not ours');
    const r = runBackup(dev);
    expect(r.status).toBe(0);
    const kept = dumps();
    expect(kept).toHaveLength(Number(dev.env.BACKUP_KEEP_LAST) + 1); // + the unrelated file
    expect(kept).toEqual(expect.arrayContaining([old[2], old[3], 'unrelated.dump']));
    expect(kept).not.toContain(old[0]);
    expect(fs.existsSync(path.join(dir, `${old[0]}.sha256`))).toBe(false);
    expect(fs.existsSync(path.join(dir, `${old[1]}.sha256`))).toBe(false);
    expect(r.stdout).toContain(`removed ${old[0]} (beyond the 3 newest)`);
  });

  test('retention by age (staging: keep 7, at most 14 days) deletes dumps older than the limit', () => {
    const staging = backupJob(synth('staging'), 'tool-registry-db-backup');
    expect(staging.env).toMatchObject({ BACKUP_KEEP_LAST: '7', BACKUP_MAX_AGE_DAYS: '14' });
    const stale = 'tool-registry-db-backup-20240101T020000Z.dump';
    const recent = 'tool-registry-db-backup-20240102T020000Z.dump';
    fs.writeFileSync(path.join(dir, stale), 'old');
    fs.writeFileSync(path.join(dir, recent), 'old');
    const now = Date.now() / 1000;
    fs.utimesSync(path.join(dir, stale), now - 20 * 86400, now - 20 * 86400);
    fs.utimesSync(path.join(dir, recent), now - 3 * 86400, now - 3 * 86400);
    const r = runBackup(staging);
    expect(r.status).toBe(0);
    expect(dumps()).not.toContain(stale);
    expect(dumps()).toContain(recent);
    expect(r.stdout).toContain(`removed ${stale} (older than 14 days)`);
  });

  test('a failed dump leaves no file that retention would count', () => {
    const r = runBackup({ ...dev, env: { ...dev.env, PGDATABASE: 'does_not_exist' } });
    expect(r.status).not.toBe(0);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
