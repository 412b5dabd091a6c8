import { ToolRegistry, ToolRegistryProps } from '../../src/tool-registry/tool-registry';
import { TOOL_REGISTRY_PRESETS } from '../../src/tool-registry/tool-registry-presets';
import { find, K8sObject, ofKind, TEST_IMAGE, withToolRegistry } from './helpers';
import { synthChart, synthEnvironment } from '../support/synth';
import { startPglite, TestPglite as PGlite } from './pglite';

// The SQL under test is always taken from synthesized manifests, never from the TypeScript source.

/** The schema SQL a migration Job mounts: Job volume -> ConfigMap -> key of the psql --file. */
function sqlFromMigrationJob(objects: K8sObject[]): string {
  const job = ofKind(objects, 'Job')[0];
  const spec = job.spec.template.spec;
  const command: string = spec.containers[0].command.join(' ');
  const file = /--file=\/schema\/(\S+)/.exec(command)![1];
  const volume = spec.volumes.find((v: any) => v.configMap && spec.containers[0].volumeMounts.some((m: any) => m.name === v.name && m.mountPath === '/schema'));
  return find(objects, 'ConfigMap', volume.configMap.name).data[file];
}

/** The schema SQL a CloudNativePG Cluster runs at bootstrap: postInitApplicationSQLRefs -> ConfigMap key. */
function sqlFromCnpgBootstrap(objects: K8sObject[]): string {
  const cluster = ofKind(objects, 'Cluster')[0];
  const refs = cluster.spec.bootstrap.initdb.postInitApplicationSQLRefs.configMapRefs;
  expect(refs).toHaveLength(1);
  return find(objects, 'ConfigMap', refs[0].name).data[refs[0].key];
}

function synthRegistry(database: ToolRegistryProps['database']): K8sObject[] {
  return synthChart(chart => new ToolRegistry(chart, 'tool-registry', { ...TOOL_REGISTRY_PRESETS.staging, image: TEST_IMAGE, database: { credentialsSecret: 'db-credentials', ...database } })).objects;
}

// One PGlite per file (starting one costs seconds of CPU: it runs initdb in WebAssembly). Each
// group starts from `fresh()`, which returns the database to the state it started in and
// proves it: everything the schema and the tests create is dropped, and the catalog compared.
let shared: PGlite;
let pristine: unknown;

/** What a reset must restore: public schema objects, extensions, roles and the database owner. */
async function resetState(db: PGlite): Promise<unknown> {
  const q = async (sql: string) => (await db.query(sql)).rows;
  return {
    objects: await q("SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1"),
    functions: await q("SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' ORDER BY 1"),
    types: await q("SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' ORDER BY 1"),
    extensions: await q('SELECT extname FROM pg_extension ORDER BY 1'),
    roles: await q('SELECT rolname FROM pg_roles ORDER BY 1'),
    schema: await q("SELECT pg_get_userbyid(nspowner) AS owner, nspacl::text AS acl FROM pg_namespace WHERE nspname = 'public'"),
    owner: await q("SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database()"),
  };
}

beforeAll(async () => {
  shared = await startPglite();
  pristine = await resetState(shared);
}, 120_000);
afterAll(async () => shared?.close());

/** The shared database, reset to the state a new PGlite starts in. */
async function fresh(): Promise<PGlite> {
  await shared.exec(`
    RESET ALL;
    ALTER DATABASE postgres OWNER TO postgres;
    DROP SCHEMA public CASCADE;
    CREATE SCHEMA public AUTHORIZATION pg_database_owner;
    GRANT USAGE ON SCHEMA public TO PUBLIC;
    DROP ROLE IF EXISTS tool_registry;
  `);
  expect(await resetState(shared)).toEqual(pristine);
  return shared;
}

/** Everything the schema can create or change, as comparable rows. */
async function catalog(db: PGlite): Promise<unknown> {
  const q = async (sql: string) => (await db.query(sql)).rows;
  return {
    extensions: await q("SELECT extname, extversion FROM pg_extension ORDER BY extname"),
    relations: await q("SELECT c.oid::int, c.relname, c.relkind, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY c.relname"),
    columns: await q("SELECT attname, format_type(atttypid, atttypmod) AS type, attnotnull, pg_get_expr(d.adbin, d.adrelid) AS def FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE attrelid = 'tools'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum"),
    indexes: await q("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tools' ORDER BY indexname"),
    constraints: await q("SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'tools'::regclass ORDER BY conname"),
  };
}

const unit = (dims: number, hot: number[]) => `[${Array.from({ length: dims }, (_, i) => (hot.includes(i) ? 1 : 0)).join(',')}]`;

