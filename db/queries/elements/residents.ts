/**
 * 居民 / 实有人口 (G-3): scoped list, detail with household → house → building → grid, update
 * that writes a version row (who, when, before, after), version history.
 * Scope: every read and write goes through db/scope.ts on `r.org_path`; an id outside the scope
 * behaves exactly like an id that does not exist (undefined).
 */
import type { Db } from '../../connection';
import type { Actor } from '../../scope';
import { scoped, scopePaths } from '../../scope';
import { blindIndex, encrypt, isValidIdNumber } from '../../sensitive';
import {
  cappedCount,
  dateText,
  ElementValidationError,
  type GridRef,
  orderOf,
  type Page,
  type PageParams,
  pageWindow,
  type RevealOptions,
  scopeAndNarrow,
  showIdNumber,
  showPhone,
  VersionConflictError,
} from './common';
import { ElementConflictError, type ListTag, type TagMode, tagsSql, versionColumns, whereTagged } from './records';

export const RESIDENT_SORTS = {
  path: ['r.org_path', 'r.id'],
  id: ['r.id'],
  name: ['r.name', 'r.id'],
  birthDate: ['r.birth_date', 'r.id'],
  updatedAt: ['r.updated_at', 'r.id'],
} as const;
export type ResidentSort = keyof typeof RESIDENT_SORTS;

export interface ResidentListParams extends PageParams {
  sort?: ResidentSort;
  /** Narrow to an org unit's subtree (district … grid) inside the scope. */
  orgPath?: string;
  gridId?: number;
  householdId?: number;
  /** Name prefix (姓名). */
  name?: string;
  /** Exact ID number, matched through the blind index. */
  idNumber?: string;
  /** Exact phone, matched through the blind index. */
  phone?: string;
  gender?: string;
  ethnicity?: string;
  residenceType?: string;
  registrationStatus?: string;
  dynamicStatus?: string;
  ageMin?: number;
  ageMax?: number;
  /** Only residents carrying these tags (element_tags): all of them (default) or any. */
  tagIds?: number[];
  tagMode?: TagMode;
}

export interface ResidentListRow {
  id: number;
  name: string;
  gender: string;
  birthDate: string;
  age: number;
  ethnicity: string;
  /** Masked unless `reveal`. */
  idNumber: string;
  phone: string | null;
  relationToHead: string | null;
  residenceType: string;
  registrationStatus: string;
  dynamicStatus: string;
  householdId: number | null;
  gridId: number;
  gridName: string;
  orgPath: string;
  version: number;
  tags: ListTag[];
}

interface ResidentListDbRow {
  id: number;
  name: string;
  gender: string;
  birth_date: string;
  age: number;
  ethnicity: string;
  id_number_enc: Buffer;
  phone_enc: Buffer | null;
  relation_to_head: string | null;
  residence_type: string;
  registration_status: string;
  dynamic_status: string;
  household_id: number | null;
  grid_id: number;
  grid_name: string;
  org_path: string;
  version: number;
  tags: ListTag[] | null;
}

/**
 * Pages sorted by name or birth date over a wide area (city, district, street: tens of thousands
 * of rows) walk the (name|birth_date, id) INCLUDE (org_path) index in order and stop after the
 * page; the planner picks that walk only without the path range, whose selectivity it
 * underestimates. Narrow areas (community, grid) keep the range: a few thousand index tuples.
 */
function wantsPathRange(actor: Actor, p: ResidentListParams): boolean {
  if (p.sort !== 'name' && p.sort !== 'birthDate') return true;
  const paths = scopePaths(actor, 'read');
  const area = p.orgPath ?? (paths.length === 1 ? paths[0] : undefined);
  return area !== undefined && area.split('.').length >= 4;
}

