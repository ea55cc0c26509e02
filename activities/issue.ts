/**
 * Side effects of the IssueWorkflow (workflows/issue.ts): working-day deadlines, inbox tasks, the
 * timeline projection, org look-ups and supervision reminders with the 督办单. Every write takes an
 * idempotency key chosen by the workflow, so a retried activity changes nothing twice.
 */
import type { Db } from '../db/connection';
import { listCalendarOverrides } from '../db/queries/calendar';
import {
  applyIssueStep,
  closeSupervisionNotices,
  emailsOfRole,
  findOrgUnit,
  type IssueProjection,
  saveIssueDocument,
} from '../db/queries/issues';
import { closeTaskRow, insertTask } from '../db/queries/tasks';
import type { IssueState, OrgRef } from '../workflows/issue-messages';
import { noticeAcknowledged, taskSubmitted } from '../workflows/issue-messages';
import { createWorkCalendar, endOfCstDay, nthWorkingDayAfter } from './calendar/working-days';
import { renderSupervisionOrder } from './documents/supervision-order';
import { createTasksActivities } from './tasks';

/** 待办类型: one inbox form per kind (forms/issue/*). */
export type IssueTaskKind = 'grid_verify' | 'community' | 'street' | 'department' | 'extension_review' | 'verify' | 'archive';

export interface Mailer {
  send(mail: { to: string; subject: string; text: string; attachments?: { filename: string; content: Buffer }[] }): Promise<void>;
}

export interface IssueActivityDeps {
  db: Db;
  /** The engine's clock (virtual in tests), so deadlines and time skipping agree. */
  now?: () => Date;
  mailer?: Mailer;
}

const ISSUE_FORM = (kind: IssueTaskKind) => `issue.${kind}`;

/** One inbox task the workflow opens (see workflows/issue.ts openTask). */
export interface IssueTaskRequest {
  kind: IssueTaskKind;
  title: string;
  allowedActions: string[];
  candidateRole?: string;
  candidateOrgPath?: string;
  assigneeUserId?: number;
  orgPath: string;
  dueAt?: string;
  data: Record<string, unknown>;
}

function projectionOf(s: IssueState): IssueProjection {
  return {
    step: s.step,
    complexity: s.complexity,
    holderOrgId: s.holder.id,
    handlingDeadline: s.handlingDeadline ?? null,
    extensionWorkingDays: s.extensionWorkingDays,
    supervisionLevel: s.supervisionLevel,
    returnCount: s.returnCount,
    marks: s.marks,
    dispatches: s.dispatches,
    internalRating: s.internalRating?.stars ?? null,
    externalRating: s.externalRating?.stars ?? null,
  };
}

