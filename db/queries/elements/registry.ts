/**
 * One descriptor per element type served by the generic element API (G-1 房屋, G-4 商户 / 企业 /
 * 驻区单位 / 公共设施, G-5 网格员): its table, label, the columns with their form field names,
 * sensitive (phone) columns, natural keys, the display-name SQL and whether it can carry tags.
 * db/queries/elements/records.ts reads and writes every type through these descriptors; residents,
 * households and buildings keep their own modules.
 */
import type { TaggableType } from '../tags/targets';
import type { ElementType } from './common';

export type RecordType = 'house' | 'merchant' | 'enterprise' | 'institution' | 'facility' | 'grid_worker';
export const RECORD_TYPES: readonly RecordType[] = ['house', 'merchant', 'enterprise', 'institution', 'facility', 'grid_worker'];

export function isRecordType(t: string): t is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(t);
}

/** How a column's value travels between the database and JSON. */
export type ColumnKind = 'text' | 'int' | 'number' | 'date' | 'bool';

export interface FieldDef {
  /** camelCase name in forms and responses. */
  field: string;
  column: string;
  kind: ColumnKind;
}

/** A phone stored as SM4 ciphertext (+ HMAC blind index for exact search). */
export interface PhoneDef {
  field: string;
  enc: string;
  idx: string;
}

/** A unique constraint the API reports as 409 naming the field. */
export interface UniqueDef {
  constraint: string;
  field: string;
  message: string;
}

export interface RecordDescriptor {
  type: RecordType;
  table: string;
  label: string;
  fields: readonly FieldDef[];
  phones: readonly PhoneDef[];
  /** Display name, SQL over alias `e`. */
  nameSql: string;
  /** Plain name column for the prefix search, when the type has one. */
  nameColumn: string | null;
  /** Natural-key columns `q` matches exactly (upper-cased). */
  keyColumns: readonly string[];
  uniques: readonly UniqueDef[];
  /** element_tags.element_type, or null when the type carries no tags. */
  tagType: TaggableType | null;
  /** coverage_relations.element_type (包户), or null. */
  coverageType: ElementType | null;
  /** Has a `geom` point column (map position). */
  hasGeom: boolean;
  /** Has a `status` column the list can filter on. */
  hasStatus: boolean;
  /** Sort keys of the list (`sort=key` / `sort=-key`). */
  sorts: Record<string, readonly string[]>;
}

const f = (field: string, column: string, kind: ColumnKind = 'text'): FieldDef => ({ field, column, kind });

const commonSorts = {
  path: ['e.org_path', 'e.id'],
  id: ['e.id'],
  name: ['e.name', 'e.id'],
  updatedAt: ['e.updated_at', 'e.id'],
};

