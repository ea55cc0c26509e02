/**
 * Indexes for the scoped resident list (measured with `npm run bench:db` on the 500k city):
 * - (org_path, id) INCLUDE (filter and sort columns): a scoped page, its filters and the capped
 *   count are index-only range scans over the area's path range;
 * - (name, id) and (birth_date, id) INCLUDE (org_path): pages sorted by name or birth date over a
 *   street or wider walk these in order and stop after the page (see residents.ts).
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `CREATE INDEX residents_scope_cover ON residents (org_path, id)
     INCLUDE (name, birth_date, gender, ethnicity, residence_type, registration_status, dynamic_status, updated_at)`,
  );
  await knex.raw('CREATE INDEX residents_name_cover ON residents (name, id) INCLUDE (org_path)');
  await knex.raw('CREATE INDEX residents_birth_cover ON residents (birth_date, id) INCLUDE (org_path)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS residents_birth_cover');
  await knex.raw('DROP INDEX IF EXISTS residents_name_cover');
  await knex.raw('DROP INDEX IF EXISTS residents_scope_cover');
}
