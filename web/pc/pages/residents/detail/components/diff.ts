/** Field-by-field comparison of two versions of a record (G-3 版本追溯). */

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
  kind: 'added' | 'removed' | 'changed' | 'same';
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

function same(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

/** Every field of either side, changed ones first in their original order; bookkeeping fields left out. */
export function diffRecords(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
  ignore: string[] = ['id', 'version', 'updatedAt', 'updated_at', 'createdAt', 'created_at', 'orgPath', 'org_path'],
): FieldChange[] {
  const b = before ?? {};
  const a = after ?? {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !ignore.includes(k));
  const out = keys.map<FieldChange>((field) => {
    const bv = b[field];
    const av = a[field];
    const kind = same(bv, av) ? 'same' : isEmpty(bv) ? 'added' : isEmpty(av) ? 'removed' : 'changed';
    return { field, before: bv, after: av, kind };
  });
  return [...out.filter((c) => c.kind !== 'same'), ...out.filter((c) => c.kind === 'same')];
}

export function display(v: unknown): string {
  if (isEmpty(v)) return '—';
  if (Array.isArray(v)) return v.map(display).join('、') || '—';
  if (typeof v === 'boolean') return v ? '是' : '否';
  // Vehicles { plate, type, color }, pets { kind, name }: their values read well in a row.
  if (typeof v === 'object')
    return Object.values(v as Record<string, unknown>)
      .filter((x) => !isEmpty(x))
      .map(display)
      .join(' ');
  return String(v);
}
