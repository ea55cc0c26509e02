/**
 * 位置: the phone's position (navigator.geolocation, WGS-84 = EPSG:4326) or, when it is refused or
 * unavailable, longitude/latitude typed in by hand.
 */
import { Button, Input } from 'antd-mobile';
import { useState } from 'react';

export interface LngLat {
  lng: number;
  lat: number;
}

export default function LocationField({ value, onChange }: { value?: LngLat; onChange: (v: LngLat | undefined) => void }) {
  const [state, setState] = useState<'idle' | 'locating' | 'failed'>('idle');
  const [manual, setManual] = useState(false);
  const [lng, setLng] = useState('');
  const [lat, setLat] = useState('');

  function locate() {
    if (!('geolocation' in navigator)) {
      setState('failed');
      setManual(true);
      return;
    }
    setState('locating');
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setState('idle');
        onChange({ lng: Number(p.coords.longitude.toFixed(6)), lat: Number(p.coords.latitude.toFixed(6)) });
      },
      () => {
        setState('failed');
        setManual(true);
      },
      { enableHighAccuracy: true, timeout: 10_000, maximumAge: 60_000 },
    );
  }

  function typed(nextLng: string, nextLat: string) {
    setLng(nextLng);
    setLat(nextLat);
    const a = Number(nextLng);
    const b = Number(nextLat);
    onChange(nextLng && nextLat && Number.isFinite(a) && Number.isFinite(b) ? { lng: a, lat: b } : undefined);
  }

  return (
    <div data-testid="issue-location">
      <div className="mi-loc">
        {value ? (
          <span data-testid="issue-location-value">
            经度 {value.lng}，纬度 {value.lat}
          </span>
        ) : (
          <span>{state === 'failed' ? '无法获取定位，请手动填写经纬度' : '未定位'}</span>
        )}
        <Button size="mini" color="primary" fill="outline" loading={state === 'locating'} onClick={locate}>
          获取当前位置
        </Button>
        {manual ? null : (
          <Button size="mini" fill="none" onClick={() => setManual(true)}>
            手动填写
          </Button>
        )}
      </div>
      {manual ? (
        <div className="mi-loc-manual">
          <Input placeholder="经度，如 84.873" inputMode="decimal" value={lng} onChange={(v) => typed(v, lat)} aria-label="经度" />
          <Input placeholder="纬度，如 45.595" inputMode="decimal" value={lat} onChange={(v) => typed(lng, v)} aria-label="纬度" />
        </div>
      ) : null}
    </div>
  );
}
