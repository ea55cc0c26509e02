/** Data: the role and permission catalogue of db/reference/roles.ts (requirements "Users and scope"). */
import type { Knex } from 'knex';
import { syncRoleCatalogue } from '../reference/sync';

export async function up(knex: Knex): Promise<void> {
  await syncRoleCatalogue(knex);
}

export async function down(knex: Knex): Promise<void> {
  await knex('role_permissions').delete();
  await knex('roles').delete();
  await knex('permissions').delete();
}
