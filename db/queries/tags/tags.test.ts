import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../scope';
import { createTestDb, type TestDb } from '../../testing/server';
import { ElementValidationError } from '../elements/common';
import { setManualTag, tagsOfElement } from './assign';
import { ensureStandardTags } from './catalogue';
import { recomputeAllTags, recomputeChanged, recomputeTag } from './compute';
import { createTag, getTag, listTags } from './definitions';
import { feedLineTag, pullLineTag } from './feed';
import { dailyTagStats, listTagLog } from './log';
import { compileRule, RuleError } from './rules';
import { searchAllRows, searchByTags } from './search';

const AS_OF = '2026-11-24';
let t: TestDb;

function actorAt(org: { id: number; path: string }, userId = 0, username = 'test'): Actor {
  return { userId, username, orgId: org.id, orgPath: org.path, roles: [], permissions: new Set(), grants: [] };
}

async function org(type: string, nth = 0): Promise<{ id: number; path: string }> {
  return (await t.db('org_units').where({ type }).orderBy('path').offset(nth).select('id', t.db.raw('path::text AS path')).first()) as {
    id: number;
    path: string;
  };
}

async function tagId(code: string): Promise<number> {
  return (await t.db('tag_definitions').where({ code }).first()).id as number;
}

beforeAll(async () => {
  t = await createTestDb();
  await ensureStandardTags(t.db);
});
afterAll(async () => t?.drop());

