import { IConstruct } from 'constructs';
import { invalid } from '../common/errors';
import { validateInteger } from '../common/validation';

/**
 * The approximate-nearest-neighbour index on `tools.embedding`, always with cosine distance
 * (`vector_cosine_ops`, the `<=>` operator).
 * - `hnsw`: good recall from the first row on and no training step; more memory and slower builds.
 * - `ivfflat`: smaller and faster to build, but its `lists` centroids are computed from the rows
 *   present at build time, so build (or REINDEX) it once the table holds data.
 * - `none`: exact search (a sequential scan); fine for a few thousand tools.
 */
export type VectorIndex =
  | { readonly type: 'hnsw'; /** Links per node (2..100). @default 16 */ readonly m?: number; /** Build-time candidate list (>= 2*m, <= 1000). @default 64 */ readonly efConstruction?: number }
  | { readonly type: 'ivfflat'; /** Inverted lists (1..32768); about rows/1000 up to 1M rows. @default 100 */ readonly lists?: number }
  | { readonly type: 'none' };

/** Shape of the Tool Registry's schema. */
export interface VectorSchemaOptions {
  /**
   * Dimension N of `embedding vector(N)`: the output size of the embedding model
   * (768 for nomic-embed-text or all-mpnet-base-v2, 1536 for text-embedding-3-small).
   * 1..16000; at most 2000 when an index is built (pgvector's limit for `vector` indexes).
   * @default 768
   */
  readonly embeddingDimensions?: number;
  /** Vector index. @default { type: 'hnsw', m: 16, efConstruction: 64 } */
  readonly index?: VectorIndex;
}

/** A validated schema with every default filled in. */
export interface ResolvedVectorSchema {
  readonly embeddingDimensions: number;
  readonly index: Required<{ type: 'hnsw'; m: number; efConstruction: number }> | Required<{ type: 'ivfflat'; lists: number }> | { type: 'none' };
}

/** pgvector limits (https://github.com/pgvector/pgvector#what-if-i-want-to-index-vectors-with-more-than-2000-dimensions). */
export const PGVECTOR_LIMITS = { maxDimensions: 16000, maxIndexedDimensions: 2000, maxLists: 32768 } as const;

/** Name of the table the API stores tools in. */
export const TOOLS_TABLE = 'tools';

/**
 * Validates and resolves schema options.
 * @throws McpConfigError naming `${field}.embeddingDimensions` or `${field}.index.*` for a
 * dimension outside 1..16000, above 2000 with an index, ivfflat lists < 1, or bad hnsw parameters.
 */
export function resolveVectorSchema(scope: IConstruct, field: string, options: VectorSchemaOptions = {}): ResolvedVectorSchema {
  const dims = options.embeddingDimensions ?? 768;
  if (!Number.isInteger(dims) || dims < 1 || dims > PGVECTOR_LIMITS.maxDimensions) {
    invalid(scope, `${field}.embeddingDimensions`, dims, `use a whole number from 1 to ${PGVECTOR_LIMITS.maxDimensions} (pgvector's vector type limit) equal to your embedding model's output size, e.g. 768 or 1536`);
  }
  const index = options.index ?? { type: 'hnsw' };
  if (index.type !== 'none' && dims > PGVECTOR_LIMITS.maxIndexedDimensions) {
    invalid(scope, `${field}.embeddingDimensions`, dims, `pgvector cannot build an ${index.type} index on vector columns above ${PGVECTOR_LIMITS.maxIndexedDimensions} dimensions: use a model (or its dimensions parameter) with at most ${PGVECTOR_LIMITS.maxIndexedDimensions}, or set ${field}.index to { type: 'none' } for exact search`);
  }
  switch (index.type) {
    case 'ivfflat': {
      const lists = index.lists ?? 100;
      if (!Number.isInteger(lists) || lists < 1 || lists > PGVECTOR_LIMITS.maxLists) {
        invalid(scope, `${field}.index.lists`, lists, `use a whole number from 1 to ${PGVECTOR_LIMITS.maxLists}; pgvector suggests rows / 1000 (at least 1) up to a million rows`);
      }
      return { embeddingDimensions: dims, index: { type: 'ivfflat', lists } };
    }
    case 'hnsw': {
      const m = validateInteger(scope, `${field}.index.m`, index.m ?? 16, 2, 100);
      const ef = index.efConstruction ?? 64;
      if (!Number.isInteger(ef) || ef < 2 * m || ef > 1000) {
        invalid(scope, `${field}.index.efConstruction`, ef, `use a whole number from ${2 * m} (twice m) to 1000`);
      }
      return { embeddingDimensions: dims, index: { type: 'hnsw', m, efConstruction: ef } };
    }
    case 'none':
      return { embeddingDimensions: dims, index: { type: 'none' } };
    default:
      return invalid(scope, `${field}.index.type`, (index as { type: unknown }).type, "use 'hnsw', 'ivfflat' or 'none'");
  }
}

