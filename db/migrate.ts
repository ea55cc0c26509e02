import type { Knex } from 'knex';
import { type Db, refreshEmbeddedTypes } from './connection';
import { migrations } from './migrations';

const source: Knex.MigrationSource<string> = {
  async getMigrations() {
    return Object.keys(migrations).sort();
  },
  getMigrationName(name) {
    return name;
  },
  async getMigration(name) {
    return migrations[name];
  },
};

/** Brings the schema to the newest migration (db/migrations/index.ts lists them). */
export async function migrateLatest(db: Db): Promise<void> {
  await db.migrate.latest({ migrationSource: source, tableName: 'knex_migrations' });
  await refreshEmbeddedTypes(db);
}
