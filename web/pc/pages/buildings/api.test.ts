import { describe, expect, it } from 'vitest';
import { normalizeFloorPlan } from './api';
import { statusSummary, tagSummary } from './detail/components/FloorPlanGrid';

const building = { id: 7, name: '友谊路 12 号楼' };

describe('楼盘表 data', () => {
  it('G-1 accepts the route shape (units/rooms/houseId/room) with tags', () => {
    const p = normalizeFloorPlan({
      building,
      tags: [{ id: 3, name: '独居老人', target: 'resident', kind: 'computed', color: null, rooms: 1 }],
      units: [
        {
          unit: 1,
          floors: [
            {
              floor: 2,
              rooms: [
                {
                  houseId: 11,
                  room: '201',
                  status: '自住',
                  tagIds: [3],
                  households: [{ id: 5, headName: '张伟', memberCount: 3, tagIds: [3] }],
                },
              ],
            },
          ],
        },
      ],
    });
    expect(p.tags.map((t) => t.id)).toEqual([3]);
    expect(p.units[0]).toEqual({
      unit: 1,
      floors: [
        {
          floor: 2,
          rooms: [
            {
              houseId: 11,
              room: '201',
              status: '自住',
              tagIds: [3],
              households: [{ id: 5, headName: '张伟', memberCount: 3, tagIds: [3] }],
            },
          ],
        },
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
    expect(p.units[0].floors[0].rooms[0]).toMatchObject({ houseId: 12, room: '101', status: null, tagIds: [] });
    expect(p.units[0].floors[0].rooms[0].households[0].headName).toBe('（未登记户主）');
    expect(p.tags).toEqual([]);
  });
  const plan = normalizeFloorPlan({
    building,
    units: [
      {
        unit: 1,
        floors: [
          {
            floor: 1,
            rooms: [
              { houseId: 1, room: '101', status: '出租', tagIds: [9] },
              { houseId: 2, room: '102', status: '自住' },
              { houseId: 3, room: '103', status: '自住', tagIds: [8, 9] },
              { houseId: 4, room: '104', status: null },
              { houseId: 5, room: '105', status: '商用' },
            ],
          },
        ],
      },
    ],
  });
  it('G-1 status legend: the five house statuses in order (0 when absent), then others by frequency', () => {
    expect(statusSummary(plan)).toEqual([
      { status: '自住', count: 2 },
      { status: '出租', count: 1 },
      { status: '空置', count: 0 },
      { status: '借住', count: 0 },
      { status: '经营', count: 0 },
      { status: '未登记', count: 1 },
      { status: '商用', count: 1 },
    ]);
  });
  it('G-1 tag legend counts rooms with and without the chosen tag', () => {
    expect(tagSummary(plan, 9)).toEqual({ matched: 2, unmatched: 3 });
    expect(tagSummary(plan, 7)).toEqual({ matched: 0, unmatched: 5 });
  });
});
