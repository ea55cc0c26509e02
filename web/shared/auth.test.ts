import { describe, expect, it } from 'vitest';
import { checkPassword } from './auth';
import { ApiRequestError, buildUrl, fieldErrors } from './http';

describe('password rules shown before sending (the server stays the authority)', () => {
  it('N-5 length, three of four character classes, no username inside, not the old password — as api/auth/passwords.ts', () => {
    expect(checkPassword('Ab#1', 'zhang')).toContain('8 位');
    expect(checkPassword(`Ab#1${'x'.repeat(130)}`, 'zhang')).toContain('128');
    expect(checkPassword('abcdefgh1', 'zhang')).toContain('3 类');
    expect(checkPassword('Zhang@2026x', 'zhang')).toContain('用户名');
    expect(checkPassword('Karamay#2027', 'zhang', 'Karamay#2027')).toContain('原密码');
    expect(checkPassword('Karamay#2027', 'zhang', 'Demo@2026')).toBeNull();
  });
});

describe('HTTP wrapper helpers', () => {
  it('N-5 field errors from the API envelope map to form fields, whatever path style ajv used', () => {
    const e = new ApiRequestError(400, 'VALIDATION_FAILED', '提交的内容有误', [
      { field: '/newPassword', message: '新密码：至少 8 位' },
      { field: 'oldPassword', message: '原密码不正确' },
      { field: 'vehicles.0.plate', message: '车牌号：必填' },
    ]);
    expect(fieldErrors(e)).toEqual({ newPassword: '新密码：至少 8 位', oldPassword: '原密码不正确', vehicles: '车牌号：必填' });
    expect(fieldErrors(new Error('x'))).toEqual({});
  });
  it('list queries leave out empty filters', () => {
    expect(buildUrl('/residents', { q: '', orgId: undefined, page: 2, pageSize: 20, sort: '-name' })).toBe(
      '/api/residents?page=2&pageSize=20&sort=-name',
    );
  });
});
