/**
 * The computed-tag rule language (计算标签规则, T-4) without SQL: its shape, the fields each target
 * type offers, the operators each field kind allows, and the validator. Pure code shared by the
 * server (db/queries/tags/rules.ts compiles a valid rule into SQL) and the rule editor in the
 * browser, so both refuse the same rules with the same Chinese messages.
 *
 *   Rule := { all: Rule[] } | { any: Rule[] } | { not: Rule } | { field, op, value }
 *   op   := '=' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'not_in'
 */

export type RuleOp = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'not_in';
export type RuleValue = string | number | boolean;
export type RuleCondition = { field: string; op: RuleOp; value: RuleValue | RuleValue[] };
export type Rule = { all: Rule[] } | { any: Rule[] } | { not: Rule } | RuleCondition;

/** Element types a computed tag can target (every tag target but 走访). */
export type RuleTarget = 'resident' | 'household' | 'building' | 'merchant' | 'enterprise' | 'institution' | 'facility';
export type RuleFieldKind = 'number' | 'text' | 'boolean';

export interface RuleFieldSpec {
  label: string;
  kind: RuleFieldKind;
  options?: readonly string[];
}

/** The fields a rule may use, per target type; db/queries/tags/rules.ts maps each to its SQL. */
export const RULE_FIELDS = {
  resident: {
    age: { label: '年龄', kind: 'number' },
    gender: { label: '性别', kind: 'text', options: ['男', '女'] },
    ethnicity: { label: '民族', kind: 'text' },
    residence_type: { label: '人口类型', kind: 'text', options: ['户籍人口', '流动人口', '寄住人口', '境外人员'] },
    registration_status: { label: '人户状态', kind: 'text', options: ['人户一致', '人在户不在', '户在人不在'] },
    political_status: { label: '政治面貌', kind: 'text' },
    marital_status: { label: '婚姻状况', kind: 'text' },
    health_status: { label: '健康状况', kind: 'text', options: ['健康', '慢性病', '残疾', '重病'] },
    employment_status: { label: '就业状况', kind: 'text' },
    education: { label: '学历', kind: 'text' },
    religion: { label: '宗教信仰', kind: 'text' },
    dynamic_status: { label: '动态状态', kind: 'text', options: ['在册', '迁出', '死亡', '失联'] },
    has_vehicle: { label: '有车辆', kind: 'boolean' },
    household_size: { label: '户人数', kind: 'number' },
    lives_alone: { label: '独居', kind: 'boolean' },
    residence_kind: { label: '户类别', kind: 'text' },
  },
  household: {
    member_count: { label: '户人数', kind: 'number' },
    type: { label: '户类型', kind: 'text', options: ['家庭户', '集体户'] },
    residence_kind: { label: '户类别', kind: 'text', options: ['户籍户', '流动户', '人户分离'] },
  },
  building: {
    type: { label: '楼栋类型', kind: 'text' },
    floors: { label: '地上层数', kind: 'number' },
    built_year: { label: '建成年份', kind: 'number' },
    structure: { label: '结构', kind: 'text' },
  },
  merchant: {
    industry: { label: '所属行业', kind: 'text' },
    status: { label: '经营状态', kind: 'text' },
    employees: { label: '从业人数', kind: 'number' },
    area: { label: '面积', kind: 'number' },
  },
  enterprise: {
    enterprise_type: { label: '企业类型', kind: 'text' },
    industry: { label: '所属行业', kind: 'text' },
    status: { label: '经营状态', kind: 'text' },
    employees: { label: '从业人数', kind: 'number' },
    above_scale: { label: '规上企业', kind: 'boolean' },
    registered_capital: { label: '注册资本（万元）', kind: 'number' },
  },
  institution: {
    category: { label: '单位类别', kind: 'text' },
    co_building: { label: '共驻共建单位', kind: 'boolean' },
    staff_count: { label: '职工人数', kind: 'number' },
  },
  facility: {
    type: { label: '设施类型', kind: 'text' },
    status: { label: '设施状态', kind: 'text' },
    days_since_inspection: { label: '距上次巡检天数', kind: 'number' },
  },
} as const satisfies Record<RuleTarget, Record<string, RuleFieldSpec>>;

export const RULE_OPS: readonly RuleOp[] = ['=', '!=', '>', '>=', '<', '<=', 'in', 'not_in'];
export const OP_LABELS: Record<RuleOp, string> = {
  '=': '等于',
  '!=': '不等于',
  '>': '大于',
  '>=': '大于等于',
  '<': '小于',
  '<=': '小于等于',
  in: '属于其中之一',
  not_in: '不属于其中任何一个',
};

/** Operators a field kind allows. */
export function opsFor(kind: RuleFieldKind): readonly RuleOp[] {
  if (kind === 'number') return RULE_OPS;
  if (kind === 'boolean') return ['=', '!='];
  return ['=', '!=', 'in', 'not_in'];
}

