import { describe, expect, it } from 'vitest';
import { tagQuery } from './tag-filter';

describe('tag filter query', () => {
  it('T-6 sends nothing when no tag is picked', () => {
    expect(tagQuery({ tagIds: [], mode: 'any' })).toEqual({});
  });
  it('T-6 sends the picked ids once each, with the mode only when it matters', () => {
    expect(tagQuery({ tagIds: [3], mode: 'any' })).toEqual({ tagIds: '3', tagMode: undefined });
    expect(tagQuery({ tagIds: [3, 7, 3], mode: 'any' })).toEqual({ tagIds: '3,7', tagMode: 'any' });
    expect(tagQuery({ tagIds: [5, 2], mode: 'all' })).toEqual({ tagIds: '5,2', tagMode: 'all' });
  });
});
