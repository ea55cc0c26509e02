/**
 * Data: the console's permissions (db/reference/roles.ts): `workflow.read` (流程监控: list and
 * detail) for supervising roles, `workflow.admin` (取消、终止、发送信号、重试失败活动) for the
 * system administrator only. Written through the catalogue sync, as roles.ts asks.
 */
import type { Knex } from 'knex';
import { syncRoleCatalogue } from '../reference/sync';

export async function up(knex: Knex): Promise<void> {
  await syncRoleCatalogue(knex);
}

export async function down(knex: Knex): Promise<void> {
  await knex('role_permissions').whereIn('permission_code', ['workflow.read', 'workflow.admin']).delete();
  await knex('permissions').whereIn('code', ['workflow.read', 'workflow.admin']).delete();
}
