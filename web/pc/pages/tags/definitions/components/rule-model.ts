/**
 * The rule editor's view of a computed-tag rule (T-4): the rule JSON itself, in a normal form the
 * editor draws as nested groups — the root is always a group, a negated condition becomes a
 * negated group of one — so a node's position in the editor is its JSON path and the validator's
 * problems (forms/tags/rule.ts) land on the node they name.
 */
import {
  opsFor,
  type Rule,
  type RuleCondition,
  type RuleFieldSpec,
  type RuleOp,
  type RuleTarget,
  type RuleValue,
  ruleFields,
} from '../../../../../../forms/tags/rule';

export type Group = { all: Rule[] } | { any: Rule[] };
/** A group, possibly negated (`{ not: group }`: 都不满足). */
export type GroupNode = Group | { not: Group };

export const isCondition = (r: Rule): r is RuleCondition => typeof r === 'object' && r !== null && 'field' in r;
export const isGroup = (r: unknown): r is Group => typeof r === 'object' && r !== null && ('all' in r || 'any' in r);

export function groupParts(node: GroupNode): { negated: boolean; mode: 'all' | 'any'; children: Rule[] } {
  const negated = 'not' in node;
  const inner = 'not' in node ? node.not : node;
  return 'all' in inner ? { negated, mode: 'all', children: inner.all } : { negated, mode: 'any', children: inner.any };
}

export function makeGroup(negated: boolean, mode: 'all' | 'any', children: Rule[]): GroupNode {
  const g: Group = mode === 'all' ? { all: children } : { any: children };
  return negated ? { not: g } : g;
}

function normalizeChild(r: Rule): Rule {
  if (typeof r !== 'object' || r === null) return r;
  if ('not' in r) {
    const inner = r.not;
    if (typeof inner === 'object' && inner !== null && 'not' in inner) return normalizeChild(inner.not);
    if (isGroup(inner)) return { not: normalizeGroup(inner) as Group };
    return { not: { all: [normalizeChild(inner)] } };
  }
  if (isGroup(r)) return normalizeGroup(r) as Rule;
  return r;
}

function normalizeGroup(g: Group): Group {
  return 'all' in g
    ? { all: Array.isArray(g.all) ? g.all.map(normalizeChild) : [] }
    : { any: Array.isArray(g.any) ? g.any.map(normalizeChild) : [] };
}

/** The editor's normal form of any stored rule (same meaning); undefined → one default condition. */
export function toEditable(rule: unknown, target: RuleTarget): GroupNode {
  if (rule === undefined || rule === null) return { all: [defaultCondition(target)] };
  const r = normalizeChild(rule as Rule);
  if (isGroup(r)) return r;
  if (typeof r === 'object' && r !== null && 'not' in r && isGroup(r.not)) return r as GroupNode;
  return { all: [r] };
}

export function defaultValue(spec: RuleFieldSpec | undefined, op: RuleOp): RuleValue | RuleValue[] {
  const scalar: RuleValue = spec?.kind === 'number' ? 0 : spec?.kind === 'boolean' ? true : (spec?.options?.[0] ?? '');
  return op === 'in' || op === 'not_in' ? (scalar === '' ? [] : [scalar]) : scalar;
}

export function defaultCondition(target: RuleTarget): RuleCondition {
  const [field, spec] = Object.entries(ruleFields(target))[0];
  const op = spec.kind === 'number' ? '>=' : '=';
  return { field, op, value: defaultValue(spec, op) };
}

/** A condition after its field changed: the first allowed operator and a value of the new kind. */
export function withField(target: RuleTarget, c: RuleCondition, field: string): RuleCondition {
  const spec = ruleFields(target)[field];
  const ops = spec ? opsFor(spec.kind) : [];
  const op = ops.includes(c.op) ? c.op : (ops[0] ?? '=');
  const sameKind = spec && ruleFields(target)[c.field]?.kind === spec.kind && !spec.options;
  return { field, op, value: sameKind ? c.value : defaultValue(spec, op) };
}

/** A condition after its operator changed: a scalar becomes a one-item list and back. */
export function withOp(c: RuleCondition, op: RuleOp): RuleCondition {
  const list = op === 'in' || op === 'not_in';
  if (list && !Array.isArray(c.value)) return { ...c, op, value: c.value === '' ? [] : [c.value] };
  if (!list && Array.isArray(c.value)) return { ...c, op, value: c.value[0] ?? '' };
  return { ...c, op };
}
