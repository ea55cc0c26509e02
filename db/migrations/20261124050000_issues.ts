/**
 * Fengqiao issue handling (Q-1..Q-6): issues, their step timeline, the five-party responsibility
 * list, supervision documents (督办单), and the admin overrides of the working-day calendar.
 * Owner modules: db/queries/issues.ts (issues, issue_steps, issue_documents),
 * db/queries/responsibility.ts (issue_categories), db/queries/calendar.ts (calendar_overrides).
 * The workflow (workflows/issue.ts) is the source of truth for an open issue's state; these rows
 * are its projection, written by activities, read by lists and reports.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // 五方责任清单: category tree → responsible parties and the default department to dispatch to.
  await knex.schema.createTable('issue_categories', (t) => {
    t.string('code', 32).primary();
    t.string('name', 100).notNullable();
    t.string('parent_code', 32).references('issue_categories.code');
    t.integer('level').notNullable().defaultTo(1);
    t.string('complexity', 16).notNullable().defaultTo('general'); // general | complex
    t.jsonb('parties').notNullable().defaultTo('[]'); // [{ party: 主责部门|配合部门|属地|…, orgId, name }]
    t.boolean('active').notNullable().defaultTo(true);
  });

  await knex.schema.createTable('issues', (t) => {
    t.bigIncrements('id').primary();
    t.string('issue_no', 32).notNullable().unique(); // workflow id = issue-<issue_no>
    t.string('title', 200).notNullable();
    t.text('description');
    t.string('source', 16).notNullable(); // grid | resident | lead
    t.string('category_code', 32).references('issue_categories.code');
    t.string('complexity', 16).notNullable().defaultTo('general');
    t.integer('grid_id').notNullable().references('org_units.id');
    t.specificType('org_path', 'ltree').notNullable(); // the grid's path: scope of every read
    t.string('address', 200);
    t.integer('reporter_user_id').references('users.id');
    t.integer('resident_user_id').references('users.id');
    t.binary('contact_phone_enc');
    t.jsonb('attachments').notNullable().defaultTo('[]');
    t.string('step', 16).notNullable(); // see workflows/issue-messages.ts IssueStep
    t.integer('holder_org_id').references('org_units.id');
    t.timestamp('handling_deadline', { useTz: true });
    t.integer('extension_working_days').notNullable().defaultTo(0);
    t.integer('supervision_level').notNullable().defaultTo(0);
    t.integer('return_count').notNullable().defaultTo(0);
    t.jsonb('marks').notNullable().defaultTo('[]');
    t.jsonb('dispatches').notNullable().defaultTo('[]');
    t.smallint('internal_rating');
    t.smallint('external_rating');
    t.boolean('blocked').notNullable().defaultTo(false); // 无责任单位
    t.boolean('legacy').notNullable().defaultTo(false); // 遗留问题: accepted, cannot yet be done
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('closed_at', { useTz: true });
  });
  await knex.raw('ALTER TABLE issues ADD COLUMN location geometry(Point, 4326)');
  await knex.raw(`ALTER TABLE issues ADD CONSTRAINT issues_source_chk CHECK (source IN ('grid','resident','lead'))`);
  await knex.raw('CREATE INDEX issues_org_path_gist ON issues USING gist (org_path)');
  await knex.raw('CREATE INDEX issues_step_created_idx ON issues (step, created_at DESC)');
  await knex.raw(`CREATE INDEX issues_open_deadline_idx ON issues (handling_deadline) WHERE step NOT IN ('archived','invalid')`);
  await knex.raw('CREATE INDEX issues_location_gist ON issues USING gist (location)');

  // 处置记录: every step with who, when, what, attachments — the issue page's timeline.
  await knex.schema.createTable('issue_steps', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('issue_id').notNullable().references('issues.id').onDelete('CASCADE');
    t.string('idempotency_key', 200).notNullable().unique(); // a retried activity writes one row
    t.string('step', 16).notNullable();
    t.string('action', 32).notNullable();
    t.integer('actor_user_id');
    t.string('actor_name', 50);
    t.jsonb('detail').notNullable().defaultTo('{}');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE INDEX issue_steps_issue_idx ON issue_steps (issue_id, id)');

  // 督办单 and other generated documents.
  await knex.schema.createTable('issue_documents', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('issue_id').notNullable().references('issues.id').onDelete('CASCADE');
    t.string('idempotency_key', 200).notNullable().unique();
    t.string('kind', 32).notNullable(); // supervision_order
    t.string('file_name', 200).notNullable();
    t.string('mime', 100).notNullable();
    t.binary('content').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // 工作日调整: admin overrides of the statutory calendar (a new State Council notice, a local day off).
  await knex.schema.createTable('calendar_overrides', (t) => {
    t.date('date').primary();
    t.boolean('is_workday').notNullable();
    t.string('note', 200);
    t.integer('updated_by').references('users.id');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['calendar_overrides', 'issue_documents', 'issue_steps', 'issues', 'issue_categories'])
    await knex.schema.dropTableIfExists(t);
}
