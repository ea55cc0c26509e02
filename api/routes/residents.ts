/**
 * 居民 (G-3) over HTTP: list, detail, update with version, version history, audited unmask.
 * ID numbers and phones are masked in every response except the unmask endpoint (pii.unmask),
 * whose every call is written to the audit log before the values leave the server.
 */
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/connection';
import {
  createResident,
  getResident,
  listResidents,
  listResidentVersions,
  RESIDENT_SORTS,
  type ResidentCreateInput,
  type ResidentFields,
  type ResidentListParams,
  updateResident,
} from '../../db/queries/elements/residents';
import type { Actor } from '../../db/scope';
import { maskIdNumber, maskPhone } from '../../db/sensitive';
import { residentCreateForm, residentUpdateForm } from '../../forms/resident';
import { now } from '../auth/clock';
import { errors } from '../errors';
import { defineRoutes } from '../http';
import { maskVersionSide, recordCall, tagFilterOf, tagFilterQuery } from './elements';
import { elementCall, narrowPath, pageParams } from './elements-common';
import { idFilter, idParam, listQuery, listResponse, parsePaging, textFilter } from './paging';

const SENSITIVE_VERSION_FIELDS: Record<string, (plain: string) => string> = {
  idNumber: maskIdNumber,
  phone: maskPhone,
  emergencyContactPhone: maskPhone,
};

/** `q` is a name prefix, or an exact ID number / phone (matched by blind index, never stored in clear). */
function searchOf(q: string | undefined): Pick<ResidentListParams, 'name' | 'idNumber' | 'phone'> {
  if (!q) return {};
  const s = q.trim();
  if (/^\d{17}[\dXx]$/.test(s)) return { idNumber: s.toUpperCase() };
  if (/^1\d{10}$/.test(s)) return { phone: s };
  return { name: s };
}

async function residentOr404(db: Db, actor: Actor, id: number, reveal = false) {
  const r = await getResident(db, actor, id, { reveal });
  if (!r) throw errors.notFound('居民');
  return r;
}

export const residentRoutes = defineRoutes([
  {
    method: 'get',
    path: '/residents',
    permission: 'element.read',
    personal: true,
    query: listQuery({ q: textFilter('关键字'), orgId: idFilter('机构'), ...tagFilterQuery }),
    summary: '居民列表（本人管辖范围；q 为姓名前缀或完整身份证号/手机号；每行带 tags [{id,name,color}]）',
    async handler({ services, actor, query }) {
      const p = parsePaging(query, Object.keys(RESIDENT_SORTS));
      const orgPath = await narrowPath(services.db, query.orgId);
      const r = await listResidents(services.db, actor, {
        ...pageParams(p),
        sort: p.sort?.field as ResidentListParams['sort'],
        orgPath,
        ...searchOf(query.q),
        ...tagFilterOf(query),
      });
      return listResponse(r.rows, r.total, p);
    },
  },
  {
    method: 'post',
    path: '/residents',
    permission: 'element.write',
    personal: true,
    body: residentCreateForm.schema,
    summary: '新增居民（登记到本人管辖范围内的居民户）：校验身份证号码（含校验位、唯一），写入版本 1 和审计日志',
    async handler({ req, res, services, actor, body }) {
      const { reason, ...input } = body as ResidentCreateInput & { reason?: string };
      const created = await recordCall(() =>
        services.db.transaction(async (trx) => {
          const r = await createResident(trx, actor, input, { reason });
          await appendAudit(
            trx,
            {
              userId: actor.userId,
              username: actor.username,
              ip: req.ip,
              action: 'create',
              objectType: 'resident',
              objectId: r.id,
              orgPath: r.orgPath,
              detail: { fields: Object.keys(input), version: 1, householdId: input.householdId },
            },
            now(),
          );
          return r;
        }),
      );
      res.status(201);
      return { id: created.id };
    },
  },
  {
    method: 'get',
    path: '/residents/:id',
    permission: 'element.read',
    personal: true,
    summary: '居民详情（含户、房屋、楼栋、网格；身份证号和电话已脱敏）',
    async handler({ services, actor, params }) {
      return residentOr404(services.db, actor, idParam(params));
    },
  },
  {
    method: 'patch',
    path: '/residents/:id',
    permission: 'element.write',
    personal: true,
    body: residentUpdateForm.schema,
    summary: '修改居民信息：保留版本（谁、何时、改前、改后），写审计日志',
    async handler({ req, services, actor, params, body }) {
      const id = idParam(params);
      const { expectedVersion, reason, ...patch } = body as Partial<ResidentFields> & { expectedVersion?: number; reason?: string };
      const t = now();
      // One transaction: the change, its version row and its audit row commit together or not at all.
      const updated = await elementCall(() =>
        services.db.transaction(async (trx) => {
          const r = await updateResident(trx, actor, id, patch, { expectedVersion, reason });
          if (!r) throw errors.notFound('居民');
          await appendAudit(
            trx,
            {
              userId: actor.userId,
              username: actor.username,
              ip: req.ip,
              action: 'update',
              objectType: 'resident',
              objectId: id,
              orgPath: r.orgPath,
              detail: { fields: Object.keys(patch), version: r.version, reason: reason ?? null },
            },
            t,
          );
          return r;
        }),
      );
      return updated;
    },
  },
  {
    method: 'get',
    path: '/residents/:id/versions',
    permission: 'element.read',
    personal: true,
    summary: '居民信息版本历史（最新在前）',
    async handler({ services, actor, params }) {
      const id = idParam(params);
      await residentOr404(services.db, actor, id);
      const rows = await listResidentVersions(services.db, actor, id);
      return rows.map((v) => ({
        version: v.version,
        changedAt: v.changedAt,
        changedBy: v.changedByName,
        changedById: v.changedBy,
        reason: v.reason,
        before: maskVersionSide(v.before, SENSITIVE_VERSION_FIELDS),
        after: maskVersionSide(v.after, SENSITIVE_VERSION_FIELDS),
      }));
    },
  },
  {
    method: 'post',
    path: '/residents/:id/unmask',
    permission: 'pii.unmask',
    personal: true,
    summary: '查看完整身份证号和电话（每次调用都记入审计日志）',
    async handler({ req, services, actor, params }) {
      const id = idParam(params);
      const r = await residentOr404(services.db, actor, id, true);
      await appendAudit(
        services.db,
        {
          userId: actor.userId,
          username: actor.username,
          ip: req.ip,
          action: 'unmask',
          objectType: 'resident',
          objectId: id,
          orgPath: r.orgPath,
          detail: { fields: ['idNumber', 'phone', 'emergencyContactPhone'] },
        },
        now(),
      );
      return { id: r.id, idNumber: r.idNumber, phone: r.phone, emergencyContactPhone: r.emergencyContactPhone };
    },
  },
]);