describe('T-4 rule engine', () => {
  it('T-4 compiles all/any/not with bound values and refuses unknown fields in Chinese', () => {
    const c = compileRule(
      'resident',
      { all: [{ field: 'age', op: '>=', value: 60 }, { not: { field: 'gender', op: '=', value: "男'; DROP TABLE residents; --" } }] },
      AS_OF,
    );
    expect(c.sql).not.toContain('DROP');
    expect(c.bindings).toContain("男'; DROP TABLE residents; --");
    expect(() => compileRule('resident', { field: 'salary', op: '>', value: 1 }, AS_OF)).toThrow(RuleError);
    expect(() => compileRule('resident', { field: 'age', op: '>=', value: '八十' }, AS_OF)).toThrow(/须与数字比较/);
    expect(() => compileRule('resident', { field: 'lives_alone', op: '>', value: true }, AS_OF)).toThrow(/只能用/);
  });

  it('T-4 whole-city recomputation matches a direct count, is idempotent and logs auto changes', async () => {
    const results = await recomputeAllTags(t.db, { asOf: AS_OF });
    const oldest = await tagId('STD_OLDEST_OLD');
    const alone = await tagId('STD_ALONE_ELDERLY');
    const expectOld = Number(
      (
        await t.db.raw(
          `SELECT count(*) n FROM residents WHERE dynamic_status = '在册' AND date_part('year', age(?::date, birth_date)) >= 80`,
          [AS_OF],
        )
      ).rows[0].n,
    );
    const expectAlone = Number(
      (
        await t.db.raw(
          `SELECT count(*) n FROM residents r JOIN households h ON h.id = r.household_id
           WHERE r.dynamic_status = '在册' AND h.member_count = 1 AND date_part('year', age(?::date, r.birth_date)) >= 60`,
          [AS_OF],
        )
      ).rows[0].n,
    );
    expect(expectOld).toBeGreaterThan(0);
    expect(results.find((r) => r.tagId === oldest)?.added).toBe(expectOld);
    expect(await t.db('element_tags').where({ tag_id: oldest }).count({ n: '*' }).first()).toEqual({ n: expectOld });
    expect(await t.db('element_tags').where({ tag_id: alone }).count({ n: '*' }).first()).toEqual({ n: expectAlone });
    const logged = await t.db('tag_log').where({ tag_id: oldest, update_type: 'auto', action: 'add' }).count({ n: '*' }).first();
    expect(logged).toEqual({ n: expectOld });
    const again = await recomputeAllTags(t.db, { asOf: AS_OF });
    expect(again.every((r) => r.added === 0 && r.removed === 0)).toBe(true);
    expect(await t.db('tag_recompute_queue').count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('T-4 an element change is queued by the trigger and re-evaluated: tag added, then removed, with before/after in the log', async () => {
    const oldest = await tagId('STD_OLDEST_OLD');
    const young = (await t.db('residents').where('dynamic_status', '在册').where('birth_date', '>', '1990-01-01').select('id').first()) as {
      id: number;
    };
    await t.db('residents').where({ id: young.id }).update({ birth_date: '1930-05-05' });
    expect(await t.db('tag_recompute_queue').where({ element_type: 'resident', element_id: young.id }).first()).toBeTruthy();
    const r1 = await recomputeChanged(t.db, { asOf: AS_OF });
    expect(r1.added).toBeGreaterThanOrEqual(2); // 老年人 + 高龄老人 at least
    expect(await t.db('element_tags').where({ tag_id: oldest, element_id: young.id }).first()).toBeTruthy();
    await t.db('residents').where({ id: young.id }).update({ dynamic_status: '死亡' });
    await recomputeChanged(t.db, { asOf: AS_OF });
    expect(await t.db('element_tags').where({ tag_id: oldest, element_id: young.id }).first()).toBeUndefined();
    const log = await t
      .db('tag_log')
      .where({ tag_id: oldest, element_id: young.id })
      .orderBy('id')
      .select('action', 'before', 'after', 'update_type');
    expect(log).toEqual([
      { action: 'add', before: false, after: true, update_type: 'auto' },
      { action: 'remove', before: true, after: false, update_type: 'auto' },
    ]);
  });

  it('T-4 a household change re-evaluates its residents (lives alone)', async () => {
    const alone = await tagId('STD_ALONE_ELDERLY');
    const tagged = (await t
      .db('element_tags as et')
      .join('residents as r', 'r.id', 'et.element_id')
      .where('et.tag_id', alone)
      .select('r.id', 'r.household_id')
      .first()) as { id: number; household_id: number };
    await t.db('households').where({ id: tagged.household_id }).update({ member_count: 2 });
    await recomputeChanged(t.db, { asOf: AS_OF });
    expect(await t.db('element_tags').where({ tag_id: alone, element_id: tagged.id }).first()).toBeUndefined();
  });
});

describe('T-1 / T-2 definitions and scope', () => {
  it('T-1 stores every field; T-2 a unit defines only inside its own scope', async () => {
    const community = await org('community', 0);
    const sibling = await org('community', 1);
    const actor = actorAt(community, 1, 'c1');
    const id = await createTag(t.db, actor, {
      code: 'C1_KEY',
      name: '重点关注户',
      description: '社区自定义',
      definition: '需要重点走访的居民户',
      target: 'household',
      kind: 'manual',
      tagType: '走访标签',
      reminderDays: 14,
      definingOrgId: community.id,
      effectiveFrom: '2026-01-01',
      effectiveTo: '2027-12-31',
    });
    const tag = await getTag(t.db, actor, id);
    expect(tag).toMatchObject({
      name: '重点关注户',
      target: 'household',
      level: 'community',
      kind: 'manual',
      reminderDays: 14,
      orgPath: community.path,
      effectiveFrom: '2026-01-01',
      effectiveTo: '2027-12-31',
      active: true,
    });
    await expect(
      createTag(t.db, actor, { code: 'C1_BAD', name: 'x', target: 'household', kind: 'manual', definingOrgId: sibling.id }),
    ).rejects.toThrow(/管辖范围内的单位/);
  });

  it('T-2 visibility: city tags reach a grid; a community tag is visible below and above it, never to a sibling', async () => {
    const community = await org('community', 0);
    const sibling = await org('community', 1);
    const grid = (await t
      .db('org_units')
      .where('type', 'grid')
      .whereRaw('path <@ ?::ltree', [community.path])
      .select('id', t.db.raw('path::text AS path'))
      .first()) as {
      id: number;
      path: string;
    };
    const street = (await t
      .db('org_units')
      .where('id', (await t.db('org_units').where('id', community.id).first()).parent_id)
      .select('id', t.db.raw('path::text AS path'))
      .first()) as {
      id: number;
      path: string;
    };
    const names = async (o: { id: number; path: string }) => (await listTags(t.db, actorAt(o))).map((x) => x.code);
    expect(await names(grid)).toEqual(expect.arrayContaining(['STD_OLDEST_OLD', 'C1_KEY']));
    expect(await names(street)).toContain('C1_KEY');
    expect(await names(sibling)).toContain('STD_OLDEST_OLD');
    expect(await names(sibling)).not.toContain('C1_KEY');
    // …and a sibling cannot search with it either.
    await expect(searchByTags(t.db, actorAt(sibling), { expr: { tag: await tagId('C1_KEY') } })).rejects.toThrow(ElementValidationError);
  });
});

describe('T-3 manual tags', () => {
  it('T-3 a grid worker tags only the households they cover; staff tag anything in scope; the log records the operator', async () => {
    const community = await org('community', 0);
    const tag = await tagId('C1_KEY');
    const free = (await t
      .db('grid_workers')
      .where({ kind: 'full_time', sub_kind: 'member' })
      .whereNull('user_id')
      .whereRaw('org_path <@ ?::ltree', [community.path])
      .orderBy('id')
      .first()) as {
      id: number;
      grid_id: number;
      org_path: string;
    };
    const [u] = await t
      .db('users')
      .insert({ username: 'w_t3', display_name: '网格员', password_hash: 'x', org_id: free.grid_id, org_path: free.org_path })
      .returning('id');
    await t
      .db('grid_workers')
      .where({ id: free.id })
      .update({ user_id: (u as { id: number }).id });
    const hh = (await t.db('households').where('grid_id', free.grid_id).orderBy('id').first()) as { id: number };
    await t.db('coverage_relations').where({ element_type: 'household', element_id: hh.id }).update({ worker_id: free.id });
    const w = (await t
      .db('grid_workers as w')
      .join('users as u', 'u.id', 'w.user_id')
      .where('w.id', free.id)
      .select('w.id', 'w.grid_id', 'u.id as userId', 'u.username', 'u.org_id', t.db.raw('u.org_path::text AS org_path'))
      .first()) as { id: number; grid_id: number; userId: number; username: string; org_id: number; org_path: string };
    expect(w).toBeTruthy();
    const own = (await t.db('coverage_relations').where({ worker_id: w.id, element_type: 'household' }).first()).element_id as number;
    const other = (
      await t
        .db('households as h')
        .where('h.grid_id', w.grid_id)
        .whereNotExists(
          t.db('coverage_relations as c').whereRaw(`c.element_type = 'household' AND c.element_id = h.id AND c.worker_id = ?`, [w.id]),
        )
        .first()
    ).id as number;
    const worker = actorAt({ id: w.org_id, path: w.org_path }, w.userId, w.username);
    const r = await setManualTag(t.db, worker, { tagId: tag, elementType: 'household', elementIds: [own, other], on: true });
    expect(r.changed).toBe(1);
    expect(r.refused).toEqual([{ elementId: other, reason: expect.stringContaining('包户') }]);
    const staff = actorAt(community, 7, 'staff');
    const r2 = await setManualTag(t.db, staff, { tagId: tag, elementType: 'household', elementIds: [other], on: true });
    expect(r2.changed).toBe(1);
    const el = await tagsOfElement(t.db, worker, 'household', own);
    expect(el?.tags.map((x) => x.name)).toContain('重点关注户');
    const log = await listTagLog(t.db, staff, { tagId: tag });
    expect(log.rows.map((x) => [x.elementId, x.updateType, x.operatorName])).toEqual(
      expect.arrayContaining([
        [own, 'manual', w.username],
        [other, 'manual', 'staff'],
      ]),
    );
    // computed tags cannot be set by hand
    await expect(
      setManualTag(t.db, staff, { tagId: await tagId('STD_OLDEST_OLD'), elementType: 'resident', elementIds: [1], on: true }),
    ).rejects.toThrow(/不能手动修改/);
  });
});

describe('G-2 走访标签 on 居民户', () => {
  it('G-2 a 走访标签 goes on a household (not on a resident), is found by tag search with a 户标签, and its history names the household', async () => {
    const community = await org('community', 0);
    const staff = actorAt(community, 8, 'visit_staff');
    const visit = await createTag(t.db, staff, {
      code: 'C1_VISIT_MONTHLY',
      name: '每月走访',
      target: 'visit',
      kind: 'manual',
      definingOrgId: community.id,
      reminderDays: 30,
    });
    const hh = (await t.db('households').whereRaw('org_path <@ ?::ltree', [community.path]).orderBy('id').first('id', 'household_no')) as {
      id: number;
      household_no: string;
    };
    const r = await setManualTag(t.db, staff, {
      tagId: visit,
      elementType: 'household',
      elementIds: [hh.id],
      on: true,
      note: '独居老人户',
    });
    expect(r).toMatchObject({ changed: 1, refused: [] });
    await expect(setManualTag(t.db, staff, { tagId: visit, elementType: 'resident', elementIds: [1], on: true })).rejects.toThrow(
      /只能用于居民户（走访标签）/,
    );
    const el = await tagsOfElement(t.db, staff, 'household', hh.id);
    expect(el?.tags.find((x) => x.tagId === visit)).toMatchObject({ name: '每月走访', target: 'visit', kind: 'manual' });
    // Combined with a 户标签 (C1_KEY) in one search: the household is the only match of 走访 且 重点关注户.
    const key = await tagId('C1_KEY');
    await setManualTag(t.db, staff, { tagId: key, elementType: 'household', elementIds: [hh.id], on: true });
    const found = await searchByTags(t.db, staff, { expr: { and: [{ tag: visit }, { tag: key }] } });
    expect(found.counts).toEqual([expect.objectContaining({ elementType: 'household', count: 1 })]);
    expect(found.rows.map((x) => x.elementId)).toEqual([hh.id]);
    // History of the household's tags: both changes, newest first, with the household's name.
    await setManualTag(t.db, staff, { tagId: visit, elementType: 'household', elementIds: [hh.id], on: false });
    const log = await listTagLog(t.db, staff, { elementType: 'household', elementId: hh.id });
    const visits = log.rows.filter((x) => x.tagId === visit);
    expect(visits.map((x) => [x.action, x.before, x.after, x.operatorName])).toEqual([
      ['remove', true, false, 'visit_staff'],
      ['add', false, true, 'visit_staff'],
    ]);
    expect(visits[1].note).toBe('独居老人户');
    expect(visits[0].elementName).toContain(hh.household_no);
    // One visit category per household: 关爱走访户 replaces 每月走访, both changes logged.
    await setManualTag(t.db, staff, { tagId: visit, elementType: 'household', elementIds: [hh.id], on: true });
    const care = await tagId('STD_VISIT_CARE');
    await setManualTag(t.db, staff, { tagId: care, elementType: 'household', elementIds: [hh.id], on: true });
    const now = (await tagsOfElement(t.db, staff, 'household', hh.id))?.tags.filter((x) => x.target === 'visit').map((x) => x.name);
    expect(now).toEqual(['关爱走访户']);
    const swap = (await listTagLog(t.db, staff, { elementType: 'household', elementId: hh.id })).rows.slice(0, 2);
    expect(swap.map((x) => [x.tagName, x.action])).toEqual(
      expect.arrayContaining([
        ['关爱走访户', 'add'],
        ['每月走访', 'remove'],
      ]),
    );
    // The tags offered for 居民户 (list tag filters, pickers) include its 走访标签; those of residents do not.
    expect((await listTags(t.db, staff, { target: 'household' })).map((x) => x.id)).toContain(visit);
    expect((await listTags(t.db, staff, { target: 'resident' })).map((x) => x.id)).not.toContain(visit);
  });
});

describe('T-5 line tags', () => {
  it('T-5 overwrite replaces the set; incremental adds and removes row by row', async () => {
    const city = await org('city');
    const dept = await org('department');
    const cityActor = actorAt(city, 2, 'city');
    const id = await createTag(t.db, cityActor, {
      code: 'LINE_LOW_INCOME',
      name: '低保户',
      target: 'enterprise',
      kind: 'line',
      definingOrgId: city.id,
      departmentId: dept.id,
    });
    const codes = (await t.db('enterprises').orderBy('id').limit(5).pluck('credit_code')) as string[];
    const deptActor = actorAt(dept, 3, 'dept');
    const r1 = await feedLineTag(t.db, deptActor, {
      tagId: id,
      mode: 'overwrite',
      source: 'api',
      rows: codes.slice(0, 3).map((key) => ({ key })),
    });
    expect(r1).toMatchObject({ added: 3, removed: 0, unmatched: 0 });
    const r2 = await feedLineTag(t.db, deptActor, {
      tagId: id,
      mode: 'overwrite',
      source: 'table',
      rows: [...codes.slice(2, 5), 'NOPE00000000000000'].map((key) => ({ key })),
    });
    expect(r2).toMatchObject({ added: 2, removed: 2, unmatched: 1 });
    const r3 = await feedLineTag(t.db, deptActor, {
      tagId: id,
      mode: 'incremental',
      source: 'api',
      rows: [{ key: codes[0] }, { key: codes[4], op: 'remove' }],
    });
    expect(r3).toMatchObject({ added: 1, removed: 1 });
    const ids = (await t
      .db('element_tags as et')
      .join('enterprises as e', 'e.id', 'et.element_id')
      .where('et.tag_id', id)
      .orderBy('e.id')
      .pluck('e.credit_code')) as string[];
    expect(ids.sort()).toEqual([codes[0], codes[2], codes[3]].sort());
    const lineLog = await t.db('tag_log').where({ tag_id: id, update_type: 'line' }).count({ n: '*' }).first();
    expect(lineLog).toEqual({ n: 3 + 4 + 2 });
    // another department may not feed it
    const other = await org('department', 1);
    await expect(
      feedLineTag(t.db, actorAt(other), { tagId: id, mode: 'incremental', source: 'api', rows: [{ key: codes[1] }] }),
    ).rejects.toThrow(ElementValidationError);
  });
});

describe('T-5 API pull', () => {
  it('T-5 pulls the department list from the tag’s feed URL (incremental), and explains an unreachable one in Chinese', async () => {
    const city = await org('city');
    const dept = await org('department');
    const codes = (await t.db('enterprises').orderBy('id', 'desc').limit(2).pluck('credit_code')) as string[];
    const srv = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ rows: codes.map((key) => ({ key })) }));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/feed`;
      const cityActor = actorAt(city, 2, 'city');
      const id = await createTag(t.db, cityActor, {
        code: 'LINE_PULL',
        name: '安全生产重点',
        target: 'enterprise',
        kind: 'line',
        definingOrgId: city.id,
        departmentId: dept.id,
        feedUrl: url,
      });
      const r = await pullLineTag(t.db, actorAt(dept, 3, 'dept'), id, 'incremental');
      expect(r).toMatchObject({ added: 2, removed: 0, unmatched: 0 });
      expect(await t.db('tag_feed_runs').where({ tag_id: id, source: 'pull' }).first()).toBeTruthy();
      const broken = await createTag(t.db, cityActor, {
        code: 'LINE_DOWN',
        name: '停用接口',
        target: 'enterprise',
        kind: 'line',
        definingOrgId: city.id,
        departmentId: dept.id,
        feedUrl: 'http://127.0.0.1:9/none',
      });
      await expect(pullLineTag(t.db, actorAt(dept, 3, 'dept'), broken, 'overwrite')).rejects.toThrow(/拉取部门数据失败/);
    } finally {
      srv.close();
    }
  });
});

describe('T-6 search', () => {
  it('T-6 combined AND + NOT matches the SQL truth within a district scope, with paging', async () => {
    const district = await org('district', 0);
    const elderly = await tagId('STD_ELDERLY');
    const party = await tagId('STD_PARTY_MEMBER');
    const alone = await tagId('STD_ALONE_ELDERLY');
    const expr = { and: [{ tag: elderly }, { not: { tag: alone } }] };
    const truth = (
      await t.db.raw(
        `SELECT e.element_id FROM element_tags e WHERE e.tag_id = ? AND e.org_path <@ ?::ltree
         AND NOT EXISTS (SELECT 1 FROM element_tags x WHERE x.tag_id = ? AND x.element_id = e.element_id AND x.element_type = 'resident')
         ORDER BY 1`,
        [elderly, district.path, alone],
      )
    ).rows.map((r: { element_id: number }) => r.element_id);
    const actor = actorAt(district);
    const p1 = await searchByTags(t.db, actor, { expr, pageSize: 5 });
    expect(p1.counts).toEqual([{ elementType: 'resident', label: '人口', count: truth.length }]);
    expect(p1.rows.map((r) => r.elementId)).toEqual(truth.slice(0, 5));
    const p2 = await searchByTags(t.db, actor, { expr, pageSize: 5, page: 2 });
    expect(p2.rows.map((r) => r.elementId)).toEqual(truth.slice(5, 10));
    // A page past the end has no rows but still the set's total.
    const past = await searchByTags(t.db, actor, { expr, pageSize: 5, page: Math.ceil(truth.length / 5) + 2 });
    expect(past.rows).toEqual([]);
    expect(past.total).toBe(truth.length);
    expect(p1.rows[0].tags).toContain('老年人');
    // OR of a resident tag and an enterprise tag spans two element types.
    const both = await searchByTags(t.db, actorAt(await org('city')), {
      expr: { or: [{ tag: party }, { tag: await tagId('STD_ABOVE_SCALE') }] },
    });
    expect(both.counts.map((c) => c.elementType).sort()).toEqual(['enterprise', 'resident']);
    // A plain NOT needs the universe of the scope.
    const notParty = await searchByTags(t.db, actor, { expr: { not: { tag: party } } });
    const residents = Number((await t.db('residents').whereRaw('org_path <@ ?::ltree', [district.path]).count({ n: '*' }).first())?.n);
    const partyIn = Number(
      (await t.db('element_tags').where('tag_id', party).whereRaw('org_path <@ ?::ltree', [district.path]).count({ n: '*' }).first())?.n,
    );
    expect(notParty.total).toBe(residents - partyIn);
  });

  it('T-6 scope: a grid sees only its own elements', async () => {
    const elderly = await tagId('STD_ELDERLY');
    const grid = await org('grid', 0);
    const all = await searchAllRows(t.db, actorAt(grid), { tag: elderly });
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((r) => r.orgPath === grid.path || r.orgPath.startsWith(`${grid.path}.`))).toBe(true);
  });
});

describe('T-7 log statistics', () => {
  it('T-7 daily counts by update type add up to the log', async () => {
    const city = actorAt(await org('city'));
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const stats = await dailyTagStats(t.db, city, { from: '2026-01-01', to: today });
    const total = Number((await t.db('tag_log').count({ n: '*' }).first())?.n);
    expect(stats.reduce((s, d) => s + d.manual + d.auto + d.line, 0)).toBe(total);
    expect(stats.at(-1)?.auto).toBeGreaterThan(0);
    expect(stats.at(-1)?.line).toBeGreaterThan(0);
    expect(stats.at(-1)?.manual).toBeGreaterThan(0);
  });

  it('T-4 recomputeTag on one tag returns undefined for a manual tag', async () => {
    expect(await recomputeTag(t.db, await tagId('C1_KEY'))).toBeUndefined();
  });
});