/** Name of the vector index; it encodes the parameters so that a changed setting builds a new index. */
export function vectorIndexName(schema: ResolvedVectorSchema): string | undefined {
  const i = schema.index;
  if (i.type === 'hnsw') return `${TOOLS_TABLE}_embedding_hnsw_m${i.m}_ef${i.efConstruction}_idx`;
  if (i.type === 'ivfflat') return `${TOOLS_TABLE}_embedding_ivfflat_l${i.lists}_idx`;
  return undefined;
}

/**
 * The Tool Registry schema, the only copy of its SQL: the pgvector extension, the `tools` table
 * (columns of seeds/tool-registry-k8s.md), and the cosine vector index. It is idempotent: on a
 * database that already matches, every statement is a no-op, so the migration Job can run it on
 * every deploy and CloudNativePG at bootstrap. It also:
 * - stops with an error when an existing `embedding` column has another dimension (changing
 *   the model needs a re-embedding migration, never a silent mismatch);
 * - gives the table to the database owner (the application role), because CloudNativePG runs
 *   bootstrap SQL as the `postgres` superuser;
 * - replaces a vector index built with other settings (the index name carries its parameters).
 */
export function toolRegistrySchemaSql(schema: ResolvedVectorSchema): string {
  const type = `vector(${schema.embeddingDimensions})`;
  const index = vectorIndexName(schema);
  const i = schema.index;
  const create = i.type === 'hnsw'
    ? `CREATE INDEX IF NOT EXISTS ${index} ON ${TOOLS_TABLE} USING hnsw (embedding vector_cosine_ops) WITH (m = ${i.m}, ef_construction = ${i.efConstruction});`
    : i.type === 'ivfflat'
      ? `CREATE INDEX IF NOT EXISTS ${index} ON ${TOOLS_TABLE} USING ivfflat (embedding vector_cosine_ops) WITH (lists = ${i.lists});`
      : '-- No vector index (index type none): similarity search scans the table.';
  return `-- Tool Registry schema (rendered by cdk8s-mcp from src/tool-registry/tool-schema.ts).
-- Idempotent: safe to run on every deploy; a database that already matches is left unchanged.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE IF NOT EXISTS ${TOOLS_TABLE} (
    id SERIAL PRIMARY KEY,
    name VARCHAR(255) UNIQUE NOT NULL,
    description TEXT NOT NULL,
    category VARCHAR(100) NOT NULL,
    tags JSONB DEFAULT '[]',
    input_schema JSONB NOT NULL,
    embedding ${type},
    is_active BOOLEAN DEFAULT true,
    version VARCHAR(50) DEFAULT '1.0.0',
    created_at TIMESTAMP DEFAULT NOW(),
    updated_at TIMESTAMP DEFAULT NOW()
);

-- An existing table must have the configured embedding dimension.
DO $$
DECLARE
    actual text;
BEGIN
    SELECT format_type(a.atttypid, a.atttypmod) INTO actual
      FROM pg_attribute a
     WHERE a.attrelid = '${TOOLS_TABLE}'::regclass AND a.attname = 'embedding' AND NOT a.attisdropped;
    IF actual IS DISTINCT FROM '${type}' THEN
        RAISE EXCEPTION '${TOOLS_TABLE}.embedding is %, but this deployment expects ${type}', coalesce(actual, 'missing')
            USING HINT = 'Changing the embedding model needs a data migration: add a column of the new type, re-embed every tool, then swap the columns.';
    END IF;
END
$$;

-- The table (with its indexes and id sequence) belongs to the database owner, the application role.
DO $$
DECLARE
    db_owner name := (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database());
BEGIN
    IF (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = '${TOOLS_TABLE}'::regclass) <> db_owner THEN
        EXECUTE format('ALTER TABLE ${TOOLS_TABLE} OWNER TO %I', db_owner);
    END IF;
END
$$;

-- Vector indexes built with other settings are replaced.
DO $$
DECLARE
    stale record;
BEGIN
    FOR stale IN
        SELECT n.nspname, c.relname
          FROM pg_index x
          JOIN pg_class c ON c.oid = x.indexrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE x.indrelid = '${TOOLS_TABLE}'::regclass
           AND c.relname LIKE '${TOOLS_TABLE}\\_embedding\\_%\\_idx'
           AND c.relname <> '${index ?? ''}'
    LOOP
        EXECUTE format('DROP INDEX %I.%I', stale.nspname, stale.relname);
    END LOOP;
END
$$;
${create}
`;
}
