/**
 * Computed-tag rules (计算标签规则, T-4) compiled into SQL: rules are data (JSON in
 * `tag_definitions.rule`), compiled here into one SQL predicate over the element table so a tag is
 * evaluated for the whole city in one set-based statement. The language itself — shape, fields,
 * operators, validation — lives in forms/tags/rule.ts, shared with the rule editor in the browser.
 *
 * Example: 独居老人 = { all: [ { field: 'age', op: '>=', value: 60 }, { field: 'lives_alone', op: '=', value: true },
 * { field: 'dynamic_status', op: '=', value: '在册' } ] }.
 *
 * Each field maps to a fixed SQL expression over alias `e` (and `h`, the resident's household),
 * and values are always bound parameters, so a stored rule can never inject SQL.
 */
import {
  problemText,
  type RULE_FIELDS,
  type Rule,
  type RuleFieldSpec,
  type RuleOp,
  type RuleTarget,
  type RuleValue,
  ruleFields,
  validateRule,
} from '../../../forms/tags/rule';
import type { TaggableType } from './targets';

export { describeRule, type Rule, type RuleOp, type RuleValue } from '../../../forms/tags/rule';

interface FieldSql {
  /** SQL expression; `:asOf` stands for the evaluation date (a bound parameter). */
  sql: string;
  /** Needs the resident's household joined as `h`. */
  household?: boolean;
}

const AGE = `date_part('year', age(:asOf::date, e.birth_date))`;

type SqlOf<T extends RuleTarget> = Record<keyof (typeof RULE_FIELDS)[T], FieldSql>;

/** The SQL of every field of the rule language; the `satisfies` keeps it in step with RULE_FIELDS. */
const FIELD_SQL = {
  resident: {
    age: { sql: AGE },
    gender: { sql: 'e.gender' },
    ethnicity: { sql: 'e.ethnicity' },
    residence_type: { sql: 'e.residence_type' },
    registration_status: { sql: 'e.registration_status' },
    political_status: { sql: 'e.political_status' },
    marital_status: { sql: 'e.marital_status' },
    health_status: { sql: 'e.health_status' },
    employment_status: { sql: 'e.employment_status' },
    education: { sql: 'e.education' },
    religion: { sql: 'e.religion' },
    dynamic_status: { sql: 'e.dynamic_status' },
    has_vehicle: { sql: `(jsonb_array_length(e.vehicles) > 0)` },
    household_size: { sql: 'coalesce(h.member_count, 0)', household: true },
    lives_alone: { sql: '(coalesce(h.member_count, 0) = 1)', household: true },
    residence_kind: { sql: 'h.residence_kind', household: true },
  },
  household: {
    member_count: { sql: 'e.member_count' },
    type: { sql: 'e.type' },
    residence_kind: { sql: 'e.residence_kind' },
  },
  building: {
    type: { sql: 'e.type' },
    floors: { sql: 'e.floors' },
    built_year: { sql: 'e.built_year' },
    structure: { sql: 'e.structure' },
  },
  merchant: {
    industry: { sql: 'e.industry' },
    status: { sql: 'e.status' },
    employees: { sql: 'e.employees' },
    area: { sql: 'e.area' },
  },
  enterprise: {
    enterprise_type: { sql: 'e.enterprise_type' },
    industry: { sql: 'e.industry' },
    status: { sql: 'e.status' },
    employees: { sql: 'e.employees' },
    above_scale: { sql: 'e.above_scale' },
    registered_capital: { sql: 'e.registered_capital' },
  },
  institution: {
    category: { sql: 'e.category' },
    co_building: { sql: 'e.co_building' },
    staff_count: { sql: 'e.staff_count' },
  },
  facility: {
    type: { sql: 'e.type' },
    status: { sql: 'e.status' },
    days_since_inspection: { sql: '(:asOf::date - e.last_inspected_on)' },
  },
} satisfies { [T in RuleTarget]: SqlOf<T> };

/** The field catalogue with SQL (label, kind, options from forms/tags/rule.ts). */
export const FIELDS: Record<TaggableType, Record<string, RuleFieldSpec & FieldSql>> = Object.fromEntries(
  Object.entries(FIELD_SQL).map(([t, f]) => [
    t,
    Object.fromEntries(Object.entries(f).map(([k, s]) => [k, { ...ruleFields(t as RuleTarget)[k], ...(s as FieldSql) }])),
  ]),
) as Record<TaggableType, Record<string, RuleFieldSpec & FieldSql>>;

/** A rule the validator refused; `path` locates the problem (`rule.all[1].value`). */
export class RuleError extends Error {
  constructor(
    message: string,
    readonly path = 'rule',
  ) {
    super(message);
  }
}

export interface CompiledRule {
  /** Boolean SQL expression with `?` placeholders. */
  sql: string;
  bindings: (string | number | boolean | string[] | number[])[];
  /** The resident's household must be joined as `h`. */
  needsHousehold: boolean;
}

/** Validates (forms/tags/rule.ts) and compiles a rule for one element type; throws RuleError naming the rule path. */
export function compileRule(target: TaggableType, rule: unknown, asOf: string): CompiledRule {
  const problems = validateRule(target, rule);
  if (problems.length) throw new RuleError(problemText(problems[0]), problems[0].path);
  const fields = FIELDS[target];
  const bindings: CompiledRule['bindings'] = [];
  let needsHousehold = false;

  const fieldSql = (def: FieldSql): string => {
    // `:asOf` occurs at most once per field expression; bind it in order.
    if (def.sql.includes(':asOf')) {
      bindings.push(asOf);
      return def.sql.replace(':asOf', '?');
    }
    return def.sql;
  };

  const walk = (r: Rule): string => {
    if ('all' in r) return `(${r.all.map(walk).join(' AND ')})`;
    if ('any' in r) return `(${r.any.map(walk).join(' OR ')})`;
    if ('not' in r) return `(NOT coalesce(${walk(r.not)}, false))`;
    const def = fields[r.field];
    if (def.household) needsHousehold = true;
    const expr = fieldSql(def);
    const op: RuleOp = r.op;
    if (op === 'in' || op === 'not_in') {
      bindings.push(r.value as string[] | number[]);
      const cast = def.kind === 'number' ? 'numeric[]' : 'text[]';
      return op === 'in' ? `(${expr} = ANY(?::${cast}))` : `(${expr} <> ALL(?::${cast}))`;
    }
    bindings.push(r.value as RuleValue);
    return `(${expr} ${op === '!=' ? '<>' : op} ?)`;
  };

  return { sql: `coalesce(${walk(rule as Rule)}, false)`, bindings, needsHousehold };
}
