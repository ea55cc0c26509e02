/** Tags over HTTP (T-1..T-7): definitions, catalogue, manual tagging, line-tag feeds, search + export, log. */

import { readSheet, SheetError, writeSheet } from '../../db/queries/imports/sheet';
import { setManualTag, tagsOfElement } from '../../db/queries/tags/assign';
import { listDepartments } from '../../db/queries/tags/catalogue';
import { recomputeTag } from '../../db/queries/tags/compute';
import {
  createTag,
  getTag,
  listCategories,
  listTags,
  TAG_KIND_LABELS,
  TAG_LEVEL_LABELS,
  type TagInput,
  type TagKind,
  updateTag,
} from '../../db/queries/tags/definitions';
import { type FeedMode, type FeedRow, feedLineTag, pullLineTag } from '../../db/queries/tags/feed';
import { dailyTagStats, listTagLog, UPDATE_TYPE_LABELS, type UpdateType } from '../../db/queries/tags/log';
import { previewRule } from '../../db/queries/tags/preview';
import type { Rule } from '../../db/queries/tags/rules';
import { searchAllRows, searchByTags, type TagExpr } from '../../db/queries/tags/search';
import { isTaggable, TARGET_LABELS, TARGET_NATURAL_KEY, type TaggableType, type TagTarget } from '../../db/queries/tags/targets';
import { tagDefinitionForm } from '../../forms/tags/definition';
import { RULE_FIELDS } from '../../forms/tags/rule';
import { tagAssignForm, tagFeedForm, tagSearchForm } from '../../forms/tags/search';
import { errors } from '../errors';
import { defineRoutes } from '../http';
import { audited } from './audited';
import { elementCall, narrowPath } from './elements-common';
import { idFilter, idParam, textFilter } from './paging';