function applyFilters(db: Db, actor: Actor, p: ResidentListParams, forPage = false) {
  const q = db('residents as r');
  scopeAndNarrow(q, actor, 'r.org_path', 'read', p.orgPath, !forPage || wantsPathRange(actor, p));
  if (p.gridId !== undefined) q.where('r.grid_id', p.gridId);
  if (p.householdId !== undefined) q.where('r.household_id', p.householdId);
  if (p.name) q.whereRaw('r.name LIKE ?', [`${p.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`]);
  if (p.idNumber) q.where('r.id_number_idx', blindIndex(p.idNumber));
  if (p.phone) q.where('r.phone_idx', blindIndex(p.phone));
  if (p.gender) q.where('r.gender', p.gender);
  if (p.ethnicity) q.where('r.ethnicity', p.ethnicity);
  if (p.residenceType) q.where('r.residence_type', p.residenceType);
  if (p.registrationStatus) q.where('r.registration_status', p.registrationStatus);
  if (p.dynamicStatus) q.where('r.dynamic_status', p.dynamicStatus);
  // Age bounds as birth-date bounds, so an index on birth_date (or the path order) still applies.
  if (p.ageMin !== undefined) q.whereRaw(`r.birth_date <= current_date - make_interval(years => ?)`, [p.ageMin]);
  if (p.ageMax !== undefined) q.whereRaw(`r.birth_date > current_date - make_interval(years => ?)`, [p.ageMax + 1]);
  if (p.tagIds?.length) whereTagged(q, 'resident', 'r.id', p.tagIds, p.tagMode);
  return q;
}

/** A page of residents inside the actor's scope (masked sensitive fields unless `reveal`). */
export async function listResidents(
  db: Db,
  actor: Actor,
  params: ResidentListParams = {},
  opts: RevealOptions = {},
): Promise<Page<ResidentListRow>> {
  const { page, pageSize, offset } = pageWindow(params);
  const sortCols = RESIDENT_SORTS[params.sort ?? 'path'] ?? RESIDENT_SORTS.path;
  const order = orderOf(params);
  // Phase 1 picks the page's ids from the covering index (org_path, id) INCLUDE (sort and filter
  // columns) — an index-only range scan plus a top-N sort; phase 2 fetches those 20 rows.
  const ids = applyFilters(db, actor, params, true)
    .select('r.id', ...sortCols.filter((c) => c !== 'r.id'))
    .orderBy(sortCols.map((c) => ({ column: c, order })))
    .limit(pageSize)
    .offset(offset);
  const pageQ = db
    .with('page', ids)
    .from('page as p')
    .join('residents as r', 'r.id', 'p.id')
    .join('org_units as g', 'g.id', 'r.grid_id')
    .select(
      'r.id',
      'r.name',
      'r.gender',
      db.raw(dateText('r.birth_date', 'birth_date')),
      db.raw(`date_part('year', age(r.birth_date))::int AS age`),
      'r.ethnicity',
      'r.id_number_enc',
      'r.phone_enc',
      'r.relation_to_head',
      'r.residence_type',
      'r.registration_status',
      'r.dynamic_status',
      'r.household_id',
      'r.grid_id',
      'g.name as grid_name',
      db.raw('r.org_path::text AS org_path'),
      'r.version',
      db.raw(tagsSql('resident', 'r.id')),
    )
    .orderBy(sortCols.map((c) => ({ column: c.replace(/^r\./, 'p.'), order })));
  const [rows, counted] = await Promise.all([pageQ as Promise<ResidentListDbRow[]>, cappedCount(db, applyFilters(db, actor, params))]);
  return {
    rows: rows.map((r) => ({
      id: r.id,
      name: r.name,
      gender: r.gender,
      birthDate: r.birth_date,
      age: r.age,
      ethnicity: r.ethnicity,
      idNumber: showIdNumber(r.id_number_enc, opts.reveal) ?? '',
      phone: showPhone(r.phone_enc, opts.reveal),
      relationToHead: r.relation_to_head,
      residenceType: r.residence_type,
      registrationStatus: r.registration_status,
      dynamicStatus: r.dynamic_status,
      householdId: r.household_id,
      gridId: r.grid_id,
      gridName: r.grid_name,
      orgPath: r.org_path,
      version: r.version,
      tags: r.tags ?? [],
    })),
    ...counted,
    page,
    pageSize,
  };
}