export function createIssueActivities({ db, now = () => new Date(), mailer }: IssueActivityDeps) {
  const tasks = createTasksActivities(db);

  async function calendar() {
    return createWorkCalendar(await listCalendarOverrides(db));
  }

  return {
    /**
     * The instant N working days after `from` (default: now), and the milliseconds until it.
     * `fromIsEndOfDay`: `from` is itself a deadline (24:00), so counting starts the day after its
     * civil date. `allowZero`: 0 working days means `from` itself.
     */
    async deadlineAfterWorkingDays(input: {
      from?: string;
      workingDays: number;
      fromIsEndOfDay?: boolean;
      allowZero?: boolean;
    }): Promise<{ at: string; msUntil: number }> {
      const t = now();
      let from = input.from ? new Date(input.from) : t;
      if (input.fromIsEndOfDay) from = new Date(from.getTime() - 1);
      const at =
        input.allowZero && input.workingDays === 0
          ? new Date(input.from ?? t)
          : endOfCstDay(nthWorkingDayAfter(await calendar(), from, input.workingDays));
      return { at: at.toISOString(), msUntil: Math.max(0, at.getTime() - t.getTime()) };
    },

    /**
     * One step of the workflow, in one transaction: close the tasks it retired, open the tasks it
     * created (ids returned in order), append its timeline rows and write the issues row. Keys are
     * derived from the workflow's own key, so a retry changes nothing twice.
     */
    async advanceIssue(input: {
      key: string;
      workflowId: string;
      issueNo: string;
      records: { action: string; actor: { userId: number }; detail: Record<string, unknown>; step: string }[];
      opens: IssueTaskRequest[];
      closes: { taskIds: number[]; reason: string }[];
      snapshot: IssueState;
    }): Promise<number[]> {
      return db.transaction(async (trx) => {
        for (const c of input.closes) for (const id of c.taskIds) await closeTaskRow(trx, { id }, 'cancelled', c.reason);
        const ids: number[] = [];
        for (const [i, o] of input.opens.entries()) {
          const r = await insertTask(trx, {
            idempotencyKey: `${input.key}:t${i}`,
            workflowId: input.workflowId,
            signalName: taskSubmitted.name,
            formKey: ISSUE_FORM(o.kind),
            title: `${o.title}（${input.issueNo}）`,
            bizType: 'issue',
            bizId: input.issueNo,
            data: { ...o.data, kind: o.kind, allowedActions: o.allowedActions },
            assigneeUserId: o.assigneeUserId ?? null,
            candidateRole: o.candidateRole ?? null,
            candidateOrgPath: o.candidateOrgPath ?? null,
            orgPath: o.orgPath,
            dueAt: o.dueAt ?? null,
          });
          ids.push(r.id);
        }
        await applyIssueStep(
          trx,
          input.issueNo,
          input.records.map((r, i) => ({
            key: `${input.key}:r${i}`,
            issueNo: input.issueNo,
            step: r.step,
            action: r.action,
            actorUserId: r.actor.userId || null,
            detail: r.detail,
          })),
          projectionOf({ ...input.snapshot }),
        );
        if (input.snapshot.step === 'archived' || input.snapshot.step === 'invalid') {
          await closeSupervisionNotices(trx, input.issueNo, input.snapshot.step === 'archived' ? '问题已归档' : '问题已认定为无效件');
        }
        return ids;
      });
    },

    /** An org unit of the expected type (and under a path, for 二次调度), or null. */
    async resolveOrg(input: { orgId: number; expectType: string; under?: string }): Promise<OrgRef | null> {
      const o = await findOrgUnit(db, input.orgId);
      if (!o || o.type !== input.expectType) return null;
      if (input.under && !(o.path.startsWith(`${input.under}.`) && o.path !== input.under)) return null;
      return { id: o.id, path: o.path, name: o.name };
    },

    /** 督办提醒: an inbox notice for the role at the district, an e-mail, and at level 3 the 督办单 PDF. */
    async sendSupervision(input: {
      key: string;
      workflowId: string;
      issueNo: string;
      title: string;
      level: number;
      label: string;
      role: string;
      district: OrgRef;
      orgPath: string;
      deadline: string;
      holder: OrgRef;
      departments: OrgRef[];
    }): Promise<{ taskId: number; documentId?: number }> {
      let documentId: number | undefined;
      let pdf: Buffer | undefined;
      if (input.level === 3) {
        pdf = await renderSupervisionOrder({
          orderNo: `DB-${input.issueNo}`,
          issueNo: input.issueNo,
          title: input.title,
          label: input.label,
          issuedBy: `${input.district.name}纪委监委`,
          holder: input.holder.name,
          departments: input.departments.map((d) => d.name),
          deadline: input.deadline,
          issuedAt: now(),
        });
        documentId = await saveIssueDocument(db, {
          key: input.key,
          issueNo: input.issueNo,
          kind: 'supervision_order',
          fileName: `督办单-${input.issueNo}.pdf`,
          mime: 'application/pdf',
          content: pdf,
        });
      }
      const r = await tasks.createTask({
        idempotencyKey: input.key,
        signalName: noticeAcknowledged.name,
        formKey: 'issue.supervision_notice',
        title: `【${input.label}】${input.title}（${input.issueNo}）`,
        bizType: 'issue_supervision',
        bizId: input.issueNo,
        data: {
          level: input.level,
          label: input.label,
          deadline: input.deadline,
          holder: input.holder,
          departments: input.departments,
          documentId,
          allowedActions: ['acknowledge'],
        },
        candidateRole: input.role,
        candidateOrgPath: input.district.path,
        orgPath: input.orgPath,
      });
      if (mailer && r.created) {
        const to = await emailsOfRole(db, input.role, input.district.path);
        const text = `问题「${input.title}」（编号 ${input.issueNo}）已超过办理时限（${new Date(input.deadline).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}），当前承办单位：${input.holder.name}。请登录一张表数字化治理平台督促办理。`;
        for (const rcpt of to) {
          await mailer.send({
            to: rcpt.email,
            subject: `【${input.label}】${input.title}`,
            text,
            attachments: pdf ? [{ filename: `督办单-${input.issueNo}.pdf`, content: pdf }] : undefined,
          });
        }
      }
      return { taskId: r.taskId, documentId };
    },
  };
}

export type IssueActivities = ReturnType<typeof createIssueActivities>;
