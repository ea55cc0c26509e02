import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../connection';
import type { Actor } from '../../scope';
import { decrypt, idNumberCheckDigit, isValidIdNumber } from '../../sensitive';
import { createTestDb, type TestDb } from '../../testing/server';
import { COUNT_CAP, cappedCount, ElementValidationError, VersionConflictError } from './common';
import { getResident, listResidents, listResidentVersions, updateResident } from './residents';

let t: TestDb;
let db: Db;
const A = 'km.d01.s01.c01';
const B = 'km.d01.s01.c02';
const STREET = 'km.d01.s01';

function actor(path: string, grants: Actor['grants'] = []): Actor {
  return { userId: 1, username: 'tester', orgId: 1, orgPath: path, roles: [], permissions: new Set(), grants };
}

async function idsUnder(path: string): Promise<number[]> {
  return (await db('residents').whereRaw('org_path <@ ?::ltree', [path]).orderBy('id').pluck('id')) as number[];
}

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
});
afterAll(async () => {
  await t.drop();
});

describe('residents query module', () => {
  it('G-3 a community actor lists only its own residents; the street sees both communities', async () => {
    const a = await listResidents(db, actor(A), { pageSize: 200 });
    const b = await listResidents(db, actor(B), { pageSize: 200 });
    const s = await listResidents(db, actor(STREET), { pageSize: 200 });
    const inA = await idsUnder(A);
    expect(inA.length).toBeGreaterThan(5);
    expect(a.total).toBe(inA.length);
    expect(a.rows.map((r) => r.id).sort((x, y) => x - y)).toEqual(inA);
    expect(a.rows.every((r) => r.orgPath.startsWith(`${A}.`))).toBe(true);
    expect(b.rows.some((r) => r.orgPath.startsWith(`${A}.`))).toBe(false);
    expect(s.total).toBe(a.total + b.total);
    // Narrowing to a community outside the scope yields nothing.
    expect((await listResidents(db, actor(A), { orgPath: B })).total).toBe(0);
    // Narrowing inside the scope works (grid of A).
    const grid = `${A}.g01`;
    const g = await listResidents(db, actor(STREET), { orgPath: grid, pageSize: 200 });
    expect(g.total).toBe((await idsUnder(grid)).length);
  });

  it('G-3 grants widen the scope to another unit (department-style), without leaking a third', async () => {
    const other = 'km.d02.s01.c01';
    const r = await listResidents(db, actor(A, [{ path: other, canWrite: false }]), { pageSize: 200 });
    expect(r.total).toBe((await idsUnder(A)).length + (await idsUnder(other)).length);
    expect(r.rows.every((x) => x.orgPath.startsWith(`${A}.`) || x.orgPath.startsWith(`${other}.`))).toBe(true);
  });

  it('G-3 paging and sorting: pages do not overlap, name sort is ordered, filters apply', async () => {
    const p1 = await listResidents(db, actor(STREET), { pageSize: 10, page: 1 });
    const p2 = await listResidents(db, actor(STREET), { pageSize: 10, page: 2 });
    expect(p1.rows).toHaveLength(10);
    expect(p1.rows.some((r) => p2.rows.some((x) => x.id === r.id))).toBe(false);
    const byName = await listResidents(db, actor(STREET), { sort: 'name', pageSize: 200 });
    const expected = (await db('residents')
      .whereRaw('org_path <@ ?::ltree', [STREET])
      .orderBy([{ column: 'name' }, { column: 'id' }])
      .limit(200)
      .pluck('id')) as number[];
    expect(byName.rows.map((r) => r.id)).toEqual(expected);
    const women = await listResidents(db, actor(STREET), { gender: '女', pageSize: 200 });
    expect(women.rows.length).toBeGreaterThan(0);
    expect(women.rows.every((r) => r.gender === '女')).toBe(true);
    const old = await listResidents(db, actor(STREET), { ageMin: 60, pageSize: 200 });
    expect(old.rows.every((r) => r.age >= 60)).toBe(true);
  });

  it('G-3 ID numbers and phones are masked unless revealed; search by ID number uses the blind index', async () => {
    const page = await listResidents(db, actor(A), { pageSize: 5 });
    for (const r of page.rows) expect(r.idNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    const full = await listResidents(db, actor(A), { pageSize: 5 }, { reveal: true });
    expect(isValidIdNumber(full.rows[0].idNumber)).toBe(true);
    const found = await listResidents(db, actor(A), { idNumber: full.rows[0].idNumber });
    expect(found.rows.map((r) => r.id)).toEqual([full.rows[0].id]);
    // The same ID number searched by an actor of another community finds nothing.
    expect((await listResidents(db, actor(B), { idNumber: full.rows[0].idNumber })).total).toBe(0);
  });

  it('G-3 detail joins household, house, building, grid and org chain; out of scope is not found', async () => {
    const [idA] = await idsUnder(A);
    const [idB] = await idsUnder(B);
    const d = await getResident(db, actor(A), idA);
    expect(d).toBeDefined();
    expect(d?.household?.id).toBeGreaterThan(0);
    expect(d?.house?.roomNo).toBeTruthy();
    expect(d?.building?.code.startsWith(d?.grid.code ?? 'x')).toBe(true);
    expect(d?.grid.path.startsWith(`${A}.`)).toBe(true);
    expect(d?.orgChain.map((o) => o.type)).toEqual(['city', 'district', 'street', 'community', 'grid']);
    expect(d?.household?.coverageWorker?.id).toBeGreaterThan(0);
    expect(d?.idNumber).toMatch(/\*/);
    expect(await getResident(db, actor(A), idB)).toBeUndefined();
    expect(await getResident(db, actor(A), 99_999_999)).toBeUndefined();
  });

  it('G-3 update writes a version row (who, when, before, after) and never stores a plain ID number', async () => {
    const [id] = await idsUnder(A);
    const before = await getResident(db, actor(A), id, { reveal: true });
    if (!before) throw new Error('resident missing');
    const newId = `650203199001011${before.gender === '男' ? '23' : '24'}`;
    const valid = newId + idNumberCheckDigit(newId);
    const u1 = await updateResident(
      db,
      actor(A),
      id,
      { occupation: '护士', workUnit: '克拉玛依市白碱滩区社区卫生服务中心', idNumber: valid },
      { reason: '信息核实' },
    );
    expect(u1?.version).toBe(before.version + 1);
    expect(u1?.occupation).toBe('护士');
    const u2 = await updateResident(db, actor(A), id, { vehicles: [{ plate: '新J12345' }] }, { expectedVersion: before.version + 1 });
    expect(u2?.version).toBe(before.version + 2);
    const versions = await listResidentVersions(db, actor(A), id);
    expect(versions.map((v) => v.version)).toEqual([before.version + 2, before.version + 1]);
    const v1 = versions[1];
    expect(v1.changedBy).toBe(1);
    expect(v1.reason).toBe('信息核实');
    expect(v1.before).toMatchObject({ occupation: before.occupation, workUnit: before.workUnit });
    expect(v1.after).toMatchObject({ occupation: '护士', workUnit: '克拉玛依市白碱滩区社区卫生服务中心' });
    expect(Object.keys(v1.after)).toEqual(expect.arrayContaining(['idNumber']));
    const stored = (await db('resident_versions').where({ resident_id: id }).select(db.raw('before::text || after::text AS t'))) as {
      t: string;
    }[];
    for (const s of stored) {
      expect(s.t).not.toContain(valid);
      expect(s.t).not.toContain(before.idNumber);
    }
    // The ciphertext kept in `after` decrypts to the new number (readable by the unmask right only).
    const enc = (v1.after.idNumber as { enc: string }).enc;
    expect(decrypt(Buffer.from(enc.slice(2), 'hex'))).toBe(valid);
    expect((await getResident(db, actor(A), id, { reveal: true }))?.idNumber).toBe(valid);
    expect((await getResident(db, actor(A), id))?.vehicles).toEqual([{ plate: '新J12345' }]);
  });

  it('G-3 updates refuse stale versions, bad input and out-of-scope targets without writing', async () => {
    const [id] = await idsUnder(A);
    const [idB] = await idsUnder(B);
    const cur = await getResident(db, actor(A), id);
    await expect(
      updateResident(db, actor(A), id, { occupation: 'x' }, { expectedVersion: (cur?.version ?? 0) - 1 }),
    ).rejects.toBeInstanceOf(VersionConflictError);
    const first17 = '65020319900101123';
    const wrong = first17 + (idNumberCheckDigit(first17) === '0' ? '1' : '0');
    await expect(updateResident(db, actor(A), id, { idNumber: wrong })).rejects.toBeInstanceOf(ElementValidationError);
    await expect(updateResident(db, actor(A), id, { phone: '12345' })).rejects.toBeInstanceOf(ElementValidationError);
    // A number already registered to someone else.
    const other = await getResident(db, actor(A), (await idsUnder(A))[1], { reveal: true });
    await expect(updateResident(db, actor(A), id, { idNumber: other?.idNumber })).rejects.toBeInstanceOf(ElementValidationError);
    const versionsBefore = await db('resident_versions').where({ resident_id: idB }).count({ n: '*' });
    expect(await updateResident(db, actor(A), idB, { occupation: '越权修改' })).toBeUndefined();
    const after = (await db('residents').where({ id: idB }).first()) as { occupation: string | null; version: number };
    expect(after.occupation).not.toBe('越权修改');
    expect(await db('resident_versions').where({ resident_id: idB }).count({ n: '*' })).toEqual(versionsBefore);
    expect(await listResidentVersions(db, actor(B), id)).toEqual([]);
    expect((await getResident(db, actor(A), id))?.version).toBe(cur?.version);
  });

  it('G-3 big lists cap their count and say so', async () => {
    const r = await cappedCount(db, db.from(db.raw('generate_series(1, ?) AS g(n)', [COUNT_CAP + 5])));
    expect(r).toEqual({ total: COUNT_CAP, totalCapped: true });
    const s = await cappedCount(db, db.from(db.raw('generate_series(1, 7) AS g(n)')));
    expect(s).toEqual({ total: 7, totalCapped: false });
  });
});
