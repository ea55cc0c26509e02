/**
 * 楼盘表 (G-1): units side by side, floors from the top down, one cell per room coloured by its
 * status with the households living there. Units are bottom-aligned so that equal floors line up
 * even when one unit is taller.
 */
import { Empty, Typography } from 'antd';
import { roomColor } from '../../../../theme';
import type { FloorPlan, FloorPlanRoom } from '../../api';
import './floor-plan.css';

const floorNo = (f: number | string) => (typeof f === 'number' ? f : Number.parseInt(f, 10) || 0);
const unitLabel = (u: number | string) => (/^\d+$/.test(String(u)) ? `${u}单元` : String(u));
const floorLabel = (f: number | string) => (/^-?\d+$/.test(String(f)) ? (floorNo(f) < 0 ? `B${-floorNo(f)}` : `${f}层`) : String(f));

/** Status counts for the legend, most frequent first. */
export function statusSummary(plan: FloorPlan): { status: string; count: number }[] {
  const m = new Map<string, number>();
  for (const u of plan.units)
    for (const f of u.floors) for (const r of f.rooms) m.set(r.status ?? '未登记', (m.get(r.status ?? '未登记') ?? 0) + 1);
  return [...m.entries()].map(([status, count]) => ({ status, count })).sort((a, b) => b.count - a.count);
}

export default function FloorPlanGrid({ plan, onOpen }: { plan: FloorPlan; onOpen: (r: FloorPlanRoom, where: string) => void }) {
  if (plan.units.length === 0) return <Empty description="该楼栋尚未登记房屋" />;
  const legend = statusSummary(plan);
  return (
    <div>
      <div className="fp-legend" data-testid="floor-plan-legend">
        {legend.map((l) => (
          <span key={l.status} className="fp-legend-item">
            <i style={{ background: roomColor(l.status === '未登记' ? null : l.status) }} />
            {l.status} <b>{l.count}</b>
          </span>
        ))}
      </div>
      <div className="fp-scroll">
        <div className="fp-units" data-testid="floor-plan">
          {plan.units.map((u) => {
            const floors = [...u.floors].sort((a, b) => floorNo(b.floor) - floorNo(a.floor));
            return (
              <section key={String(u.unit)} className="fp-unit" aria-label={unitLabel(u.unit)}>
                <Typography.Text strong className="fp-unit-title">
                  {unitLabel(u.unit)}
                </Typography.Text>
                {floors.map((f) => (
                  <div key={String(f.floor)} className="fp-floor">
                    <span className="fp-floor-label">{floorLabel(f.floor)}</span>
                    {f.rooms.map((r) => (
                      <button
                        type="button"
                        key={String(r.houseId)}
                        className="fp-room"
                        style={{ background: roomColor(r.status) }}
                        onClick={() => onOpen(r, `${unitLabel(u.unit)} ${r.room}室`)}
                        title={`${unitLabel(u.unit)} ${r.room}室 · ${r.status ?? '未登记'}`}
                        data-testid="floor-plan-room"
                      >
                        <span className="fp-room-no">{r.room}</span>
                        <span className="fp-room-status">{r.status ?? '未登记'}</span>
                        {r.households.slice(0, 2).map((h) => (
                          <span
                            key={String(h.id)}
                            className="fp-room-hh"
                            data-testid="floor-plan-household"
                            title={`户主 ${h.headName}，${h.memberCount} 人`}
                          >
                            <span className="fp-hh-name">{h.headName}</span>
                            <span className="fp-hh-n">{h.memberCount}人</span>
                          </span>
                        ))}
                        {r.households.length > 2 ? <span className="fp-room-hh">等 {r.households.length} 户</span> : null}
                      </button>
                    ))}
                  </div>
                ))}
              </section>
            );
          })}
        </div>
      </div>
    </div>
  );
}
