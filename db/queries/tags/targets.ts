/**
 * The element types a tag can target (标签对象, T-1) and how each maps onto its table: display
 * name, natural key for department feeds (T-5) and imports, and the table's alias in tag SQL.
 * `visit` (走访标签, G-2) marks a 居民户 with its visit category (the reminder cycle is the visit
 * interval): its element rows are households, see `elementTypeOfTarget`.
 */
import { blindIndex } from '../../sensitive';

export type TagTarget = 'resident' | 'household' | 'visit' | 'building' | 'merchant' | 'enterprise' | 'institution' | 'facility';
export type TaggableType = Exclude<TagTarget, 'visit'>;

export const TAG_TARGETS: readonly TagTarget[] = [
  'resident',
  'household',
  'visit',
  'building',
  'merchant',
  'enterprise',
  'institution',
  'facility',
];
export const TAGGABLE_TYPES: readonly TaggableType[] = [
  'resident',
  'household',
  'building',
  'merchant',
  'enterprise',
  'institution',
  'facility',
];

export const TARGET_LABELS: Record<TagTarget, string> = {
  resident: '人口',
  household: '居民户',
  visit: '走访',
  building: '楼栋',
  merchant: '商户',
  enterprise: '企业',
  institution: '驻区单位',
  facility: '公共设施',
};

export const TARGET_TABLES: Record<TaggableType, string> = {
  resident: 'residents',
  household: 'households',
  building: 'buildings',
  merchant: 'merchants',
  enterprise: 'enterprises',
  institution: 'institutions',
  facility: 'public_facilities',
};

/** Display name per type, SQL over alias `e`. */
export const TARGET_NAME_SQL: Record<TaggableType, string> = {
  resident: 'e.name',
  household: `e.household_no || coalesce(' ' || (SELECT r.name FROM residents r WHERE r.id = e.head_resident_id), '')`,
  building: 'e.name',
  merchant: 'e.name',
  enterprise: 'e.name',
  institution: 'e.name',
  facility: 'e.name',
};

/** Natural key of each type for feeds: the column and how a plain key becomes its stored value. */
export const TARGET_NATURAL_KEY: Record<TaggableType, { column: string; label: string; toStored: (k: string) => string }> = {
  resident: { column: 'id_number_idx', label: '身份证号', toStored: (k) => blindIndex(k) },
  household: { column: 'household_no', label: '户编号', toStored: (k) => k.trim() },
  building: { column: 'code', label: '楼栋编码', toStored: (k) => k.trim() },
  merchant: { column: 'license_no', label: '营业执照号', toStored: (k) => k.trim().toUpperCase() },
  enterprise: { column: 'credit_code', label: '统一社会信用代码', toStored: (k) => k.trim().toUpperCase() },
  institution: { column: 'credit_code', label: '统一社会信用代码', toStored: (k) => k.trim().toUpperCase() },
  facility: { column: 'code', label: '设施编码', toStored: (k) => k.trim() },
};

export function isTaggable(t: string): t is TaggableType {
  return (TAGGABLE_TYPES as readonly string[]).includes(t);
}

/** The element type a tag of this target is set on: its own type; 走访标签 (visit) on 居民户. */
export function elementTypeOfTarget(target: string): TaggableType | undefined {
  if (target === 'visit') return 'household';
  return isTaggable(target) ? target : undefined;
}
