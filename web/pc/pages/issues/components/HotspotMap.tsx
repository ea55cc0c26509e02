/**
 * 热点区域: circles at the centre of each area, sized and tinted by its issue count, on a plain
 * EPSG:4326 background with a graticule (no external tiles on the closed network).
 */
import 'ol/ol.css';
import Feature from 'ol/Feature';
import Point from 'ol/geom/Point';
import Graticule from 'ol/layer/Graticule';
import VectorLayer from 'ol/layer/Vector';
import OlMap from 'ol/Map';
import VectorSource from 'ol/source/Vector';
import { Circle, Fill, Stroke, Style, Text } from 'ol/style';
import View from 'ol/View';
import { useEffect, useRef } from 'react';

export interface Hotspot {
  name: string;
  count: number;
  lng: number;
  lat: number;
}

export default function HotspotMap({ spots }: { spots: Hotspot[] }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const max = Math.max(1, ...spots.map((s) => s.count));
    const features = spots.map((s) => {
      const f = new Feature(new Point([s.lng, s.lat]));
      const t = s.count / max;
      f.setStyle(
        new Style({
          image: new Circle({
            radius: 8 + 22 * Math.sqrt(t),
            fill: new Fill({ color: `rgba(${Math.round(91 + 126 * t)},${Math.round(139 - 40 * t)},${Math.round(196 - 110 * t)},0.55)` }),
            stroke: new Stroke({ color: 'rgba(230,236,242,0.6)', width: 1 }),
          }),
          text: new Text({
            text: `${s.name}\n${s.count} 件`,
            font: '12px "PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif',
            fill: new Fill({ color: '#e3e8ee' }),
            stroke: new Stroke({ color: '#161b22', width: 3 }),
          }),
        }),
      );
      return f;
    });
    const source = new VectorSource({ features });
    const map = new OlMap({
      target: el.current,
      layers: [
        new Graticule({ strokeStyle: new Stroke({ color: 'rgba(140,150,163,0.2)', width: 1 }), wrapX: false }),
        new VectorLayer({ source }),
      ],
      view: new View({ projection: 'EPSG:4326', center: [84.87, 45.6], zoom: 9 }),
    });
    const extent = source.getExtent();
    if (features.length && extent) map.getView().fit(extent, { padding: [60, 60, 60, 60], maxZoom: 14 });
    return () => map.setTarget(undefined);
  }, [spots]);
  return <div ref={el} className="is-map is-map-lg" data-testid="hotspot-map" />;
}
