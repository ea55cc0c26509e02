import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing/server';
import { seedFixture, startServer, type TestServer } from '../auth/test-fixture';
import { baseMapConfig } from './grids';

let t: TestDb;
let srv: TestServer;

beforeAll(async () => {
  t = await createTestDb();
  await seedFixture(t.db);
  srv = await startServer(t.db);
});
afterAll(async () => {
  await srv?.close();
  await t?.drop();
});

describe('grid division and coverage API', () => {
  it('D-1 an overlapping save answers 409 with the overlap as GeoJSON; a community worker may not edit grids (403)', async () => {
    const g = (await t
      .db('org_units')
      .where({ type: 'grid' })
      .whereNotNull('geom')
      .orderBy('path')
      .select('id', 'parent_id', t.db.raw('ST_XMin(geom) x0, ST_YMin(geom) y0, ST_XMax(geom) x1, ST_YMax(geom) y1'))
      .first()) as { id: number; parent_id: number; x0: number; y0: number; x1: number; y1: number };
    const ring = [
      [g.x0, g.y0],
      [g.x1 + 0.004, g.y0],
      [g.x1 + 0.004, g.y1],
      [g.x0, g.y1],
      [g.x0, g.y0],
    ];
    const city = await srv.login('f_city');
    const r = await city.request('PUT', '/grids/geometry', {
      communityId: g.parent_id,
      grids: [{ id: g.id, geometry: { type: 'Polygon', coordinates: [ring] } }],
    });
    expect(r.status).toBe(409);
    const body = r.json as { error: { code: string; message: string; problems: { features: { properties: { kind: string } }[] } } };
    expect(body.error.code).toBe('GRID_OVERLAP');
    expect(body.error.message).toContain('重叠');
    expect(body.error.problems.features.map((f) => f.properties.kind)).toContain('overlap');
    const community = await srv.login('f_community');
    expect(
      (
        await community.request('PUT', '/grids/geometry', {
          communityId: g.parent_id,
          grids: [{ id: g.id, geometry: { type: 'Polygon', coordinates: [ring] } }],
        })
      ).status,
    ).toBe(403);
    const layer = await city.request('GET', '/map/layers/grid');
    const all = (layer.json as { features: unknown[] }).features.length;
    expect(all).toBeGreaterThan(10);
    // D-1 the grids of a map view: a box inside one grid gives that grid and its touching neighbours only.
    const cx = (g.x0 + g.x1) / 2;
    const cy = (g.y0 + g.y1) / 2;
    const inView = await city.request('GET', `/map/layers/grid?bbox=${cx - 0.0001},${cy - 0.0001},${cx + 0.0001},${cy + 0.0001}`);
    const ids = (inView.json as { features: { properties: { id: number } }[] }).features.map((f) => f.properties.id);
    expect(ids).toEqual([g.id]);
    expect((await city.request('GET', '/map/layers/grid?bbox=1,2,3')).status).toBe(400);
    const cfg = await city.request('GET', '/map/config');
    expect(cfg.json).toMatchObject({ projection: 'EPSG:4326' });
  });

  it('G-6 the coverage report is scoped: a community sees only its grids', async () => {
    const community = await srv.login('f_community');
    const r = await community.request('GET', '/coverage/report?level=grid');
    expect(r.status).toBe(200);
    const rows = (r.json as { rows: { orgPath: string }[] }).rows;
    expect(rows.every((x) => x.orgPath.startsWith('km.zt1.s1.c1'))).toBe(true);
    const bad = await community.request('GET', '/coverage/report?level=planet');
    expect(bad.status).toBe(400);
  });
  it('N-5 D-1 D-2 F-2 grid, 包户 and 包联 writes are audited in their transaction; a refused save writes no audit row', async () => {
    const audits = (action: string) => t.db('audit_log').where({ action }).orderBy('id');
    const g = (await t
      .db('org_units')
      .where({ type: 'grid', active: true })
      .whereNotNull('geom')
      .orderBy('path')
      .select('id', 'parent_id', t.db.raw('ST_XMin(geom) x0, ST_YMin(geom) y0, ST_XMax(geom) x1, ST_YMax(geom) y1'))
      .first()) as { id: number; parent_id: number; x0: number; y0: number; x1: number; y1: number };
    const city = await srv.login('f_city');
    // D-1 grid type: saved and audited.
    expect((await city.request('PATCH', `/grids/${g.id}`, { gridType: 'exclusive' })).status).toBe(200);
    expect(await t.db('org_units').where({ id: g.id }).first('grid_type')).toMatchObject({ grid_type: 'exclusive' });
    expect(await audits('update').where({ object_type: 'org_unit', object_id: String(g.id) })).toHaveLength(1);
    // A refused save (overlap) leaves no audit row.
    const ring = [
      [g.x0, g.y0],
      [g.x1 + 0.004, g.y0],
      [g.x1 + 0.004, g.y1],
      [g.x0, g.y1],
      [g.x0, g.y0],
    ];
    expect(
      (
        await city.request('PUT', '/grids/geometry', {
          communityId: g.parent_id,
          grids: [{ id: g.id, geometry: { type: 'Polygon', coordinates: [ring] } }],
        })
      ).status,
    ).toBe(409);
    expect(await audits('grid.geometry')).toHaveLength(0);
    // D-2 split along a vertical line through the middle: two grids, one audit row naming both.
    const mid = (g.x0 + g.x1) / 2;
    const split = await city.request('POST', `/grids/${g.id}/split`, {
      line: {
        type: 'LineString',
        coordinates: [
          [mid, g.y0 - 0.01],
          [mid, g.y1 + 0.01],
        ],
      },
    });
    expect(split.status).toBe(200);
    const ids = (split.json as { gridIds: number[] }).gridIds;
    expect(ids).toHaveLength(2);
    const [row] = await audits('grid.split');
    expect(row).toMatchObject({ object_type: 'org_unit', object_id: String(g.id), username: 'f_city' });
    expect((row.detail as { gridIds: number[] }).gridIds).toEqual(ids);
    // F-2 包户 of a selection and a 包联 team: audited with who and what.
    const worker = (await t
      .db('grid_workers as w')
      .where({ 'w.kind': 'full_time', 'w.status': 'active' })
      .whereExists(t.db('households as h').whereRaw('h.grid_id = w.grid_id'))
      .orderBy('w.id')
      .first('w.id', 'w.grid_id')) as { id: number; grid_id: number };
    const hh = (await t.db('households').where({ grid_id: worker.grid_id }).orderBy('id').first('id', 'grid_id')) as {
      id: number;
      grid_id: number;
    };
    const assign = await city.request('POST', '/coverage/assign', { workerId: worker.id, elementType: 'household', elementIds: [hh.id] });
    expect(assign.status).toBe(200);
    const [cov] = await audits('coverage.assign');
    expect(cov).toMatchObject({ object_type: 'household', username: 'f_city' });
    expect(cov.detail).toMatchObject({ workerId: worker.id, elementIds: [hh.id] });
    const person = (await t.db('residents').where({ grid_id: hh.grid_id }).first('id')) as { id: number };
    const team = await city.request('PUT', '/care/team', {
      residentId: person.id,
      careType: 'solitary_elderly',
      members: [{ workerId: worker.id, role: 'full_time' }],
    });
    expect(team.status).toBe(200);
    expect(await audits('care.team').where({ object_id: String(person.id) })).toHaveLength(1);
    // A refused team (no full-time member) is 400 and not audited.
    const refused = await city.request('PUT', '/care/team', { residentId: person.id, careType: 'disabled', members: [] });
    expect(refused.status).toBe(400);
    expect(await audits('care.team')).toHaveLength(1);
  });
  it('F-1 one 网格长 per grid: appointing another demotes the old one (versions + audit); part-time and foreign workers are refused', async () => {
    const leader = (await t
      .db('grid_workers')
      .where({ kind: 'full_time', sub_kind: 'leader', status: 'active' })
      .whereExists(
        t
          .db('grid_workers as m')
          .whereRaw("m.grid_id = grid_workers.grid_id AND m.kind = 'full_time' AND m.sub_kind = 'member' AND m.status <> 'left'"),
      )
      .orderBy('id')
      .first('id', 'grid_id')) as { id: number; grid_id: number };
    const member = (await t
      .db('grid_workers')
      .where({ grid_id: leader.grid_id, kind: 'full_time', sub_kind: 'member' })
      .whereNot('status', 'left')
      .first('id')) as { id: number };
    const city = await srv.login('f_city');
    const r = await city.request('PUT', `/grids/${leader.grid_id}/leader`, { workerId: member.id });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ leaderId: member.id, previousLeaderId: leader.id });
    const leaders = await t
      .db('grid_workers')
      .where({ grid_id: leader.grid_id, sub_kind: 'leader' })
      .whereNot('status', 'left')
      .pluck('id');
    expect(leaders).toEqual([member.id]);
    const versions = await t.db('element_versions').where({ element_type: 'grid_worker' }).whereIn('element_id', [leader.id, member.id]);
    expect(versions.map((v) => (v.after as { subKind: string }).subKind).sort()).toEqual(['leader', 'member']);
    expect(await t.db('audit_log').where({ action: 'force.leader', object_id: String(leader.grid_id) })).toHaveLength(1);
    // D-3 statistics name the new leader.
    const stats = (await city.request('GET', '/grids/stats')).json as {
      gridId: number;
      leaderName: string;
      leaders: number;
      fullTime: number;
    }[];
    const st = stats.find((x) => x.gridId === leader.grid_id);
    expect(st).toMatchObject({ leaders: 1 });
    expect(st?.leaderName).toBe((await t.db('grid_workers').where({ id: member.id }).first('name')).name);
    // A part-time worker cannot lead; a worker of another grid must be moved in first.
    const part = (await t
      .db('grid_workers')
      .where({ kind: 'part_time' })
      .whereNot('status', 'left')
      .orderBy('id')
      .first('id', 'grid_id')) as {
      id: number;
      grid_id: number;
    };
    const refused = await city.request('PUT', `/grids/${part.grid_id}/leader`, { workerId: part.id });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.json)).toContain('网格长须由专职网格员担任');
    const foreign = await city.request('PUT', `/grids/${leader.grid_id}/leader`, { workerId: part.id === member.id ? leader.id : part.id });
    expect(foreign.status).toBe(400);
    // Data scope: a community manages the forces of its own grids only.
    const outside = (await t
      .db('grid_workers')
      .whereRaw("NOT org_path <@ 'km.zt1.s1.c1'")
      .where({ kind: 'full_time' })
      .whereNot('status', 'left')
      .first('id', 'grid_id')) as { id: number; grid_id: number };
    const community = await srv.login('f_community');
    const out = await community.request('PUT', `/grids/${outside.grid_id}/leader`, { workerId: outside.id });
    expect(out.status).toBe(400);
    expect(JSON.stringify(out.json)).toContain('不在您的管辖范围内');
    expect((await community.request('POST', `/grids/${outside.grid_id}/workers`, { workerId: outside.id })).status).toBe(400);
    // A grid worker account has no force.manage.
    expect(
      (await (await srv.login('f_gridworker')).request('PUT', `/grids/${leader.grid_id}/leader`, { workerId: member.id })).status,
    ).toBe(403);
  });

  it('F-1 专属网格员 go only into exclusive grids; a moved worker arrives as 网格员 and their 包户 left behind is counted', async () => {
    const city = await srv.login('f_city');
    const [a, b] = (await t
      .db('org_units as g')
      .where({ 'g.type': 'grid', 'g.active': true })
      .whereExists(
        t.db('grid_workers as w').whereRaw("w.grid_id = g.id AND w.sub_kind = 'leader' AND w.status <> 'left' AND w.kind = 'full_time'"),
      )
      .orderBy('g.path', 'desc')
      .limit(2)
      .select('g.id')) as { id: number }[];
    const moving = (await t
      .db('grid_workers')
      .where({ grid_id: a.id, sub_kind: 'leader', kind: 'full_time' })
      .whereNot('status', 'left')
      .first('id')) as {
      id: number;
    };
    const covered = Number((await t.db('coverage_relations').where({ worker_id: moving.id }).count({ n: '*' }).first())?.n);
    const moved = await city.request('POST', `/grids/${b.id}/workers`, { workerId: moving.id });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ workerId: moving.id, fromGridId: a.id, subKind: 'member', coverageToReview: covered });
    const row = await t.db('grid_workers').where({ id: moving.id }).first('grid_id', 'sub_kind', t.db.raw('org_path::text AS path'));
    const gridPath = (await t.db('org_units').where({ id: b.id }).first(t.db.raw('path::text AS path'))).path;
    expect(row).toMatchObject({ grid_id: b.id, sub_kind: 'member', path: gridPath });
    expect(await t.db('audit_log').where({ action: 'force.assign', object_id: String(b.id) })).toHaveLength(1);
    // A worker with a login account takes the account along: its data scope becomes the new grid.
    const linked = (await t
      .db('grid_workers')
      .where({ kind: 'full_time' })
      .whereNull('user_id')
      .whereNot('grid_id', b.id)
      .whereNot('status', 'left')
      .orderBy('id')
      .first('id', 'grid_id', t.db.raw('org_path::text AS path'))) as { id: number; grid_id: number; path: string };
    const [acc] = await t
      .db('users')
      .insert({ username: 'w_move', display_name: '调动网格员', password_hash: 'x', org_id: linked.grid_id, org_path: linked.path })
      .returning('id');
    await t
      .db('grid_workers')
      .where({ id: linked.id })
      .update({ user_id: (acc as { id: number }).id });
    const withAccount = { id: linked.id, userId: (acc as { id: number }).id };
    const m2 = await city.request('POST', `/grids/${b.id}/workers`, { workerId: withAccount.id });
    expect(m2.status).toBe(200);
    expect(m2.json).toMatchObject({ accountMoved: true });
    expect(await t.db('users').where({ id: withAccount.userId }).first('org_id', t.db.raw('org_path::text AS path'))).toMatchObject({
      org_id: b.id,
      path: gridPath,
    });
    // An exclusive worker into a basic grid: refused; once the grid is exclusive: accepted.
    await t.db('org_units').where({ id: b.id }).update({ grid_type: 'basic' });
    const [ex] = await t
      .db('grid_workers')
      .insert({
        name: '专属测试',
        kind: 'exclusive',
        sub_kind: 'member',
        status: 'active',
        grid_id: a.id,
        org_path: t.db.raw('(SELECT path FROM org_units WHERE id = ?)', [a.id]),
      })
      .returning('id');
    const exId = (ex as { id: number }).id;
    const no = await city.request('POST', `/grids/${b.id}/workers`, { workerId: exId });
    expect(no.status).toBe(400);
    expect(JSON.stringify(no.json)).toContain('只能配置在专属网格');
    expect((await t.db('grid_workers').where({ id: exId }).first('grid_id')).grid_id).toBe(a.id);
    expect((await city.request('PATCH', `/grids/${b.id}`, { gridType: 'exclusive' })).status).toBe(200);
    expect((await city.request('POST', `/grids/${b.id}/workers`, { workerId: exId })).status).toBe(200);
    // With a 专属网格员 inside, the grid cannot turn basic again (Chinese 400 naming the field).
    const back = await city.request('PATCH', `/grids/${b.id}`, { gridType: 'basic' });
    expect(back.status).toBe(400);
    expect(back.json).toMatchObject({ error: { fields: [{ field: 'gridType', message: expect.stringContaining('1 名专属网格员') }] } });
    expect((await t.db('org_units').where({ id: b.id }).first('grid_type')).grid_type).toBe('exclusive');
  });
  it('I-3 base map from configuration: WMTS wins over WMS, defaults to the EPSG:4326 matrix set and PNG; nothing set → none', () => {
    expect(baseMapConfig({})).toEqual({ kind: 'none' });
    expect(baseMapConfig({ MAP_WMS_URL: 'https://gis.example/wms', MAP_WMS_LAYERS: 'km:base' })).toEqual({
      kind: 'wms',
      url: 'https://gis.example/wms',
      layers: 'km:base',
    });
    expect(
      baseMapConfig({ MAP_WMS_URL: 'https://gis.example/wms', MAP_WMTS_URL: 'https://gis.example/wmts', MAP_WMTS_LAYER: 'vec' }),
    ).toEqual({
      kind: 'wmts',
      url: 'https://gis.example/wmts',
      layer: 'vec',
      matrixSet: 'EPSG:4326',
      format: 'image/png',
    });
  });
});