export const MAX_RULE_DEPTH = 6;
export const MAX_RULE_NODES = 50;

export function isRuleTarget(t: string): t is RuleTarget {
  return Object.hasOwn(RULE_FIELDS, t);
}

export function ruleFields(target: RuleTarget): Record<string, RuleFieldSpec> {
  return RULE_FIELDS[target] as Record<string, RuleFieldSpec>;
}

/** One problem of a rule: where (a JSON path such as `rule.all[1].value`) and what, in Chinese. */
export interface RuleProblem {
  path: string;
  message: string;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Every problem of a rule for one target type, in document order; empty when the rule is valid.
 * Paths start at `rule` (the definition's field).
 */
export function validateRule(target: RuleTarget, rule: unknown): RuleProblem[] {
  const fields = ruleFields(target);
  const problems: RuleProblem[] = [];
  let nodes = 0;
  const add = (path: string, message: string): void => {
    problems.push({ path, message });
  };

  const walk = (r: unknown, depth: number, path: string): void => {
    if (++nodes > MAX_RULE_NODES) {
      if (nodes === MAX_RULE_NODES + 1) add(path, `规则过于复杂（超过 ${MAX_RULE_NODES} 个条件），请拆分为多个标签`);
      return;
    }
    if (depth > MAX_RULE_DEPTH) {
      add(path, `规则嵌套过深（超过 ${MAX_RULE_DEPTH} 层），请简化规则`);
      return;
    }
    if (!isObj(r)) {
      add(path, '规则格式不正确：每个条件须是对象');
      return;
    }
    if ('all' in r || 'any' in r) {
      const key = 'all' in r ? 'all' : 'any';
      const list = r[key];
      if (!Array.isArray(list) || list.length === 0) {
        add(`${path}.${key}`, '“全部满足/任一满足”至少需要一个条件');
        return;
      }
      for (const [i, x] of list.entries()) walk(x, depth + 1, `${path}.${key}[${i}]`);
      return;
    }
    if ('not' in r) {
      walk(r.not, depth + 1, `${path}.not`);
      return;
    }
    const { field, op, value } = r as { field?: unknown; op?: unknown; value?: unknown };
    if (typeof field !== 'string' || !Object.hasOwn(fields, field)) {
      add(
        `${path}.field`,
        `未知字段“${String(field ?? '')}”，可用字段：${Object.entries(fields)
          .map(([k, d]) => `${k}（${d.label}）`)
          .join('、')}`,
      );
      return;
    }
    const def = fields[field];
    if (typeof op !== 'string' || !(RULE_OPS as readonly string[]).includes(op)) {
      add(`${path}.op`, `字段“${def.label}”的比较方式不正确，可用：${RULE_OPS.join(' ')}`);
      return;
    }
    const scalarProblem = (v: unknown): string | null => {
      if (def.kind === 'number' && (typeof v !== 'number' || !Number.isFinite(v))) return `字段“${def.label}”须与数字比较`;
      if (def.kind === 'text' && (typeof v !== 'string' || v.length === 0 || v.length > 50))
        return `字段“${def.label}”须与文字比较（1～50 字）`;
      if (def.kind === 'boolean' && typeof v !== 'boolean') return `字段“${def.label}”须为“是/否”`;
      return null;
    };
    if (op === 'in' || op === 'not_in') {
      if (def.kind === 'boolean') {
        add(`${path}.op`, `字段“${def.label}”只能用“=”或“!=”比较`);
        return;
      }
      if (!Array.isArray(value) || value.length === 0 || value.length > 100) {
        add(`${path}.value`, `字段“${def.label}”的取值列表须有 1 到 100 项`);
        return;
      }
      value.forEach((v, i) => {
        const p = scalarProblem(v);
        if (p) add(`${path}.value[${i}]`, p);
      });
      return;
    }
    if (def.kind === 'boolean' && op !== '=' && op !== '!=') {
      add(`${path}.op`, `字段“${def.label}”只能用“=”或“!=”比较`);
      return;
    }
    if (def.kind === 'text' && op !== '=' && op !== '!=') {
      add(`${path}.op`, `字段“${def.label}”只能用“=”“!=”“in”“not_in”比较`);
      return;
    }
    const p = scalarProblem(value);
    if (p) add(`${path}.value`, p);
  };

  walk(rule, 0, 'rule');
  return problems;
}

/** A problem as one line: `计算规则 rule.all[1].value：…`. */
export function problemText(p: RuleProblem): string {
  return `计算规则 ${p.path}：${p.message}`;
}

/** Human-readable Chinese rendering of a (valid) rule, for lists and the log. */
export function describeRule(target: RuleTarget, rule: Rule): string {
  const fields = ruleFields(target);
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
