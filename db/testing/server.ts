/**
 * Test databases on the PostgreSQL server (never a mock): the global setup builds one template
 * database (migrations + the `test` demo city), and every test file clones it with
 * `CREATE DATABASE … TEMPLATE`, so files run in parallel without seeing each other's writes.
 */
import crypto from 'node:crypto';
import knexFactory from 'knex';
import { inject } from 'vitest';
import { type Db, openDb } from '../connection';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
  }
}

/** Each test run builds its own template (gov_tpl_<epoch seconds>_<rand>), so parallel runs never collide. */
export function newTemplateName(): string {
  return `gov_tpl_${Math.floor(Date.now() / 1000)}_${crypto.randomBytes(3).toString('hex')}`;
}

export function serverUrl(): string {
  return process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
}

export function urlFor(database: string): string {
  const u = new URL(serverUrl());
  u.pathname = `/${database}`;
  return u.toString();
}

/** A connection to the server's maintenance database, for CREATE/DROP DATABASE. */
export function adminDb(): Db {
  return knexFactory({ client: 'pg', connection: serverUrl(), pool: { min: 0, max: 1 } });
}

export interface TestDb {
  db: Db;
  url: string;
  name: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh database cloned from the template; call `drop()` in afterAll. */
export async function createTestDb(opts: { poolMax?: number } = {}): Promise<TestDb> {
  const template = inject('templateDb');
  const name = `gov_t_${Math.floor(Date.now() / 1000)}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = adminDb();
  try {
    await admin.raw(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.destroy();
  }
  const url = urlFor(name);
  const db = await openDb({ url, poolMax: opts.poolMax ?? 5 });
  return {
    db,
    url,
    name,
    async drop() {
      await db.destroy();
      const a = adminDb();
      try {
        await a.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.destroy();
      }
    },
  };
}
