/**
 * Browser test of 网格管理 (D-1, D-3, F-1) on the real API and a cloned test database, in the system
 * Chromium: per-grid statistics as the database counts them, the grid type changed from the list,
 * the 网格长 appointed in 力量配置; the map's WMS base layer from configuration (I-3) against a local
 * stub WMS. Harness as in one-table.test.ts. Screenshots: /tmp/grid-stats.png, /tmp/grid-wms.png.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '../../db/testing/server';
import { type BrowserHarness, startBrowserHarness } from './harness';
import { clickOption } from './waits';

let h: BrowserHarness;
let t: TestDb;
let base: string;

beforeAll(async () => {
  h = await startBrowserHarness();
  ({ t, base } = h);
}, 180_000);

afterAll(() => h?.close());

const login = (username: string): Promise<Page> => h.login(username);

describe('网格管理 in Chromium', { timeout: 120_000 }, () => {
  it('D-3 per-grid statistics match the database; D-1 the type is changed from the list; F-1 the 网格长 is appointed', async () => {
    const grid = (await t
      .db('org_units as g')
      .where({ 'g.type': 'grid', 'g.active': true })
      .whereExists(
        t.db('grid_workers as w').whereRaw("w.grid_id = g.id AND w.kind = 'full_time' AND w.sub_kind = 'member' AND w.status <> 'left'"),
      )
      .orderBy('g.path')
      .first('g.id', 'g.name', 'g.code')) as { id: number; name: string; code: string };
    const count = async (table: string, extra: Record<string, unknown> = {}) =>
      Number(
        (
          await t
            .db(table)
            .where({ grid_id: grid.id, ...extra })
            .count({ n: '*' })
            .first()
        )?.n,
      );
    const households = await count('households');
    const population = await count('residents', { dynamic_status: '在册' });
    const member = (await t
      .db('grid_workers')
      .where({ grid_id: grid.id, kind: 'full_time', sub_kind: 'member' })
      .whereNot('status', 'left')
      .orderBy('id')
      .first('id', 'name')) as { id: number; name: string };

    const page = await login('city');
    await page.goto(`${base}/grids`);
    await page.getByTestId('grids-page').waitFor();
    // The grid's row: code, name, households and population as the database counts them.
    const row = page.locator('.ant-table-row', { hasText: grid.code });
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    expect(cells).toContain(grid.name);
    expect(cells).toContain(String(households));
    expect(cells).toContain(String(population));

    // D-1: 基础网格 → 专属网格 from the list, saved.
    await page.getByTestId(`grid-type-${grid.id}`).click();
    await clickOption(page, '专属网格');
    await expect
      .poll(async () => (await t.db('org_units').where({ id: grid.id }).first('grid_type')).grid_type, { timeout: 20_000 })
      .toBe('exclusive');

    // F-1: 力量配置 → 设为网格长 on a 网格员; exactly one 网格长 afterwards.
    await page.getByTestId(`forces-${grid.id}`).click();
    const forces = page.getByTestId('grid-forces');
    await forces.locator('.ant-table-row', { hasText: member.name }).waitFor();
    await page.getByTestId(`appoint-${member.id}`).click();
    await expect
      .poll(async () => t.db('grid_workers').where({ grid_id: grid.id, sub_kind: 'leader' }).whereNot('status', 'left').pluck('id'), {
        timeout: 20_000,
      })
      .toEqual([member.id]);
    await forces.locator('.ant-table-row', { hasText: member.name }).getByText('网格长').waitFor();
    await page.screenshot({ path: '/tmp/grid-stats.png' });
    expect(await t.db('audit_log').where({ action: 'force.leader', object_id: String(grid.id) })).toHaveLength(1);
    await page.close();
  });

  it('I-3 with MAP_WMS_URL set, the map asks the WMS for EPSG:4326 GetMap tiles of the configured layer; unset, a note; D-1 building and facility layers switch', async () => {
    // A 1×1 PNG answers every tile request; the requests are recorded.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const seen: URLSearchParams[] = [];
    const wms = http.createServer((req, res) => {
      seen.push(new URL(req.url ?? '/', 'http://x').searchParams);
      res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' });
      res.end(png);
    });
    wms.listen(0, '127.0.0.1');
    await new Promise((r) => wms.once('listening', r));
    const saved = { url: process.env.MAP_WMS_URL, layers: process.env.MAP_WMS_LAYERS };
    process.env.MAP_WMS_URL = `http://127.0.0.1:${(wms.address() as AddressInfo).port}/wms`;
    process.env.MAP_WMS_LAYERS = 'km:basemap';
    try {
      const page = await login('city');
      await page.goto(`${base}/map`);
      await page.getByTestId('grid-map').locator('canvas').first().waitFor();
      await expect.poll(() => seen.length, { timeout: 20_000 }).toBeGreaterThan(0);
      const q = seen[0];
      expect(q.get('SERVICE')).toBe('WMS');
      expect(q.get('REQUEST')).toBe('GetMap');
      expect(q.get('LAYERS')).toBe('km:basemap');
      expect(q.get('CRS') ?? q.get('SRS')).toBe('EPSG:4326');
      expect(await page.getByText('未配置底图服务').count()).toBe(0);
      await page.screenshot({ path: '/tmp/grid-wms.png' });
      await page.close();
    } finally {
      if (saved.url === undefined) delete process.env.MAP_WMS_URL;
      else process.env.MAP_WMS_URL = saved.url;
      if (saved.layers === undefined) delete process.env.MAP_WMS_LAYERS;
      else process.env.MAP_WMS_LAYERS = saved.layers;
      await new Promise((r) => wms.close(r));
    }
    const page = await login('city');
    await page.goto(`${base}/map`);
    await page.getByText('未配置底图服务（WMS/WMTS），仅显示行政区划与网格边界').waitFor();
    // D-1 grids with labels without picking a community: zoomed into a grid, the grids in view are drawn.
    const g = (await t
      .db('org_units')
      .where({ type: 'grid', active: true })
      .whereNotNull('geom')
      .orderBy('path')
      .first('name', t.db.raw('ST_XMin(geom) x0, ST_YMin(geom) y0, ST_XMax(geom) x1, ST_YMax(geom) y1'))) as {
      name: string;
      x0: number;
      y0: number;
      x1: number;
      y1: number;
    };
    const names = (level: string) =>
      page.evaluate((lv) => {
        const map = (
          window as unknown as {
            gridMap: {
              getLayers: () => { getArray: () => { getSource: () => { getFeatures?: () => { get: (k: string) => unknown }[] } | null }[] };
            };
          }
        ).gridMap;
        return map
          .getLayers()
          .getArray()
          .flatMap((l) => l.getSource()?.getFeatures?.() ?? [])
          .filter((f) => f.get('level') === lv)
          .map((f) => String(f.get('name')));
      }, level);
    const gridNames = () => names('grid');
    // Not drawn at the city's zoom — checked once the city's outlines are there (before they load, nothing is drawn at all).
    await expect.poll(() => names('community'), { timeout: 20_000 }).not.toEqual([]);
    expect(await gridNames()).toEqual([]);
    await page.evaluate(
      (e) => {
        (window as unknown as { gridMap: { getView: () => { fit: (e: number[]) => void } } }).gridMap.getView().fit(e);
      },
      [g.x0, g.y0, g.x1, g.y1],
    );
    await expect.poll(gridNames, { timeout: 20_000 }).toContain(g.name);
    // D-1 layers: 楼栋 and 公共设施 are switched on and load the points in view.
    const points = (z: number) =>
      page.evaluate((zIndex) => {
        const map = (
          window as unknown as {
            gridMap: {
              getLayers: () => {
                getArray: () => {
                  getZIndex: () => number | undefined;
                  getVisible: () => boolean;
                  getSource: () => { getFeatures: () => unknown[] };
                }[];
              };
            };
          }
        ).gridMap;
        const layer = map
          .getLayers()
          .getArray()
          .find((l) => l.getZIndex() === zIndex);
        return layer?.getVisible() ? layer.getSource().getFeatures().length : -1;
      }, z);
    expect(await points(5)).toBe(-1);
    await page.getByRole('checkbox', { name: '楼栋' }).check();
    await page.getByRole('checkbox', { name: '公共设施' }).check();
    const buildings = Number((await t.db('buildings').whereNotNull('geom').count({ n: '*' }).first())?.n);
    const inView = Number(
      (
        await t
          .db('buildings')
          .whereRaw('geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', [g.x0 - 1, g.y0 - 1, g.x1 + 1, g.y1 + 1])
          .count({ n: '*' })
          .first()
      )?.n,
    );
    expect(buildings).toBeGreaterThan(0);
    await expect.poll(() => points(5), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await points(5)).toBeLessThanOrEqual(inView);
    await expect.poll(() => points(6), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.getByRole('checkbox', { name: '楼栋' }).uncheck();
    // The layer is hidden in an effect after the checkbox renders (it had points until then).
    await expect.poll(() => points(5), { timeout: 20_000 }).toBe(-1);
    await page.close();
  });

  it('I-3 with MAP_WMTS_URL set, the map reads the GetCapabilities and fetches EPSG:4326 tiles of the configured layer and matrix set', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    // A minimal WMTS 1.0.0 capabilities document: one layer, one EPSG:4326 matrix set of three levels (KVP GetTile).
    const matrices = [0, 1, 2]
      .map(
        (z) => `<TileMatrix><ows:Identifier>${z}</ows:Identifier><ScaleDenominator>${279541132.0143589 / 2 ** z}</ScaleDenominator>
          <TopLeftCorner>90 -180</TopLeftCorner><TileWidth>256</TileWidth><TileHeight>256</TileHeight>
          <MatrixWidth>${2 ** (z + 1)}</MatrixWidth><MatrixHeight>${2 ** z}</MatrixHeight></TileMatrix>`,
      )
      .join('');
    const requests: URL[] = [];
    const wmts = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push(url);
      if ([...url.searchParams].some(([k, v]) => k.toUpperCase() === 'REQUEST' && v === 'GetCapabilities')) {
        const self = `http://127.0.0.1:${(wmts.address() as AddressInfo).port}/wmts`;
        res.writeHead(200, { 'content-type': 'application/xml', 'access-control-allow-origin': '*' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?>
<Capabilities xmlns="http://www.opengis.net/wmts/1.0" xmlns:ows="http://www.opengis.net/ows/1.1" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.0.0">
  <ows:OperationsMetadata><ows:Operation name="GetTile"><ows:DCP><ows:HTTP>
    <ows:Get xlink:href="${self}?"><ows:Constraint name="GetEncoding"><ows:AllowedValues><ows:Value>KVP</ows:Value></ows:AllowedValues></ows:Constraint></ows:Get>
  </ows:HTTP></ows:DCP></ows:Operation></ows:OperationsMetadata>
  <Contents>
    <Layer><ows:Title>底图</ows:Title><ows:Identifier>km_vec</ows:Identifier>
      <ows:WGS84BoundingBox><ows:LowerCorner>-180 -90</ows:LowerCorner><ows:UpperCorner>180 90</ows:UpperCorner></ows:WGS84BoundingBox>
      <Style isDefault="true"><ows:Identifier>default</ows:Identifier></Style><Format>image/png</Format>
      <TileMatrixSetLink><TileMatrixSet>c</TileMatrixSet></TileMatrixSetLink></Layer>
    <TileMatrixSet><ows:Identifier>c</ows:Identifier><ows:SupportedCRS>urn:ogc:def:crs:EPSG::4326</ows:SupportedCRS>${matrices}</TileMatrixSet>
  </Contents>
</Capabilities>`);
        return;
      }
      res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' });
      res.end(png);
    });
    wmts.listen(0, '127.0.0.1');
    await new Promise((r) => wmts.once('listening', r));
    const keys = ['MAP_WMTS_URL', 'MAP_WMTS_LAYER', 'MAP_WMTS_MATRIX_SET'] as const;
    const saved = keys.map((k) => process.env[k]);
    process.env.MAP_WMTS_URL = `http://127.0.0.1:${(wmts.address() as AddressInfo).port}/wmts`;
    process.env.MAP_WMTS_LAYER = 'km_vec';
    process.env.MAP_WMTS_MATRIX_SET = 'c';
    try {
      const page = await login('city');
      await page.goto(`${base}/map`);
      await page.getByTestId('grid-map').locator('canvas').first().waitFor();
      // KVP parameter names are case-insensitive (OGC); OpenLayers writes `layer`, `Request` …
      const param = (u: URL, name: string) => [...u.searchParams].find(([k]) => k.toUpperCase() === name)?.[1];
      await expect.poll(() => requests.filter((u) => param(u, 'REQUEST') === 'GetTile').length, { timeout: 20_000 }).toBeGreaterThan(0);
      expect(param(requests[0], 'REQUEST')).toBe('GetCapabilities');
      const tile = requests.find((u) => param(u, 'REQUEST') === 'GetTile') as URL;
      expect([param(tile, 'SERVICE'), param(tile, 'LAYER'), param(tile, 'TILEMATRIXSET'), param(tile, 'FORMAT')]).toEqual([
        'WMTS',
        'km_vec',
        'c',
        'image/png',
      ]);
      expect(await page.getByText('未配置底图服务').count()).toBe(0);
      await page.close();
    } finally {
      keys.forEach((k, i) => {
        if (saved[i] === undefined) delete process.env[k];
        else process.env[k] = saved[i];
      });
      await new Promise((r) => wmts.close(r));
    }
  });

  it('D-1 a community worker’s map opens on their community with its grids and labels drawn (no district polygon in their scope), without editing tools', async () => {
    const user = (await t.db('users').where({ username: 'community' }).first('org_id')) as { org_id: number };
    const grids = (await t.db('org_units').where({ parent_id: user.org_id, type: 'grid', active: true }).pluck('name')) as string[];
    expect(grids.length).toBeGreaterThan(0);
    const page = await login('community');
    await page.goto(`${base}/map`);
    await page.getByTestId('grid-map').locator('canvas').first().waitFor();
    const drawn = () =>
      page.evaluate(() => {
        const map = (
          window as unknown as {
            gridMap: {
              getLayers: () => { getArray: () => { getSource: () => { getFeatures?: () => { get: (k: string) => unknown }[] } | null }[] };
            };
          }
        ).gridMap;
        return map
          .getLayers()
          .getArray()
          .flatMap((l) => l.getSource()?.getFeatures?.() ?? [])
          .filter((f) => f.get('level') === 'grid')
          .map((f) => String(f.get('name')));
      });
    await expect.poll(drawn, { timeout: 20_000 }).toEqual(expect.arrayContaining(grids));
    // Grid editing belongs to those who divide grids (org.manage): a community worker only views.
    expect(await page.getByRole('button', { name: '编辑边界' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '拆分网格' }).count()).toBe(0);
    await page.screenshot({ path: '/tmp/grid-map-community.png' });
    await page.close();
  });
});