export interface Vehicle {
  plate: string;
  type?: string;
  color?: string;
}
export interface Pet {
  kind: string;
  name?: string;
  vaccinated?: boolean;
}

/** The editable fields of a resident (camelCase input names of updateResident). */
export interface ResidentFields {
  name: string;
  formerName: string | null;
  gender: string;
  birthDate: string;
  ethnicity: string;
  idNumber: string;
  phone: string | null;
  relationToHead: string | null;
  residenceType: string;
  registrationStatus: string;
  hukouAddress: string | null;
  nativePlace: string | null;
  education: string | null;
  politicalStatus: string | null;
  maritalStatus: string | null;
  religion: string | null;
  healthStatus: string | null;
  employmentStatus: string | null;
  workUnit: string | null;
  occupation: string | null;
  emergencyContactName: string | null;
  emergencyContactRelation: string | null;
  emergencyContactPhone: string | null;
  vehicles: Vehicle[];
  pets: Pet[];
  dynamicStatus: string;
  movedInOn: string | null;
}

export interface OrgRef {
  id: number;
  name: string;
  type: string;
  path: string;
}

export interface ResidentDetail extends ResidentFields {
  id: number;
  age: number;
  version: number;
  updatedAt: string;
  householdId: number | null;
  gridId: number;
  orgPath: string;
  household: {
    id: number;
    householdNo: string;
    type: string;
    memberCount: number;
    headResidentId: number | null;
    headName: string | null;
    /** 包户: the one worker responsible for the household. */
    coverageWorker: { id: number; name: string } | null;
  } | null;
  house: {
    id: number;
    unitNo: number;
    floor: number;
    roomNo: string;
    type: string;
    area: number | null;
    use: string;
    status: string;
  } | null;
  building: { id: number; code: string; name: string; number: string; address: string; type: string } | null;
  grid: GridRef;
  /** City → … → grid, for breadcrumbs. */
  orgChain: OrgRef[];
  /** Other members of the household (id, name, relation). */
  members: { id: number; name: string; relationToHead: string | null; gender: string; age: number }[];
}

/** Column ↔ field map of the editable fields (sensitive ones handled apart). */
const PLAIN_COLUMNS: Record<Exclude<keyof ResidentFields, 'idNumber' | 'phone' | 'emergencyContactPhone'>, string> = {
  name: 'name',
  formerName: 'former_name',
  gender: 'gender',
  birthDate: 'birth_date',
  ethnicity: 'ethnicity',
  relationToHead: 'relation_to_head',
  residenceType: 'residence_type',
  registrationStatus: 'registration_status',
  hukouAddress: 'hukou_address',
  nativePlace: 'native_place',
  education: 'education',
  politicalStatus: 'political_status',
  maritalStatus: 'marital_status',
  religion: 'religion',
  healthStatus: 'health_status',
  employmentStatus: 'employment_status',
  workUnit: 'work_unit',
  occupation: 'occupation',
  emergencyContactName: 'emergency_contact_name',
  emergencyContactRelation: 'emergency_contact_relation',
  vehicles: 'vehicles',
  pets: 'pets',
  dynamicStatus: 'dynamic_status',
  movedInOn: 'moved_in_on',
};

type Row = Record<string, unknown>;