const dateFilter = (title: string) => ({ type: 'string', title, pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

function orgIdText(v: number | undefined): string | undefined {
  return v === undefined ? undefined : String(v);
}

export const tagRoutes = defineRoutes([
  {
    method: 'get',
    path: '/tags',
    permission: 'tag.read',
    query: {
      type: 'object',
      additionalProperties: false,
      properties: {
        target: textFilter('标签对象', 16),
        kind: { type: 'string', title: '标签类型', enum: ['manual', 'computed', 'line'] },
        categoryId: idFilter('目录'),
        q: textFilter('名称'),
        counts: { type: 'string', enum: ['0', '1'] },
      },
    },
    summary: '可见标签列表（本级及上级定义、下级定义）',
    async handler({ services, actor, query }) {
      return listTags(services.db, actor, {
        target: (query.target || undefined) as TagTarget | undefined,
        kind: query.kind as TagKind | undefined,
        categoryId: query.categoryId ? Number(query.categoryId) : undefined,
        q: query.q || undefined,
        withCounts: query.counts === '1',
      });
    },
  },
  {
    method: 'get',
    path: '/tags/catalogue',
    permission: 'tag.read',
    summary: '标签目录树（目录 → 标签）与字典',
    async handler({ services, actor }) {
      const [categories, tags, departments] = await Promise.all([
        listCategories(services.db),
        listTags(services.db, actor, { withCounts: true }),
        listDepartments(services.db),
      ]);
      return {
        categories,
        tags,
        departments,
        labels: { targets: TARGET_LABELS, kinds: TAG_KIND_LABELS, levels: TAG_LEVEL_LABELS, updateTypes: UPDATE_TYPE_LABELS },
        ruleFields: Object.fromEntries(
          Object.entries(RULE_FIELDS).map(([t, f]) => [
            t,
            Object.entries(f).map(([key, d]) => ({ key, label: d.label, kind: d.kind, options: 'options' in d ? d.options : null })),
          ]),
        ),
      };
    },
  },
  {
    method: 'get',
    path: '/tags/log',
    permission: 'tag.read',
    query: {
      type: 'object',
      additionalProperties: false,
      properties: {
        page: { type: 'string', pattern: '^[1-9][0-9]{0,6}$' },
        pageSize: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' },
        tagId: idFilter('标签'),
        elementType: textFilter('对象类型', 16),
        elementId: idFilter('对象'),
        updateType: { type: 'string', title: '更新方式', enum: ['manual', 'auto', 'line'] },
        from: dateFilter('开始日期'),
        to: dateFilter('结束日期'),
        orgId: idFilter('机构'),
      },
    },
    summary: '标签日志（元素、手动/自动、变更前后、操作人、时间）',
    async handler({ services, actor, query }) {
      const r = await listTagLog(services.db, actor, {
        page: query.page ? Number(query.page) : 1,
        pageSize: query.pageSize ? Math.min(100, Number(query.pageSize)) : 20,
        tagId: query.tagId ? Number(query.tagId) : undefined,
        elementType: query.elementType || undefined,
        elementId: query.elementId ? Number(query.elementId) : undefined,
        updateType: query.updateType as UpdateType | undefined,
        from: query.from,
        to: query.to,
        orgPath: await narrowPath(services.db, query.orgId),
      });
      return { items: r.rows, total: r.total, page: r.page, pageSize: r.pageSize };
    },
  },
  {
    method: 'get',
    path: '/tags/log/daily',
    permission: 'tag.read',
    query: {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'to'],
      properties: { from: dateFilter('开始日期'), to: dateFilter('结束日期'), tagId: idFilter('标签'), orgId: idFilter('机构') },
    },
    summary: '标签变更每日统计（按更新方式）',
    async handler({ services, actor, query }) {
      if (query.from > query.to) throw errors.badRequest('开始日期不能晚于结束日期', 'from');
      return dailyTagStats(services.db, actor, {
        from: query.from,
        to: query.to,
        tagId: query.tagId ? Number(query.tagId) : undefined,
        orgPath: await narrowPath(services.db, query.orgId),
      });
    },
  },
  {
    method: 'post',
    path: '/tags/search',
    permission: 'tag.read',
    body: tagSearchForm.schema,
    personal: true,
    summary: '标签组合查询（且/或/非，跨对象类型，管辖范围内，计数与分页）',
    async handler({ services, actor, body }) {
      return elementCall(async () =>
        searchByTags(services.db, actor, {
          expr: body.expr as TagExpr,
          elementType: body.elementType as TaggableType | undefined,
          orgPath: await narrowPath(services.db, orgIdText(body.orgId)),
          page: body.page,
          pageSize: body.pageSize,
        }),
      );
    },
  },
  {
    method: 'post',
    path: '/tags/search/export',
    permission: 'tag.read',
    body: tagSearchForm.schema,
    personal: true,
    summary: '导出标签查询结果（xlsx）',
    async handler({ services, actor, body, res }) {
      const rows = await elementCall(async () =>
        searchAllRows(services.db, actor, body.expr as TagExpr, await narrowPath(services.db, orgIdText(body.orgId))),
      );
      const buf = await writeSheet(
        '标签查询结果',
        [
          { key: 'type', header: '对象类型', width: 12 },
          { key: 'elementId', header: '编号', width: 10 },
          { key: 'name', header: '名称', width: 28 },
          { key: 'gridName', header: '所属网格', width: 24 },
          { key: 'tags', header: '标签', width: 40 },
        ],
        rows.map((r) => ({
          type: TARGET_LABELS[r.elementType],
          elementId: r.elementId,
          name: r.name,
          gridName: r.gridName,
          tags: r.tags.join('、'),
        })),
      );
      res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent('标签查询结果.xlsx')}`);
      res.end(buf);
      return undefined;
    },
  },
  {
    method: 'post',
    path: '/tags/rules/preview',
    permission: 'tag.define',
    personal: true,
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['target', 'rule'],
      properties: {
        target: { type: 'string', title: '标签对象', maxLength: 16 },
        rule: { type: 'object', title: '计算规则' },
        definingOrgId: { type: ['integer', 'null'], title: '定义单位', minimum: 1 },
      },
    },
    summary: '试算计算规则：管辖范围（及定义单位）内符合规则的对象数与前 10 个（只读）',
    async handler({ services, actor, body }) {
      return elementCall(async () =>
        previewRule(services.db, actor, {
          target: body.target,
          rule: body.rule,
          orgPath: await narrowPath(services.db, body.definingOrgId ? String(body.definingOrgId) : undefined),
        }),
      );
    },
  },
  {
    method: 'get',
    path: '/tags/:id',
    permission: 'tag.read',
    summary: '标签详情',
    async handler({ services, actor, params }) {
      const tag = await getTag(services.db, actor, idParam(params));
      if (!tag) throw errors.notFound('标签');
      return tag;
    },
  },
  {
    method: 'post',
    path: '/tags',
    permission: 'tag.define',
    body: tagDefinitionForm.schema,
    summary: '定义标签（本单位及下级）',
    async handler({ services, actor, body, res, req }) {
      const id = await elementCall(() =>
        audited(
          services.db,
          actor,
          req.ip,
          (trx) => createTag(trx, actor, { ...(body as TagInput), rule: (body.rule ?? null) as Rule | null }),
          (tagId) => ({
            action: 'create',
            objectType: 'tag',
            objectId: tagId,
            detail: { name: body.name, kind: body.kind, target: body.target },
          }),
        ),
      );
      res.status(201);
      return getTag(services.db, actor, id);
    },
  },
  {
    method: 'put',
    path: '/tags/:id',
    permission: 'tag.define',
    body: tagDefinitionForm.schema,
    summary: '修改标签定义',
    async handler({ services, actor, body, params, req }) {
      const id = idParam(params);
      await elementCall(() =>
        audited(
          services.db,
          actor,
          req.ip,
          async (trx) => {
            if (!(await updateTag(trx, actor, id, body as TagInput))) throw errors.notFound('标签');
          },
          () => ({ action: 'update', objectType: 'tag', objectId: id, detail: { fields: Object.keys(body) } }),
        ),
      );
      return getTag(services.db, actor, id);
    },
  },
  {
    method: 'post',
    path: '/tags/:id/recompute',
    permission: 'tag.define',
    summary: '立即按规则重新计算该标签（全辖区）',
    async handler({ services, actor, params, req }) {
      const tag = await getTag(services.db, actor, idParam(params));
      if (!tag) throw errors.notFound('标签');
      if (tag.kind !== 'computed') throw errors.badRequest('只有计算标签可以按规则重新计算');
      return audited(
        services.db,
        actor,
        req.ip,
        async (trx) => {
          const r = await recomputeTag(trx, tag.id, { operatorId: actor.userId, operatorName: actor.username });
          if (!r) throw errors.badRequest('该标签已停用或不在有效期内，请先启用');
          return r;
        },
        (r) => ({ action: 'tag.recompute', objectType: 'tag', objectId: tag.id, detail: { ...r } }),
      );
    },
  },
  {
    method: 'post',
    path: '/tags/:id/elements',
    permission: 'tag.assign',
    body: tagAssignForm.schema,
    summary: '手动打标签 / 取消标签（本人包户对象或管辖范围内）',
    async handler({ services, actor, body, params, req }) {
      const tagId = idParam(params);
      return elementCall(() =>
        audited(
          services.db,
          actor,
          req.ip,
          (trx) => setManualTag(trx, actor, { tagId, ...body }),
          (r) => ({
            action: body.on ? 'tag.add' : 'tag.remove',
            objectType: 'tag',
            objectId: tagId,
            detail: { elementType: body.elementType, elementIds: body.elementIds, changed: r.changed, refused: r.refused.length },
          }),
        ),
      );
    },
  },
  {
    method: 'post',
    path: '/tags/:id/feed',
    permission: 'tag.feed',
    body: tagFeedForm.schema,
    summary: '条线标签数据推送（接口或表格，覆盖/增量）',
    async handler({ services, actor, body, params, req }) {
      const tagId = idParam(params);
      let rows: FeedRow[] | undefined = body.rows;
      let source: 'api' | 'table' = 'api';
      if (body.fileBase64) {
        source = 'table';
        const tag = await getTag(services.db, actor, tagId);
        if (!tag) throw errors.notFound('标签');
        try {
          const sheet = await readSheet(Buffer.from(body.fileBase64, 'base64'));
          const keyHeader = sheet.headers[0];
          const opHeader = sheet.headers.find((h) => h === '操作');
          rows = sheet.rows.map((r) => ({ key: r[keyHeader] ?? '', op: opHeader && r[opHeader] === '删除' ? 'remove' : 'add' }));
        } catch (e) {
          if (e instanceof SheetError) throw errors.badRequest(e.message, 'fileBase64');
          throw e;
        }
      }
      if (!rows) throw errors.badRequest('请提供数据行或上传表格文件', 'rows');
      return elementCall(() =>
        audited(
          services.db,
          actor,
          req.ip,
          (trx) => feedLineTag(trx, actor, { tagId, mode: body.mode as FeedMode, source, rows: rows as FeedRow[] }),
          (r) => ({ action: 'tag.feed', objectType: 'tag', objectId: tagId, detail: { mode: body.mode, source, result: r } }),
        ),
      );
    },
  },
  {
    method: 'get',
    path: '/tags/:id/feed/template',
    permission: 'tag.feed',
    summary: '条线标签表格模板（xlsx）',
    async handler({ services, actor, params, res }) {
      const tag = await getTag(services.db, actor, idParam(params));
      if (!tag || !isTaggable(tag.target)) throw errors.notFound('标签');
      const buf = await writeSheet(
        '条线数据',
        [
          { key: 'key', header: TARGET_NATURAL_KEY[tag.target].label, width: 24 },
          { key: 'op', header: '操作', width: 10, note: '增量模式：填“新增”或“删除”；覆盖模式留空' },
        ],
        [],
      );
      res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`${tag.name}-模板.xlsx`)}`);
      res.end(buf);
      return undefined;
    },
  },
  {
    method: 'post',
    path: '/tags/:id/pull',
    permission: 'tag.feed',
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['mode'],
      properties: { mode: { type: 'string', title: '更新方式', enum: ['overwrite', 'incremental'] } },
    },
    summary: '从部门接口拉取条线标签数据',
    async handler({ services, actor, body, params, req }) {
      const tagId = idParam(params);
      return elementCall(() =>
        audited(
          services.db,
          actor,
          req.ip,
          (trx) => pullLineTag(trx, actor, tagId, body.mode as FeedMode),
          (r) => ({ action: 'tag.feed', objectType: 'tag', objectId: tagId, detail: { mode: body.mode, source: 'pull', result: r } }),
        ),
      );
    },
  },
  {
    method: 'get',
    path: '/elements/:type/:id/tags',
    permission: 'tag.read',
    summary: '某个对象的标签',
    async handler({ services, actor, params }) {
      const r = await tagsOfElement(services.db, actor, params.type, idParam(params));
      if (!r) throw errors.notFound('对象');
      return r;
    },
  },
]);
