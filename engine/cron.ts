/**
 * Cron expressions for Schedules (five fields: minute hour day-of-month month day-of-week, with
 * `*`, lists, ranges and steps), evaluated at a fixed UTC offset — China has no daylight saving
 * time, so Beijing time is UTC+8 all year. No cron library is installed; this is the small part
 * of cron the platform's visit cycles and nightly jobs need.
 */
const RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];

export interface CronSpec {
  fields: Set<number>[];
  domStar: boolean;
  dowStar: boolean;
}

export function parseCron(expr: string): CronSpec {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) throw new TypeError(`cron 表达式应有 5 个字段(分 时 日 月 周): ${expr}`);
  const fields = parts.map((p, i) => {
    const [lo, hi] = RANGES[i];
    const set = new Set<number>();
    for (const item of p.split(',')) {
      const [range, stepText] = item.split('/');
      const step = stepText ? Number(stepText) : 1;
      let a = lo;
      let b = hi;
      if (range !== '*') {
        const [x, y] = range.split('-').map(Number);
        a = x;
        b = y ?? (stepText ? hi : x);
      }
      if (![a, b, step].every(Number.isInteger) || a < lo || b > hi + (i === 4 ? 1 : 0) || step < 1) {
        throw new TypeError(`无法识别的 cron 字段 "${item}": ${expr}`);
      }
      for (let v = a; v <= b; v += step) set.add(i === 4 && v === 7 ? 0 : v);
    }
    return set;
  });
  return { fields, domStar: parts[2] === '*', dowStar: parts[4] === '*' };
}

/** The first matching minute strictly after `afterMs`. */
export function nextCronTime(spec: CronSpec, afterMs: number, utcOffsetMinutes = 480): number {
  const off = utcOffsetMinutes * 60_000;
  // Work in "local time expressed as UTC" so getUTC* read local fields.
  let t = Math.floor((afterMs + off) / 60_000) * 60_000 + 60_000;
  const [min, hour, dom, month, dow] = spec.fields;
  for (let guard = 0; guard < 600_000; guard++) {
    const d = new Date(t);
    if (!month.has(d.getUTCMonth() + 1)) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      continue;
    }
    const domOk = dom.has(d.getUTCDate());
    const dowOk = dow.has(d.getUTCDay());
    // Standard cron: when both day fields are restricted, either may match.
    const dayOk = spec.domStar && spec.dowStar ? true : spec.domStar ? dowOk : spec.dowStar ? domOk : domOk || dowOk;
    if (!dayOk) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
      continue;
    }
    if (!hour.has(d.getUTCHours())) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
      continue;
    }
    if (!min.has(d.getUTCMinutes())) {
      t += 60_000;
      continue;
    }
    return t - off;
  }
  throw new Error('cron 表达式在五年内没有匹配的时间');
}
