import { describe, expect, it } from 'vitest';
import { createWorkCalendar, cstDate, nthWorkingDayAfter, workingDayDeadline, workingDaysBetween } from './working-days';

const cal = createWorkCalendar();
const cst = (s: string) => new Date(`${s}+08:00`);

describe('working-day deadlines (Q-4)', () => {
  it('Q-4 knows the 2025 National Day break and its adjusted working days', () => {
    expect(cal.isWorkday('2025-10-01')).toBe(false);
    expect(cal.isWorkday('2025-10-08')).toBe(false);
    expect(cal.isWorkday('2025-09-28')).toBe(true); // Sunday made a working day (调休)
    expect(cal.isWorkday('2025-10-11')).toBe(true); // Saturday made a working day (调休)
    expect(cal.isWorkday('2025-10-12')).toBe(false); // plain Sunday
  });

  it('Q-4 the start day is not counted and the period ends at 24:00 CST', () => {
    // Monday 2025-11-03 15:00 + 3 working days → Thursday 2025-11-06 24:00 CST
    const d = workingDayDeadline(cal, cst('2025-11-03T15:00:00'), 3);
    expect(d.toISOString()).toBe('2025-11-06T16:00:00.000Z');
  });

  it('Q-4 a general issue reported before National Day 2025 spans the break and the adjusted Saturday', () => {
    // Reported Tue 2025-09-30: working days after it are 10-09 (Thu), 10-10 (Fri), 10-11 (adjusted Sat).
    expect(nthWorkingDayAfter(cal, cst('2025-09-30T10:00:00'), 1)).toBe('2025-10-09');
    expect(nthWorkingDayAfter(cal, cst('2025-09-30T10:00:00'), 3)).toBe('2025-10-11');
    // A complex issue (5 working days) ends on Tue 2025-10-14.
    expect(nthWorkingDayAfter(cal, cst('2025-09-30T10:00:00'), 5)).toBe('2025-10-14');
  });

  it('Q-4 the adjusted working Sunday before the break counts', () => {
    // Reported Sat 2025-09-27: Sun 09-28 is a working day.
    expect(nthWorkingDayAfter(cal, cst('2025-09-27T09:00:00'), 1)).toBe('2025-09-28');
  });

  it('Q-4 a report late at night uses the CST civil date, not UTC', () => {
    // 2025-11-03 23:30 CST is 15:30 UTC on the same date; 2025-11-04 00:30 CST is still 11-03 in UTC.
    expect(cstDate(cst('2025-11-04T00:30:00'))).toBe('2025-11-04');
    expect(nthWorkingDayAfter(cal, cst('2025-11-04T00:30:00'), 1)).toBe('2025-11-05');
  });

  it('Q-4 admin overrides win over the statutory data', () => {
    const c = createWorkCalendar([{ date: '2025-11-05', isWorkday: false }]);
    expect(nthWorkingDayAfter(c, cst('2025-11-04T09:00:00'), 1)).toBe('2025-11-06');
  });

  it('Q-4 counts working days between two instants', () => {
    expect(workingDaysBetween(cal, cst('2025-09-30T10:00:00'), cst('2025-10-11T10:00:00'))).toBe(3);
    expect(workingDaysBetween(cal, cst('2025-10-11T10:00:00'), cst('2025-09-30T10:00:00'))).toBe(0);
  });

  it('Q-4 refuses a non-positive period', () => {
    expect(() => nthWorkingDayAfter(cal, new Date(), 0)).toThrow(RangeError);
  });
});
