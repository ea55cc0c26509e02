import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing/server';
import { seedFixture, startServer, type TestServer } from '../auth/test-fixture';

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
    expect((layer.json as { features: unknown[] }).features.length).toBeGreaterThan(10);
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
});
