/** Issue numbers Q<yyyymmdd><6 digits>: a sequence, so concurrent reports never collide. */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE SEQUENCE issue_no_seq');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP SEQUENCE IF EXISTS issue_no_seq');
}
