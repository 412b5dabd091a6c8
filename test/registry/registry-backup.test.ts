import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { devEnvironment, prodEnvironment } from '../../src/platform/presets';
import { K8sObject } from '../support/invariants';
import { postgresAvailable, startPostgres, TestPostgres } from '../support/postgres';
import { find, synthEnvironment } from '../support/synth';

/** The backup script and the env of the backup container, exactly as synthesized. */
function backupJob(objects: K8sObject[]) {
  const cron = find(objects, 'CronJob', 'mcp-mesh-registry-backup');
  const container = cron.spec.jobTemplate.spec.template.spec.containers[0];
  const scriptVolume = cron.spec.jobTemplate.spec.template.spec.volumes.find((v: any) => v.name === 'script');
  const script = find(objects, 'ConfigMap', scriptVolume.configMap.name).data['backup.sh'];
  const env: Record<string, string> = {};
  for (const e of container.env) if (e.value !== undefined) env[e.name] = e.value;
  const secretEnv = container.env.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.name);
  return { script, env, secretEnv, command: container.command as string[] };
}

/** The restore script and the env of the restore container, exactly as synthesized. */
function restoreJob(objects: K8sObject[]) {
  const cron = find(objects, 'CronJob', 'mcp-mesh-registry-restore');
  const spec = cron.spec.jobTemplate.spec.template.spec;
  const container = spec.containers[0];
  const scriptVolume = spec.volumes.find((v: any) => v.name === 'script');
  const script = find(objects, 'ConfigMap', scriptVolume.configMap.name).data['restore.sh'];
  const env: Record<string, string> = {};
  for (const e of container.env) if (e.value !== undefined) env[e.name] = e.value;
  const secretEnv = container.env.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.valueFrom.secretKeyRef);
  expect(container.command).toEqual(['/bin/sh', '/scripts/restore.sh']);
  return { cron, script, env, secretEnv, mounts: container.volumeMounts, volumes: spec.volumes };
}

let work: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-backup-'));
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

/** Runs the script with `sh` as the container would, with paths moved into the temp dir. */
function runBackup(job: ReturnType<typeof backupJob>, overrides: Record<string, string>) {
  const scriptPath = path.join(work, 'backup.sh');
  fs.writeFileSync(scriptPath, job.script);
  expect(job.command).toEqual(['/bin/sh', '/scripts/backup.sh']);
  return spawnSync('sh', [scriptPath], { env: { PATH: process.env.PATH, ...job.env, ...overrides }, encoding: 'utf8' });
}

/** Runs the restore script with `sh` as the container would, with paths moved into the temp dir. */
function runRestore(job: ReturnType<typeof restoreJob>, overrides: Record<string, string>) {
  const scriptPath = path.join(work, 'restore.sh');
  fs.writeFileSync(scriptPath, job.script);
  return spawnSync('sh', [scriptPath], { env: { PATH: process.env.PATH, ...job.env, ...overrides }, encoding: 'utf8' });
}

/** Seeds old backups: names carry their UTC stamp, mtimes their age in days. */
function seedBackups(dir: string, prefix: string, ext: string, agesInDays: number[]): string[] {
  return agesInDays.map(days => {
    const t = new Date(Date.now() - days * 86400_000);
    const stamp = t.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const name = `${prefix}-${stamp}.${ext}`;
    fs.writeFileSync(path.join(dir, name), 'old');
    fs.utimesSync(path.join(dir, name), t, t);
    return name;
  });
}

const backups = (dir: string, ext: string) => fs.readdirSync(dir).filter(f => f.endsWith(`.${ext}`)).sort();
const sqlite = (db: string, sql: string) => execFileSync('sqlite3', [db, sql], { encoding: 'utf8' }).trim();