export const RECORDS: Record<RecordType, RecordDescriptor> = {
  house: {
    type: 'house',
    table: 'houses',
    label: '房屋',
    fields: [
      f('buildingId', 'building_id', 'int'),
      f('unitNo', 'unit_no', 'int'),
      f('floor', 'floor', 'int'),
      f('roomNo', 'room_no'),
      f('type', 'type'),
      f('area', 'area', 'number'),
      f('use', 'use'),
      f('status', 'status'),
      f('propertyRight', 'property_right'),
      f('ownerName', 'owner_name'),
    ],
    phones: [],
    nameSql: `(SELECT b.name FROM buildings b WHERE b.id = e.building_id) || ' ' || e.unit_no || '单元' || e.room_no || '室'`,
    nameColumn: null,
    keyColumns: [],
    uniques: [
      {
        constraint: 'houses_building_id_unit_no_room_no_unique',
        field: 'roomNo',
        message: '该楼栋同一单元已有此室号的房屋，请核对后重新填写',
      },
    ],
    tagType: null,
    coverageType: null,
    hasGeom: false,
    hasStatus: true,
    sorts: {
      path: ['e.org_path', 'e.id'],
      id: ['e.id'],
      name: ['e.building_id', 'e.unit_no', 'e.floor', 'e.room_no', 'e.id'],
      updatedAt: ['e.updated_at', 'e.id'],
    },
  },
  merchant: {
    type: 'merchant',
    table: 'merchants',
    label: '商户',
    fields: [
      f('name', 'name'),
      f('signName', 'sign_name'),
      f('industry', 'industry'),
      f('licenseNo', 'license_no'),
      f('operatorName', 'operator_name'),
      f('address', 'address'),
      f('buildingId', 'building_id', 'int'),
      f('area', 'area', 'number'),
      f('employees', 'employees', 'int'),
      f('openedOn', 'opened_on', 'date'),
      f('status', 'status'),
    ],
    phones: [{ field: 'operatorPhone', enc: 'operator_phone_enc', idx: 'operator_phone_idx' }],
    nameSql: 'e.name',
    nameColumn: 'e.name',
    keyColumns: ['e.license_no'],
    uniques: [],
    tagType: 'merchant',
    coverageType: 'merchant',
    hasGeom: true,
    hasStatus: true,
    sorts: commonSorts,
  },
  enterprise: {
    type: 'enterprise',
    table: 'enterprises',
    label: '企业',
    fields: [
      f('name', 'name'),
      f('creditCode', 'credit_code'),
      f('enterpriseType', 'enterprise_type'),
      f('industry', 'industry'),
      f('legalRepresentative', 'legal_representative'),
      f('registeredCapital', 'registered_capital', 'number'),
      f('employees', 'employees', 'int'),
      f('establishedOn', 'established_on', 'date'),
      f('address', 'address'),
      f('buildingId', 'building_id', 'int'),
      f('status', 'status'),
      f('aboveScale', 'above_scale', 'bool'),
    ],
    phones: [{ field: 'contactPhone', enc: 'contact_phone_enc', idx: 'contact_phone_idx' }],
    nameSql: 'e.name',
    nameColumn: 'e.name',
    keyColumns: ['e.credit_code'],
    uniques: [
      {
        constraint: 'enterprises_credit_code_unique',
        field: 'creditCode',
        message: '该统一社会信用代码已登记为其他企业，请核对后重新填写',
      },
    ],
    tagType: 'enterprise',
    coverageType: 'enterprise',
    hasGeom: true,
    hasStatus: true,
    sorts: commonSorts,
  },
  institution: {
    type: 'institution',
    table: 'institutions',
    label: '驻区单位',
    fields: [
      f('name', 'name'),
      f('category', 'category'),
      f('creditCode', 'credit_code'),
      f('contactPerson', 'contact_person'),
      f('address', 'address'),
      f('staffCount', 'staff_count', 'int'),
      f('partyMembers', 'party_members', 'int'),
      f('coBuilding', 'co_building', 'bool'),
    ],
    phones: [{ field: 'contactPhone', enc: 'contact_phone_enc', idx: 'contact_phone_idx' }],
    nameSql: 'e.name',
    nameColumn: 'e.name',
    keyColumns: ['e.credit_code'],
    uniques: [],
    tagType: 'institution',
    coverageType: 'institution',
    hasGeom: true,
    hasStatus: false,
    sorts: commonSorts,
  },
  facility: {
    type: 'facility',
    table: 'public_facilities',
    label: '公共设施',
    fields: [
      f('code', 'code'),
      f('name', 'name'),
      f('type', 'type'),
      f('status', 'status'),
      f('address', 'address'),
      f('managerUnit', 'manager_unit'),
      f('installedOn', 'installed_on', 'date'),
      f('lastInspectedOn', 'last_inspected_on', 'date'),
    ],
    phones: [],
    nameSql: 'e.name',
    nameColumn: 'e.name',
    keyColumns: ['e.code'],
    uniques: [{ constraint: 'public_facilities_code_unique', field: 'code', message: '该设施编码已被使用，请核对后重新填写' }],
    tagType: 'facility',
    coverageType: 'facility',
    hasGeom: true,
    hasStatus: true,
    sorts: commonSorts,
  },
  grid_worker: {
    type: 'grid_worker',
    table: 'grid_workers',
    label: '网格员',
    fields: [
      f('name', 'name'),
      f('gender', 'gender'),
      f('kind', 'kind'),
      f('subKind', 'sub_kind'),
      f('partTimeType', 'part_time_type'),
      f('workUnit', 'work_unit'),
      f('status', 'status'),
      f('joinedOn', 'joined_on', 'date'),
      f('userId', 'user_id', 'int'),
    ],
    phones: [{ field: 'phone', enc: 'phone_enc', idx: 'phone_idx' }],
    nameSql: 'e.name',
    nameColumn: 'e.name',
    keyColumns: [],
    uniques: [],
    tagType: null,
    coverageType: null,
    hasGeom: false,
    hasStatus: true,
    sorts: commonSorts,
  },
};
