/** 包户/包联 over HTTP (G-6, F-2): coverage report and problem list, bulk assignment, care teams. */
import {
  assignBuilding,
  bulkAssign,
  type CareType,
  type CoverageLevel,
  type CoverageProblem,
  careTeam,
  coverageProblems,
  coverageRates,
  ELEMENT_TYPE_LABELS,
  setCareTeam,
  specialPersons,
} from '../../db/queries/coverage';
import type { ElementType } from '../../db/queries/elements/common';
import { careTeamForm, coverageAssignForm } from '../../forms/elements/coverage';
import { errors } from '../errors';
import { defineRoutes } from '../http';
import { audited } from './audited';
import { elementCall, narrowPath } from './elements-common';
import { idFilter } from './paging';

const ELEMENT_ENUM = ['household', 'merchant', 'enterprise', 'institution', 'facility'];

export const coverageRoutes = defineRoutes([
  {
    method: 'get',
    path: '/coverage/report',
    permission: 'element.read',
    query: {
      type: 'object',
      additionalProperties: false,
      required: ['level'],
      properties: {
        level: { type: 'string', title: '统计层级', enum: ['district', 'street', 'community', 'grid'] },
        orgId: idFilter('机构'),
        elementType: { type: 'string', title: '要素类型', enum: ELEMENT_ENUM },
      },
    },
    summary: '包户覆盖率（按区/街道/社区/网格）：未包户、重复包户、包户失效',
    async handler({ services, actor, query }) {
      const rows = await coverageRates(services.db, actor, {
        level: query.level as CoverageLevel,
        orgPath: await narrowPath(services.db, query.orgId),
        elementType: query.elementType as ElementType | undefined,
      });
      const sum = rows.reduce(
        (s, r) => ({
          total: s.total + r.total,
          covered: s.covered + r.covered,
          uncovered: s.uncovered + r.uncovered,
          double: s.double + r.double,
          invalid: s.invalid + r.invalid,
        }),
        { total: 0, covered: 0, uncovered: 0, double: 0, invalid: 0 },
      );
      return {
        rows,
        summary: { ...sum, rate: sum.total ? (sum.covered - sum.double - sum.invalid) / sum.total : 1 },
        labels: ELEMENT_TYPE_LABELS,
      };
    },
  },
  {
    method: 'get',
    path: '/coverage/problems',
    permission: 'element.read',
    query: {
      type: 'object',
      additionalProperties: false,
      properties: {
        problem: { type: 'string', title: '问题类型', enum: ['uncovered', 'double', 'invalid', 'all'] },
        elementType: { type: 'string', title: '要素类型', enum: ELEMENT_ENUM },
        orgId: idFilter('机构'),
        page: { type: 'string', pattern: '^[1-9][0-9]{0,6}$' },
        pageSize: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' },
      },
    },
    summary: '未包户、重复包户、包户失效的要素清单；problem=all 列出全部要素及其包户人（包户配置）',
    async handler({ services, actor, query }) {
      const r = await coverageProblems(services.db, actor, {
        problem: query.problem === 'all' ? undefined : (query.problem as CoverageProblem | undefined),
        all: query.problem === 'all',
        elementType: query.elementType as ElementType | undefined,
        orgPath: await narrowPath(services.db, query.orgId),
        page: query.page ? Number(query.page) : 1,
        pageSize: query.pageSize ? Math.min(100, Number(query.pageSize)) : 20,
      });
      return { items: r.rows, total: r.total, page: r.page, pageSize: r.pageSize };
    },
  },
  {
    method: 'post',
    path: '/coverage/assign',
    permission: 'force.manage',
    body: coverageAssignForm.schema,
    summary: '批量包户（按楼栋或勾选的要素）',
    async handler({ services, actor, body, req }) {
      return elementCall(() =>
        audited(
          services.db,
          actor,
          req.ip,
          (trx) =>
            body.buildingId
              ? assignBuilding(trx, actor, { buildingId: body.buildingId, workerId: body.workerId })
              : bulkAssign(trx, actor, { elementType: body.elementType, elementIds: body.elementIds ?? [], workerId: body.workerId }),
          (r) => ({
            action: 'coverage.assign',
            objectType: body.buildingId ? 'building' : body.elementType,
            objectId: body.buildingId ?? null,
            detail: {
              workerId: body.workerId,
              elementIds: body.buildingId ? undefined : body.elementIds,
              assigned: r.assigned,
              replaced: r.replaced,
              refused: r.refused.length,
            },
          }),
        ),
      );
    },
  },
  {
    method: 'get',
    path: '/care/special-persons',
    permission: 'element.read',
    personal: true,
    query: {
      type: 'object',
      additionalProperties: false,
      required: ['careType'],
      properties: {
        careType: { type: 'string', title: '包联类型', enum: ['living_alone', 'solitary_elderly', 'disabled', 'health_color'] },
        orgId: idFilter('机构'),
        uncovered: { type: 'string', enum: ['0', '1'] },
        page: { type: 'string', pattern: '^[1-9][0-9]{0,6}$' },
        pageSize: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' },
      },
    },
    summary: '特殊人群包联情况（专职、兼职、志愿者人数）',
    async handler({ services, actor, query }) {
      const r = await specialPersons(services.db, actor, {
        careType: query.careType as CareType,
        orgPath: await narrowPath(services.db, query.orgId),
        uncoveredOnly: query.uncovered === '1',
        page: query.page ? Number(query.page) : 1,
        pageSize: query.pageSize ? Math.min(100, Number(query.pageSize)) : 20,
      });
      return { items: r.rows, total: r.total, page: r.page, pageSize: r.pageSize, coveredCount: r.coveredCount };
    },
  },
  {
    method: 'put',
    path: '/care/team',
    permission: 'force.manage',
    body: careTeamForm.schema,
    summary: '设置特殊人群包联小组（专职 + 兼职 + 志愿者）',
    async handler({ services, actor, body, req }) {
      return elementCall(() =>
        audited(
          services.db,
          actor,
          req.ip,
          (trx) => setCareTeam(trx, actor, body),
          () => ({
            action: 'care.team',
            objectType: 'resident',
            objectId: body.residentId,
            detail: { careType: body.careType, healthColor: body.healthColor ?? null, members: body.members },
          }),
        ),
      );
    },
  },
  {
    method: 'get',
    path: '/care/team',
    permission: 'element.read',
    query: {
      type: 'object',
      additionalProperties: false,
      required: ['residentId', 'careType'],
      properties: {
        residentId: idFilter('居民'),
        careType: { type: 'string', title: '包联类型', enum: ['living_alone', 'solitary_elderly', 'disabled', 'health_color'] },
      },
    },
    summary: '某人某类包联小组成员（特定关系服务档案）',
    async handler({ services, actor, query }) {
      const team = await careTeam(services.db, actor, Number(query.residentId), query.careType as CareType);
      if (!team) throw errors.notFound('居民');
      return team;
    },
  },
]);
