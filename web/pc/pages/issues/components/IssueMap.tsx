/**
 * 问题位置: an OpenLayers map in EPSG:4326 on a plain background (no external tiles — the
 * platform runs on a closed network), a graticule for orientation and a marker at the position.
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

const labelStyle = (align: 'bottom' | 'end') =>
  new Text({
    font: '11px sans-serif',
    fill: new Fill({ color: '#8c96a3' }),
    ...(align === 'bottom' ? { textBaseline: 'bottom', offsetY: -4 } : { textAlign: 'end', offsetX: -4 }),
  });

export default function IssueMap({ lng, lat, label }: { lng: number; lat: number; label?: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const marker = new Feature(new Point([lng, lat]));
    marker.setStyle(
      new Style({
        image: new Circle({ radius: 8, fill: new Fill({ color: '#d9825b' }), stroke: new Stroke({ color: '#f3e3d8', width: 2 }) }),
        text: label
          ? new Text({
              text: label,
              offsetY: -20,
              font: '13px "PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif',
              fill: new Fill({ color: '#d3d9e0' }),
              stroke: new Stroke({ color: '#161b22', width: 3 }),
            })
          : undefined,
      }),
    );
    const map = new OlMap({
      target: el.current,
      layers: [
        new Graticule({
          strokeStyle: new Stroke({ color: 'rgba(140,150,163,0.25)', width: 1 }),
          showLabels: true,
          wrapX: false,
          lonLabelStyle: labelStyle('bottom'),
          latLabelStyle: labelStyle('end'),
        }),
        new VectorLayer({ source: new VectorSource({ features: [marker] }) }),
      ],
      view: new View({ projection: 'EPSG:4326', center: [lng, lat], zoom: 15 }),
    });
    return () => map.setTarget(undefined);
  }, [lng, lat, label]);
  return <div ref={el} className="is-map" data-testid="issue-map" />;
}
