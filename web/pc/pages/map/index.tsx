/**
 * 网格地图 (D-1, D-2, I-3): districts, streets, communities and grids with labels on an optional
 * WMS/WMTS base map (EPSG:4326; without one the polygons sit on a plain background) — the grids of
 * the view once zoomed in — switchable building and facility layers, and grid editing: pick a
 * community and a grid, modify or redraw its boundary, split or merge, check and save. A refused save shows the offending areas (overlap, gap, outside)
 * in red on the map and the server's Chinese reason above it.
 */
import { Alert, Button, Checkbox, message, Select, Space, Table, Tag, Typography } from 'antd';
import type { Feature } from 'ol';
import type { Extent } from 'ol/extent';
import GeoJSON from 'ol/format/GeoJSON';
import WMTSCapabilities from 'ol/format/WMTSCapabilities';
import type { Geometry } from 'ol/geom';
import { Draw, Modify } from 'ol/interaction';
import TileLayer from 'ol/layer/Tile';
import VectorLayer from 'ol/layer/Vector';
import OlMap from 'ol/Map';
import TileWMS from 'ol/source/TileWMS';
import VectorSource from 'ol/source/Vector';
import WMTS, { optionsFromCapabilities } from 'ol/source/WMTS';
import { Circle, Fill, Stroke, Style, Text } from 'ol/style';
import View from 'ol/View';
import 'ol/ol.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiRequestError, http, request } from '../../../shared/http';
import { useSession } from '../../session';

interface FC {
  type: 'FeatureCollection';
  features: { type: 'Feature'; geometry: unknown; properties: Record<string, unknown> }[];
}
interface MapConfig {
  projection: string;
  baseMap:
    | { kind: 'none' }
    | { kind: 'wms'; url: string; layers: string }
    | { kind: 'wmts'; url: string; layer: string; matrixSet: string; format: string };
}
interface GridStat {
  gridId: number;
  name: string;
  gridType: string | null;
  areaKm2: number;
  households: number;
  population: number;
  buildings: number;
  merchants: number;
  enterprises: number;
  facilities: number;
  workers: number;
}

const fmt = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:4326' });
const LEVEL_STYLE: Record<string, { stroke: string; width: number; fill: string; font: string }> = {
  district: { stroke: '#1e3a5f', width: 3, fill: 'rgba(30,58,95,0.03)', font: 'bold 15px sans-serif' },
  street: { stroke: '#3b5f86', width: 2, fill: 'rgba(59,95,134,0.03)', font: '13px sans-serif' },
  community: { stroke: '#5b8bd0', width: 1.5, fill: 'rgba(91,139,208,0.05)', font: '12px sans-serif' },
  grid: { stroke: '#8fb3e8', width: 1, fill: 'rgba(143,179,232,0.12)', font: '11px sans-serif' },
};
const PROBLEM_COLORS: Record<string, string> = { overlap: '#e11d48', gap: '#f59e0b', outside: '#9333ea', invalid: '#e11d48' };

function polygonStyle(level: string, minZoomForLabel: number) {
  const s = LEVEL_STYLE[level];
  return (f: unknown, resolution: number) => {
    const feature = f as Feature<Geometry>;
    const zoomish = Math.log2(360 / 256 / resolution);
    const exclusive = feature.get('gridType') === 'exclusive';
    return new Style({
      stroke: new Stroke({ color: s.stroke, width: s.width }),
      fill: new Fill({ color: exclusive ? 'rgba(16,185,129,0.12)' : s.fill }),
      text:
        zoomish >= minZoomForLabel
          ? new Text({
              text: String(feature.get('name') ?? ''),
              font: s.font,
              fill: new Fill({ color: '#1f2937' }),
              stroke: new Stroke({ color: '#fff', width: 3 }),
              overflow: true,
            })
          : undefined,
    });
  };
}

/** Zoom (log2 of degrees per 256 px) from which the map shows every grid in view without a community picked. */
const GRID_VIEW_ZOOM = 11;

const selectedStyle = new Style({ stroke: new Stroke({ color: '#2563eb', width: 3 }), fill: new Fill({ color: 'rgba(37,99,235,0.18)' }) });

