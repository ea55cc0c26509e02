/**
 * The one place a database connection is made.
 * - DATABASE_URL set: a PostgreSQL server (production, CI, benchmarks) through `pg`.
 * - otherwise: PGlite (embedded PostgreSQL in WebAssembly) with PostGIS and ltree in DATA_DIR.
 * SQL everywhere must run on both, so it sticks to PostgreSQL 15 features.
 */
import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import pg from 'pg';

export type Db = Knex;

// bigint counts (count(*)) as numbers; ids stay below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export interface DbOptions {
  /** postgres://… ; when absent the embedded PGlite database is used. */
  url?: string;
  /** Folder of the embedded database (PGlite). Default ./data/pglite. */
  dataDir?: string;
  /** Connection pool size for PostgreSQL. */
  poolMax?: number;
}

export function isEmbedded(db: Db): boolean {
  return (db.client.config as Knex.Config).client === ClientPgLite;
}

/** The PGlite instance behind an embedded connection (for type-cache refreshes). */
const embeddedInstances = new WeakMap<Db, { refreshArrayTypes(): Promise<void> }>();

/**
 * PGlite caches array type OIDs when it opens; types created later in the same process (ltree[]
 * by the first migration on a new database) are unknown until refreshed, and `?::ltree[]`
 * parameters then fail with "malformed array literal". Called after migrating.
 */
export async function refreshEmbeddedTypes(db: Db): Promise<void> {
  await embeddedInstances.get(db)?.refreshArrayTypes();
}

export async function openDb(opts: DbOptions = {}): Promise<Db> {
  if (opts.url) {
    return knexFactory({
      client: 'pg',
      connection: { connectionString: opts.url, application_name: 'grid-governance' },
      pool: { min: 0, max: opts.poolMax ?? 10 },
    });
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { postgis } = await import('@electric-sql/pglite-postgis');
  const { ltree } = await import('@electric-sql/pglite/contrib/ltree');
  const dataDir = path.resolve(opts.dataDir ?? 'data/pglite');
  // PGlite creates its own folder but not the ones above it (DATA_DIR may be new).
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const pglite = await PGlite.create(dataDir, { extensions: { postgis, ltree } });
  const db = knexFactory({
    client: ClientPgLite,
    connection: () => ({ pglite }) as object,
  });
  embeddedInstances.set(db, pglite);
  return db;
}

/** Options from the environment, as `npm start` and the benchmarks read them. */
export function dbOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DbOptions {
  return { url: env.DATABASE_URL || undefined, dataDir: env.DATA_DIR || undefined };
}
