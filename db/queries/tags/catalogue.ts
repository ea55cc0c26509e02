/**
 * Reference data of the tag module: permission codes, their grants per role, the catalogue's top
 * categories and the standard computed tags every city starts with (高龄老人, 独居老人 …).
 */
import type { Db } from '../../connection';
import type { Rule } from './rules';
import type { TagTarget } from './targets';

export const TAG_PERMISSIONS = [
  { code: 'tag.read', name: '查看标签与标签查询' },
  { code: 'tag.assign', name: '给包户/管辖对象打手动标签' },
  { code: 'tag.define', name: '定义与维护标签' },
  { code: 'tag.feed', name: '推送条线标签数据' },
];

export const TAG_ROLE_GRANTS: Record<string, string[]> = {
  grid_leader: ['tag.read', 'tag.assign'],
  grid_worker: ['tag.read', 'tag.assign'],
  parttime_worker: ['tag.read'],
  exclusive_worker: ['tag.read', 'tag.assign'],
  community_staff: ['tag.read', 'tag.assign', 'tag.define'],
  street_staff: ['tag.read', 'tag.assign', 'tag.define'],
  district_manager: ['tag.read', 'tag.assign', 'tag.define', 'tag.feed'],
  city_manager: ['tag.read', 'tag.assign', 'tag.define', 'tag.feed'],
  dept_handler: ['tag.read', 'tag.feed'],
  leader: ['tag.read'],
  supervisor: ['tag.read'],
};

export const TAG_CATEGORY_ROOTS = ['人口标签', '户标签', '走访标签', '房屋楼栋标签', '单位标签', '条线标签'];

export interface StandardTag {
  code: string;
  name: string;
  category: string;
  target: TagTarget;
  description: string;
  reminderDays?: number;
  rule: Rule;
}

const LIVING: Rule = { field: 'dynamic_status', op: '=', value: '在册' };

export const STANDARD_TAGS: readonly StandardTag[] = [
  {
    code: 'STD_ELDERLY',
    name: '老年人',
    category: '人口标签',
    target: 'resident',
    description: '年满 60 周岁的在册居民',
    rule: { all: [{ field: 'age', op: '>=', value: 60 }, LIVING] },
  },
  {
    code: 'STD_OLDEST_OLD',
    name: '高龄老人',
    category: '人口标签',
    target: 'resident',
    description: '年满 80 周岁的在册居民',
    reminderDays: 30,
    rule: { all: [{ field: 'age', op: '>=', value: 80 }, LIVING] },
  },
  {
    code: 'STD_ALONE_ELDERLY',
    name: '独居老人',
    category: '人口标签',
    target: 'resident',
    description: '年满 60 周岁且独自居住的在册居民',
    reminderDays: 7,
    rule: { all: [{ field: 'age', op: '>=', value: 60 }, { field: 'lives_alone', op: '=', value: true }, LIVING] },
  },
  {
    code: 'STD_MIGRANT',
    name: '流动人口',
    category: '人口标签',
    target: 'resident',
    description: '人口类型为流动人口的在册居民',
    reminderDays: 90,
    rule: { all: [{ field: 'residence_type', op: '=', value: '流动人口' }, LIVING] },
  },
  {
    code: 'STD_SOLITARY_ELDERLY',
    name: '孤寡老人',
    category: '人口标签',
    target: 'resident',
    description: '年满 60 周岁、独自居住且无配偶（丧偶、未婚、离异）的在册居民',
    reminderDays: 7,
    rule: {
      all: [
        { field: 'age', op: '>=', value: 60 },
        { field: 'lives_alone', op: '=', value: true },
        { field: 'marital_status', op: 'in', value: ['丧偶', '未婚', '离异'] },
        LIVING,
      ],
    },
  },
  {
    code: 'STD_DISABLED',
    name: '残疾人',
    category: '人口标签',
    target: 'resident',
    description: '健康状况为残疾的在册居民',
    reminderDays: 30,
    rule: { all: [{ field: 'health_status', op: '=', value: '残疾' }, LIVING] },
  },
  {
    code: 'STD_PARTY_MEMBER',
    name: '党员',
    category: '人口标签',
    target: 'resident',
    description: '政治面貌为中共党员',
    rule: { all: [{ field: 'political_status', op: '=', value: '中共党员' }, LIVING] },
  },
  {
    code: 'STD_SEPARATED',
    name: '人户分离',
    category: '人口标签',
    target: 'resident',
    description: '人在户不在或户在人不在',
    rule: { field: 'registration_status', op: 'in', value: ['人在户不在', '户在人不在'] },
  },
  {
    code: 'STD_BIG_HOUSEHOLD',
    name: '多人户',
    category: '户标签',
    target: 'household',
    description: '户内 5 人及以上',
    rule: { field: 'member_count', op: '>=', value: 5 },
  },
  {
    code: 'STD_ABOVE_SCALE',
    name: '规上企业',
    category: '单位标签',
    target: 'enterprise',
    description: '规模以上企业',
    rule: { field: 'above_scale', op: '=', value: true },
  },
];

