/**
 * Writes the role/permission catalogue of db/reference/roles.ts into the database (idempotent).
 * It prunes only grants of permissions this catalogue lists: permissions other modules add in
 * their own data migrations (tags, …) are left alone.
 */
import type { Knex } from 'knex';
import { PERMISSIONS, ROLES } from './roles';

export async function syncRoleCatalogue(knex: Knex): Promise<void> {
  await knex('permissions')
    .insert(PERMISSIONS.map((p) => ({ code: p.code, name: p.name })))
    .onConflict('code')
    .merge(['name']);
  await knex('roles')
    .insert(ROLES.map((r) => ({ code: r.code, name: r.name, description: r.description, duty_group: r.dutyGroup })))
    .onConflict('code')
    .merge(['name', 'description', 'duty_group']);
  for (const role of ROLES) {
    await knex('role_permissions')
      .where({ role_code: role.code })
      .whereIn(
        'permission_code',
        PERMISSIONS.map((p) => p.code),
      )
      .whereNotIn('permission_code', role.permissions)
      .delete();
    await knex('role_permissions')
      .insert(role.permissions.map((p) => ({ role_code: role.code, permission_code: p })))
      .onConflict(['role_code', 'permission_code'])
      .ignore();
  }
}
