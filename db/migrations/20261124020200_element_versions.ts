/**
 * Change history of the element types other than residents (G-1, G-4, G-5): houses, merchants,
 * enterprises, institutions, public facilities and grid workers get a `version` (optimistic
 * locking) and every change writes an `element_versions` row with the changed fields before and
 * after. Sensitive values (phones) are kept only as ciphertext + blind index, never plain — the
 * same rule as resident_versions.
 *
 * Name search in the element lists is a prefix match (`name LIKE 'q%'`): text_pattern_ops
 * indexes keep it index-bound on the wide scopes.
 */
import type { Knex } from 'knex';

const TABLES = ['houses', 'merchants', 'enterprises', 'institutions', 'public_facilities', 'grid_workers'];
const NAMED = ['merchants', 'enterprises', 'institutions', 'public_facilities', 'grid_workers'];

export async function up(knex: Knex): Promise<void> {
  for (const t of TABLES) {
    await knex.schema.alterTable(t, (tb) => {
      tb.integer('version').notNullable().defaultTo(1);
      tb.integer('updated_by'); // users.id of the last change
    });
  }
  for (const t of NAMED) await knex.raw(`CREATE INDEX ${t}_name_prefix_idx ON ${t} (name text_pattern_ops)`);

  await knex.schema.createTable('element_versions', (t) => {
    t.bigIncrements('id').primary();
    // house merchant enterprise institution facility grid_worker
    t.string('element_type', 16).notNullable();
    t.integer('element_id').notNullable();
    t.integer('version').notNullable(); // the version the change produced (1: created)
    t.timestamp('changed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('changed_by'); // users.id
    t.string('changed_by_name', 50);
    t.string('reason', 200);
    t.jsonb('before').notNullable();
    t.jsonb('after').notNullable();
    t.unique(['element_type', 'element_id', 'version']);
  });
  await knex.raw(`ALTER TABLE element_versions ADD CONSTRAINT element_versions_type_chk
    CHECK (element_type IN ('house','merchant','enterprise','institution','facility','grid_worker'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('element_versions');
  for (const t of NAMED) await knex.raw(`DROP INDEX IF EXISTS ${t}_name_prefix_idx`);
  for (const t of TABLES) {
    await knex.schema.alterTable(t, (tb) => {
      tb.dropColumn('updated_by');
      tb.dropColumn('version');
    });
  }
}
