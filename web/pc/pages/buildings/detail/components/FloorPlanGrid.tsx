/**
 * 楼盘表 (G-1): units side by side, floors from the top down, one cell per room with the households
 * living there. A room is coloured by its status (自住/出租/空置/借住/经营) or, in 按标签 mode, marked
 * when its household or any of its residents carries the chosen tag. Units are bottom-aligned so
 * that equal floors line up even when one unit is taller.
 */
import { Empty, Typography } from 'antd';
import { roomColor } from '../../../../theme';
import type { FloorPlan, FloorPlanRoom, FloorPlanTag } from '../../api';
import './floor-plan.css';

const floorNo = (f: number | string) => (typeof f === 'number' ? f : Number.parseInt(f, 10) || 0);
const unitLabel = (u: number | string) => (/^\d+$/.test(String(u)) ? `${u}单元` : String(u));
const floorLabel = (f: number | string) => (/^-?\d+$/.test(String(f)) ? (floorNo(f) < 0 ? `B${-floorNo(f)}` : `${f}层`) : String(f));

/** The house statuses of G-1, always listed in the legend (with 0 when absent). */
export const HOUSE_STATUSES = ['自住', '出租', '空置', '借住', '经营'] as const;
/** A room carrying the chosen tag / one that does not. */
export const TAG_MATCH_COLOR = '#a8672f';
export const TAG_MISS_COLOR = '#262d37';

export type ColorBy = { mode: 'status' } | { mode: 'tag'; tag: FloorPlanTag };

const rooms = (plan: FloorPlan) => plan.units.flatMap((u) => u.floors.flatMap((f) => f.rooms));

/** Status counts for the legend: the five house statuses in their order, then any other status by frequency. */
export function statusSummary(plan: FloorPlan): { status: string; count: number }[] {
  const m = new Map<string, number>(HOUSE_STATUSES.map((s) => [s, 0]));
  for (const r of rooms(plan)) m.set(r.status ?? '未登记', (m.get(r.status ?? '未登记') ?? 0) + 1);
  const fixed = HOUSE_STATUSES.map((status) => ({ status, count: m.get(status) ?? 0 }));
  const other = [...m.entries()]
    .filter(([s]) => !(HOUSE_STATUSES as readonly string[]).includes(s))
    .map(([status, count]) => ({ status, count }))
    .sort((a, b) => b.count - a.count);
  return [...fixed, ...other];
}

/** Rooms with and without the tag. */
export function tagSummary(plan: FloorPlan, tagId: number): { matched: number; unmatched: number } {
  const all = rooms(plan);
  const matched = all.filter((r) => r.tagIds.includes(tagId)).length;
  return { matched, unmatched: all.length - matched };
}

function Legend({ plan, colorBy }: { plan: FloorPlan; colorBy: ColorBy }) {
  if (colorBy.mode === 'tag') {
    const s = tagSummary(plan, colorBy.tag.id);
    return (
      <div className="fp-legend" data-testid="floor-plan-legend">
        <span className="fp-legend-item" data-testid="floor-plan-legend-tag">
          <i style={{ background: colorBy.tag.color ?? TAG_MATCH_COLOR }} />
          {colorBy.tag.name} <b>{s.matched}</b> 间
        </span>
        <span className="fp-legend-item">
          <i style={{ background: TAG_MISS_COLOR }} />
          未带该标签 <b>{s.unmatched}</b> 间
        </span>
      </div>
    );
  }
  return (
    <div className="fp-legend" data-testid="floor-plan-legend">
      {statusSummary(plan).map((l) => (
        <span key={l.status} className="fp-legend-item">
          <i style={{ background: roomColor(l.status === '未登记' ? null : l.status) }} />
          {l.status} <b>{l.count}</b>
        </span>
      ))}
    </div>
  );
}

export default function FloorPlanGrid({
  plan,
  colorBy = { mode: 'status' },
  onOpen,
}: {
  plan: FloorPlan;
  colorBy?: ColorBy;
  onOpen: (r: FloorPlanRoom, where: string) => void;
}) {
  if (plan.units.length === 0) return <Empty description="该楼栋尚未登记房屋" />;
  const tag = colorBy.mode === 'tag' ? colorBy.tag : null;
  const background = (r: FloorPlanRoom) =>
    tag ? (r.tagIds.includes(tag.id) ? (tag.color ?? TAG_MATCH_COLOR) : TAG_MISS_COLOR) : roomColor(r.status);
  return (
    <div>
      <Legend plan={plan} colorBy={colorBy} />
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
                    {f.rooms.map((r) => {
                      const hit = tag ? r.tagIds.includes(tag.id) : undefined;
                      return (
                        <button
                          type="button"
                          key={String(r.houseId)}
                          className={hit === false ? 'fp-room fp-room-miss' : 'fp-room'}
                          style={{ background: background(r) }}
                          onClick={() => onOpen(r, `${unitLabel(u.unit)} ${r.room}室`)}
                          title={`${unitLabel(u.unit)} ${r.room}室 · ${r.status ?? '未登记'}${tag ? (hit ? ` · ${tag.name}` : ' · 未带该标签') : ''}`}
                          data-testid="floor-plan-room"
                          data-tagged={hit === undefined ? undefined : String(hit)}
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
                      );
                    })}
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
