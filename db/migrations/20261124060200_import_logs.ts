/**
 * Excel import log (G-7): one row per import attempt — committed (all rows) or rejected (none,
 * with the per-row errors). Owner module: db/queries/imports/.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('import_logs', (t) => {
    t.increments('id').primary();
    t.string('element_type', 16).notNullable();
    t.string('file_name', 200);
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('user_id');
    t.string('username', 50);
    t.specificType('org_path', 'ltree').notNullable(); // the importing user's unit (scope of the log)
    t.string('status', 16).notNullable(); // committed 已导入 | rejected 未导入（有错误）
    t.integer('total').notNullable();
    t.integer('inserted').notNullable().defaultTo(0);
    t.integer('updated').notNullable().defaultTo(0);
    t.integer('unchanged').notNullable().defaultTo(0);
    t.jsonb('errors').notNullable().defaultTo('[]');
  });
  await knex.raw(`ALTER TABLE import_logs ADD CONSTRAINT import_logs_status_chk CHECK (status IN ('committed','rejected'))`);
  await knex.raw('CREATE INDEX import_logs_org_path_gist ON import_logs USING gist (org_path)');
  await knex.raw('CREATE INDEX import_logs_at_idx ON import_logs (at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('import_logs');
}
