/**
 * Data: the tag permissions (T-1..T-7) and their grants, plus the top of the tag catalogue tree.
 * Additive only (rows inserted, nothing else touched), so it composes with the role catalogue of
 * db/reference/roles.ts. Grants: everyone who reads elements reads tags; field workers and staff
 * tag elements; community and above define tags; departments and district/city feed line tags.
 */
import type { Knex } from 'knex';
import { TAG_CATEGORY_ROOTS, TAG_PERMISSIONS, TAG_ROLE_GRANTS } from '../queries/tags/catalogue';

export async function up(knex: Knex): Promise<void> {
  await knex('permissions').insert(TAG_PERMISSIONS).onConflict('code').merge(['name']);
  const roles = new Set((await knex('roles').pluck('code')) as string[]);
  const rows = Object.entries(TAG_ROLE_GRANTS).flatMap(([role, perms]) =>
    roles.has(role) ? perms.map((p) => ({ role_code: role, permission_code: p })) : [],
  );
  if (rows.length) await knex('role_permissions').insert(rows).onConflict(['role_code', 'permission_code']).ignore();
  for (const [i, name] of TAG_CATEGORY_ROOTS.entries()) {
    const exists = await knex('tag_categories').whereNull('parent_id').where({ name }).first();
    if (!exists) await knex('tag_categories').insert({ name, sort: i + 1 });
  }
}

export async function down(knex: Knex): Promise<void> {
  const codes = TAG_PERMISSIONS.map((p) => p.code);
  await knex('role_permissions').whereIn('permission_code', codes).delete();
  await knex('permissions').whereIn('code', codes).delete();
}
