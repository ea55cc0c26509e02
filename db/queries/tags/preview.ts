/**
 * 试算 (T-4): how many elements a computed-tag rule would select, before the tag is saved. Read-only:
 * the same compiled predicate as the recomputation (compute.ts), limited to the actor's read scope
 * and, when given, the tag's defining area.
 */
import type { Db } from '../../connection';
import { type Actor, scoped } from '../../scope';
import { ElementValidationError } from '../elements/common';
import { todayInChina } from './compute';
import { compileRule, RuleError } from './rules';
import { isTaggable, TARGET_NAME_SQL, TARGET_TABLES } from './targets';

export interface RulePreview {
  count: number;
  /** The first matches in path order. */
  sample: { id: number; name: string; gridName: string }[];
}

export async function previewRule(
  db: Db,
  actor: Actor,
  input: { target: string; rule: unknown; orgPath?: string; asOf?: string; sampleSize?: number },
): Promise<RulePreview> {
  if (!isTaggable(input.target))
    throw new ElementValidationError([{ field: 'target', message: '走访标签不能设为计算标签，请选择其他标签对象' }]);
  const type = input.target;
  let rule: ReturnType<typeof compileRule>;
  try {
    rule = compileRule(type, input.rule, input.asOf ?? todayInChina());
  } catch (e) {
    if (e instanceof RuleError) throw new ElementValidationError([{ field: e.path, message: e.message }]);
    throw e;
  }
  const matches = () => {
    const q = db(`${TARGET_TABLES[type]} as e`);
    if (rule.needsHousehold) q.leftJoin('households as h', 'h.id', 'e.household_id');
    scoped(q, actor, 'e.org_path', 'read');
    if (input.orgPath) q.whereRaw('e.org_path <@ ?::ltree', [input.orgPath]);
    return q.whereRaw(rule.sql, rule.bindings);
  };
  const [counted, sample] = await Promise.all([
    matches().count<{ n: string }[]>({ n: '*' }),
    matches()
      .join('org_units as g', 'g.id', 'e.grid_id')
      .select('e.id', db.raw(`${TARGET_NAME_SQL[type]} AS name`), 'g.name as gridName')
      .orderBy([{ column: 'e.org_path' }, { column: 'e.id' }])
      .limit(input.sampleSize ?? 10),
  ]);
  return { count: Number(counted[0]?.n ?? 0), sample: sample as RulePreview['sample'] };
}
