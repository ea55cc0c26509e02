/**
 * Workflow console (流程监控) and inbox attachments:
 * - console_saved_filters: a user's named filter sets of the console list (常用筛选);
 * - files: photos and documents attached to task forms (附件). The bytes live in the row (size is
 *   capped by the API at a few MB; photos are downscaled in the browser first), scoped by the org
 *   path of the uploader's task or org, so a read is checked like any other scoped row.
 * Owner modules: db/queries/console.ts, api/routes/console.ts.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('console_saved_filters', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('name', 50).notNullable();
    t.jsonb('filter').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['user_id', 'name']);
  });
  await knex.schema.createTable('files', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('name', 200).notNullable();
    t.string('mime', 100).notNullable();
    t.integer('size').notNullable();
    t.string('sha256', 64).notNullable();
    t.binary('content').notNullable();
    t.specificType('org_path', 'ltree').notNullable();
    t.bigInteger('task_id').references('tasks.id');
    t.integer('uploaded_by').notNullable().references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE INDEX files_task_idx ON files (task_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('files');
  await knex.schema.dropTableIfExists('console_saved_filters');
}
