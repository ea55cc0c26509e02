/**
 * The computed-tag rule language (计算标签规则, T-4): rules are data (JSON in
 * `tag_definitions.rule`), compiled here into one SQL predicate over the element table so a tag is
 * evaluated for the whole city in one set-based statement.
 *
 *   Rule := { all: Rule[] } | { any: Rule[] } | { not: Rule } | { field, op, value }
 *   op   := '=' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'not_in'
 *
 * Example: 独居老人 = { all: [ { field: 'age', op: '>=', value: 60 }, { field: 'lives_alone', op: '=', value: true },
 * { field: 'dynamic_status', op: '=', value: '在册' } ] }.
 *
 * Only fields listed in FIELDS can appear; each maps to a fixed SQL expression over alias `e`
 * (and `h`, the resident's household), and values are always bound parameters, so a stored rule
 * can never inject SQL.
 */
import type { TaggableType } from './targets';

export type RuleOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'not_in';
export type RuleValue = string | number | boolean;
export type Rule = { all: Rule[] } | { any: Rule[] } | { not: Rule } | { field: string; op: RuleOp; value: RuleValue | RuleValue[] };

type FieldKind = 'number' | 'text' | 'boolean';
interface FieldDef {
  label: string;
  kind: FieldKind;
  /** SQL expression; `:asOf` stands for the evaluation date (a bound parameter). */
  sql: string;
  /** Needs the resident's household joined as `h`. */
  household?: boolean;
  options?: readonly string[];
}

const AGE = `date_part('year', age(:asOf::date, e.birth_date))`;

export const FIELDS: Record<TaggableType, Record<string, FieldDef>> = {
  resident: {
    age: { label: '年龄', kind: 'number', sql: AGE },
    gender: { label: '性别', kind: 'text', sql: 'e.gender', options: ['男', '女'] },
    ethnicity: { label: '民族', kind: 'text', sql: 'e.ethnicity' },
    residence_type: { label: '人口类型', kind: 'text', sql: 'e.residence_type', options: ['户籍人口', '流动人口', '寄住人口', '境外人员'] },
    registration_status: {
      label: '人户状态',
      kind: 'text',
      sql: 'e.registration_status',
      options: ['人户一致', '人在户不在', '户在人不在'],
    },
    political_status: { label: '政治面貌', kind: 'text', sql: 'e.political_status' },
    marital_status: { label: '婚姻状况', kind: 'text', sql: 'e.marital_status' },
    health_status: { label: '健康状况', kind: 'text', sql: 'e.health_status', options: ['健康', '慢性病', '残疾', '重病'] },
    employment_status: { label: '就业状况', kind: 'text', sql: 'e.employment_status' },
    education: { label: '学历', kind: 'text', sql: 'e.education' },
    religion: { label: '宗教信仰', kind: 'text', sql: 'e.religion' },
    dynamic_status: { label: '动态状态', kind: 'text', sql: 'e.dynamic_status', options: ['在册', '迁出', '死亡', '失联'] },
    has_vehicle: { label: '有车辆', kind: 'boolean', sql: `(jsonb_array_length(e.vehicles) > 0)` },
    household_size: { label: '户人数', kind: 'number', sql: 'coalesce(h.member_count, 0)', household: true },
    lives_alone: { label: '独居', kind: 'boolean', sql: '(coalesce(h.member_count, 0) = 1)', household: true },
    residence_kind: { label: '户类别', kind: 'text', sql: 'h.residence_kind', household: true },
  },
  household: {
    member_count: { label: '户人数', kind: 'number', sql: 'e.member_count' },
    type: { label: '户类型', kind: 'text', sql: 'e.type', options: ['家庭户', '集体户'] },
    residence_kind: { label: '户类别', kind: 'text', sql: 'e.residence_kind', options: ['户籍户', '流动户', '人户分离'] },
  },
  building: {
    type: { label: '楼栋类型', kind: 'text', sql: 'e.type' },
    floors: { label: '地上层数', kind: 'number', sql: 'e.floors' },
    built_year: { label: '建成年份', kind: 'number', sql: 'e.built_year' },
    structure: { label: '结构', kind: 'text', sql: 'e.structure' },
  },
  merchant: {
    industry: { label: '所属行业', kind: 'text', sql: 'e.industry' },
    status: { label: '经营状态', kind: 'text', sql: 'e.status' },
    employees: { label: '从业人数', kind: 'number', sql: 'e.employees' },
    area: { label: '面积', kind: 'number', sql: 'e.area' },
  },
  enterprise: {
    enterprise_type: { label: '企业类型', kind: 'text', sql: 'e.enterprise_type' },
    industry: { label: '所属行业', kind: 'text', sql: 'e.industry' },
    status: { label: '经营状态', kind: 'text', sql: 'e.status' },
    employees: { label: '从业人数', kind: 'number', sql: 'e.employees' },
    above_scale: { label: '规上企业', kind: 'boolean', sql: 'e.above_scale' },
    registered_capital: { label: '注册资本（万元）', kind: 'number', sql: 'e.registered_capital' },
  },
  institution: {
    category: { label: '单位类别', kind: 'text', sql: 'e.category' },
    co_building: { label: '共驻共建单位', kind: 'boolean', sql: 'e.co_building' },
    staff_count: { label: '职工人数', kind: 'number', sql: 'e.staff_count' },
  },
  facility: {
    type: { label: '设施类型', kind: 'text', sql: 'e.type' },
    status: { label: '设施状态', kind: 'text', sql: 'e.status' },
    days_since_inspection: { label: '距上次巡检天数', kind: 'number', sql: '(:asOf::date - e.last_inspected_on)' },
  },
};