describe('SQLite backup (dev registry)', () => {
  const job = backupJob(synthEnvironment(devEnvironment()).objects);

  test('the job backs up the live database file the registry uses', () => {
    expect(job.env).toMatchObject({ BACKUP_SOURCE: 'sqlite', SQLITE_DATABASE: '/data/mcp_mesh_registry.db', BACKUP_DIR: '/backup', BACKUP_KEEP_LAST: '3' });
    expect(job.secretEnv).toEqual([]);
  });

  test('takes a consistent online copy that restores to the same data', async () => {
    const db = path.join(work, 'mcp_mesh_registry.db');
    const dir = path.join(work, 'backup');
    fs.mkdirSync(dir);
    sqlite(db, "PRAGMA journal_mode=WAL; CREATE TABLE agents(id TEXT PRIMARY KEY, name TEXT, status TEXT); INSERT INTO agents VALUES ('a1','hello-world','healthy'),('a2','data-processor','degraded');");
    // The registry keeps the database open: hold a read transaction open for the whole backup.
    const holder = spawn('sh', ['-c', `(echo "BEGIN; SELECT count(*) FROM agents;"; sleep 3; echo "COMMIT;") | sqlite3 ${db}`]);
    const r = runBackup(job, { SQLITE_DATABASE: db, BACKUP_DIR: dir });
    expect(holder.exitCode).toBeNull(); // the transaction was still open when the backup finished
    await new Promise(resolve => holder.on('exit', resolve));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [file] = backups(dir, 'db');
    expect(file).toMatch(/^mcp-mesh-registry-backup-\d{8}T\d{6}Z\.db$/);
    expect(execFileSync('sha256sum', ['-c', `${file}.sha256`], { cwd: dir, encoding: 'utf8' })).toContain(': OK');

    const restored = path.join(work, 'restored.db');
    sqlite(restored, `.restore '${path.join(dir, file)}'`);
    expect(sqlite(restored, 'SELECT * FROM agents ORDER BY id;')).toBe(sqlite(db, 'SELECT * FROM agents ORDER BY id;'));
    expect(fs.readdirSync(dir).filter(f => f.endsWith('.partial'))).toEqual([]);
  });

  test('retention keeps only the newest backups', () => {
    const db = path.join(work, 'live.db');
    const dir = path.join(work, 'backup');
    fs.mkdirSync(dir);
    sqlite(db, 'CREATE TABLE t(x); INSERT INTO t VALUES (1);');
    const old = seedBackups(dir, 'mcp-mesh-registry-backup', 'db', [5, 4, 3, 2, 1]);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a backup');

    const r = runBackup(job, { SQLITE_DATABASE: db, BACKUP_DIR: dir });
    expect(r.status).toBe(0);
    const kept = backups(dir, 'db');
    expect(kept).toHaveLength(3); // BACKUP_KEEP_LAST from the dev preset
    expect(kept.slice(0, 2)).toEqual(old.slice(3)); // the two newest old ones survive, oldest first
    expect(fs.existsSync(path.join(dir, 'notes.txt'))).toBe(true);
    expect(r.stdout).toContain(`removed ${old[0]}`);
  });

  describe('restore (the suspended restore CronJob)', () => {
    const objects = synthEnvironment(devEnvironment()).objects;
    const restore = restoreJob(objects);

    test('is a template: suspended, never due, one attempt, the backups read-only, the same database path', () => {
      expect(restore.cron.spec).toMatchObject({ suspend: true, schedule: '0 0 30 2 *', concurrencyPolicy: 'Forbid' });
      expect(restore.cron.spec.jobTemplate.spec.backoffLimit).toBe(0);
      expect(restore.env).toMatchObject({ RESTORE_SOURCE: 'sqlite', BACKUP_PREFIX: 'mcp-mesh-registry-backup', RESTORE_FILE: '', SQLITE_DATABASE: '/data/mcp_mesh_registry.db' });
      expect(restore.mounts).toContainEqual({ name: 'backup', mountPath: '/backup', readOnly: true });
      expect(restore.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-mcp-mesh-registry-0', readOnly: false } });
      // Never beside a running registry pod: the ReadWriteOnce volume makes it wait until the registry is stopped.
      expect(restore.cron.spec.jobTemplate.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels['app.kubernetes.io/component']).toBe('registry');
    });

    test('restores the newest backup over a changed database, or the one named by RESTORE_FILE', () => {
      const db = path.join(work, 'mcp_mesh_registry.db');
      const dir = path.join(work, 'backup');
      fs.mkdirSync(dir);
      sqlite(db, "PRAGMA journal_mode=WAL; CREATE TABLE agents(id TEXT PRIMARY KEY); INSERT INTO agents VALUES ('a1');");
      expect(runBackup(job, { SQLITE_DATABASE: db, BACKUP_DIR: dir }).status).toBe(0);
      const [first] = backups(dir, 'db');
      // A second backup one second later sorts after the first.
      sqlite(db, "INSERT INTO agents VALUES ('a2');");
      execFileSync('sleep', ['1.1']);
      expect(runBackup(job, { SQLITE_DATABASE: db, BACKUP_DIR: dir }).status).toBe(0);
      sqlite(db, "DELETE FROM agents; INSERT INTO agents VALUES ('lost');");
      fs.writeFileSync(`${db}-wal`, 'stale wal of the replaced database');

      const latest = runRestore(restore, { SQLITE_DATABASE: db, BACKUP_DIR: dir });
      expect(latest.stderr).toBe('');
      expect(latest.status).toBe(0);
      expect(sqlite(db, 'SELECT id FROM agents ORDER BY id;')).toBe('a1\na2');

      const named = runRestore(restore, { SQLITE_DATABASE: db, BACKUP_DIR: dir, RESTORE_FILE: first });
      expect(named.status).toBe(0);
      expect(named.stdout).toContain(`restored ${first}`);
      expect(sqlite(db, 'SELECT id FROM agents ORDER BY id;')).toBe('a1');
    });

    test('refuses a file that fails its checksum, a path, or a missing backup, and leaves the database alone', () => {
      const db = path.join(work, 'live.db');
      const dir = path.join(work, 'backup');
      fs.mkdirSync(dir);
      sqlite(db, "CREATE TABLE t(x); INSERT INTO t VALUES ('kept');");
      expect(runBackup(job, { SQLITE_DATABASE: db, BACKUP_DIR: dir }).status).toBe(0);
      const [file] = backups(dir, 'db');
      fs.appendFileSync(path.join(dir, file), 'tampered');
      sqlite(db, "UPDATE t SET x = 'current';");
      expect(runRestore(restore, { SQLITE_DATABASE: db, BACKUP_DIR: dir }).status).not.toBe(0);
      expect(runRestore(restore, { SQLITE_DATABASE: db, BACKUP_DIR: dir, RESTORE_FILE: '../live.db' }).stderr).toContain('is not a backup file name');
      expect(runRestore(restore, { SQLITE_DATABASE: db, BACKUP_DIR: path.join(work) }).stderr).toContain('no backup mcp-mesh-registry-backup-*.db');
      expect(sqlite(db, 'SELECT x FROM t;')).toBe('current');
    });
  });

  test('a failed backup exits non-zero and leaves no file behind', () => {
    const dir = path.join(work, 'backup');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(work, 'corrupt.db'), 'this is not a database');
    const r = runBackup(job, { SQLITE_DATABASE: path.join(work, 'corrupt.db'), BACKUP_DIR: dir });
    expect(r.status).not.toBe(0);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('PostgreSQL backup (prod registry) against a real PostgreSQL 15', () => {
  test('a PostgreSQL 15 server is installed (.ci/run installs it)', () => expect(postgresAvailable()).toBe(true));

  const job = backupJob(synthEnvironment(prodEnvironment()).objects);
  let pg: TestPostgres;
  beforeAll(async () => {
    pg = await startPostgres();
    pg.psql('CREATE DATABASE mcp_mesh');
    pg.psql(`CREATE TABLE agents(id text PRIMARY KEY, name text, capabilities jsonb, updated_at timestamptz DEFAULT now());
             INSERT INTO agents VALUES ('a1','hello-world','["greeting"]'), ('a2','data-processor','["data_transformation"]');`, 'mcp_mesh');
  });
  afterAll(() => pg?.stop());

  test('the job reads DATABASE_URL from the Secret and enforces the prod retention', () => {
    expect(job.env).toMatchObject({ BACKUP_SOURCE: 'postgres', BACKUP_KEEP_LAST: '14', BACKUP_MAX_AGE_DAYS: '30' });
    expect(job.secretEnv).toEqual(['DATABASE_URL']);
  });

  test('pg_dump output restores into a fresh database with the same rows', () => {
    const dir = path.join(work, 'backup');
    fs.mkdirSync(dir);
    const r = runBackup(job, { DATABASE_URL: pg.url('mcp_mesh'), BACKUP_DIR: dir });
    expect(r.status).toBe(0);
    const [file] = backups(dir, 'dump');
    expect(file).toMatch(/^mcp-mesh-registry-backup-\d{8}T\d{6}Z\.dump$/);

    pg.psql('CREATE DATABASE restored');
    execFileSync('pg_restore', ['--no-owner', '--exit-on-error', '-d', pg.url('restored'), path.join(dir, file)]);
    const rows = (db: string) => pg.psql('SELECT id, name, capabilities::text, updated_at FROM agents ORDER BY id', db);
    expect(rows('restored')).toBe(rows('mcp_mesh'));
    expect(rows('restored').split('\n')).toHaveLength(2);
  });

  test('the restore Job pg_restores the newest dump over the live database, with DATABASE_URL from the same Secret', () => {
    const restore = restoreJob(synthEnvironment(prodEnvironment()).objects);
    expect(restore.env).toMatchObject({ RESTORE_SOURCE: 'postgres', BACKUP_PREFIX: 'mcp-mesh-registry-backup' });
    expect(restore.secretEnv).toEqual([{ name: 'mcp-mesh-registry-db', key: 'uri', optional: false }]);
    pg.psql('CREATE DATABASE live');
    pg.psql("CREATE TABLE agents(id text PRIMARY KEY); INSERT INTO agents VALUES ('a1'), ('a2');", 'live');
    const dir = path.join(work, 'backup');
    fs.mkdirSync(dir);
    expect(runBackup(job, { DATABASE_URL: pg.url('live'), BACKUP_DIR: dir }).status).toBe(0);
    pg.psql("DELETE FROM agents; INSERT INTO agents VALUES ('lost'); CREATE TABLE extra(x int);", 'live');

    const r = runRestore(restore, { DATABASE_URL: pg.url('live'), BACKUP_DIR: dir });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(pg.psql('SELECT id FROM agents ORDER BY id', 'live')).toBe('a1\na2');
  });

  test('retention drops dumps beyond the newest 14 and older than 30 days', () => {
    const dir = path.join(work, 'backup');
    fs.mkdirSync(dir);
    const old = seedBackups(dir, 'mcp-mesh-registry-backup', 'dump', [45, 31, 20, 10]);
    const r = runBackup(job, { DATABASE_URL: pg.url('mcp_mesh'), BACKUP_DIR: dir });
    expect(r.status).toBe(0);
    const kept = backups(dir, 'dump');
    expect(kept).toHaveLength(3);
    expect(kept.slice(0, 2)).toEqual([old[2], old[3]]);
    expect(r.stdout).toContain(`removed ${old[0]} (older than 30 days)`);
  });

  test('an unreachable database fails the job without writing a backup', () => {
    const dir = path.join(work, 'backup');
    fs.mkdirSync(dir);
    const r = runBackup(job, { DATABASE_URL: `postgresql://postgres@127.0.0.1:${pg.port}/does_not_exist`, BACKUP_DIR: dir });
    expect(r.status).not.toBe(0);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