function selectDetail(db: Db) {
  return db('residents as r')
    .join('org_units as g', 'g.id', 'r.grid_id')
    .leftJoin('households as hh', 'hh.id', 'r.household_id')
    .leftJoin('residents as head', 'head.id', 'hh.head_resident_id')
    .leftJoin('houses as h', 'h.id', 'hh.house_id')
    .leftJoin('buildings as b', 'b.id', 'h.building_id')
    .leftJoin('coverage_relations as cv', (j) => {
      j.on('cv.element_id', 'hh.id').andOnVal('cv.element_type', 'household');
    })
    .leftJoin('grid_workers as w', 'w.id', 'cv.worker_id')
    .select(
      'r.*',
      db.raw(dateText('r.birth_date', 'birth_date')),
      db.raw(dateText('r.moved_in_on', 'moved_in_on')),
      db.raw(`date_part('year', age(r.birth_date))::int AS age`),
      db.raw('r.org_path::text AS org_path'),
      db.raw(`to_char(r.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at_text`),
      'g.code as g_code',
      'g.name as g_name',
      db.raw('g.path::text AS g_path'),
      'g.grid_type as g_grid_type',
      'hh.household_no as hh_no',
      'hh.type as hh_type',
      'hh.member_count as hh_member_count',
      'hh.head_resident_id as hh_head_id',
      'head.name as hh_head_name',
      'h.id as h_id',
      'h.unit_no as h_unit_no',
      'h.floor as h_floor',
      'h.room_no as h_room_no',
      'h.type as h_type',
      'h.area as h_area',
      'h.use as h_use',
      'h.status as h_status',
      'b.id as b_id',
      'b.code as b_code',
      'b.name as b_name',
      'b.number as b_number',
      'b.address as b_address',
      'b.type as b_type',
      'w.id as w_id',
      'w.name as w_name',
    );
}

function toDetail(r: Row, reveal: boolean | undefined): Omit<ResidentDetail, 'orgChain' | 'members'> {
  const s = (k: string) => (r[k] ?? null) as string | null;
  return {
    id: r.id as number,
    name: r.name as string,
    formerName: s('former_name'),
    gender: r.gender as string,
    birthDate: r.birth_date as string,
    age: r.age as number,
    ethnicity: r.ethnicity as string,
    idNumber: showIdNumber(r.id_number_enc as Buffer, reveal) ?? '',
    phone: showPhone(r.phone_enc as Buffer | null, reveal),
    relationToHead: s('relation_to_head'),
    residenceType: r.residence_type as string,
    registrationStatus: r.registration_status as string,
    hukouAddress: s('hukou_address'),
    nativePlace: s('native_place'),
    education: s('education'),
    politicalStatus: s('political_status'),
    maritalStatus: s('marital_status'),
    religion: s('religion'),
    healthStatus: s('health_status'),
    employmentStatus: s('employment_status'),
    workUnit: s('work_unit'),
    occupation: s('occupation'),
    emergencyContactName: s('emergency_contact_name'),
    emergencyContactRelation: s('emergency_contact_relation'),
    emergencyContactPhone: showPhone(r.emergency_contact_phone_enc as Buffer | null, reveal),
    vehicles: (r.vehicles ?? []) as Vehicle[],
    pets: (r.pets ?? []) as Pet[],
    dynamicStatus: r.dynamic_status as string,
    movedInOn: s('moved_in_on'),
    version: r.version as number,
    updatedAt: r.updated_at_text as string,
    householdId: (r.household_id ?? null) as number | null,
    gridId: r.grid_id as number,
    orgPath: r.org_path as string,
    household: r.household_id
      ? {
          id: r.household_id as number,
          householdNo: r.hh_no as string,
          type: r.hh_type as string,
          memberCount: r.hh_member_count as number,
          headResidentId: (r.hh_head_id ?? null) as number | null,
          headName: s('hh_head_name'),
          coverageWorker: r.w_id ? { id: r.w_id as number, name: r.w_name as string } : null,
        }
      : null,
    house: r.h_id
      ? {
          id: r.h_id as number,
          unitNo: r.h_unit_no as number,
          floor: r.h_floor as number,
          roomNo: r.h_room_no as string,
          type: r.h_type as string,
          area: r.h_area === null ? null : Number(r.h_area),
          use: r.h_use as string,
          status: r.h_status as string,
        }
      : null,
    building: r.b_id
      ? {
          id: r.b_id as number,
          code: r.b_code as string,
          name: r.b_name as string,
          number: r.b_number as string,
          address: r.b_address as string,
          type: r.b_type as string,
        }
      : null,
    grid: {
      id: r.grid_id as number,
      code: r.g_code as string,
      name: r.g_name as string,
      path: r.g_path as string,
      gridType: s('g_grid_type'),
    },
  };
}

