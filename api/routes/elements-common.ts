/** Shared by the element routes: query-module errors → API errors, list parameters. */

import type { Db } from '../../db/connection';
import { orgPathOf } from '../../db/queries/accounts';
import { ElementValidationError, VersionConflictError } from '../../db/queries/elements/common';
import { ApiError, errors } from '../errors';
import type { Paging } from './paging';

/** Runs a query-module call, translating its domain errors into the API's envelope. */
export async function elementCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ElementValidationError) throw errors.validation(err.fields);
    if (err instanceof VersionConflictError) {
      throw new ApiError(409, 'VERSION_CONFLICT', `该记录已被他人修改（当前版本 ${err.currentVersion}），请刷新后重试`);
    }
    throw err;
  }
}

/** `orgId` of the org tree → the path the query modules narrow to (scope still applies on top). */
export async function narrowPath(db: Db, orgId: string | undefined): Promise<string | undefined> {
  if (!orgId) return undefined;
  const path = await orgPathOf(db, Number(orgId));
  if (!path) throw errors.validation([{ field: 'orgId', message: '机构不存在，请在机构树中重新选择' }]);
  return path;
}

export function pageParams(p: Paging): { page: number; pageSize: number; sort?: string; order?: 'asc' | 'desc' } {
  return { page: p.page, pageSize: p.pageSize, sort: p.sort?.field, order: p.sort?.desc ? 'desc' : 'asc' };
}
