/**
 * Task queues and the search attributes the workflow console filters on (流程监控), declared once.
 * Pure module (only @temporalio/common): workflows import the keys to upsert them, the console's
 * list queries use the names, and `npm run temporal:setup` registers them on a cluster.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Task queues: one for the platform's workflows and activities; documents apart (slow, CPU-heavy). */
export const TASK_QUEUES = {
  main: 'grid-governance',
  documents: 'grid-governance-documents',
} as const;
export const DEFAULT_TASK_QUEUE = TASK_QUEUES.main;

export const SA = {
  /** 业务类型: issue | visit_cycle | move_in | special_task | demo_approval … */
  BizType: defineSearchAttributeKey('BizType', SearchAttributeType.KEYWORD),
  /** 业务编号: issue number, task number … */
  BizId: defineSearchAttributeKey('BizId', SearchAttributeType.KEYWORD),
  /** Org path (ltree text) of the business object's grid, e.g. km.d01.s03.c02.g07 */
  OrgPath: defineSearchAttributeKey('OrgPath', SearchAttributeType.KEYWORD),
  /** Every ancestor of OrgPath (km, km.d01, …): scope filter `OrgScope = 'km.d01'` without prefix search. */
  OrgScope: defineSearchAttributeKey('OrgScope', SearchAttributeType.KEYWORD_LIST),
  /** 当前环节 */
  Stage: defineSearchAttributeKey('Stage', SearchAttributeType.KEYWORD),
  /** Org path of the unit currently responsible (承办单位) */
  AssigneeOrg: defineSearchAttributeKey('AssigneeOrg', SearchAttributeType.KEYWORD),
  /** 办理时限 */
  DeadlineAt: defineSearchAttributeKey('DeadlineAt', SearchAttributeType.DATETIME),
  /** 是否超期 */
  Overdue: defineSearchAttributeKey('Overdue', SearchAttributeType.BOOL),
  /** 督办层级 0–3 */
  EscalationLevel: defineSearchAttributeKey('EscalationLevel', SearchAttributeType.INT),
} as const;

export type SearchAttributeName = keyof typeof SA;

/** Name → type, as the operator service and the embedded engine's list filter take them. */
export const SEARCH_ATTRIBUTE_TYPES: Record<SearchAttributeName, SearchAttributeType> = Object.fromEntries(
  Object.entries(SA).map(([name, key]) => [name, key.type]),
) as Record<SearchAttributeName, SearchAttributeType>;

/** km.d01.s03 → ['km', 'km.d01', 'km.d01.s03'] for OrgScope. */
export function orgScopeValues(orgPath: string): string[] {
  const parts = orgPath.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}
