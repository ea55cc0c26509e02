import { describe, expect, it } from 'vitest';
import { validateRule } from '../../../../../../forms/tags/rule';
import { defaultCondition, groupParts, makeGroup, toEditable, withField, withOp } from './rule-model';

describe('T-4 rule editor model', () => {
  it('T-4 any stored rule opens as a root group; negated conditions become negated groups; the meaning is kept', () => {
    expect(toEditable({ field: 'age', op: '>=', value: 80 }, 'resident')).toEqual({ all: [{ field: 'age', op: '>=', value: 80 }] });
    expect(
      toEditable(
        { all: [{ not: { field: 'gender', op: '=', value: '男' } }, { not: { not: { field: 'age', op: '>', value: 1 } } }] },
        'resident',
      ),
    ).toEqual({
      all: [{ not: { all: [{ field: 'gender', op: '=', value: '男' }] } }, { field: 'age', op: '>', value: 1 }],
    });
    expect(toEditable({ not: { any: [{ field: 'age', op: '<', value: 18 }] } }, 'resident')).toEqual({
      not: { any: [{ field: 'age', op: '<', value: 18 }] },
    });
    const fresh = toEditable(undefined, 'household');
    expect(fresh).toEqual({ all: [defaultCondition('household')] });
    expect(validateRule('household', fresh)).toEqual([]);
  });

  it('T-4 changing field or operator keeps the condition valid for its kind', () => {
    const c = defaultCondition('resident');
    expect(c).toEqual({ field: 'age', op: '>=', value: 0 });
    const text = withField('resident', c, 'health_status');
    expect(text).toEqual({ field: 'health_status', op: '=', value: '健康' });
    expect(withField('resident', c, 'lives_alone')).toEqual({ field: 'lives_alone', op: '=', value: true });
    const list = withOp(text, 'in');
    expect(list).toEqual({ field: 'health_status', op: 'in', value: ['健康'] });
    expect(withOp(list, '!=')).toEqual({ field: 'health_status', op: '!=', value: '健康' });
    for (const r of [text, list, withField('resident', c, 'lives_alone')]) expect(validateRule('resident', r)).toEqual([]);
  });

  it('T-4 groups switch between 全部/任一 and negation without losing their conditions', () => {
    const g = makeGroup(false, 'all', [defaultCondition('resident')]);
    const parts = groupParts(makeGroup(true, 'any', groupParts(g).children));
    expect(parts).toEqual({ negated: true, mode: 'any', children: [defaultCondition('resident')] });
    expect(makeGroup(true, 'any', parts.children)).toEqual({ not: { any: [defaultCondition('resident')] } });
  });
});
