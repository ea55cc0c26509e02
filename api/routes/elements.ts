/**
 * 房屋 (G-1), 商户 / 企业 / 驻区单位 / 公共设施 (G-4) and 网格员 (G-5) over HTTP, one set of routes
 * for every type (`:type` ∈ house, merchant, enterprise, institution, facility, grid_worker): list
 * with tag filter, detail with linked elements, create, update with version, version history.
 * Phones are masked in every response; version rows keep them as ciphertext and show them masked.
 */
import { appendAudit } from '../../db/audit';
import {
  createRecord,
  ElementConflictError,
  getRecord,
  isRecordType,
  LocationOutsideGridError,
  listRecords,
  listRecordVersions,
  RECORDS,
  type RecordInput,
  type RecordType,
  updateRecord,
} from '../../db/queries/elements/records';
import { decrypt, maskPhone } from '../../db/sensitive';
import type { FormDefinition } from '../../forms';
import { enterpriseForm } from '../../forms/elements/enterprise';
import { facilityForm } from '../../forms/elements/facility';
import { updateMeta } from '../../forms/elements/fields';
import { gridWorkerForm } from '../../forms/elements/grid-worker';
import { houseForm } from '../../forms/elements/house';
import { institutionForm } from '../../forms/elements/institution';
import { merchantForm } from '../../forms/elements/merchant';
import { now } from '../auth/clock';
import { ApiError, errors } from '../errors';
import { defineRoutes } from '../http';
import { validate } from '../validation';
import { elementCall, narrowPath, pageParams } from './elements-common';
import { idFilter, idParam, listQuery, listResponse, parsePaging, textFilter } from './paging';

/** `:type` of the path, or a Chinese 404. */
export function recordType(params: Record<string, string>): RecordType {
  const t = params.type;
  if (!t || !isRecordType(t)) throw new ApiError(404, 'NOT_FOUND', '没有这种要素类型，请从要素菜单重新进入');
  return t;
}

/** Query-string keys of the tag filter (shared with /residents and /households). */
export const tagFilterQuery = {
  tagIds: { type: 'string', title: '标签', pattern: '^[1-9][0-9]{0,8}(,[1-9][0-9]{0,8}){0,19}$' },
  tagMode: { type: 'string', title: '标签匹配方式', enum: ['all', 'any'] },
};

export function tagFilterOf(query: { tagIds?: string; tagMode?: string }): { tagIds?: number[]; tagMode: 'all' | 'any' } {
  return {
    tagIds: query.tagIds ? [...new Set(String(query.tagIds).split(',').map(Number))] : undefined,
    tagMode: query.tagMode === 'any' ? 'any' : 'all',
  };
}

/** A value that cannot be decrypted (wrong key, damaged row) is shown as a placeholder, never a 500. */
function maskedOrPlaceholder(encHex: string, mask: (plain: string) => string): string {
  try {
    return mask(decrypt(Buffer.from(encHex.replace(/^\\x/, ''), 'hex')));
  } catch {
    return '（已加密，无法显示）';
  }
}

/** Version rows keep sensitive values as `{enc, idx}`; the history shows them masked. */
export function maskVersionSide(side: Record<string, unknown>, masks: Record<string, (plain: string) => string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(side ?? {})) {
    const mask = masks[k];
    if (!mask) {
      out[k] = v;
      continue;
    }
    const enc = (v as { enc?: string | null } | null)?.enc;
    out[k] = enc ? maskedOrPlaceholder(enc, mask) : null;
  }
  return out;
}

/** Query-module errors of the element writes → the API's envelope. */
export async function recordCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await elementCall(fn);
  } catch (err) {
    if (err instanceof ElementConflictError) throw errors.conflict(err.message, err.field);
    if (err instanceof LocationOutsideGridError) {
      throw new ApiError(422, 'LOCATION_OUTSIDE_GRID', err.message, [{ field: 'location', message: err.message }]);
    }
    throw err;
  }
}

/** The create form of each type (forms/elements/*.ts, the same files the web app renders). */
export const RECORD_FORMS: Record<RecordType, FormDefinition> = {
  house: houseForm,
  merchant: merchantForm,
  enterprise: enterpriseForm,
  institution: institutionForm,
  facility: facilityForm,
  grid_worker: gridWorkerForm,
};

/** Update schema: the create form's fields, none required, no defaults, plus expectedVersion and reason. */
function patchSchemaOf(form: FormDefinition): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((form.schema.properties ?? {}) as Record<string, Record<string, unknown>>)) {
    const { default: _ignored, ...rest } = v;
    props[k] = rest;
  }
  return { type: 'object', additionalProperties: false, minProperties: 1, properties: { ...props, ...updateMeta } };
}
const PATCH_SCHEMAS = Object.fromEntries(Object.entries(RECORD_FORMS).map(([type, form]) => [type, patchSchemaOf(form)])) as Record<
  RecordType,
  Record<string, unknown>