/** One resident with household, house, building, grid and org chain; undefined when absent or out of scope. */
export async function getResident(db: Db, actor: Actor, id: number, opts: RevealOptions = {}): Promise<ResidentDetail | undefined> {
  // One round trip: org chain and household members as JSON sub-selects of the detail row.
  const q = selectDetail(db)
    .select(
      db.raw(`(SELECT json_agg(json_build_object('id', o.id, 'name', o.name, 'type', o.type, 'path', o.path::text) ORDER BY o.level)
               FROM org_units o WHERE o.path @> r.org_path) AS org_chain`),
      db.raw(`(SELECT json_agg(json_build_object('id', m.id, 'name', m.name, 'gender', m.gender, 'relationToHead', m.relation_to_head,
                 'age', date_part('year', age(m.birth_date))::int) ORDER BY m.id)
               FROM residents m WHERE m.household_id = r.household_id AND m.id <> r.id) AS members`),
    )
    .where('r.id', id);
  const row = (await scoped(q, actor, 'r.org_path', 'read').first()) as Row | undefined;
  if (!row) return undefined;
  return {
    ...toDetail(row, opts.reveal),
    orgChain: (row.org_chain ?? []) as OrgRef[],
    members: (row.members ?? []) as ResidentDetail['members'],
  };
}

export interface ResidentUpdateOptions {
  /** Optimistic locking: refuse when the stored version differs. */
  expectedVersion?: number;
  /** Why the data changed (shown in the version history). */
  reason?: string;
  /** Display name of the user, kept in the version row. */
  changedByName?: string;
}

const PHONE_RE = /^1\d{10}$|^0\d{2,3}-?\d{7,8}$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function validatePatch(patch: Partial<ResidentFields>): void {
  const fields: { field: string; message: string }[] = [];
  if (patch.name !== undefined && !String(patch.name).trim()) fields.push({ field: 'name', message: '请填写姓名' });
  if (patch.idNumber !== undefined && !isValidIdNumber(String(patch.idNumber).toUpperCase()))
    fields.push({ field: 'idNumber', message: '身份证号码格式或校验位不正确，请核对后重新填写' });
  for (const k of ['phone', 'emergencyContactPhone'] as const) {
    const v = patch[k];
    if (v !== undefined && v !== null && !PHONE_RE.test(v))
      fields.push({ field: k, message: '电话号码格式不正确，请填写 11 位手机号或带区号的固定电话' });
  }
  for (const k of ['birthDate', 'movedInOn'] as const) {
    const v = patch[k];
    if (v !== undefined && v !== null && (!DATE_RE.test(v) || Number.isNaN(Date.parse(v))))
      fields.push({ field: k, message: '日期格式不正确，请按 YYYY-MM-DD 填写' });
  }
  if (patch.gender !== undefined && patch.gender !== '男' && patch.gender !== '女')
    fields.push({ field: 'gender', message: '性别请选择“男”或“女”' });
  if (fields.length) throw new ElementValidationError(fields);
}

/**
 * Changes a resident inside the actor's write scope and records a version row with the changed
 * fields before and after. Sensitive values appear in the version only as ciphertext (hex) and
 * blind index. Returns undefined when the resident is absent or out of scope.
 */
