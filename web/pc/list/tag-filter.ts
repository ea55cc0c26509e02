/** The tag filter's value and how it travels to the list APIs (`tagIds=1,2&tagMode=all|any`). */
import type { Query } from '../../shared/http';

/** all: 同时具有所选标签 (AND); any: 具有任一所选标签 (OR). */
export type TagMode = 'all' | 'any';

export interface TagFilterValue {
  tagIds: number[];
  mode: TagMode;
}

export const emptyTagFilter: TagFilterValue = { tagIds: [], mode: 'all' };

/** Query parameters for the value; nothing at all when no tag is picked. */
export function tagQuery(v: TagFilterValue): Query {
  const ids = [...new Set(v.tagIds)].filter((n) => Number.isInteger(n) && n > 0);
  if (!ids.length) return {};
  return { tagIds: ids.join(','), tagMode: ids.length > 1 ? v.mode : undefined };
}

/** The element types tags can be defined on (T-1), as the tag APIs name them. */
export type TagTarget = 'resident' | 'household' | 'building' | 'merchant' | 'enterprise' | 'institution' | 'facility';
