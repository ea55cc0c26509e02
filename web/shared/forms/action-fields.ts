/**
 * Which fields of an action form (forms/issue/actions.ts: an `action` radio plus if/then rules
 * naming the fields each action requires) belong to the chosen action. Pure, so it is unit-tested
 * against the real form schemas.
 */

/** Chinese names of the issue forms' 问题类型 enum. */
export const COMPLEXITY_NAMES = ['一般问题（3个工作日）', '复杂问题（5个工作日）'];

type Rule = { if?: { properties?: { action?: { const?: string; enum?: string[] } } }; then?: { required?: string[] } };

/**
 * Fields only other actions need: a form with an `action` and if/then rules (forms/issue) shows
 * the fields of the chosen action and the ones no rule claims; the rest stay hidden.
 */
export function fieldsOfOtherActions(schema: Record<string, unknown>, action: unknown): string[] {
  const rules = Array.isArray(schema.allOf) ? (schema.allOf as Rule[]) : [];
  const mine = new Set<string>();
  const claimed = new Set<string>();
  for (const r of rules) {
    const a = r.if?.properties?.action;
    const req = r.then?.required ?? [];
    if (!a) continue;
    for (const f of req) claimed.add(f);
    if (typeof action === 'string' && (a.const === action || a.enum?.includes(action))) for (const f of req) mine.add(f);
  }
  return [...claimed].filter((f) => !mine.has(f));
}
