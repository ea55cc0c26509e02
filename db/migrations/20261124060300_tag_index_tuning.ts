/**
 * Index tuning after measuring bench/tags.ts on the city dataset:
 * - element_tags: the primary key carries org_path (INCLUDE), so a search operand over a large
 *   scope is an index-only scan in element_id order (merge semi/anti joins, no heap visits); the
 *   GiST on org_path was never chosen (the btree scope index serves narrow scopes) and only slowed
 *   the whole-city recomputation.
 * - tag_log: btree (org_path, id) instead of GiST — scoped log pages use the path range that
 *   scopeAndNarrow adds, and btree inserts are far cheaper for the recomputation's log rows.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE element_tags DROP CONSTRAINT element_tags_pkey');
  await knex.raw(
    'ALTER TABLE element_tags ADD CONSTRAINT element_tags_pkey PRIMARY KEY (tag_id, element_type, element_id) INCLUDE (org_path)',
  );
  await knex.raw('DROP INDEX IF EXISTS element_tags_org_path_gist');
  await knex.raw('DROP INDEX IF EXISTS tag_log_org_path_gist');
  await knex.raw('CREATE INDEX tag_log_org_path_idx ON tag_log (org_path, id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS tag_log_org_path_idx');
  await knex.raw('CREATE INDEX tag_log_org_path_gist ON tag_log USING gist (org_path)');
  await knex.raw('CREATE INDEX element_tags_org_path_gist ON element_tags USING gist (org_path)');
  await knex.raw('ALTER TABLE element_tags DROP CONSTRAINT element_tags_pkey');
  await knex.raw('ALTER TABLE element_tags ADD CONSTRAINT element_tags_pkey PRIMARY KEY (tag_id, element_type, element_id)');
}
