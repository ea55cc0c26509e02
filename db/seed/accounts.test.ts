import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../api/auth/passwords';
import { createTestDb, type TestDb } from '../testing/server';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, demoAccountLines, seedDemoAccounts } from './accounts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
});

describe('demo accounts', () => {
  it('N-5 seedDemoAccounts creates one account per role, each with its own salt, grid staff linked to grid_workers, idempotent', async () => {
    const first = await seedDemoAccounts(t.db);
    const second = await seedDemoAccounts(t.db);
    expect(second.map((a) => a.userId)).toEqual(first.map((a) => a.userId));
    const byName = new Map(first.map((a) => [a.username, a]));
    for (const must of ['admin', 'secadmin', 'auditor', 'city', 'district', 'street', 'community', 'gridleader', 'gridworker']) {
      expect(byName.has(must), must).toBe(true);
    }
    expect(byName.get('gridleader')!.orgPath).toBe(byName.get('gridworker')!.orgPath);
    expect(byName.get('community')!.orgPath.startsWith(`${byName.get('street')!.orgPath}.`)).toBe(true);
    const users = (await t.db('users').whereIn('username', [...byName.keys()])) as {
      username: string;
      password_hash: string;
      must_change_password: boolean;
    }[];
    expect(new Set(users.map((u) => u.password_hash)).size).toBe(users.length);
    for (const u of users) expect(u.must_change_password).toBe(false);
    expect(await verifyPassword(DEMO_PASSWORD, users[0].password_hash)).toBe(true);
    const link = await t
      .db('grid_workers')
      .where({ user_id: byName.get('gridleader')!.userId })
      .first();
    expect(link).toMatchObject({ kind: 'full_time', sub_kind: 'leader', org_path: byName.get('gridleader')!.orgPath });
    expect(demoAccountLines().join('\n')).toContain(DEMO_PASSWORD);
    expect(demoAccountLines()).toHaveLength(DEMO_ACCOUNTS.length + 1);
  });
});
