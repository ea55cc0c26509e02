/**
 * Tables of the embedded workflow engine (engine/): executions, their Temporal history, and the
 * work queues the engine's workers claim with `FOR UPDATE SKIP LOCKED`.
 * Owner module: engine/store.ts.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // One row per run. A workflow task is pending while `wft_pending`; the row lock taken while it is
  // processed plus `next_event_id` make each task apply exactly once.
  await knex.schema.createTable('wf_executions', (t) => {
    t.string('run_id', 64).primary();
    t.string('workflow_id', 255).notNullable();
    t.string('workflow_type', 255).notNullable();
    t.string('task_queue', 255).notNullable();
    // running | completed | failed | canceled | terminated | continued_as_new | timed_out
    t.string('status', 24).notNullable().defaultTo('running');
    t.timestamp('start_time', { useTz: true }).notNullable();
    t.timestamp('close_time', { useTz: true });
    t.jsonb('memo').notNullable().defaultTo('{}');
    t.jsonb('search_attributes').notNullable().defaultTo('{}');
    t.string('parent_workflow_id', 255);
    t.string('parent_run_id', 64);
    t.integer('parent_initiated_event_id');
    t.integer('parent_close_policy'); // coresdk ParentClosePolicy: 1 terminate (default), 2 abandon, 3 request cancel
    t.string('first_execution_run_id', 64).notNullable();
    t.string('continued_run_id', 64); // the run this one continued as (status continued_as_new)
    t.integer('next_event_id').notNullable().defaultTo(1);
    t.boolean('wft_pending').notNullable().defaultTo(true);
    t.timestamp('wft_ready_at', { useTz: true }).notNullable();
    t.integer('wft_failures').notNullable().defaultTo(0);
    t.text('last_wft_error');
    t.boolean('cancel_requested').notNullable().defaultTo(false);
    t.binary('result'); // encoded temporal.api.history.v1.HistoryEvent of the closing event
  });
  await knex.raw(`CREATE UNIQUE INDEX wf_executions_open_uq ON wf_executions (workflow_id) WHERE status = 'running'`);
  await knex.raw(`CREATE INDEX wf_executions_wft_idx ON wf_executions (task_queue, wft_ready_at) WHERE wft_pending AND status = 'running'`);
  await knex.raw(`CREATE INDEX wf_executions_wid_idx ON wf_executions (workflow_id, start_time DESC)`);
  await knex.raw(`CREATE INDEX wf_executions_list_idx ON wf_executions (workflow_type, status, start_time DESC)`);
  await knex.raw(`CREATE INDEX wf_executions_sa_idx ON wf_executions USING gin (search_attributes jsonb_path_ops)`);

  // Temporal history: genuine HistoryEvent protobuf bytes, in event-id order.
  await knex.schema.createTable('wf_history', (t) => {
    t.string('run_id', 64).notNullable().references('wf_executions.run_id').onDelete('CASCADE');
    t.integer('event_id').notNullable();
    t.string('event_type', 64).notNullable();
    t.binary('data').notNullable();
    t.primary(['run_id', 'event_id']);
  });

  // Events waiting for the next workflow task (signals, timer fires, activity results …): written
  // by whoever produces them, consumed by the task that appends them to history.
  await knex.schema.createTable('wf_inbox', (t) => {
    t.bigIncrements('id').primary();
    t.string('run_id', 64).notNullable().references('wf_executions.run_id').onDelete('CASCADE');
    t.binary('event').notNullable(); // HistoryEvent without id
  });
  await knex.raw('CREATE INDEX wf_inbox_run_idx ON wf_inbox (run_id, id)');

  await knex.schema.createTable('wf_timers', (t) => {
    t.bigIncrements('id').primary();
    t.string('run_id', 64).notNullable().references('wf_executions.run_id').onDelete('CASCADE');
    t.string('timer_id', 64).notNullable();
    t.integer('started_event_id').notNullable();
    t.timestamp('fire_at', { useTz: true }).notNullable();
    t.unique(['run_id', 'started_event_id']);
  });
  await knex.raw('CREATE INDEX wf_timers_due_idx ON wf_timers (fire_at)');

  // One row per scheduled activity until it is resolved; attempts update it in place.
  await knex.schema.createTable('wf_activities', (t) => {
    t.bigIncrements('id').primary();
    t.string('run_id', 64).notNullable().references('wf_executions.run_id').onDelete('CASCADE');
    t.string('workflow_id', 255).notNullable();
    t.string('workflow_type', 255).notNullable();
    t.integer('scheduled_event_id').notNullable();
    t.string('activity_id', 255).notNullable();
    t.string('activity_type', 255).notNullable();
    t.string('task_queue', 255).notNullable();
    t.binary('input'); // temporal.api.common.v1.Payloads
    t.jsonb('options').notNullable(); // timeouts (ms), retry policy
    t.integer('attempt').notNullable().defaultTo(1);
    t.timestamp('scheduled_at', { useTz: true }).notNullable();
    t.timestamp('next_run_at', { useTz: true }).notNullable();
    t.timestamp('schedule_to_close_at', { useTz: true });
    t.string('claimed_by', 128);
    t.timestamp('lease_until', { useTz: true });
    t.timestamp('attempt_started_at', { useTz: true });
    t.binary('heartbeat_details');
    t.binary('last_failure'); // temporal.api.failure.v1.Failure of the previous attempt
    t.boolean('cancel_requested').notNullable().defaultTo(false);
    t.unique(['run_id', 'scheduled_event_id']);
  });
  await knex.raw('CREATE INDEX wf_activities_ready_idx ON wf_activities (task_queue, next_run_at) WHERE claimed_by IS NULL');
  await knex.raw('CREATE INDEX wf_activities_lease_idx ON wf_activities (lease_until) WHERE claimed_by IS NOT NULL');

  // Idempotency of side-effecting activities: (workflow id + activity id) recorded once.
  await knex.schema.createTable('wf_activity_effects', (t) => {
    t.string('idempotency_key', 600).primary();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['wf_activity_effects', 'wf_activities', 'wf_timers', 'wf_inbox', 'wf_history', 'wf_executions']) {
    await knex.schema.dropTableIfExists(t);
  }
}
