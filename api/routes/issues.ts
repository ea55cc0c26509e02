/**
 * 问题处置 (Q, M-4, I-6): report, lists per level, detail with timeline, 督办单 download, the
 * resident's own submissions and rating, the responsibility list and the joint-meeting list.
 * Actions on an issue go through the task inbox (api/routes/tasks.ts), never through here.
 */

import { appendAudit } from '../../db/audit';
import {
  deleteIssue,
  type GridContext,
  gridContext,
  type IssueTab,
  insertIssue,
  issueAnalysis,
  issueDetail,
  issueDocument,
  jointMeetingList,
  listIssues,
  residentIssue,
  residentIssues,
} from '../../db/queries/issues';
import { categoryTree, findCategory, suggestDispatch, upsertCategory } from '../../db/queries/responsibility';
import type { Actor } from '../../db/scope';
import { assertInScope } from '../../db/scope';
import { issueReportForm, residentRatingForm, residentSubmitForm } from '../../forms/issue/report';
import { DEFAULT_TASK_QUEUE, orgScopeValues, SA } from '../../temporal-config/search-attributes';
import { type IssueInput, residentRated } from '../../workflows/issue-messages';
import { errors } from '../errors';
import { defineRoutes, type Services } from '../http';
import { idFilter, listQuery, textFilter } from './paging';

const TABS: IssueTab[] = ['todo', 'in_progress', 'overdue', 'supervised', 'archived', 'invalid', 'all'];

export const issueWorkflowId = (issueNo: string) => `issue-${issueNo}`;

interface ReportBody {
  title: string;
  description: string;
  categoryCode?: string;
  complexity?: 'general' | 'complex';
  source?: 'grid' | 'lead';
  gridId: number;
  address?: string;
  location?: { lng: number; lat: number };
  attachments?: unknown[];
  selfHandled?: boolean;
  selfHandledResult?: string;
}

function workflows(services: Services) {
  if (!services.workflows) throw errors.unavailable('流程引擎尚未就绪，请稍后再试');
  return services.workflows;
}

/** The grid a report names, with its community, street and district; a Chinese 400 when it is not an active grid. */
async function requireGrid(services: Services, gridId: number): Promise<GridContext> {
  const ctx = await gridContext(services.db, gridId);
  if (!ctx) throw errors.badRequest('所选网格不存在或已停用，请重新选择', 'gridId');
  return ctx;
}

/** Inserts the row, then starts the workflow; if the start fails the row is removed again. */
async function startIssue(
  services: Services,
  actor: Actor,
  ipAddr: string | undefined,
  ctx: GridContext,
  body: ReportBody,
  source: 'grid' | 'resident' | 'lead',
  who: { reporterUserId?: number; residentUserId?: number },
) {
  let complexity = body.complexity ?? 'general';
  let blocked = false;
  if (body.categoryCode) {
    const cat = await findCategory(services.db, body.categoryCode);
    if (!cat || !cat.active) throw errors.badRequest('问题类别不存在，请从责任清单中选择', 'categoryCode');
    if (!body.complexity) complexity = cat.complexity;
    blocked = !cat.parties.some((p) => p.dept) && cat.children.length === 0 && cat.parentCode !== null;
  }
  const { issueNo } = await services.db.transaction(async (trx) => {
    const created = await insertIssue(trx, {
      title: body.title,
      description: body.description,
      source,
      categoryCode: body.categoryCode,
      complexity,
      gridId: ctx.grid.id,
      orgPath: ctx.grid.path,
      address: body.address,
      location: body.location,
      attachments: body.attachments,
      blocked,
      ...who,
    });
    await appendAudit(trx, {
      userId: actor.userId,
      username: actor.username,
      action: 'create',
      objectType: 'issue',
      objectId: created.issueNo,
      orgPath: ctx.grid.path,
      ip: ipAddr,
      detail: { source },
    });
    return created;
  });
  const input: IssueInput = {
    issueNo,
    title: body.title,
    source,
    complexity,
    categoryCode: body.categoryCode,
    grid: ctx.grid,
    community: ctx.community,
    street: ctx.street,
    district: ctx.district,
    reporterUserId: who.reporterUserId,
    residentUserId: who.residentUserId,
    selfHandled: body.selfHandled && body.selfHandledResult ? { result: body.selfHandledResult } : undefined,
  };
  try {
    await workflows(services).start('issueWorkflow', {
      workflowId: issueWorkflowId(issueNo),
      taskQueue: DEFAULT_TASK_QUEUE,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      searchAttributes: {
        [SA.BizType.name]: ['issue'],
        [SA.BizId.name]: [issueNo],
        [SA.OrgPath.name]: [ctx.grid.path],
        [SA.OrgScope.name]: orgScopeValues(ctx.grid.path),
      },
      memo: { title: body.title },
    });
  } catch (err) {
    await services.db.transaction(async (trx) => {
      await deleteIssue(trx, issueNo);
      await appendAudit(trx, {
        userId: actor.userId,
        username: actor.username,
        action: 'delete',
        objectType: 'issue',
        objectId: issueNo,
        orgPath: ctx.grid.path,
        ip: ipAddr,
        detail: { reason: 'workflow start failed' },
      });
    });
    throw err;
  }
  return { issueNo };
}

