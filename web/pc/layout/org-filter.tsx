/** The org unit chosen in the scope tree; list pages filter by it (`orgId`). */
import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';

export interface SelectedOrg {
  id: string;
  name: string;
  path?: string;
}

interface OrgFilterValue {
  selected: SelectedOrg | null;
  select: (org: SelectedOrg | null) => void;
}

const OrgFilterContext = createContext<OrgFilterValue>({ selected: null, select: () => undefined });

export function OrgFilterProvider({ children }: { children: ReactNode }) {
  const [selected, select] = useState<SelectedOrg | null>(null);
  const value = useMemo(() => ({ selected, select }), [selected]);
  return <OrgFilterContext.Provider value={value}>{children}</OrgFilterContext.Provider>;
}

export const useOrgFilter = () => useContext(OrgFilterContext);

/** 市/区/街道/社区/网格/部门 for the org types of the hierarchy. */
export const orgTypeLabels: Record<string, string> = {
  city: '市',
  district: '区',
  street: '街道',
  town: '乡镇',
  community: '社区',
  village: '村',
  grid: '网格',
  department: '部门',
};
