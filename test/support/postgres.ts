import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort } from './process';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A throwaway PostgreSQL server on 127.0.0.1, in its own temp dir, run as the `postgres` user when root. */
export interface TestPostgres {
  readonly port: number;
  readonly host: string;
  /** Superuser connection URI for `database`. */
  url(database?: string): string;
  /** Runs SQL through psql and returns its unaligned, tuples-only output. */
  psql(sql: string, database?: string): string;
  stop(): void;
}

/** Whether a PostgreSQL 15 server can be started here (binaries installed). */
export function postgresAvailable(): boolean {
  return fs.existsSync(path.join(PG_BIN, 'initdb')) && fs.existsSync(path.join(PG_BIN, 'pg_ctl'));
}

/**
 * Starts a fresh cluster: initdb with trust auth on loopback, pg_ctl start, and waits until
 * it accepts connections. PostgreSQL refuses to run as root, so under root every server
 * command runs through `runuser -u postgres`.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-mcp-pg-'));
  const data = path.join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) fs.chownSync(dir, uid('postgres'), gid('postgres'));
  const run = (bin: string, args: string[]) => {
    const cmd = asRoot ? 'runuser' : path.join(PG_BIN, bin);
    const argv = asRoot ? ['-u', 'postgres', '--', path.join(PG_BIN, bin), ...args] : args;
    const r = spawnSync(cmd, argv, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${bin} failed: ${r.stderr || r.stdout}`);
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  run('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', '-o', `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off`, 'start']);
  const host = '127.0.0.1';
  const url = (database = 'postgres') => `postgresql://postgres@${host}:${port}/${database}`;
  return {
    port,
    host,
    url,
    psql: (sql, database = 'postgres') => execFileSync(path.join(PG_BIN, 'psql'), ['-X', '-v', 'ON_ERROR_STOP=1', '-At', '-d', url(database), '-c', sql], { encoding: 'utf8' }).trim(),
    stop: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function uid(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}

function gid(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}