const OPS: readonly RuleOp[] = ['=', '!=', '>', '>=', '<', '<=', 'in', 'not_in'];
const MAX_DEPTH = 6;
const MAX_NODES = 50;

export class RuleError extends Error {}

export interface CompiledRule {
  /** Boolean SQL expression with `?` placeholders. */
  sql: string;
  bindings: (string | number | boolean | string[] | number[])[];
  /** The resident's household must be joined as `h`. */
  needsHousehold: boolean;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates and compiles a rule for one element type; throws RuleError with a Chinese message. */
export function compileRule(target: TaggableType, rule: unknown, asOf: string): CompiledRule {
  const fields = FIELDS[target];
  const bindings: CompiledRule['bindings'] = [];
  let needsHousehold = false;
  let nodes = 0;

  const fieldSql = (def: FieldDef): string => {
    // `:asOf` occurs at most once per field expression; bind it in order.
    if (def.sql.includes(':asOf')) {
      bindings.push(asOf);
      return def.sql.replace(':asOf', '?');
    }
    return def.sql;
  };

  const walk = (r: unknown, depth: number): string => {
    if (++nodes > MAX_NODES) throw new RuleError(`规则过于复杂（超过 ${MAX_NODES} 个条件），请拆分为多个标签`);
    if (depth > MAX_DEPTH) throw new RuleError(`规则嵌套过深（超过 ${MAX_DEPTH} 层），请简化规则`);
    if (!isObj(r)) throw new RuleError('规则格式不正确：每个条件须是对象');
    if ('all' in r || 'any' in r) {
      const list = (r.all ?? r.any) as unknown;
      if (!Array.isArray(list) || list.length === 0) throw new RuleError('“全部满足/任一满足”至少需要一个条件');
      const parts = list.map((x) => walk(x, depth + 1));
      return `(${parts.join('all' in r ? ' AND ' : ' OR ')})`;
    }
    if ('not' in r) return `(NOT coalesce(${walk(r.not, depth + 1)}, false))`;
    const { field, op, value } = r as { field?: unknown; op?: unknown; value?: unknown };
    if (typeof field !== 'string' || !(field in fields)) {
      throw new RuleError(
        `未知字段“${String(field)}”，可用字段：${Object.entries(fields)
          .map(([k, d]) => `${k}（${d.label}）`)
          .join('、')}`,
      );
    }
    const def = fields[field];
    if (def.household) needsHousehold = true;
    if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
      throw new RuleError(`字段“${def.label}”的比较方式不正确，可用：${OPS.join(' ')}`);
    }
    const checkScalar = (v: unknown): RuleValue => {
      if (def.kind === 'number' && (typeof v !== 'number' || !Number.isFinite(v))) throw new RuleError(`字段“${def.label}”须与数字比较`);
      if (def.kind === 'text' && (typeof v !== 'string' || v.length > 50))
        throw new RuleError(`字段“${def.label}”须与文字比较（50 字以内）`);
      if (def.kind === 'boolean' && typeof v !== 'boolean') throw new RuleError(`字段“${def.label}”须为“是/否”`);
      return v as RuleValue;
    };
    if (op === 'in' || op === 'not_in') {
      if (!Array.isArray(value) || value.length === 0 || value.length > 100)
        throw new RuleError(`字段“${def.label}”的取值列表须有 1 到 100 项`);
      const vals = value.map(checkScalar);
      const expr = fieldSql(def);
      bindings.push(vals as string[] | number[]);
      const cast = def.kind === 'number' ? 'numeric[]' : def.kind === 'boolean' ? 'boolean[]' : 'text[]';
      return op === 'in' ? `(${expr} = ANY(?::${cast}))` : `(${expr} <> ALL(?::${cast}))`;
    }
    if (def.kind === 'boolean' && op !== '=' && op !== '!=') throw new RuleError(`字段“${def.label}”只能用“=”或“!=”比较`);
    if (def.kind === 'text' && !['=', '!='].includes(op)) throw new RuleError(`字段“${def.label}”只能用“=”“!=”“in”“not_in”比较`);
    const v = checkScalar(value);
    const expr = fieldSql(def);
    bindings.push(v);
    return `(${expr} ${op === '!=' ? '<>' : op} ?)`;
  };

  const sql = walk(rule, 0);
  return { sql: `coalesce(${sql}, false)`, bindings, needsHousehold };
}

/** Human-readable Chinese rendering of a rule, for lists and the log. */
export function describeRule(target: TaggableType, rule: Rule): string {
  const fields = FIELDS[target];
  if ('all' in rule) return rule.all.map((r) => describeRule(target, r)).join(' 且 ');
  if ('any' in rule) return `（${rule.any.map((r) => describeRule(target, r)).join(' 或 ')}）`;
  if ('not' in rule) return `非（${describeRule(target, rule.not)}）`;
  const label = fields[rule.field]?.label ?? rule.field;
  const val = Array.isArray(rule.value)
    ? rule.value.join('、')
    : rule.value === true
      ? '是'
      : rule.value === false
        ? '否'
        : String(rule.value);
  const op = { '=': '为', '!=': '不为', '>': '>', '>=': '≥', '<': '<', '<=': '≤', in: '属于', not_in: '不属于' }[rule.op];
  return `${label}${op}${val}`;
}
