import { describe, expect, it } from 'vitest';
import { normalizeFloorPlan } from './api';
import { statusSummary } from './detail/components/FloorPlanGrid';

const building = { id: 7, name: '友谊路 12 号楼' };

describe('楼盘表 data', () => {
  it('G-1 accepts the route shape (units/rooms/houseId/room)', () => {
    const p = normalizeFloorPlan({
      building,
      units: [
        {
          unit: 1,
          floors: [
            { floor: 2, rooms: [{ houseId: 11, room: '201', status: '自住', households: [{ id: 5, headName: '张伟', memberCount: 3 }] }] },
          ],
        },
      ],
    });
    expect(p.units[0]).toEqual({
      unit: 1,
      floors: [
        { floor: 2, rooms: [{ houseId: 11, room: '201', status: '自住', households: [{ id: 5, headName: '张伟', memberCount: 3 }] }] },
      ],
    });
  });
  it('G-1 accepts the query-module shape (unitNo/houses/id/roomNo) and names a household without a head', () => {
    const p = normalizeFloorPlan({
      building,
      units: [
        {
          unitNo: 2,
          floors: [
            { floor: 1, houses: [{ id: 12, roomNo: '101', status: null, households: [{ id: 6, headName: null, memberCount: 1 }] }] },
          ],
        },
      ],
    });
    expect(p.units[0].unit).toBe(2);
    expect(p.units[0].floors[0].rooms[0]).toMatchObject({ houseId: 12, room: '101', status: null });
    expect(p.units[0].floors[0].rooms[0].households[0].headName).toBe('（未登记户主）');
  });
  it('G-1 counts rooms per status for the legend, most frequent first', () => {
    const p = normalizeFloorPlan({
      building,
      units: [
        {
          unit: 1,
          floors: [
            {
              floor: 1,
              rooms: [
                { houseId: 1, room: '101', status: '出租' },
                { houseId: 2, room: '102', status: '自住' },
                { houseId: 3, room: '103', status: '自住' },
                { houseId: 4, room: '104', status: null },
              ],
            },
          ],
        },
      ],
    });
    expect(statusSummary(p)).toEqual([
      { status: '自住', count: 2 },
      { status: '出租', count: 1 },
      { status: '未登记', count: 1 },
    ]);
  });
});
