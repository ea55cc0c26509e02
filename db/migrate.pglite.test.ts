import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from './connection';
import { migrateLatest } from './migrate';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-migrate-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('embedded database (PGlite)', () => {
  it('N-3 right after the first migration of a new database, ltree[] parameters work without a restart', async () => {
    const db = await openDb({ dataDir: path.join(dir, 'db') });
    try {
      await migrateLatest(db);
      const { rows } = await db.raw(`SELECT 'km.d01'::ltree <@ ANY(?::ltree[]) AS ok`, [['km']]);
      expect(rows[0].ok).toBe(true);
    } finally {
      await db.destroy();
    }
  }, 120_000);
});
