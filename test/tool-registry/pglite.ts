import { ChildProcess, fork } from 'child_process';
import * as path from 'path';

/** A PGlite (PostgreSQL 18 in WebAssembly) database with pgvector, running in a child process. */
export interface TestPglite {
  /** Runs one or more statements (simple protocol), like psql -f. */
  exec(sql: string): Promise<void>;
  /** Runs one statement with parameters and returns its rows. */
  query<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  close(): Promise<void>;
}

/** Starts a fresh in-memory database. */
export async function startPglite(): Promise<TestPglite> {
  const child: ChildProcess = fork(path.join(__dirname, 'pglite-server.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let next = 0;
  const pending = new Map<number, { resolve: (rows: any[]) => void; reject: (e: Error) => void }>();
  child.on('message', (m: any) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(m.error));
    else p?.resolve(m.rows);
  });
  child.on('exit', code => {
    for (const p of pending.values()) p.reject(new Error(`PGlite process exited with ${code}`));
    pending.clear();
  });
  const call = (op: string, sql = '', params?: unknown[]) => new Promise<any[]>((resolve, reject) => {
    const id = next++;
    pending.set(id, { resolve, reject });
    child.send({ id, op, sql, params });
  });
  await call('query', 'SELECT 1');
  return {
    exec: async sql => { await call('exec', sql); },
    query: async (sql, params) => ({ rows: await call('query', sql, params) }),
    close: async () => {
      // Wait for the process itself to end, so no child outlives the test file's worker.
      const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>(resolve => child.once('exit', () => resolve()));
      if (child.connected) await call('close').catch(() => undefined);
      else child.kill();
      await exited;
    },
  };
}