describe.each([
  ['statefulset migration Job, hnsw (staging preset)', () => sqlFromMigrationJob(synthRegistry({ backend: 'statefulset' })), 'hnsw', 768],
  ['statefulset migration Job, ivfflat (dev preset)', () => sqlFromMigrationJob(synthRegistry(TOOL_REGISTRY_PRESETS.dev.database)), 'ivfflat', 768],
  ['CloudNativePG bootstrap (prod environment)', () => sqlFromCnpgBootstrap(synthEnvironment(withToolRegistry('prod')).objects), 'hnsw', 768],
  ['CloudNativePG bootstrap, 1536 dimensions, no index', () => sqlFromCnpgBootstrap(synthRegistry({
    backend: 'cloudnative-pg', backup: { enabled: false }, schema: { embeddingDimensions: 1536, index: { type: 'none' } },
  })), 'none', 1536],
] as const)('schema SQL from the %s', (_name, getSql, indexType, dims) => {
  const sql = getSql();
  let db: PGlite;
  beforeAll(async () => {
    db = await fresh();
    await db.exec(sql);
  });

  test('creates the vector extension, the tools table and the cosine index', async () => {
    const c: any = await catalog(db);
    expect(c.extensions).toContainEqual({ extname: 'vector', extversion: expect.any(String) });
    expect(c.columns.map((r: any) => [r.attname, r.type])).toEqual([
      ['id', 'integer'], ['name', 'character varying(255)'], ['description', 'text'], ['category', 'character varying(100)'],
      ['tags', 'jsonb'], ['input_schema', 'jsonb'], ['embedding', `vector(${dims})`], ['is_active', 'boolean'],
      ['version', 'character varying(50)'], ['created_at', 'timestamp without time zone'], ['updated_at', 'timestamp without time zone'],
    ]);
    expect(c.constraints.map((r: any) => r.def)).toEqual(expect.arrayContaining(['PRIMARY KEY (id)', 'UNIQUE (name)']));
    const vectorIndexes = c.indexes.filter((i: any) => i.indexdef.includes('embedding'));
    if (indexType === 'none') {
      expect(vectorIndexes).toEqual([]);
    } else {
      expect(vectorIndexes).toHaveLength(1);
      expect(vectorIndexes[0].indexdef).toContain(`USING ${indexType} (embedding vector_cosine_ops)`);
    }
  });

  test('running it a second time changes nothing', async () => {
    const before = await catalog(db);
    await db.exec(sql);
    expect(await catalog(db)).toEqual(before);
  });

  test('a cosine nearest-neighbour query returns the closest tools first', async () => {
    await db.exec('TRUNCATE tools');
    // Cosine similarity to the query e0: 1, 0.71, 0.58, 0.5 and 0; inserted out of order.
    const tools: [string, number[]][] = [['email', [0, 1, 2, 3]], ['unrelated', [5]], ['forecast', [0, 1]], ['weather', [0]], ['calendar', [0, 1, 2]]];
    for (const [name, hot] of tools) {
      await db.query("INSERT INTO tools (name, description, category, input_schema, embedding) VALUES ($1, $2, 'test', '{}', $3::vector)", [name, `about ${name}`, unit(dims, hot)]);
    }
    if (indexType === 'ivfflat') await db.exec('SET ivfflat.probes = 1000'); // exact answers from the approximate index
    const nearest = async () => (await db.query<{ name: string }>('SELECT name FROM tools WHERE is_active ORDER BY embedding <=> $1::vector LIMIT 5', [unit(dims, [0])])).rows.map(r => r.name);
    expect(await nearest()).toEqual(['weather', 'forecast', 'calendar', 'email', 'unrelated']);
    if (indexType !== 'none') {
      await db.exec('SET enable_seqscan = off');
      const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT name FROM tools ORDER BY embedding <=> '${unit(dims, [0])}'::vector LIMIT 3`)).rows.map(r => r['QUERY PLAN']).join('\n');
      expect(plan).toMatch(new RegExp(`Index Scan using tools_embedding_${indexType}`));
      expect(await nearest()).toEqual(['weather', 'forecast', 'calendar', 'email', 'unrelated']);
      await db.exec('RESET enable_seqscan');
    }
  });
});

describe('schema SQL on an existing database', () => {
  const dev = sqlFromMigrationJob(synthRegistry(TOOL_REGISTRY_PRESETS.dev.database));
  const staging = sqlFromMigrationJob(synthRegistry({ backend: 'statefulset' }));

  test('a changed index setting replaces the old vector index and keeps the rows', async () => {
    const db = await fresh();
    await db.exec(dev);
    await db.query("INSERT INTO tools (name, description, category, input_schema) VALUES ('kept', 'd', 'c', '{}')");
    await db.exec(staging);
    const indexes = (await db.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE tablename = 'tools' AND indexdef LIKE '%embedding%'")).rows;
    expect(indexes.map(i => i.indexdef)).toEqual([expect.stringContaining('USING hnsw (embedding vector_cosine_ops) WITH (m=\'16\', ef_construction=\'64\')')]);
    expect((await db.query('SELECT name FROM tools')).rows).toEqual([{ name: 'kept' }]);
  });

  test('a different embedding dimension stops the migration instead of mixing vectors', async () => {
    const db = await fresh();
    await db.exec(dev);
    const other = sqlFromMigrationJob(synthRegistry({ backend: 'statefulset', schema: { embeddingDimensions: 384 } }));
    await expect(db.exec(other)).rejects.toThrow('tools.embedding is vector(768), but this deployment expects vector(384)');
  });

  test('run by a superuser (as CloudNativePG bootstrap does), the table goes to the database owner', async () => {
    const db = await fresh();
    await db.exec('CREATE ROLE tool_registry; ALTER DATABASE postgres OWNER TO tool_registry;');
    await db.exec(staging);
    const owners = (await db.query("SELECT relname, pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY relname")).rows;
    expect(owners.length).toBeGreaterThanOrEqual(4); // table, pkey, unique index, sequence, vector index
    expect(new Set(owners.map((r: any) => r.owner))).toEqual(new Set(['tool_registry']));
  });
});
