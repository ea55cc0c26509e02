/**
 * Human tasks (待办任务): a workflow that needs a person creates a row here through the
 * `createTask` activity and waits for the submission signal. The inbox reads this table only,
 * never the workflows. Owner modules: db/queries/tasks.ts, activities/tasks.ts.
 *
 * Index design (inbox stays index-bound at 100k+ open tasks):
 * - tasks_assignee_open: direct assignments and delegations, partial on live rows;
 * - tasks_claimed_open: what I have claimed, partial on status = 'claimed';
 * - tasks_candidate_gist: claimable pool, GiST on the candidate org path, partial on open and
 *   unassigned rows; the query `candidate_org_path <@ ANY(my scope paths)` uses it through a
 *   bitmap scan, so a grid worker touches only the rows of their grid.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tasks', (t) => {
    t.bigIncrements('id').primary();
    t.string('workflow_id', 200).notNullable();
    t.string('run_id', 64);
    t.string('signal_name', 100).notNullable(); // the workflow signal that receives the submission
    t.string('form_key', 100).notNullable(); // forms/ registry key
    // Snapshot of a user-designed form (专项任务自定义表单): later edits of the form do not change open tasks.
    t.jsonb('form_schema');
    t.jsonb('ui_schema');
    t.string('title', 200).notNullable();
    t.string('biz_type', 50).notNullable(); // 任务类型: visit | patrol | move_in | collection | … (counts by type)
    t.string('biz_id', 100);
    t.jsonb('data').notNullable().defaultTo('{}'); // context shown with the form, prefilled values
    t.integer('assignee_user_id').references('users.id'); // 指定办理人 (direct or delegated)
    t.string('candidate_role', 32); // 候选角色: any holder of this role within candidate_org_path may claim
    t.specificType('candidate_org_path', 'ltree');
    t.specificType('org_path', 'ltree').notNullable(); // the business object's grid / org
    t.string('status', 16).notNullable().defaultTo('open');
    t.integer('claimed_by').references('users.id');
    t.timestamp('claimed_at', { useTz: true });
    t.integer('delegated_by').references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('due_at', { useTz: true });
    t.timestamp('completed_at', { useTz: true });
    t.integer('completed_by').references('users.id');
    t.jsonb('result');
    t.string('close_reason', 200);
    t.string('idempotency_key', 300).notNullable().unique(); // workflowId/runId/activityId: a retried activity creates no second task
  });
  await knex.raw(
    `ALTER TABLE tasks ADD CONSTRAINT tasks_status_chk CHECK (status IN ('open','claimed','completed','cancelled','expired'))`,
  );
  // Every task has someone who can take it: a user, or a role within an org subtree.
  await knex.raw(
    `ALTER TABLE tasks ADD CONSTRAINT tasks_candidate_chk CHECK (assignee_user_id IS NOT NULL OR (candidate_role IS NOT NULL AND candidate_org_path IS NOT NULL))`,
  );
  await knex.raw(`CREATE INDEX tasks_assignee_open ON tasks (assignee_user_id, due_at) WHERE status IN ('open','claimed')`);
  await knex.raw(`CREATE INDEX tasks_claimed_open ON tasks (claimed_by, due_at) WHERE status = 'claimed'`);
  await knex.raw(
    `CREATE INDEX tasks_candidate_gist ON tasks USING gist (candidate_org_path) WHERE status = 'open' AND assignee_user_id IS NULL`,
  );
  await knex.raw('CREATE INDEX tasks_workflow_idx ON tasks (workflow_id)');
  await knex.raw('CREATE INDEX tasks_org_path_gist ON tasks USING gist (org_path)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('tasks');
}