>;

/** Phones of a type's version rows → masked. */
const versionMasks = (type: RecordType) => Object.fromEntries(RECORDS[type].phones.map((p) => [p.field, maskPhone]));

export const elementRoutes = defineRoutes([
  {
    method: 'get',
    path: '/elements/:type',
    permission: 'element.read',
    personal: true,
    query: listQuery({
      q: textFilter('关键字'),
      orgId: idFilter('机构'),
      gridId: idFilter('网格'),
      status: textFilter('状态', 16),
      ...tagFilterQuery,
    }),
    summary: '要素列表：房屋、商户、企业、驻区单位、公共设施、网格员（本人管辖范围；q 为名称前缀、信用代码/编码或完整手机号）',
    async handler({ services, actor, params, query }) {
      const type = recordType(params);
      const p = parsePaging(query, Object.keys(RECORDS[type].sorts));
      const r = await recordCall(async () =>
        listRecords(services.db, actor, type, {
          ...pageParams(p),
          orgPath: await narrowPath(services.db, query.orgId),
          gridId: query.gridId ? Number(query.gridId) : undefined,
          status: query.status || undefined,
          q: query.q || undefined,
          ...tagFilterOf(query),
        }),
      );
      return { ...listResponse(r.rows, r.total, p), totalCapped: r.totalCapped ?? false };
    },
  },
  {
    method: 'get',
    path: '/elements/:type/:id',
    permission: 'element.read',
    personal: true,
    summary: '要素详情（字段、网格、位置、标签、包户网格员、关联要素；电话已脱敏）',
    async handler({ services, actor, params }) {
      const type = recordType(params);
      const r = await getRecord(services.db, actor, type, idParam(params));
      if (!r) throw errors.notFound(RECORDS[type].label);
      return r;
    },
  },
  {
    method: 'post',
    path: '/elements/:type',
    permission: 'element.write',
    personal: true,
    summary: '新增要素（表单字段 + 所属网格 + 可选地图位置）：写入版本 1 和审计日志',
    async handler({ req, res, services, actor, params, body }) {
      const type = recordType(params);
      const input = validate<RecordInput>(RECORD_FORMS[type].schema, body ?? {});
      const created = await recordCall(() =>
        services.db.transaction(async (trx) => {
          const r = await createRecord(trx, actor, type, input);
          await appendAudit(
            trx,
            {
              userId: actor.userId,
              username: actor.username,
              ip: req.ip,
              action: 'create',
              objectType: type,
              objectId: r.id,
              orgPath: r.orgPath,
              detail: { fields: Object.keys(input), version: 1 },
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
    method: 'patch',
    path: '/elements/:type/:id',
    permission: 'element.write',
    personal: true,
    summary: '修改要素：保留版本（谁、何时、改前、改后），写审计日志；expectedVersion 过期时 409',
    async handler({ req, services, actor, params, body }) {
      const type = recordType(params);
      const id = idParam(params);
      const { expectedVersion, reason, ...patch } = validate<RecordInput & { expectedVersion?: number; reason?: string }>(
        PATCH_SCHEMAS[type],
        body ?? {},
      );
      return recordCall(() =>
        services.db.transaction(async (trx) => {
          const r = await updateRecord(trx, actor, type, id, patch, { expectedVersion, reason });
          if (!r) throw errors.notFound(RECORDS[type].label);
          await appendAudit(
            trx,
            {
              userId: actor.userId,
              username: actor.username,
              ip: req.ip,
              action: 'update',
              objectType: type,
              objectId: id,
              orgPath: r.orgPath,
              detail: { fields: Object.keys(patch), version: r.version, reason: reason ?? null },
            },
            now(),
          );
          return r;
        }),
      );
    },
  },
  {
    method: 'get',
    path: '/elements/:type/:id/versions',
    permission: 'element.read',
    personal: true,
    summary: '要素信息版本历史（最新在前；电话已脱敏）',
    async handler({ services, actor, params }) {
      const type = recordType(params);
      const id = idParam(params);
      const rows = await listRecordVersions(services.db, actor, type, id);
      if (!rows.length && !(await getRecord(services.db, actor, type, id))) throw errors.notFound(RECORDS[type].label);
      const masks = versionMasks(type);
      return {
        items: rows.map((v) => ({
          version: v.version,
          changedAt: v.changedAt,
          changedByName: v.changedByName,
          changedById: v.changedBy,
          reason: v.reason,
          before: maskVersionSide(v.before, masks),
          after: maskVersionSide(v.after, masks),
        })),
      };
    },
  },
]);