/**
 * Standard manual tags (G-2): the 走访标签 a 居民户 carries for its visit interval (提醒周期 = days
 * between visits) and common 户标签 grid workers set on the households they cover.
 */
export const STANDARD_MANUAL_TAGS: readonly Omit<StandardTag, 'rule'>[] = [
  { code: 'STD_VISIT_KEY', name: '重点走访户', category: '走访标签', target: 'visit', description: '每月至少走访一次', reminderDays: 30 },
  { code: 'STD_VISIT_CARE', name: '关爱走访户', category: '走访标签', target: 'visit', description: '每两个月走访一次', reminderDays: 60 },
  { code: 'STD_VISIT_NORMAL', name: '常规走访户', category: '走访标签', target: 'visit', description: '每季度走访一次', reminderDays: 90 },
  { code: 'STD_HH_HARDSHIP', name: '困难户', category: '户标签', target: 'household', description: '经济困难、需帮扶的家庭' },
  { code: 'STD_HH_RENTED', name: '出租户', category: '户标签', target: 'household', description: '房屋出租，居住者为租户' },
];

/** Inserts the standard computed and manual tags at the city unit when missing (idempotent by code). */
export async function ensureStandardTags(db: Db): Promise<number> {
  const city = (await db('org_units').where({ type: 'city' }).orderBy('id').select('id', db.raw('path::text AS path')).first()) as
    | { id: number; path: string }
    | undefined;
  if (!city) return 0;
  const cats = new Map(
    ((await db('tag_categories').whereNull('parent_id').select('id', 'name')) as { id: number; name: string }[]).map((c) => [c.name, c.id]),
  );
  const rows = STANDARD_TAGS.map((t) => ({
    code: t.code,
    name: t.name,
    description: t.description,
    definition: t.description,
    category_id: cats.get(t.category) ?? null,
    target: t.target,
    level: 'city',
    kind: 'computed',
    tag_type: '基础标签',
    reminder_days: t.reminderDays ?? null,
    defining_org_id: city.id,
    org_path: city.path,
    rule: JSON.stringify(t.rule),
  }));
  const manual = STANDARD_MANUAL_TAGS.map((t) => ({
    code: t.code,
    name: t.name,
    description: t.description,
    definition: t.description,
    category_id: cats.get(t.category) ?? null,
    target: t.target,
    level: 'city',
    kind: 'manual',
    tag_type: '基础标签',
    reminder_days: t.reminderDays ?? null,
    defining_org_id: city.id,
    org_path: city.path,
  }));
  const inserted = await db('tag_definitions')
    .insert([...rows, ...manual])
    .onConflict('code')
    .ignore()
    .returning('id');
  return inserted.length;
}

/** 职能部门 a line tag can belong to (T-5): every active department unit, in catalogue order (reference data, not scoped). */
export async function listDepartments(db: Db): Promise<{ id: number; name: string }[]> {
  return (await db('org_units').where({ type: 'department', active: true }).orderBy(['sort', 'id']).select('id', 'name')) as {
    id: number;
    name: string;
  }[];
}
