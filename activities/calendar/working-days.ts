/**
 * Working-day arithmetic on the Chinese statutory calendar (法定节假日 and 调休 adjusted working
 * days), from the `chinese-days` data plus admin overrides (calendar_overrides table).
 *
 * Deadline rule — 民法典 第二百零一条/第二百零三条: the day an issue is received is not counted;
 * counting starts the next day; only working days count; the period ends at 24:00 of its last day.
 * So "3 个工作日内" from a report at 2025-09-30 10:00 ends at 2025-10-10 24:00 (the National Day
 * break 10-01..10-08 is skipped, 10-09 and 10-10 are working days) — see working-days.test.ts.
 *
 * This runs only in activities: a calendar update must never change the replay of a running
 * workflow, so workflows receive the computed instant as an activity result.
 */
import calendarData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

/** All dates are civil dates in China Standard Time (UTC+8, no DST). */
const CST_OFFSET_MS = 8 * 3600 * 1000;

export interface CalendarOverride {
  /** YYYY-MM-DD */
  date: string;
  isWorkday: boolean;
}

export interface WorkCalendar {
  isWorkday(date: string): boolean;
  /** Last year for which statutory holiday data is known (later years fall back to weekends). */
  knownUntilYear: number;
}

const statutoryHolidays = new Set(Object.keys(calendarData.holidays));
const adjustedWorkdays = new Set(Object.keys(calendarData.workdays));
const knownUntilYear = Math.max(...[...statutoryHolidays].map((d) => Number(d.slice(0, 4))));

export function createWorkCalendar(overrides: readonly CalendarOverride[] = []): WorkCalendar {
  const override = new Map(overrides.map((o) => [o.date, o.isWorkday]));
  return {
    knownUntilYear,
    isWorkday(date: string): boolean {
      const o = override.get(date);
      if (o !== undefined) return o;
      if (statutoryHolidays.has(date)) return false;
      if (adjustedWorkdays.has(date)) return true;
      const day = new Date(`${date}T00:00:00Z`).getUTCDay();
      return day !== 0 && day !== 6;
    },
  };
}

/** The civil date (CST) of an instant, as YYYY-MM-DD. */
export function cstDate(instant: Date): string {
  return new Date(instant.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

function nextDate(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** 24:00 CST of a civil date, i.e. 00:00 CST of the following day, as an instant. */
export function endOfCstDay(date: string): Date {
  return new Date(Date.parse(`${nextDate(date)}T00:00:00Z`) - CST_OFFSET_MS);
}

/** The Nth working day after the day of `from` (the start day itself is not counted). */
export function nthWorkingDayAfter(calendar: WorkCalendar, from: Date, n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`working days must be a positive integer, got ${n}`);
  let date = cstDate(from);
  let counted = 0;
  // 400 days covers any realistic period including the longest holiday breaks.
  for (let guard = 0; guard < 400 + n * 3; guard++) {
    date = nextDate(date);
    if (calendar.isWorkday(date)) counted++;
    if (counted === n) return date;
  }
  throw new RangeError('no working day found within range; check calendar_overrides');
}

/** Deadline instant: 24:00 CST of the Nth working day after the day of `from`. */
export function workingDayDeadline(calendar: WorkCalendar, from: Date, n: number): Date {
  return endOfCstDay(nthWorkingDayAfter(calendar, from, n));
}

/** Working days strictly after the day of `from` up to and including the day of `to` (0 when to ≤ from). */
export function workingDaysBetween(calendar: WorkCalendar, from: Date, to: Date): number {
  let date = cstDate(from);
  const end = cstDate(to);
  let n = 0;
  while (date < end) {
    date = nextDate(date);
    if (calendar.isWorkday(date)) n++;
  }
  return n;
}
