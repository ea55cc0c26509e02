import { describe, expect, it } from 'vitest';
import { compileRule, FIELDS } from '../../db/queries/tags/rules';
import { opsFor, RULE_FIELDS, validateRule } from './rule';

describe('T-4 rule validation shared by server and editor', () => {
  it('T-4 a valid nested rule has no problems; each problem names its JSON path', () => {
    expect(
      validateRule('resident', {
        all: [
          { field: 'age', op: '>=', value: 60 },
          { any: [{ field: 'lives_alone', op: '=', value: true }, { not: { field: 'gender', op: 'in', value: ['男'] } }] },
        ],
      }),
    ).toEqual([]);
    expect(
      validateRule('resident', {
        all: [
          { field: 'salary', op: '>', value: 1 },
          {
            any: [
              { field: 'age', op: '>=', value: '八十' },
              { field: 'gender', op: '>', value: '男' },
            ],
          },
          { any: [] },
          { field: 'health_status', op: 'in', value: ['健康', 3] },
        ],
      }),
    ).toEqual([
      { path: 'rule.all[0].field', message: expect.stringMatching(/^未知字段“salary”/) },
      { path: 'rule.all[1].any[0].value', message: '字段“年龄”须与数字比较' },
      { path: 'rule.all[1].any[1].op', message: expect.stringContaining('只能用') },
      { path: 'rule.all[2].any', message: expect.stringContaining('至少需要一个条件') },
      { path: 'rule.all[3].value[1]', message: expect.stringContaining('须与文字比较') },
    ]);
    expect(validateRule('household', { field: 'age', op: '>=', value: 1 })[0].path).toBe('rule.field');
    expect(validateRule('resident', 'age>60')).toEqual([{ path: 'rule', message: expect.stringContaining('须是对象') }]);
  });

  it('T-4 the server compiles exactly the rules the validator accepts, and knows the SQL of every field', () => {
    for (const [target, fields] of Object.entries(RULE_FIELDS)) {
      expect(Object.keys(FIELDS[target as keyof typeof FIELDS]).sort()).toEqual(Object.keys(fields).sort());
      for (const [field, spec] of Object.entries(fields)) {
        const value = spec.kind === 'number' ? 1 : spec.kind === 'boolean' ? true : 'x';
        for (const op of opsFor(spec.kind)) {
          const rule = { field, op, value: op === 'in' || op === 'not_in' ? [value] : value };
          expect(validateRule(target as 'resident', rule)).toEqual([]);
          expect(compileRule(target as 'resident', rule, '2026-11-24').sql).toContain('?');
        }
      }
    }
    expect(() => compileRule('resident', { all: [{ field: 'age', op: '>=', value: 'x' }] }, '2026-11-24')).toThrow(
      '计算规则 rule.all[0].value：字段“年龄”须与数字比较',
    );
  });
});