export async function updateResident(
  db: Db,
  actor: Actor,
  id: number,
  patch: Partial<ResidentFields>,
  opts: ResidentUpdateOptions = {},
): Promise<ResidentDetail | undefined> {
  validatePatch(patch);
  const found = await db.transaction(async (trx) => {
    const cur = (await scoped(trx('residents as r').where('r.id', id), actor, 'r.org_path', 'write')
      .select('r.*', trx.raw(dateText('r.birth_date', 'birth_date')), trx.raw(dateText('r.moved_in_on', 'moved_in_on')))
      .forUpdate()
      .first()) as Row | undefined;
    if (!cur) return false;
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== cur.version) throw new VersionConflictError(cur.version as number);

    const before: Row = {};
    const after: Row = {};
    const set: Row = {};
    for (const [field, column] of Object.entries(PLAIN_COLUMNS)) {
      const v = (patch as Row)[field];
      if (v === undefined) continue;
      const old = cur[column] ?? null;
      const same = JSON.stringify(old) === JSON.stringify(v);
      if (same) continue;
      before[field] = old;
      after[field] = v;
      set[column] = column === 'vehicles' || column === 'pets' ? JSON.stringify(v) : v;
    }
    // PGlite returns bytea as Uint8Array (pg returns Buffer): Buffer.from covers both.
    const hex = (b: unknown) => (b ? `\\x${Buffer.from(b as Uint8Array).toString('hex')}` : null);
    if (patch.idNumber !== undefined) {
      const idn = patch.idNumber.toUpperCase();
      const idx = blindIndex(idn);
      if (idx !== cur.id_number_idx) {
        const enc = encrypt(idn);
        before.idNumber = { enc: hex(cur.id_number_enc), idx: cur.id_number_idx };
        after.idNumber = { enc: hex(enc), idx };
        set.id_number_enc = enc;
        set.id_number_idx = idx;
      }
    }
    if (patch.phone !== undefined) {
      const idx = patch.phone === null ? null : blindIndex(patch.phone);
      if (idx !== (cur.phone_idx ?? null)) {
        const enc = patch.phone === null ? null : encrypt(patch.phone);
        before.phone = { enc: hex(cur.phone_enc), idx: cur.phone_idx ?? null };
        after.phone = { enc: hex(enc), idx };
        set.phone_enc = enc;
        set.phone_idx = idx;
      }
    }
    if (patch.emergencyContactPhone !== undefined) {
      const enc = patch.emergencyContactPhone === null ? null : encrypt(patch.emergencyContactPhone);
      before.emergencyContactPhone = { enc: hex(cur.emergency_contact_phone_enc) };
      after.emergencyContactPhone = { enc: hex(enc) };
      set.emergency_contact_phone_enc = enc;
    }
    if (Object.keys(set).length === 0) return true;

    const version = (cur.version as number) + 1;
    try {
      await trx('residents')
        .where({ id })
        .update({ ...set, version, updated_by: actor.userId, updated_at: trx.fn.now() });
    } catch (err) {
      if ((err as { code?: string }).code === '23505')
        throw new ElementValidationError([{ field: 'idNumber', message: '该身份证号码已登记在其他居民名下，请核对后重新填写' }]);
      throw err;
    }
    await trx('resident_versions').insert({
      resident_id: id,
      version,
      changed_by: actor.userId,
      changed_by_name: opts.changedByName ?? actor.username,
      reason: opts.reason ?? null,
      before: JSON.stringify(before),
      after: JSON.stringify(after),
    });
    return true;
  });
  if (!found) return undefined;
  return getResident(db, actor, id);
}

/** Input of createResident: the household plus the resident's fields (required ones as in the create form). */
export type ResidentCreateInput = Partial<ResidentFields> &
  Pick<ResidentFields, 'name' | 'gender' | 'birthDate' | 'ethnicity' | 'idNumber' | 'residenceType' | 'registrationStatus'> & {
    householdId: number;
  };

/**
 * Registers a resident in a household of the actor's write scope (grid and org path are the
 * household's), counts the member, makes a 户主 the household's head when it has none, and writes
 * version 1 (every set field in `after`; the ID number and phones only as ciphertext + blind index).
 */
