import { describe, expect, it } from 'vitest';
import { diffRecords, display } from './diff';

describe('resident version diff', () => {
  it('G-3 lists changed, added and removed fields first and ignores bookkeeping fields', () => {
    const d = diffRecords(
      { id: 1, name: '张三', phone: '138****0000', education: '高中', tags: ['独居'], version: 1 },
      { id: 1, name: '张三', phone: '139****1111', employer: '克拉玛依石化', tags: ['独居'], version: 2 },
    );
    expect(d.map((c) => [c.field, c.kind])).toEqual([
      ['phone', 'changed'],
      ['education', 'removed'],
      ['employer', 'added'],
      ['name', 'same'],
      ['tags', 'same'],
    ]);
  });
  it('G-3 treats a first version (no before) as all fields added', () => {
    expect(diffRecords(null, { name: '李四' })).toEqual([{ field: 'name', before: undefined, after: '李四', kind: 'added' }]);
  });
  it('G-3 shows values in Chinese-friendly text', () => {
    expect(display(null)).toBe('—');
    expect(display(['独居', '低保'])).toBe('独居、低保');
    expect(display(true)).toBe('是');
    expect(display([{ plate: '新J·12345', color: '白' }, { plate: '新J·88888' }])).toBe('新J·12345 白、新J·88888');
  });
});
