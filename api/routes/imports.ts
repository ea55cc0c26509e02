/** Excel import / export of element types over HTTP (G-7): template, all-or-nothing import, export, import log. */
import { appendAudit } from '../../db/audit';
import { exportSheet, importSheet, importTemplate, listImportLogs } from '../../db/queries/imports';
import { IMPORT_LABELS, IMPORT_TYPES, type ImportType } from '../../db/queries/imports/specs';
import { errors } from '../errors';
import { defineRoutes } from '../http';
import { narrowPath } from './elements-common';
import { idFilter } from './paging';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function importType(v: string | undefined): ImportType {
  if (!v || !(IMPORT_TYPES as readonly string[]).includes(v))
    throw errors.badRequest(`要素类型只能是：${IMPORT_TYPES.map((t) => IMPORT_LABELS[t]).join('、')}`, 'type');
  return v as ImportType;
}

export const importRoutes = defineRoutes([
  {
    method: 'get',
    path: '/imports/logs',
    permission: 'element.import',
    query: { type: 'object', additionalProperties: false, properties: { type: { type: 'string', enum: [...IMPORT_TYPES] } } },
    summary: '导入日志（成功与未导入的记录及错误）',
    async handler({ services, actor, query }) {
      return listImportLogs(services.db, actor, { type: query.type as ImportType | undefined });
    },
  },
  {
    method: 'get',
    path: '/imports/:type/template',
    permission: 'element.import',
    summary: '下载导入模板（xlsx）',
    async handler({ params, res }) {
      const type = importType(params.type);
      const buf = await importTemplate(type);
      res.setHeader('Content-Type', XLSX);
      res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`${IMPORT_LABELS[type]}导入模板.xlsx`)}`);
      res.end(buf);
      return undefined;
    },
  },
  {
    method: 'post',
    path: '/imports/:type',
    permission: 'element.import',
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['fileBase64'],
      properties: {
        fileBase64: { type: 'string', title: '文件', minLength: 1, maxLength: 5_000_000 },
        fileName: { type: 'string', title: '文件名', maxLength: 200 },
      },
    },
    summary: '导入 Excel：全部行校验通过才写入，否则一行也不导入并返回逐行错误',
    async handler({ services, actor, body, params, res }) {
      const type = importType(params.type);
      const r = await importSheet(services.db, actor, { type, data: Buffer.from(body.fileBase64, 'base64'), fileName: body.fileName });
      if (r.status === 'rejected') {
        res.status(422).json({
          error: {
            code: 'IMPORT_REJECTED',
            message: `导入未完成：发现 ${r.errors.length} 处错误，未导入任何数据。请按提示修改表格后重新导入`,
            fields: r.errors.map((e) => ({ field: e.row ? `第${e.row}行${e.column ? `·${e.column}` : ''}` : '文件', message: e.message })),
          },
          result: r,
        });
        return undefined;
      }
      return r;
    },
  },
  {
    method: 'get',
    path: '/exports/:type',
    permission: 'element.import',
    personal: true,
    query: {
      type: 'object',
      additionalProperties: false,
      properties: { orgId: idFilter('机构'), reveal: { type: 'string', enum: ['0', '1'] } },
    },
    summary: '导出要素（xlsx，与导入模板同列；身份证号默认脱敏）',
    async handler({ services, actor, params, query, req, res }) {
      const type = importType(params.type);
      const reveal = query.reveal === '1';
      if (reveal && !actor.permissions.has('pii.unmask')) throw errors.forbidden('导出完整身份证号需要“查看完整身份证号和手机号”权限');
      const orgPath = await narrowPath(services.db, query.orgId);
      const out = await exportSheet(services.db, actor, type, { orgPath, reveal });
      if (reveal)
        await appendAudit(services.db, {
          userId: actor.userId,
          username: actor.username,
          action: 'unmask',
          objectType: `export.${type}`,
          orgPath: orgPath ?? actor.orgPath,
          ip: req.ip ?? null,
          detail: { rows: out.rows },
        });
      res.setHeader('Content-Type', XLSX);
      res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(`${IMPORT_LABELS[type]}导出.xlsx`)}`);
      res.end(out.data);
      return undefined;
    },
  },
]);