export default function MapPage() {
  const { me } = useSession();
  const canDivide = (me?.permissions ?? []).includes('org.manage');
  const target = useRef<HTMLDivElement>(null);
  const mapRef = useRef<OlMap | null>(null);
  const sources = useMemo(
    () => ({
      district: new VectorSource(),
      street: new VectorSource(),
      community: new VectorSource(),
      grid: new VectorSource(),
      building: new VectorSource(),
      facility: new VectorSource(),
      problems: new VectorSource(),
    }),
    [],
  );
  const pointLayers = useRef<Record<'building' | 'facility', VectorLayer<VectorSource> | null>>({ building: null, facility: null });
  const interaction = useRef<Draw | Modify | null>(null);
  const [communities, setCommunities] = useState<{ value: number; label: string }[]>([]);
  const [communityId, setCommunityId] = useState<number | undefined>();
  const [gridId, setGridId] = useState<number | undefined>();
  const [mode, setMode] = useState<'view' | 'modify' | 'draw' | 'split'>('view');
  const [mergeWith, setMergeWith] = useState<number[]>([]);
  const [changed, setChanged] = useState<Set<number>>(new Set());
  const [showBuildings, setShowBuildings] = useState(false);
  const [showFacilities, setShowFacilities] = useState(false);
  const [problem, setProblem] = useState<{ message: string; kinds: string[] } | null>(null);
  const [stats, setStats] = useState<GridStat[]>([]);
  const [saving, setSaving] = useState(false);
  const [baseMapNote, setBaseMapNote] = useState<string | null>(null);
  const pickedRef = useRef(false);

  // The map, the base layer from configuration, the four polygon layers.
  useEffect(() => {
    if (!target.current) return;
    const layers = [
      new VectorLayer({ source: sources.district, style: polygonStyle('district', 0) }),
      new VectorLayer({ source: sources.street, style: polygonStyle('street', 9.5), minZoom: 0 }),
      new VectorLayer({ source: sources.community, style: polygonStyle('community', 11) }),
      new VectorLayer({
        source: sources.grid,
        style: (f, r) => (f.get('selected') ? selectedStyle : polygonStyle('grid', GRID_VIEW_ZOOM)(f, r)),
      }),
      new VectorLayer({
        source: sources.problems,
        style: (f) =>
          new Style({
            stroke: new Stroke({ color: PROBLEM_COLORS[String(f.get('kind'))] ?? '#e11d48', width: 2 }),
            fill: new Fill({ color: 'rgba(225,29,72,0.35)' }),
            text: new Text({
              text: String(f.get('label') ?? ''),
              fill: new Fill({ color: '#9f1239' }),
              stroke: new Stroke({ color: '#fff', width: 3 }),
            }),
          }),
        zIndex: 10,
      }),
    ];
    const point = (color: string) =>
      new Style({ image: new Circle({ radius: 4, fill: new Fill({ color }), stroke: new Stroke({ color: '#fff', width: 1 }) }) });
    pointLayers.current.building = new VectorLayer({ source: sources.building, style: point('#475569'), visible: false, zIndex: 5 });
    pointLayers.current.facility = new VectorLayer({ source: sources.facility, style: point('#16a34a'), visible: false, zIndex: 6 });
    const map = new OlMap({
      target: target.current,
      layers: [...layers, pointLayers.current.building, pointLayers.current.facility],
      view: new View({ projection: 'EPSG:4326', center: [85.0, 45.6], zoom: 8 }),
    });
    mapRef.current = map;
    // Browser tests and support staff reach the map from the console.
    (window as unknown as { gridMap?: OlMap }).gridMap = map;

    http
      .get<MapConfig>('/map/config')
      .then(async (cfg) => {
        const b = cfg.baseMap;
        if (b.kind === 'wms')
          map
            .getLayers()
            .insertAt(
              0,
              new TileLayer({ source: new TileWMS({ url: b.url, params: { LAYERS: b.layers, TILED: true }, projection: 'EPSG:4326' }) }),
            );
        else if (b.kind === 'wmts') {
          const caps = new WMTSCapabilities().read(
            await (await fetch(`${b.url}${b.url.includes('?') ? '&' : '?'}SERVICE=WMTS&REQUEST=GetCapabilities`)).text(),
          );
          const opts = optionsFromCapabilities(caps, { layer: b.layer, matrixSet: b.matrixSet, format: b.format });
          if (opts) map.getLayers().insertAt(0, new TileLayer({ source: new WMTS(opts) }));
        } else setBaseMapNote('未配置底图服务（WMS/WMTS），仅显示行政区划与网格边界');
      })
      .catch(() => setBaseMapNote('底图服务暂不可用，仅显示行政区划与网格边界'));

    Promise.all(
      (['district', 'street', 'community'] as const).map(async (level) => {
        const fc = await http.get<FC>(`/map/layers/${level}`);
        sources[level].addFeatures(fmt.readFeatures(fc) as Feature<Geometry>[]);
        if (level === 'community')
          setCommunities(fc.features.map((f) => ({ value: Number(f.properties.id), label: String(f.properties.name) })));
      }),
    )
      .then(() => {
        // The user's whole area first (the city, or the street / community of a lower-level user, whose
        // scope holds no district polygon) — unless a community was picked while the layers loaded.
        const top = [sources.district, sources.street, sources.community].find((src) => src.getFeatures().length > 0);
        const extent = top?.getExtent();
        if (!pickedRef.current && extent && Number.isFinite(extent[0])) map.getView().fit(extent as Extent, { padding: [20, 20, 20, 20] });
      })
      .catch(() => undefined);

    map.on('moveend', () => {
      // Grids of the whole view once zoomed in (labels at street level), until a community is picked for editing.
      if (!pickedRef.current) {
        const resolution = map.getView().getResolution() ?? 1;
        if (Math.log2(360 / 256 / resolution) >= GRID_VIEW_ZOOM) {
          const e = map.getView().calculateExtent(map.getSize());
          http
            .get<FC>('/map/layers/grid', { bbox: e.map((v) => v.toFixed(6)).join(',') })
            .then((fc) => {
              if (pickedRef.current) return;
              sources.grid.clear();
              sources.grid.addFeatures(fmt.readFeatures(fc) as Feature<Geometry>[]);
            })
            .catch(() => undefined);
        } else sources.grid.clear();
      }
      for (const kind of ['building', 'facility'] as const) {
        const layer = pointLayers.current[kind];
        if (!layer?.getVisible()) continue;
        const e = map.getView().calculateExtent(map.getSize());
        http
          .get<FC>('/map/points', { kind, bbox: e.map((v) => v.toFixed(6)).join(',') })
          .then((fc) => {
            sources[kind].clear();
            sources[kind].addFeatures(fmt.readFeatures(fc) as Feature<Geometry>[]);
          })
          .catch(() => undefined);
      }
    });
    return () => map.setTarget(undefined);
  }, [sources]);

  useEffect(() => {
    pointLayers.current.building?.setVisible(showBuildings);
    pointLayers.current.facility?.setVisible(showFacilities);
    mapRef.current?.getView().changed();
    mapRef.current?.dispatchEvent('moveend');
  }, [showBuildings, showFacilities]);

  const loadGrids = async (cid: number) => {
    pickedRef.current = true;
    const fc = await http.get<FC>('/map/layers/grid', { under: cid });
    sources.grid.clear();
    sources.grid.addFeatures(fmt.readFeatures(fc) as Feature<Geometry>[]);
    const st = await http.get<GridStat[]>('/grids/stats', { orgId: cid });
    setStats(st);
    const c = sources.community.getFeatures().find((f) => f.get('id') === cid);
    if (c) mapRef.current?.getView().fit(c.getGeometry()?.getExtent() as Extent, { padding: [30, 30, 30, 30], duration: 300 });
  };

  const stopEditing = () => {
    if (interaction.current) mapRef.current?.removeInteraction(interaction.current);
    interaction.current = null;
    setMode('view');
  };

  const selectGrid = (id: number | undefined) => {
    setGridId(id);
    for (const f of sources.grid.getFeatures()) f.set('selected', f.get('id') === id);
  };

  const gridFeature = (id: number | undefined) => sources.grid.getFeatures().find((f) => f.get('id') === id);

  const startModify = () => {
    stopEditing();
    const f = gridFeature(gridId);
    if (!f) return;
    const m = new Modify({ source: sources.grid });
    m.on('modifyend', (e) => {
      const ids = new Set(changed);
      for (const x of e.features.getArray()) ids.add(Number(x.get('id')));
      setChanged(ids);
    });
    mapRef.current?.addInteraction(m);
    interaction.current = m;
    setMode('modify');
  };

  const startDraw = () => {
    stopEditing();
    const f = gridFeature(gridId);
    if (!f) return;
    const d = new Draw({ type: 'Polygon' });
    d.on('drawend', (e) => {
      f.setGeometry(e.feature.getGeometry());
      setChanged((s) => new Set([...s, Number(f.get('id'))]));
      stopEditing();
    });
    mapRef.current?.addInteraction(d);
    interaction.current = d;
    setMode('draw');
  };

  const movedText = (m: Record<string, number>) =>
    `要素重新归属：楼栋 ${m.buildings ?? 0}、居民户 ${m.households ?? 0}、居民 ${m.residents ?? 0}、商户 ${m.merchants ?? 0}`;

  /** 拆分 (D-2): a line drawn across the selected grid cuts it; the parts after the first become new grids. */
  const startSplit = () => {
    stopEditing();
    if (!gridFeature(gridId)) return;
    const d = new Draw({ type: 'LineString' });
    d.on('drawend', async (e) => {
      stopEditing();
      const line = fmt.writeGeometryObject(e.feature.getGeometry() as Geometry);
      try {
        const r = await request<{ gridIds: number[]; summary: { moved: Record<string, number> } }>('POST', `/grids/${gridId}/split`, {
          body: { line },
          quiet: true,
        });
        sources.problems.clear();
        setProblem(null);
        message.success(`已拆分为 ${r.gridIds.length} 个网格；${movedText(r.summary.moved)}`);
        if (communityId) await loadGrids(communityId);
      } catch (err) {
        if (err instanceof ApiRequestError) setProblem({ message: err.message, kinds: [] });
      }
    });
    mapRef.current?.addInteraction(d);
    interaction.current = d;
    setMode('split');
  };

  /** 合并 (D-2): the selected grid absorbs the chosen neighbours of the same community. */
  const merge = async () => {
    if (!gridId || !mergeWith.length) return;
    try {
      const r = await request<{ gridIds: number[]; summary: { moved: Record<string, number> } }>('POST', '/grids/merge', {
        body: { gridIds: [gridId, ...mergeWith] },
        quiet: true,
      });
      setMergeWith([]);
      sources.problems.clear();
      setProblem(null);
      message.success(`已合并为 1 个网格；${movedText(r.summary.moved)}`);
      if (communityId) await loadGrids(communityId);
      selectGrid(r.gridIds[0]);
    } catch (err) {
      if (err instanceof ApiRequestError) setProblem({ message: err.message, kinds: [] });
    }
  };

  const showProblems = (fc: FC, msg: string) => {
    sources.problems.clear();
    sources.problems.addFeatures(fmt.readFeatures(fc) as Feature<Geometry>[]);
    const kinds = [...new Set(fc.features.map((f) => String(f.properties.kind)))];
    setProblem({ message: msg, kinds });
  };

  const payload = () => ({
    communityId: communityId as number,
    grids: [...changed].map((id) => ({ id, geometry: fmt.writeGeometryObject(gridFeature(id)?.getGeometry() as Geometry) })),
  });

  const check = async () => {
    const fc = await http.post<FC>('/grids/check', payload());
    if (fc.features.length) showProblems(fc, '校验未通过：地图上红色区域为重叠、超出社区或未覆盖的部分');
    else {
      sources.problems.clear();
      setProblem(null);
      message.success('校验通过：网格互不重叠且完整覆盖社区');
    }
  };

  const save = async () => {
    setSaving(true);
    try {
      const r = await request<{ summary: { moved: Record<string, number> } }>('PUT', '/grids/geometry', { body: payload(), quiet: true });
      sources.problems.clear();
      setProblem(null);
      setChanged(new Set());
      const m = r.summary.moved;
      message.success(
        `已保存；要素重新归属：楼栋 ${m.buildings ?? 0}、居民户 ${m.households ?? 0}、居民 ${m.residents ?? 0}、商户 ${m.merchants ?? 0}`,
      );
      stopEditing();
      if (communityId) await loadGrids(communityId);
    } catch (e) {
      if (e instanceof ApiRequestError) {
        const body = await fetchProblems();
        if (body) showProblems(body, e.message);
        else setProblem({ message: e.message, kinds: [] });
      }
    } finally {
      setSaving(false);
    }
  };

  // The refused save's areas: the same check without saving returns them as GeoJSON.
  const fetchProblems = async () => {
    try {
      const fc = await http.post<FC>('/grids/check', payload());
      return fc.features.length ? fc : null;
    } catch {
      return null;
    }
  };

  const cancel = async () => {
    stopEditing();
    setChanged(new Set());
    sources.problems.clear();
    setProblem(null);
    if (communityId) await loadGrids(communityId);
  };

  const gridOptions = stats.map((s) => ({ value: s.gridId, label: s.name }));
  return (
    <div className="page-card">
      <div className="page-head">
        <Typography.Title level={4}>网格地图</Typography.Title>
        <Space wrap>
          <Checkbox checked={showBuildings} onChange={(e) => setShowBuildings(e.target.checked)}>
            楼栋
          </Checkbox>
          <Checkbox checked={showFacilities} onChange={(e) => setShowFacilities(e.target.checked)}>
            公共设施
          </Checkbox>
        </Space>
      </div>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          showSearch
          optionFilterProp="label"
          placeholder="选择社区"
          style={{ width: 220 }}
          options={communities}
          value={communityId}
          data-testid="map-community"
          onChange={async (v) => {
            setCommunityId(v);
            selectGrid(undefined);
            setMergeWith([]);
            setChanged(new Set());
            await loadGrids(v);
          }}
        />
        <Select
          showSearch
          optionFilterProp="label"
          placeholder="选择网格"
          style={{ width: 220 }}
          options={gridOptions}
          value={gridId}
          onChange={selectGrid}
          disabled={!communityId}
          data-testid="map-grid"
        />
        {/* Editing is for those who divide grids (org.manage); others view the map and the statistics. */}
        {canDivide ? (
          <>
            <Button onClick={startModify} disabled={!gridId || mode === 'modify'}>
              编辑边界
            </Button>
            <Button onClick={startDraw} disabled={!gridId || mode === 'draw'}>
              重新绘制
            </Button>
            <Button onClick={check} disabled={!changed.size}>
              校验
            </Button>
            <Button type="primary" onClick={save} disabled={!changed.size} loading={saving}>
              保存
            </Button>
            <Button onClick={cancel} disabled={!changed.size && mode === 'view'}>
              取消
            </Button>
            <Button onClick={startSplit} disabled={!gridId || mode === 'split' || changed.size > 0}>
              拆分网格
            </Button>
            <Select
              mode="multiple"
              optionFilterProp="label"
              placeholder="选择要并入的相邻网格"
              style={{ minWidth: 200 }}
              value={mergeWith}
              onChange={setMergeWith}
              disabled={!gridId || changed.size > 0}
              options={gridOptions.filter((o) => o.value !== gridId)}
              data-testid="map-merge"
            />
            <Button onClick={merge} disabled={!gridId || !mergeWith.length || changed.size > 0}>
              合并网格
            </Button>
          </>
        ) : null}
        {mode === 'draw' ? <Tag color="blue">在地图上依次点击绘制网格范围，双击结束</Tag> : null}
        {mode === 'split' ? <Tag color="blue">画一条完整穿过所选网格的分割线（两端在网格外），双击结束</Tag> : null}
      </Space>
      {problem ? (
        <Alert
          type="error"
          showIcon
          data-testid="grid-problem"
          message={problem.message}
          description={
            problem.kinds.length
              ? `问题类型：${problem.kinds.map((k) => ({ overlap: '重叠', gap: '未覆盖', outside: '超出社区', invalid: '图形无效' })[k] ?? k).join('、')}`
              : undefined
          }
          style={{ marginBottom: 12 }}
        />
      ) : null}
      <Space size={16} wrap data-testid="map-legend">
        <Space size={4}>
          <span
            style={{ display: 'inline-block', width: 14, height: 10, background: 'rgba(143,179,232,0.5)', border: '1px solid #8fb3e8' }}
          />
          <Typography.Text type="secondary">基础网格</Typography.Text>
        </Space>
        <Space size={4}>
          <span
            style={{ display: 'inline-block', width: 14, height: 10, background: 'rgba(16,185,129,0.45)', border: '1px solid #8fb3e8' }}
          />
          <Typography.Text type="secondary">专属网格</Typography.Text>
        </Space>
        {baseMapNote ? <Typography.Text type="secondary">{baseMapNote}</Typography.Text> : null}
      </Space>
      <div
        ref={target}
        data-testid="grid-map"
        style={{ height: 560, background: '#f4f6f9', border: '1px solid #e5e7eb', borderRadius: 6, marginTop: 8 }}
      />
      {stats.length ? (
        <Table<GridStat>
          style={{ marginTop: 16 }}
          rowKey="gridId"
          size="small"
          pagination={false}
          dataSource={stats}
          columns={[
            { title: '网格', dataIndex: 'name' },
            {
              title: '类型',
              dataIndex: 'gridType',
              width: 90,
              render: (v: string | null) => (v === 'exclusive' ? '专属网格' : '基础网格'),
            },
            { title: '面积(km²)', dataIndex: 'areaKm2', width: 100 },
            { title: '户数', dataIndex: 'households', width: 80 },
            { title: '人口', dataIndex: 'population', width: 80 },
            { title: '楼栋', dataIndex: 'buildings', width: 70 },
            { title: '商户', dataIndex: 'merchants', width: 70 },
            { title: '企业', dataIndex: 'enterprises', width: 70 },
            { title: '设施', dataIndex: 'facilities', width: 70 },
            { title: '网格员', dataIndex: 'workers', width: 80 },
          ]}
        />
      ) : null}
    </div>
  );
}
