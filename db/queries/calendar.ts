/** Admin overrides of the working-day calendar. Owner of calendar_overrides. */
import type { CalendarOverride } from '../../activities/calendar/working-days';
import type { Db } from '../connection';

export async function listCalendarOverrides(db: Db): Promise<CalendarOverride[]> {
  const rows = await db('calendar_overrides').select(db.raw(`to_char(date, 'YYYY-MM-DD') as date`), 'is_workday');
  return rows.map((r: { date: string; is_workday: boolean }) => ({ date: r.date, isWorkday: r.is_workday }));
}