export const issueRoutes = defineRoutes([
  {
    method: 'get',
    path: '/issues',
    permission: 'issue.read',
    query: listQuery({
      tab: { type: 'string', title: '页签', enum: TABS },
      q: textFilter('关键字'),
      categoryCode: textFilter('问题类别', 32),
      source: { type: 'string', title: '来源', enum: ['grid', 'resident', 'lead'] },
    }),
    summary: '问题列表：待办、办理中、已超期、督办中、已归档',
    async handler({ services, actor, query }) {
      return listIssues(services.db, actor, {
        tab: query.tab,
        q: query.q,
        categoryCode: query.categoryCode,
        source: query.source,
        page: Number(query.page ?? 1),
        pageSize: Number(query.pageSize ?? 20),
      });
    },
  },
  {
    method: 'post',
    path: '/issues',
    permission: 'issue.report',
    body: issueReportForm.schema,
    summary: '网格员上报问题（可当场自行处置）',
    async handler({ services, actor, body, res, req }) {
      const b = body as ReportBody;
      const ctx = await requireGrid(services, b.gridId);
      assertInScope(actor, ctx.grid.path, 'write');
      if (actor.roles.includes('resident')) throw errors.forbidden('居民请通过“我要反映”提交诉求');
      const r = await startIssue(services, actor, req.ip, ctx, b, b.source ?? 'grid', { reporterUserId: actor.userId });
      res.status(201);
      return r;
    },
  },
  {
    method: 'get',
    path: '/issues/joint-meeting',
    permission: 'issue.supervise',
    summary: '区级联席会议清单：超期、督办中、多次退回的问题',
    async handler({ services, actor }) {
      return { items: await jointMeetingList(services.db, actor) };
    },
  },
  {
    method: 'get',
    path: '/issues/analysis',
    permission: 'issue.read',
    query: {
      type: 'object',
      additionalProperties: false,
      properties: {
        from: { type: 'string', title: '开始日期', format: 'date' },
        to: { type: 'string', title: '结束日期', format: 'date' },
        period: { type: 'string', title: '统计周期', enum: ['day', 'week', 'month'] },
        areaLevel: { type: 'string', title: '区域层级', enum: ['2', '3', '4', '5'] },
      },
    },
    summary: '问题分析：热点区域、时段、类别，疑难、无责任单位、遗留问题',
    async handler({ services, actor, query }) {
      return issueAnalysis(services.db, actor, {
        from: query.from ? new Date(`${query.from}T00:00:00+08:00`) : undefined,
        to: query.to ? new Date(`${query.to}T24:00:00+08:00`) : undefined,
        period: query.period,
        areaLevel: query.areaLevel ? Number(query.areaLevel) : undefined,
      });
    },
  },
  {
    method: 'get',
    path: '/issues/:issueNo',
    permission: 'issue.read',
    personal: true,
    summary: '问题详情与处置时间线',
    async handler({ services, actor, params }) {
      const d = await issueDetail(services.db, actor, params.issueNo);
      if (!d) throw errors.notFound('问题');
      return d;
    },
  },
  {
    method: 'get',
    path: '/issues/:issueNo/documents/:documentId',
    permission: 'issue.read',
    summary: '下载督办单等文书（PDF）',
    async handler({ services, actor, params, res }) {
      const id = Number(params.documentId);
      if (!Number.isInteger(id) || id < 1) throw errors.notFound('文书');
      const doc = await issueDocument(services.db, actor, params.issueNo, id);
      if (!doc) throw errors.notFound('文书');
      res.setHeader('Content-Type', doc.mime);
      res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(doc.file_name)}`);
      res.send(doc.content);
    },
  },

  // ----- 居民端 (I-6) -----
  {
    method: 'post',
    path: '/my/issues',
    permission: 'resident.self',
    body: residentSubmitForm.schema,
    summary: '居民提交诉求',
    async handler({ services, actor, body, res, req }) {
      const b = body as ReportBody;
      const r = await startIssue(
        services,
        actor,
        req.ip,
        await requireGrid(services, b.gridId),
        { ...b, complexity: 'general' },
        'resident',
        {
          residentUserId: actor.userId,
        },
      );
      res.status(201);
      return r;
    },
  },
  {
    method: 'get',
    path: '/my/issues',
    permission: 'resident.self',
    summary: '我的诉求',
    async handler({ services, actor }) {
      return { items: await residentIssues(services.db, actor.userId) };
    },
  },
  {
    method: 'get',
    path: '/my/issues/:issueNo',
    permission: 'resident.self',
    summary: '我的诉求：办理进度',
    async handler({ services, actor, params }) {
      const r = await residentIssue(services.db, actor.userId, params.issueNo);
      if (!r) throw errors.notFound('诉求');
      return r;
    },
  },
  {
    method: 'post',
    path: '/my/issues/:issueNo/rating',
    permission: 'resident.self',
    body: residentRatingForm.schema,
    summary: '居民评价（办结后）',
    async handler({ services, actor, params, body, req }) {
      const r = await residentIssue(services.db, actor.userId, params.issueNo);
      if (!r) throw errors.notFound('诉求');
      if (!['verify', 'archive', 'archived'].includes(r.step)) throw errors.conflict('诉求尚未办结，办结后才能评价');
      if (r.externalRating !== null) throw errors.conflict('您已评价过该诉求');
      const b = body as { stars: number; comment?: string };
      await workflows(services)
        .getHandle(issueWorkflowId(r.issueNo))
        .signal(residentRated, { stars: b.stars, comment: b.comment, actor: { userId: actor.userId, name: actor.username } });
      await appendAudit(services.db, {
        userId: actor.userId,
        username: actor.username,
        action: 'update',
        objectType: 'issue_rating',
        objectId: r.issueNo,
        ip: req.ip,
        detail: { stars: b.stars },
      });
      return { ok: true };
    },
  },

  // ----- 五方责任清单 (Q-2) -----
  {
    method: 'get',
    path: '/issue-categories',
    permission: 'issue.read',
    summary: '五方责任清单（问题类别树）',
    async handler({ services }) {
      return categoryTree(services.db);
    },
  },
  {
    method: 'get',
    path: '/issue-categories/suggest',
    permission: 'issue.read',
    query: {
      type: 'object',
      additionalProperties: false,
      required: ['gridId'],
      properties: { categoryCode: textFilter('问题类别', 32), gridId: idFilter('网格') },
    },
    summary: '派单建议：按责任清单给出承办部门',
    async handler({ services, actor, query }) {
      const ctx = await gridContext(services.db, Number(query.gridId));
      if (!ctx) throw errors.badRequest('网格不存在', 'gridId');
      assertInScope(actor, ctx.grid.path, 'read');
      return suggestDispatch(services.db, query.categoryCode, ctx.district.path);
    },
  },
  {
    method: 'put',
    path: '/issue-categories/:code',
    permission: 'issue.supervise',
    body: {
      type: 'object',
      required: ['name', 'complexity', 'parties'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', title: '类别名称', minLength: 1, maxLength: 100 },
        parentCode: { type: ['string', 'null'], title: '上级类别', maxLength: 32 },
        complexity: { type: 'string', title: '问题类型', enum: ['general', 'complex'] },
        active: { type: 'boolean', title: '启用' },
        parties: {
          type: 'array',
          title: '责任方',
          maxItems: 10,
          items: {
            type: 'object',
            required: ['party'],
            additionalProperties: false,
            properties: {
              party: { type: 'string', enum: ['主责部门', '配合部门', '属地街道', '属地社区', '网格'] },
              dept: { type: 'string', maxLength: 50 },
            },
          },
        },
      },
    },
    summary: '新增或修改责任清单类别',
    async handler({ services, params, body, actor, req }) {
      if (!/^[A-Z0-9]{1,32}$/.test(params.code)) throw errors.badRequest('类别编码只能包含大写字母和数字', 'code');
      const b = body as {
        name: string;
        parentCode?: string | null;
        complexity: 'general' | 'complex';
        parties: { party: string; dept?: string }[];
        active?: boolean;
      };
      if (b.parentCode && !(await findCategory(services.db, b.parentCode))) throw errors.badRequest('上级类别不存在', 'parentCode');
      if (b.parentCode === params.code) throw errors.badRequest('上级类别不能是自己', 'parentCode');
      await services.db.transaction(async (trx) => {
        await upsertCategory(trx, { code: params.code, ...b });
        await appendAudit(trx, {
          userId: actor.userId,
          username: actor.username,
          action: 'update',
          objectType: 'issue_category',
          objectId: params.code,
          orgPath: actor.orgPath,
          ip: req.ip,
          detail: { name: b.name },
        });
      });
      return findCategory(services.db, params.code);
    },
  },
]);
