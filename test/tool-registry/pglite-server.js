// Runs PGlite with pgvector in a plain Node process for the tests: PGlite loads its WebAssembly
// with dynamic import(), which Jest's module sandbox refuses without --experimental-vm-modules.
// Protocol over the IPC channel: { id, op: 'exec' | 'query', sql, params } -> { id, rows } | { id, error }.
const { PGlite } = require('@electric-sql/pglite');
const { vector } = require('@electric-sql/pglite-pgvector');

const ready = PGlite.create({ extensions: { vector } });
process.on('message', async ({ id, op, sql, params }) => {
  try {
    const db = await ready;
    if (op === 'close') {
      await db.close();
      process.send({ id, rows: [] }, () => process.exit(0));
      return;
    }
    const rows = op === 'exec' ? (await db.exec(sql)).flatMap(r => r.rows) : (await db.query(sql, params ?? [])).rows;
    process.send({ id, rows });
  } catch (e) {
    process.send({ id, error: e && e.message ? e.message : String(e) });
  }
});
process.on('disconnect', () => process.exit(0));
