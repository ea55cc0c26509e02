/**
 * A small map of one element (G-4): its point and its grid's outline, in EPSG:4326 like the grid
 * map page, on a plain background. With `onPick`, a click on the map sets the point.
 * Loaded on demand (OpenLayers is large): pages import it through React.lazy.
 */
import type { Feature } from 'ol';
import { containsXY, createEmpty, type Extent, extend } from 'ol/extent';
import OlFeature from 'ol/Feature';
import GeoJSON from 'ol/format/GeoJSON';
import type { Geometry } from 'ol/geom';
import Point from 'ol/geom/Point';
import VectorLayer from 'ol/layer/Vector';
import OlMap from 'ol/Map';
import VectorSource from 'ol/source/Vector';
import { Circle, Fill, Stroke, Style, Text } from 'ol/style';
import View from 'ol/View';
import 'ol/ol.css';
import { useEffect, useMemo, useRef } from 'react';
import { http } from '../../../../shared/http';
import type { LonLat } from '../api';

interface FC {
  type: 'FeatureCollection';
  features: { type: 'Feature'; geometry: unknown; properties: Record<string, unknown> }[];
}

const fmt = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:4326' });
/** Karamay: where the map opens before anything is known. */
const CITY_CENTER = [84.87, 45.6];

const gridStyle = (f: unknown) =>
  new Style({
    stroke: new Stroke({ color: '#5b8bd0', width: 2 }),
    fill: new Fill({ color: 'rgba(91,139,208,0.10)' }),
    text: new Text({
      text: String((f as Feature<Geometry>).get('name') ?? ''),
      font: '12px sans-serif',
      fill: new Fill({ color: '#1f2937' }),
      stroke: new Stroke({ color: '#fff', width: 3 }),
      overflow: true,
    }),
  });
const pointStyle = new Style({
  image: new Circle({ radius: 7, fill: new Fill({ color: '#e11d48' }), stroke: new Stroke({ color: '#fff', width: 2 }) }),
});

/** 6 decimals ≈ 0.1 m: enough for a shop's door. */
const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

export default function PointMap({
  point,
  gridId,
  onPick,
  height = 280,
}: {
  point: LonLat | null;
  gridId?: number | null;
  onPick?: (p: LonLat) => void;
  height?: number;
}) {
  const target = useRef<HTMLDivElement>(null);
  const mapRef = useRef<OlMap | null>(null);
  const pickRef = useRef(onPick);
  pickRef.current = onPick;
  const sources = useMemo(() => ({ grid: new VectorSource(), point: new VectorSource() }), []);

  useEffect(() => {
    if (!target.current) return;
    const map = new OlMap({
      target: target.current,
      layers: [
        new VectorLayer({ source: sources.grid, style: gridStyle }),
        new VectorLayer({ source: sources.point, style: pointStyle, zIndex: 5 }),
      ],
      view: new View({ projection: 'EPSG:4326', center: CITY_CENTER, zoom: 12 }),
    });
    map.on('click', (e) => {
      const [lon, lat] = e.coordinate;
      pickRef.current?.({ lon: round6(lon), lat: round6(lat) });
    });
    mapRef.current = map;
    // Browser tests place clicks through the map's own pixel ↔ coordinate conversion.
    (window as unknown as { elementMap?: OlMap }).elementMap = map;
    return () => map.setTarget(undefined);
  }, [sources]);

  // The grid's outline; the map shows the whole grid (the point lies inside it).
  useEffect(() => {
    sources.grid.clear();
    if (!gridId) return;
    let gone = false;
    http
      .get<FC>('/map/layers/grid', { under: gridId })
      .then((fc) => {
        if (gone) return;
        const own = { ...fc, features: fc.features.filter((f) => Number(f.properties.id) === Number(gridId)) };
        sources.grid.addFeatures(fmt.readFeatures(own) as Feature<Geometry>[]);
        const extent = sources.grid.getExtent();
        if (extent && Number.isFinite(extent[0]))
          mapRef.current?.getView().fit(extent as Extent, { padding: [20, 20, 20, 20], maxZoom: 17 });
      })
      .catch(() => undefined);
    return () => {
      gone = true;
    };
  }, [gridId, sources]);

  useEffect(() => {
    sources.point.clear();
    if (!point) return;
    sources.point.addFeature(new OlFeature(new Point([point.lon, point.lat])));
    const view = mapRef.current?.getView();
    const size = mapRef.current?.getSize();
    const inView = view && size ? containsXY(view.calculateExtent(size), point.lon, point.lat) : false;
    if (inView || !view) return;
    // A point elsewhere (first load, typed coordinates): show it together with the grid, if any.
    const gridExtent = sources.grid.getExtent();
    if (gridExtent && Number.isFinite(gridExtent[0])) {
      const both = extend(createEmpty(), gridExtent);
      extend(both, [point.lon, point.lat, point.lon, point.lat]);
      view.fit(both, { padding: [30, 30, 30, 30], maxZoom: 17 });
    } else {
      view.setCenter([point.lon, point.lat]);
      view.setZoom(Math.max(view.getZoom() ?? 16, 16));
    }
  }, [point, sources]);

  return (
    <div
      ref={target}
      data-testid="element-map"
      style={{ height, background: '#f4f6f9', border: '1px solid #2d3540', borderRadius: 6, cursor: onPick ? 'crosshair' : undefined }}
    />
  );
}
