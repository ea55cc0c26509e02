/**
 * households (G-2): the household picker searches by the start of a 户编号 (`LIKE 'prefix%'`). The
 * unique index on household_no uses the database collation, which serves a prefix LIKE only under
 * the C collation; a text_pattern_ops index serves it under any collation (C.UTF-8, zh_CN …).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX households_household_no_prefix_idx ON households (household_no text_pattern_ops)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS households_household_no_prefix_idx');
}
