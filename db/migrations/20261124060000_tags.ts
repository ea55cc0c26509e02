/**
 * Tags (标签化管理, T-1..T-7): catalogue tree, definitions, the element ↔ tag storage the search
 * runs on, the tag log, line-tag feed runs, and the change queue that drives "on element change"
 * recomputation of computed tags. Owner modules: db/queries/tags/*.
 *
 * Storage choice (measured by bench/tags.ts): one row per (tag, element) in `element_tags` with
 * the element's org path copied in. A combined search is set algebra over a few index ranges
 * `(tag_id, element_type, org_path, element_id)` — every operand is a btree range scan bounded by
 * tag and scope, so cost follows the size of the tag within the scope, not the size of the city.
 * (int[] arrays on every element table with GIN were the alternative; they need one GIN per
 * element table, cannot bound by scope and tag in one index, and rewrite the element row on every
 * tag change.)
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // 标签目录: a tree of categories (the catalogue tree of T-6).
  await knex.schema.createTable('tag_categories', (t) => {
    t.increments('id').primary();
    t.integer('parent_id').references('tag_categories.id');
    t.string('name', 50).notNullable();
    t.integer('sort').notNullable().defaultTo(0);
    t.unique(['parent_id', 'name']);
  });

  // 标签定义 (T-1). `org_path` is the defining unit's path: the tag applies to and is visible in
  // that unit's jurisdiction (T-2).
  await knex.schema.createTable('tag_definitions', (t) => {
    t.increments('id').primary();
    t.string('code', 40).notNullable().unique();
    t.string('name', 50).notNullable();
    t.string('description', 500);
    t.string('definition', 500); // 标签定义 (the standard's wording of what the tag means)
    t.integer('category_id').references('tag_categories.id');
    // resident 人 | household 户 | visit 走访 | building 楼栋 | merchant | enterprise | institution | facility
    t.string('target', 16).notNullable();
    t.string('level', 16).notNullable(); // city district street community grid (the defining unit's level)
    t.string('kind', 16).notNullable(); // manual 手动 | computed 计算 | line 条线
    t.string('tag_type', 32); // 标签类型 as users name it: 基础标签 走访标签 重点人群 …
    t.integer('reminder_days'); // 提醒周期（天）
    t.integer('defining_org_id').notNullable().references('org_units.id');
    t.specificType('org_path', 'ltree').notNullable();
    t.integer('department_id').references('org_units.id'); // line tags: the owning department
    t.jsonb('rule'); // computed tags: the rule (db/queries/tags/rules.ts)
    t.string('feed_url', 500); // line tags: where an API pull fetches the department's list
    t.string('color', 16);
    t.boolean('active').notNullable().defaultTo(true);
    t.date('effective_from');
    t.date('effective_to');
    t.timestamp('defined_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('defined_by');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE tag_definitions ADD CONSTRAINT tag_kind_chk CHECK (kind IN ('manual','computed','line'))`);
  await knex.raw(`ALTER TABLE tag_definitions ADD CONSTRAINT tag_target_chk
    CHECK (target IN ('resident','household','visit','building','merchant','enterprise','institution','facility'))`);
  await knex.raw(
    `ALTER TABLE tag_definitions ADD CONSTRAINT tag_level_chk CHECK (level IN ('city','district','street','community','grid'))`,
  );
  await knex.raw(`ALTER TABLE tag_definitions ADD CONSTRAINT tag_rule_chk CHECK (kind <> 'computed' OR rule IS NOT NULL)`);
  await knex.raw('CREATE INDEX tag_definitions_org_path_gist ON tag_definitions USING gist (org_path)');
  await knex.raw('CREATE INDEX tag_definitions_category_idx ON tag_definitions (category_id)');

  // 要素标签: one row per tagged element.
  await knex.schema.createTable('element_tags', (t) => {
    t.integer('tag_id').notNullable().references('tag_definitions.id').onDelete('CASCADE');
    t.string('element_type', 16).notNullable();
    t.integer('element_id').notNullable();
    t.specificType('org_path', 'ltree').notNullable(); // the element's path (scope)
    t.string('source', 8).notNullable(); // manual | auto | line
    t.timestamp('tagged_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('tagged_by');
    t.primary(['tag_id', 'element_type', 'element_id']);
  });
  // Scoped operand of a search: tag + type + scope range, element ids read from the index.
  await knex.raw('CREATE INDEX element_tags_scope_idx ON element_tags (tag_id, element_type, org_path, element_id)');
  await knex.raw('CREATE INDEX element_tags_element_idx ON element_tags (element_type, element_id)');
  await knex.raw('CREATE INDEX element_tags_org_path_gist ON element_tags USING gist (org_path)');

  // 标签日志 (T-7): append-only history of every change.
  await knex.schema.createTable('tag_log', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('tag_id').notNullable();
    t.string('tag_name', 50).notNullable();
    t.string('element_type', 16).notNullable();
    t.integer('element_id').notNullable();
    t.specificType('org_path', 'ltree').notNullable();
    t.string('update_type', 8).notNullable(); // manual 手动 | auto 自动计算 | line 条线推送
    t.string('action', 8).notNullable(); // add | remove
    t.boolean('before').notNullable(); // tagged before the change
    t.boolean('after').notNullable(); // tagged after the change
    t.integer('operator_id');
    t.string('operator_name', 50);
    t.string('note', 200);
  });
  await knex.raw('CREATE INDEX tag_log_at_idx ON tag_log (at)');
  await knex.raw('CREATE INDEX tag_log_element_idx ON tag_log (element_type, element_id, at)');
  await knex.raw('CREATE INDEX tag_log_org_path_gist ON tag_log USING gist (org_path)');

  // 条线标签推送记录 (T-5)
  await knex.schema.createTable('tag_feed_runs', (t) => {
    t.increments('id').primary();
    t.integer('tag_id').notNullable().references('tag_definitions.id').onDelete('CASCADE');
    t.string('mode', 16).notNullable(); // overwrite 覆盖 | incremental 增量
    t.string('source', 16).notNullable(); // table 表格导入 | api 接口推送 | pull 接口拉取
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('operator_id');
    t.integer('received').notNullable();
    t.integer('added').notNullable();
    t.integer('removed').notNullable();
    t.integer('unmatched').notNullable();
    t.jsonb('errors').notNullable().defaultTo('[]');
  });

  // Elements changed since the last recomputation (filled by statement triggers, drained by
  // activities/tags: recomputeChanged). Set-based: one INSERT … SELECT per changed statement.
  await knex.schema.createTable('tag_recompute_queue', (t) => {
    t.string('element_type', 16).notNullable();
    t.integer('element_id').notNullable();
    t.timestamp('queued_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['element_type', 'element_id']);
  });
  const watched: [string, string][] = [
    ['residents', 'resident'],
    ['households', 'household'],
    ['buildings', 'building'],
    ['merchants', 'merchant'],
    ['enterprises', 'enterprise'],
    ['institutions', 'institution'],
    ['public_facilities', 'facility'],
  ];
  for (const [table, type] of watched) {
    await knex.raw(`
      CREATE FUNCTION tag_queue_${table}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO tag_recompute_queue (element_type, element_id)
          SELECT '${type}', id FROM changed_rows
          ON CONFLICT (element_type, element_id) DO NOTHING;
        RETURN NULL;
      END $$`);
    await knex.raw(`CREATE TRIGGER tag_queue_ins AFTER INSERT ON ${table} REFERENCING NEW TABLE AS changed_rows
      FOR EACH STATEMENT EXECUTE FUNCTION tag_queue_${table}()`);
    await knex.raw(`CREATE TRIGGER tag_queue_upd AFTER UPDATE ON ${table} REFERENCING NEW TABLE AS changed_rows
      FOR EACH STATEMENT EXECUTE FUNCTION tag_queue_${table}()`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['residents', 'households', 'buildings', 'merchants', 'enterprises', 'institutions', 'public_facilities']) {
    await knex.raw(`DROP TRIGGER IF EXISTS tag_queue_ins ON ${table}`);
    await knex.raw(`DROP TRIGGER IF EXISTS tag_queue_upd ON ${table}`);
    await knex.raw(`DROP FUNCTION IF EXISTS tag_queue_${table}()`);
  }
  for (const t of ['tag_recompute_queue', 'tag_feed_runs', 'tag_log', 'element_tags', 'tag_definitions', 'tag_categories']) {
    await knex.schema.dropTableIfExists(t);
  }
}
