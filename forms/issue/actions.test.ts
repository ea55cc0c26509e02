import { describe, expect, it } from 'vitest';
import type { ApiError } from '../../api/errors';
import { validate } from '../../api/validation';
import { getForm } from '../catalog';
import { ACTION_LABELS } from './actions';

const schema = (key: string) => getForm(key)!.schema;
const fieldsOf = (key: string, data: unknown) => {
  try {
    validate(schema(key), data);
    return [];
  } catch (e) {
    return (e as ApiError).fields!.map((f) => f.field);
  }
};

describe('issue forms (Q-1)', () => {
  it('Q-1 every action of every issue form has a Chinese label', () => {
    for (const key of [
      'issue.grid_verify',
      'issue.community',
      'issue.street',
      'issue.department',
      'issue.extension_review',
      'issue.verify',
      'issue.archive',
    ]) {
      const actions = (schema(key).properties as { action: { enum: string[] } }).action.enum;
      for (const a of actions) expect(ACTION_LABELS[a], `${key}:${a}`).toMatch(/[\u4e00-\u9fa5]/);
    }
  });
  it('Q-1 an action needs its own fields: dispatch needs departments, transfer a target', () => {
    expect(fieldsOf('issue.street', { action: 'dispatch' })).toContain('deptIds');
    expect(fieldsOf('issue.street', { action: 'dispatch', deptIds: [3] })).toEqual([]);
    expect(fieldsOf('issue.community', { action: 'transfer', reason: '不属本社区' })).toContain('targetOrgId');
    expect(fieldsOf('issue.department', { action: 'request_extension', reason: '需协调' })).toContain('workingDays');
    expect(fieldsOf('issue.department', { action: 'request_extension', reason: '需协调', workingDays: 11 })).toContain('workingDays');
  });
  it('Q-5 verification passes only with a 1–5 star rating', () => {
    expect(fieldsOf('issue.verify', { action: 'pass' })).toContain('stars');
    expect(fieldsOf('issue.verify', { action: 'pass', stars: 6 })).toContain('stars');
    expect(fieldsOf('issue.verify', { action: 'pass', stars: 5 })).toEqual([]);
  });
  it('Q-1 unknown actions and fields are refused', () => {
    expect(fieldsOf('issue.verify', { action: 'dispatch' })).toContain('action');
    expect(fieldsOf('issue.verify', { action: 'fail', reason: 'x', hack: 1 })).toContain('hack');
  });
  it('M-4 a self-handled report needs its result', () => {
    expect(fieldsOf('issue.report', { title: '路灯坏了', description: '三号楼前路灯不亮', gridId: 5, selfHandled: true })).toContain(
      'selfHandledResult',
    );
  });
});
