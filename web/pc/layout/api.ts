import { http } from '../../shared/http';

export interface OrgNode {
  id: number | string;
  code: string;
  name: string;
  type: string;
  path: string;
  parentId: number | string | null;
  childCount: number;
}

/** Children of one org unit; without parentId the roots of the user's own scope. */
export const fetchOrgChildren = (parentId?: string) => http.get<OrgNode[]>('/orgs/tree', { parentId });
