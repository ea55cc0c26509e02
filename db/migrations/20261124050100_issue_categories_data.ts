/** Data: the default five-party responsibility list (db/reference/issue-categories.ts). */
import type { Knex } from 'knex';
import { type CategorySeed, DEFAULT_ISSUE_CATEGORIES } from '../reference/issue-categories';

function rows(list: CategorySeed[], parent: string | null, level: number): Record<string, unknown>[] {
  return list.flatMap((c) => [
    {
      code: c.code,
      name: c.name,
      parent_code: parent,
      level,
      complexity: c.complexity ?? 'general',
      parties: JSON.stringify(c.parties ?? []),
    },
    ...rows(c.children ?? [], c.code, level + 1),
  ]);
}

export async function up(knex: Knex): Promise<void> {
  await knex('issue_categories').insert(rows(DEFAULT_ISSUE_CATEGORIES, null, 1));
}

export async function down(knex: Knex): Promise<void> {
  await knex('issue_categories').del();
}