export async function createResident(
  db: Db,
  actor: Actor,
  input: ResidentCreateInput,
  opts: Pick<ResidentUpdateOptions, 'reason' | 'changedByName'> = {},
): Promise<{ id: number; orgPath: string }> {
  const { householdId, ...fields } = input;
  validatePatch(fields);
  return db.transaction(async (trx) => {
    const hh = (await scoped(trx('households as hh').where('hh.id', householdId), actor, 'hh.org_path', 'write')
      .select('hh.id', 'hh.grid_id', trx.raw('hh.org_path::text AS org_path'), 'hh.head_resident_id')
      .forUpdate()
      .first()) as { id: number; grid_id: number; org_path: string; head_resident_id: number | null } | undefined;
    if (!hh) throw new ElementValidationError([{ field: 'householdId', message: '所在居民户不存在或不在您的管辖范围内，请重新选择' }]);
    const hex = (b: Buffer | null) => (b ? `\\x${b.toString('hex')}` : null);
    const set: Row = { household_id: hh.id, grid_id: hh.grid_id, org_path: hh.org_path, version: 1, updated_by: actor.userId };
    const after: Row = { householdId: hh.id };
    for (const [field, column] of Object.entries(PLAIN_COLUMNS)) {
      const v = (fields as Row)[field];
      if (v === undefined || v === null) continue;
      set[column] = column === 'vehicles' || column === 'pets' ? JSON.stringify(v) : v;
      after[field] = v;
    }
    const idn = fields.idNumber.toUpperCase();
    set.id_number_enc = encrypt(idn);
    set.id_number_idx = blindIndex(idn);
    after.idNumber = { enc: hex(set.id_number_enc as Buffer), idx: set.id_number_idx };
    if (fields.phone) {
      set.phone_enc = encrypt(fields.phone);
      set.phone_idx = blindIndex(fields.phone);
      after.phone = { enc: hex(set.phone_enc as Buffer), idx: set.phone_idx };
    }
    if (fields.emergencyContactPhone) {
      set.emergency_contact_phone_enc = encrypt(fields.emergencyContactPhone);
      after.emergencyContactPhone = { enc: hex(set.emergency_contact_phone_enc as Buffer) };
    }
    let id: number;
    try {
      [{ id }] = (await trx('residents').insert(set).returning('id')) as { id: number }[];
    } catch (err) {
      if ((err as { code?: string }).code === '23505')
        throw new ElementConflictError('idNumber', '该身份证号码已登记在其他居民名下，请核对后重新填写');
      throw err;
    }
    const hhSet: Row = { member_count: trx.raw('member_count + 1'), updated_at: trx.fn.now() };
    if (fields.relationToHead === '户主' && hh.head_resident_id === null) hhSet.head_resident_id = id;
    await trx('households').where({ id: hh.id }).update(hhSet);
    await trx('resident_versions').insert({
      resident_id: id,
      version: 1,
      changed_by: actor.userId,
      changed_by_name: opts.changedByName ?? actor.username,
      reason: opts.reason ?? null,
      before: JSON.stringify({}),
      after: JSON.stringify(after),
    });
    return { id, orgPath: hh.org_path };
  });
}

export interface ResidentVersionRow {
  id: number;
  residentId: number;
  version: number;
  changedAt: string;
  changedBy: number | null;
  changedByName: string | null;
  reason: string | null;
  /** Changed fields only; sensitive ones as `{enc, idx}` (never plain). */
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/** Version history of a resident, newest first; empty when the resident is out of scope. */
export async function listResidentVersions(db: Db, actor: Actor, residentId: number): Promise<ResidentVersionRow[]> {
  const q = db('resident_versions as v')
    .join('residents as r', 'r.id', 'v.resident_id')
    .where('v.resident_id', residentId)
    .select('v.id', 'v.resident_id as residentId', ...versionColumns(db))
    .orderBy('v.version', 'desc');
  return (await scoped(q, actor, 'r.org_path', 'read')) as ResidentVersionRow[];
}
