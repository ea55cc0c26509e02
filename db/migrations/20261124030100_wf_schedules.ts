/**
 * Schedules of the embedded workflow engine (cron / interval): visit cycles, nightly tag jobs.
 * Owner module: engine/schedules.ts.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('wf_schedules', (t) => {
    t.string('schedule_id', 255).primary();
    t.jsonb('spec').notNullable(); // { intervals: [{everyMs, offsetMs}], cronExpressions: [], utcOffsetMinutes }
    t.jsonb('action').notNullable(); // { workflowType, workflowId, taskQueue, args (encoded payloads), memo, searchAttributes }
    t.string('overlap', 24).notNullable().defaultTo('SKIP'); // SKIP | ALLOW_ALL
    t.boolean('paused').notNullable().defaultTo(false);
    t.text('note');
    t.timestamp('next_run_at', { useTz: true });
    t.timestamp('last_run_at', { useTz: true });
    t.string('last_workflow_id', 255);
    t.string('last_run_id', 64);
    t.integer('runs').notNullable().defaultTo(0);
    t.integer('skipped').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
  await knex.raw('CREATE INDEX wf_schedules_due_idx ON wf_schedules (next_run_at) WHERE NOT paused');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('wf_schedules');
}
