/** 五方责任清单: the category tree and dispatch suggestions. Owner of issue_categories. */
import type { Db } from '../connection';
import { DEPARTMENT_KEYWORDS } from '../reference/issue-categories';

export interface CategoryParty {
  party: string;
  dept?: string;
}

export interface CategoryNode {
  code: string;
  name: string;
  parentCode: string | null;
  level: number;
  complexity: 'general' | 'complex';
  parties: CategoryParty[];
  active: boolean;
  children: CategoryNode[];
}

export async function categoryTree(db: Db): Promise<CategoryNode[]> {
  const rows = await db('issue_categories').select('*').orderBy(['level', 'code']);
  const byCode = new Map<string, CategoryNode>();
  const roots: CategoryNode[] = [];
  for (const r of rows) {
    const node: CategoryNode = {
      code: r.code,
      name: r.name,
      parentCode: r.parent_code,
      level: r.level,
      complexity: r.complexity,
      parties: r.parties,
      active: r.active,
      children: [],
    };
    byCode.set(node.code, node);
    const parent = r.parent_code ? byCode.get(r.parent_code) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

export async function findCategory(db: Db, code: string): Promise<CategoryNode | undefined> {
  const r = await db('issue_categories').where({ code }).first();
  return r
    ? {
        code: r.code,
        name: r.name,
        parentCode: r.parent_code,
        level: r.level,
        complexity: r.complexity,
        parties: r.parties,
        active: r.active,
        children: [],
      }
    : undefined;
}

export async function upsertCategory(
  db: Db,
  c: {
    code: string;
    name: string;
    parentCode?: string | null;
    complexity: 'general' | 'complex';
    parties: CategoryParty[];
    active?: boolean;
  },
): Promise<void> {
  const parent = c.parentCode ? await db('issue_categories').select('level').where({ code: c.parentCode }).first() : undefined;
  const row = {
    code: c.code,
    name: c.name,
    parent_code: c.parentCode ?? null,
    level: parent ? parent.level + 1 : 1,
    complexity: c.complexity,
    parties: JSON.stringify(c.parties),
    active: c.active ?? true,
  };
  await db('issue_categories').insert(row).onConflict('code').merge();
}

export interface DispatchSuggestion {
  category: { code: string; name: string; complexity: string } | null;
  /** Departments for the 主责/配合 parties, nearest first (the district, then the city). */
  departments: { orgId: number; name: string; party: string; path: string }[];
  /** True when the category names no responsible department: a 无责任单位 (blocked) issue. */
  blocked: boolean;
}

/** 派单建议: the departments the responsibility list names for a category, within the district. */
export async function suggestDispatch(db: Db, categoryCode: string | undefined, districtPath: string): Promise<DispatchSuggestion> {
  const cat = categoryCode ? await findCategory(db, categoryCode) : undefined;
  if (!cat) return { category: null, departments: [], blocked: false };
  const parties = cat.parties.filter((p) => p.dept);
  const departments: DispatchSuggestion['departments'] = [];
  for (const p of parties) {
    // Departments of the district first; a city department when the district has none.
    const found = await db('org_units')
      .select('id', 'name', 'path')
      .where({ type: 'department', active: true })
      .where((w) => {
        for (const k of DEPARTMENT_KEYWORDS[p.dept ?? ''] ?? [p.dept ?? '']) w.orWhereILike('name', `%${k}%`);
      })
      .whereRaw(`(path <@ ?::ltree OR nlevel(path) <= 2)`, [districtPath])
      .orderByRaw('nlevel(path) DESC, id')
      .first();
    if (found && !departments.some((d) => d.orgId === found.id))
      departments.push({ orgId: found.id, name: found.name, party: p.party, path: found.path });
  }
  return { category: { code: cat.code, name: cat.name, complexity: cat.complexity }, departments, blocked: parties.length === 0 };
}
