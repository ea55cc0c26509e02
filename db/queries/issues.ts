/** Issues (Q): the projection of IssueWorkflow state, its timeline and documents. Owner of issues, issue_steps, issue_documents. */
import type { Db } from '../connection';

export interface IssueStepInput {
  key: string;
  issueNo: string;
  step: string;
  action: string;
  actorUserId: number | null;
  detail: Record<string, unknown>;
}

export interface IssueProjection {
  step: string;
  complexity: string;
  holderOrgId: number | null;
  handlingDeadline: string | null;
  extensionWorkingDays: number;
  supervisionLevel: number;
  returnCount: number;
  marks: string[];
  dispatches: unknown[];
  internalRating: number | null;
  externalRating: number | null;
}

/**
 * Appends one timeline row (once per idempotency key) and updates the issue's projection, in one
 * transaction. Returns false when the key was already recorded (a retried activity).
 */
export async function recordIssueStep(db: Db, s: IssueStepInput, p: IssueProjection): Promise<boolean> {
  return db.transaction(async (trx) => {
    const issue = await trx('issues').select('id').where({ issue_no: s.issueNo }).forUpdate().first();
    if (!issue) throw new Error(`issue ${s.issueNo} not found`);
    const actor = s.actorUserId ? await trx('users').select('display_name').where({ id: s.actorUserId }).first() : undefined;
    const inserted = await trx('issue_steps')
      .insert({
        issue_id: issue.id,
        idempotency_key: s.key,
        step: s.step,
        action: s.action,
        actor_user_id: s.actorUserId || null,
        actor_name: actor?.display_name ?? (s.actorUserId ? null : '系统'),
        detail: JSON.stringify(s.detail),
      })
      .onConflict('idempotency_key')
      .ignore()
      .returning('id');
    if (inserted.length === 0) return false;
    const final = p.step === 'archived' || p.step === 'invalid';
    await trx('issues')
      .where({ id: issue.id })
      .update({
        step: p.step,
        complexity: p.complexity,
        holder_org_id: p.holderOrgId,
        handling_deadline: p.handlingDeadline,
        extension_working_days: p.extensionWorkingDays,
        supervision_level: p.supervisionLevel,
        return_count: p.returnCount,
        marks: JSON.stringify(p.marks),
        dispatches: JSON.stringify(p.dispatches),
        internal_rating: p.internalRating,
        external_rating: p.externalRating,
        updated_at: trx.fn.now(),
        closed_at: final ? trx.raw('coalesce(closed_at, now())') : null,
      });
    return true;
  });
}

export async function saveIssueDocument(
  db: Db,
  d: { key: string; issueNo: string; kind: string; fileName: string; mime: string; content: Buffer },
): Promise<number> {
  const issue = await db('issues').select('id').where({ issue_no: d.issueNo }).first();
  if (!issue) throw new Error(`issue ${d.issueNo} not found`);
  await db('issue_documents')
    .insert({ issue_id: issue.id, idempotency_key: d.key, kind: d.kind, file_name: d.fileName, mime: d.mime, content: d.content })
    .onConflict('idempotency_key')
    .ignore();
  const row = await db('issue_documents').select('id').where({ idempotency_key: d.key }).first();
  return row.id as number;
}

export interface OrgUnitRow {
  id: number;
  path: string;
  name: string;
  type: string;
}

export async function findOrgUnit(db: Db, id: number): Promise<OrgUnitRow | undefined> {
  if (!Number.isInteger(id)) return undefined;
  return db('org_units').select('id', 'path', 'name', 'type').where({ id, active: true }).first();
}

/** Users holding a role within an org subtree who have an e-mail address (for reminders). */
export async function emailsOfRole(db: Db, role: string, orgPath: string): Promise<{ email: string; name: string }[]> {
  return db('users as u')
    .join('user_roles as r', 'r.user_id', 'u.id')
    .select('u.email', 'u.display_name as name')
    .where('r.role_code', role)
    .whereRaw('u.org_path <@ ?::ltree', [orgPath])
    .whereNotNull('u.email')
    .where('u.active', true);
}
