/**
 * 派单/转派对象: the units an issue task can be sent to, for the pickers of the task
 * forms — departments (the responsibility list's suggestion first), other communities of the same
 * street (社区转派), other streets of the same district (街道转办) and the sub-units of the acting
 * department (二次调度). Read-only; the issue must be in the caller's scope. The workflow checks
 * every target again when the task is submitted.
 */

import type { Knex } from 'knex';
import { gridContext } from '../../db/queries/issues';
import { suggestDispatch } from '../../db/queries/responsibility';
import { scoped } from '../../db/scope';
import { errors } from '../errors';
import { defineRoutes } from '../http';

interface Unit {
  orgId: number;
  name: string;
}

export const issueTargetRoutes = defineRoutes([
  {
    method: 'get',
    path: '/issues/:issueNo/targets',
    permission: 'issue.handle',
    summary: '派单、转派、二次调度的可选单位（含责任清单建议）',
    async handler({ services, actor, params }) {
      const db = services.db;
      const issue = await scoped(db('issues as i'), actor, 'i.org_path')
        .select('i.grid_id', 'i.category_code')
        .where('i.issue_no', params.issueNo)
        .first();
      if (!issue) throw errors.notFound('问题');
      const ctx = await gridContext(db, Number(issue.grid_id));
      if (!ctx) throw errors.notFound('问题所在网格');
      const suggestion = await suggestDispatch(db, issue.category_code ?? undefined, ctx.district.path);
      const units = async (q: Knex.QueryBuilder): Promise<Unit[]> =>
        (await q.select('id', 'name').where('active', true).orderBy('path')).map((r: { id: number; name: string }) => ({
          orgId: Number(r.id),
          name: String(r.name),
        }));
      // Departments of the issue's district and the city-level ones (nlevel ≤ 2), nearest first.
      const departments = await units(
        db('org_units').where('type', 'department').whereRaw('(path <@ ?::ltree OR nlevel(path) <= 2)', [ctx.district.path]),
      );
      const communities = await units(
        db('org_units').where('type', 'community').whereRaw('path <@ ?::ltree', [ctx.street.path]).whereNot('id', ctx.community.id),
      );
      const streets = await units(
        db('org_units').where('type', 'street').whereRaw('path <@ ?::ltree', [ctx.district.path]).whereNot('id', ctx.street.id),
      );
      const subUnits = await units(
        db('org_units').where('type', 'department').whereRaw('path <@ ?::ltree AND path <> ?::ltree', [actor.orgPath, actor.orgPath]),
      );
      return {
        category: suggestion.category,
        suggested: suggestion.departments.map((d) => ({ orgId: d.orgId, name: d.name, party: d.party })),
        departments,
        communities,
        streets,
        subUnits,
      };
    },
  },
]);
