/**
 * Excel import / export of element types (G-7).
 *
 * Import is all-or-nothing: every row is checked first (cells, cross-field rules, duplicates in the
 * file, references such as 户编号 / 网格编码 inside the user's write scope, coordinates inside the
 * grid); if any row fails, nothing is written and the per-row Chinese errors are returned and
 * logged. Otherwise all rows are written in one transaction, with one audit entry. Rows are
 * matched by natural key (specs.ts: ID number or grid worker's phone through the blind index,
 * 户编号, 楼栋编码, building + unit + room, credit code, facility code), so importing the same file
 * again changes nothing. Resident changes go through the resident module's `updateResident`, so
 * each one leaves a version (G-3). A building or household already registered in another grid is
 * not moved by an import (its houses, households and residents carry the grid too).
 */
import type { Knex } from 'knex';
import { appendAudit } from '../../audit';
import type { Db } from '../../connection';
import { type Actor, inScope, scoped } from '../../scope';
import { blindIndex, decrypt, encrypt, maskIdNumber, maskPhone } from '../../sensitive';
import { updateResident } from '../elements/residents';
import { gridPostProblems } from '../forces';
import { readSheet, SheetError, writeSheet } from './sheet';
import { IMPORT_LABELS, type ImportSpec, type ImportType, parseCell, SPECS } from './specs';

export interface ImportError {
  /** Excel row number (1 = header); 0 for file-level problems. */
  row: number;
  column: string | null;
  message: string;
}

export interface ImportResult {
  logId: number;
  status: 'committed' | 'rejected';
  total: number;
  inserted: number;
  updated: number;
  unchanged: number;
  errors: ImportError[];
}

type Rec = Record<string, unknown> & { __row: number };

const MAX_LOGGED_ERRORS = 500;

async function log(
  db: Db | Knex.Transaction,
  actor: Actor,
  type: ImportType,
  fileName: string | undefined,
  r: Omit<ImportResult, 'logId'>,
): Promise<number> {
  const [row] = await db('import_logs')
    .insert({
      element_type: type,
      file_name: fileName ?? null,
      user_id: actor.userId,
      username: actor.username,
      org_path: actor.orgPath,
      status: r.status,
      total: r.total,
      inserted: r.inserted,
      updated: r.updated,
      unchanged: r.unchanged,
      errors: JSON.stringify(r.errors.slice(0, MAX_LOGGED_ERRORS)),
    })
    .returning('id');
  return (row as { id: number }).id;
}

/** Birth date and gender encoded in a GB 11643 ID number. */
function idFacts(id: string): { birthDate: string; gender: string } {
  return { birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`, gender: Number(id[16]) % 2 === 1 ? '男' : '女' };
}

interface Placement {
  gridId: number;
  orgPath: string;
  householdId?: number;
  buildingId?: number;
  houseId?: number;
}

const hasPointColumns = (spec: ImportSpec) => spec.columns.some((c) => c.kind === 'lon');
const hasPoint = (rec: Rec) => typeof rec.lon === 'number' && typeof rec.lat === 'number';

/** The row's natural key as text (several keys joined), for duplicates inside the file. */
function fileKey(spec: ImportSpec, rec: Rec): string | null {
  const parts = spec.naturalKey.keys.map((k) => rec[k]);
  return parts.some((v) => v === null || v === undefined) ? null : parts.map(String).join('|');
}

const keyHeaders = (spec: ImportSpec) => spec.naturalKey.keys.map((k) => spec.columns.find((c) => c.key === k)?.header ?? k).join(' + ');

const rowError = (row: number, column: string | null, message: string): ImportError => ({
  row,
  column,
  message: `第 ${row} 行：${message}`,
});

/** Checks every row; returns the parsed records and the errors (nothing written). */
async function validateRows(db: Db, actor: Actor, spec: ImportSpec, rows: (Record<string, string> & { __row: string })[]) {
  const errors: ImportError[] = [];
  const recs: Rec[] = [];
  const seen = new Map<string, number>();
  for (const raw of rows) {
    const rowNo = Number(raw.__row);
    const rec: Rec = { __row: rowNo };
    let ok = true;
    for (const col of spec.columns) {
      const p = parseCell(col, raw[col.header] ?? '');
      if ('error' in p) {
        errors.push({ row: rowNo, column: col.header, message: `第 ${rowNo} 行：${p.error}` });
        ok = false;
      } else rec[col.key] = p.value;
    }
    if (spec.type === 'resident' && typeof rec.idNumber === 'string') {
      const f = idFacts(rec.idNumber);
      if (rec.birthDate && rec.birthDate !== f.birthDate) {
        errors.push({ row: rowNo, column: '出生日期', message: `第 ${rowNo} 行：出生日期与身份证号不一致（号码中为 ${f.birthDate}）` });
        ok = false;
      }
      if (rec.gender && rec.gender !== f.gender) {
        errors.push({ row: rowNo, column: '性别', message: `第 ${rowNo} 行：性别与身份证号不一致（号码中为${f.gender}）` });
        ok = false;
      }
    }
    if (hasPointColumns(spec) && (rec.lon === null) !== (rec.lat === null)) {
      errors.push({ row: rowNo, column: '经度', message: `第 ${rowNo} 行：经度和纬度须同时填写或同时留空` });
      ok = false;
    }
    if (spec.type === 'grid_worker' && typeof rec.kind === 'string' && typeof rec.subKind === 'string') {
      const partTime = rec.kind === 'part_time';
      if (partTime !== ['in_system', 'out_system'].includes(rec.subKind)) {
        errors.push(
          rowError(rowNo, '岗位/身份', '“岗位/身份”与“网格员类型”不符：专职、专属网格员填网格长或网格员，兼职网格员填体制内或体制外'),
        );
        ok = false;
      }
      if (!partTime && rec.partTimeType) {
        errors.push(rowError(rowNo, '兼职类别', '“兼职类别”只有兼职网格员填写，请清空或把类型改为兼职'));
        ok = false;
      }
    }
    const key = fileKey(spec, rec);
    if (key !== null) {
      const first = seen.get(key);
      if (first !== undefined) {
        const header = keyHeaders(spec);
        errors.push({
          row: rowNo,
          column: spec.columns.find((c) => c.key === spec.naturalKey.keys[0])?.header ?? null,
          message: `第 ${rowNo} 行：${header}与第 ${first} 行重复，同一对象只能出现一次`,
        });
        ok = false;
      } else seen.set(key, rowNo);
    }
    if (ok) recs.push(rec);
  }

  // References, in batches: households or grids (write scope), coordinates inside the grid.
  const placement = new Map<number, Placement>();
  if (spec.placement === 'household') {
    const nos = [...new Set(recs.map((r) => r.householdNo as string))];
    const found = (await scoped(
      db('households as h')
        .whereRaw('h.household_no = ANY(?::text[])', [nos])
        .select('h.id', 'h.household_no', 'h.grid_id', db.raw('h.org_path::text AS org_path')),
      actor,
      'h.org_path',
      'write',
    )) as { id: number; household_no: string; grid_id: number; org_path: string }[];
    const byNo = new Map(found.map((h) => [h.household_no, h]));
    for (const r of recs) {
      const h = byNo.get(r.householdNo as string);
      if (!h)
        errors.push({
          row: r.__row,
          column: '户编号',
          message: `第 ${r.__row} 行：户编号“${r.householdNo}”不存在或不在您的管辖范围内，请先登记该户`,
        });
      else placement.set(r.__row, { gridId: h.grid_id, orgPath: h.org_path, householdId: h.id });
    }
  } else if (spec.placement === 'building') {
    const codes = [...new Set(recs.map((r) => r.buildingCode as string))];
    const found = (await scoped(
      db('buildings as b')
        .whereRaw('b.code = ANY(?::text[])', [codes])
        .select('b.id', 'b.code', 'b.grid_id', db.raw('b.org_path::text AS org_path'), 'b.units', 'b.floors', 'b.underground_floors'),
      actor,
      'b.org_path',
      'write',
    )) as { id: number; code: string; grid_id: number; org_path: string; units: number; floors: number; underground_floors: number }[];
    const byCode = new Map(found.map((b) => [b.code, b]));
    for (const r of recs) {
      const b = byCode.get(r.buildingCode as string);
      const unit = r.unitNo as number;
      const floor = r.floor as number;
      if (!b) errors.push(rowError(r.__row, '楼栋编码', `楼栋编码“${r.buildingCode}”不存在或不在您的管辖范围内，请先登记（导入）该楼栋`));
      else if (unit < 1 || unit > b.units)
        errors.push(rowError(r.__row, '单元', `该楼栋共 ${b.units} 个单元，“单元”须在 1～${b.units} 之间`));
      else if (floor === 0 || floor > b.floors || floor < -b.underground_floors)
        errors.push(
          rowError(
            r.__row,
            '楼层',
            `该楼栋地上 ${b.floors} 层、地下 ${b.underground_floors} 层，“楼层”须在 ${b.underground_floors ? `-${b.underground_floors}～-1 或 ` : ''}1～${b.floors} 之间`,
          ),
        );
      else placement.set(r.__row, { gridId: b.grid_id, orgPath: b.org_path, buildingId: b.id });
    }
  } else if (spec.placement === 'house') {
    const tuples = recs.map((r) => [r.buildingCode as string, r.unitNo as number, r.roomNo as string]);
    const found = tuples.length
      ? ((await scoped(
          db('houses as h')
            .join('buildings as b', 'b.id', 'h.building_id')
            .whereIn(['b.code', 'h.unit_no', 'h.room_no'], tuples)
            .select('h.id', 'b.code', 'h.unit_no', 'h.room_no', 'h.grid_id', db.raw('h.org_path::text AS org_path')),
          actor,
          'h.org_path',
          'write',
        )) as { id: number; code: string; unit_no: number; room_no: string; grid_id: number; org_path: string }[])
      : [];
    const byKey = new Map(found.map((h) => [`${h.code}|${h.unit_no}|${h.room_no}`, h]));
    for (const r of recs) {
      const h = byKey.get(`${r.buildingCode}|${r.unitNo}|${r.roomNo}`);
      if (!h)
        errors.push(
          rowError(
            r.__row,
            '室号',
            `房屋“${r.buildingCode} ${r.unitNo}单元 ${r.roomNo}室”不存在或不在您的管辖范围内，请先登记（导入）该房屋`,
          ),
        );
      else placement.set(r.__row, { gridId: h.grid_id, orgPath: h.org_path, houseId: h.id });
    }
  } else {
    const codes = [...new Set(recs.map((r) => r.gridCode as string))];
    const grids = (await scoped(
      db('org_units as g')
        .where({ 'g.type': 'grid', 'g.active': true })
        .whereRaw('g.code = ANY(?::text[])', [codes])
        .select('g.id', 'g.code', db.raw('g.path::text AS path'), 'g.grid_type'),
      actor,
      'g.path',
      'write',
    )) as { id: number; code: string; path: string; grid_type: string | null }[];
    const byCode = new Map(grids.map((g) => [g.code, g]));
    const withPoint: { row: number; gridId: number; lon: number; lat: number }[] = [];
    for (const r of recs) {
      const g = byCode.get(r.gridCode as string);
      if (!g)
        errors.push({ row: r.__row, column: '网格编码', message: `第 ${r.__row} 行：网格编码“${r.gridCode}”不存在或不在您的管辖范围内` });
      else {
        placement.set(r.__row, { gridId: g.id, orgPath: g.path });
        if (hasPoint(r)) withPoint.push({ row: r.__row, gridId: g.id, lon: r.lon as number, lat: r.lat as number });
      }
    }
    if (withPoint.length) {
      const outside = (
        await db.raw(
          `SELECT p.row FROM json_to_recordset(?::json) AS p("row" int, "gridId" int, lon float8, lat float8)
         JOIN org_units g ON g.id = p."gridId"
         WHERE g.geom IS NOT NULL AND NOT ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))`,
          [JSON.stringify(withPoint)],
        )
      ).rows as { row: number }[];
      for (const o of outside)
        errors.push({ row: o.row, column: '经度', message: `第 ${o.row} 行：坐标不在所填网格范围内，请核对经纬度或网格编码` });
    }
  }

  // Existing rows by natural key: must be inside the write scope to be updated.
  let existing: { row: number; id: number; org_path: string; n: number }[] = [];
  if (spec.type === 'house') {
    const placed = recs.filter((r) => placement.has(r.__row));
    const tuples = placed.map((r) => [placement.get(r.__row)?.buildingId as number, r.unitNo as number, r.roomNo as string]);
    const rows = tuples.length
      ? ((await db('houses')
          .whereIn(['building_id', 'unit_no', 'room_no'], tuples)
          .select('id', 'building_id', 'unit_no', 'room_no', db.raw('org_path::text AS org_path'))) as {
          id: number;
          building_id: number;
          unit_no: number;
          room_no: string;
          org_path: string;
        }[])
      : [];
    const byKey = new Map(rows.map((h) => [`${h.building_id}|${h.unit_no}|${h.room_no}`, h]));
    existing = placed.flatMap((r) => {
      const h = byKey.get(`${placement.get(r.__row)?.buildingId}|${r.unitNo}|${r.roomNo}`);
      return h ? [{ row: r.__row, id: h.id, org_path: h.org_path, n: 1 }] : [];
    });
  } else {
    const keyCol = spec.naturalKey.column as string;
    const keyOf = (r: Rec) => {
      const k = String(r[spec.naturalKey.keys[0]]);
      return spec.naturalKey.blind ? blindIndex(k) : k;
    };
    const stored = recs.map(keyOf);
    const rows = stored.length
      ? ((await db(spec.table)
          .whereRaw(`${keyCol} = ANY(?::text[])`, [stored])
          .select('id', `${keyCol} as k`, db.raw('org_path::text AS org_path'))) as { id: number; k: string; org_path: string }[])
      : [];
    const byKey = new Map<string, { id: number; org_path: string; n: number }>();
    for (const e of rows) byKey.set(e.k, { id: e.id, org_path: e.org_path, n: (byKey.get(e.k)?.n ?? 0) + 1 });
    existing = recs.flatMap((r, i) => {
      const e = byKey.get(stored[i]);
      return e ? [{ row: r.__row, ...e }] : [];
    });
  }
  const existingId = new Map<number, number>();
  const label = IMPORT_LABELS[spec.type];
  for (const e of existing) {
    const place = placement.get(e.row);
    if (e.n > 1)
      errors.push(rowError(e.row, null, `${keyHeaders(spec)}对应多条已登记的${label}，无法确定更新哪一条，请先在${label}页面核对`));
    else if (!inScope(actor, e.org_path, 'write'))
      errors.push(rowError(e.row, null, `该${label}已登记在其他辖区，您无权修改，请联系所在辖区处理`));
    else if ((spec.type === 'building' || spec.type === 'household') && place && place.orgPath !== e.org_path)
      errors.push(
        rowError(
          e.row,
          spec.type === 'building' ? '网格编码' : '室号',
          `该${label}已登记在另一个网格，导入不能把它迁到其他网格（其${spec.type === 'building' ? '房屋、住户' : '成员'}随之登记），请在${label}页面办理迁移`,
        ),
      );
    else existingId.set(e.row, e.id);
  }
  if (spec.type === 'grid_worker') {
    // F-1 (the rules of 力量配置): one 网格长 per grid, 专属网格员 in exclusive grids only; rows count against each other.
    const posts = recs.flatMap((r) => {
      const place = placement.get(r.__row);
      return place
        ? [
            {
              key: r.__row,
              workerId: existingId.get(r.__row) ?? null,
              name: String(r.name ?? ''),
              kind: r.kind as string,
              subKind: r.subKind as string,
              status: (r.status as string | null) ?? 'active',
              gridId: place.gridId,
            },
          ]
        : [];
    });
    for (const p of await gridPostProblems(db, posts))
      errors.push(rowError(p.key, p.field === 'gridId' ? '网格编码' : '岗位/身份', p.message));
  }
  errors.sort((a, b) => a.row - b.row);
  return { recs, errors, placement, existingId };
}

function plainColumns(spec: ImportSpec, rec: Rec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of spec.columns) {
    if (!c.column) continue;
    const v = rec[c.key] ?? null;
    // An empty yes/no cell (or a keepDefault cell) keeps the column's default (these columns are NOT NULL).
    if (v === null && (c.kind === 'bool' || c.keepDefault)) continue;
    out[c.column] = v;
  }
  return out;
}

/** Imports one xlsx file of `type`. All rows or none. */
export async function importSheet(
  db: Db,
  actor: Actor,
  input: { type: ImportType; data: Buffer; fileName?: string },
): Promise<ImportResult> {
  const spec = SPECS[input.type];
  const reject = async (total: number, errors: ImportError[]): Promise<ImportResult> => {
    const r = { status: 'rejected' as const, total, inserted: 0, updated: 0, unchanged: 0, errors };
    return { logId: await log(db, actor, input.type, input.fileName, r), ...r };
  };
  let sheet: Awaited<ReturnType<typeof readSheet>>;
  try {
    sheet = await readSheet(input.data);
  } catch (e) {
    if (e instanceof SheetError) return reject(0, [{ row: 0, column: null, message: e.message }]);
    throw e;
  }
  const missing = spec.columns.filter((c) => c.required && !sheet.headers.includes(c.header)).map((c) => c.header);
  if (missing.length)
    return reject(sheet.rows.length, [
      { row: 1, column: null, message: `表头缺少必填列：${missing.join('、')}，请使用下载的${IMPORT_LABELS[input.type]}导入模板` },
    ]);
  if (!sheet.rows.length) return reject(0, [{ row: 0, column: null, message: '表格中没有数据行，请填写后再导入' }]);

  const { recs, errors, placement, existingId } = await validateRows(db, actor, spec, sheet.rows);
  if (errors.length) return reject(sheet.rows.length, errors);

  try {
    return await db.transaction(async (trx) => {
      let inserted = 0;
      let updated = 0;
      let unchanged = 0;
      const touchedHouseholds = new Set<number>();
      const inserts: Record<string, unknown>[] = [];
      for (const rec of recs) {
        const place = placement.get(rec.__row) as Placement;
        const id = existingId.get(rec.__row);
        const plain = plainColumns(spec, rec);
        if (spec.type === 'resident') {
          const phone = rec.phone as string | null;
          if (id === undefined) {
            inserts.push({
              ...plain,
              household_id: place.householdId,
              id_number_enc: encrypt(rec.idNumber as string),
              id_number_idx: blindIndex(rec.idNumber as string),
              phone_enc: phone ? encrypt(phone) : null,
              phone_idx: phone ? blindIndex(phone) : null,
              grid_id: place.gridId,
              org_path: place.orgPath,
              updated_by: actor.userId,
            });
            touchedHouseholds.add(place.householdId as number);
          } else {
            const before = (await trx('residents').where({ id }).first('version', 'household_id')) as {
              version: number;
              household_id: number | null;
            };
            const patch: Record<string, unknown> = { phone };
            for (const c of spec.columns) if (c.column && c.key !== 'idNumber') patch[c.key] = rec[c.key] ?? null;
            await updateResident(trx as unknown as Db, actor, id, patch, { reason: 'Excel 批量导入', changedByName: actor.username });
            let changed = ((await trx('residents').where({ id }).first('version')) as { version: number }).version !== before.version;
            if (before.household_id !== place.householdId) {
              await trx('residents')
                .where({ id })
                .update({ household_id: place.householdId, grid_id: place.gridId, org_path: place.orgPath, updated_at: trx.fn.now() });
              if (before.household_id) touchedHouseholds.add(before.household_id);
              touchedHouseholds.add(place.householdId as number);
              changed = true;
            }
            if (changed) updated++;
            else unchanged++;
          }
        } else {
          const point = hasPointColumns(spec) && hasPoint(rec);
          const geom = point ? trx.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [rec.lon as number, rec.lat as number]) : null;
          const placed: Record<string, unknown> = { grid_id: place.gridId, org_path: place.orgPath };
          if (spec.type === 'house') placed.building_id = place.buildingId;
          if (spec.type === 'household') placed.house_id = place.houseId;
          if (id === undefined) {
            const secret =
              spec.type === 'grid_worker' ? { phone_enc: encrypt(rec.phone as string), phone_idx: blindIndex(rec.phone as string) } : {};
            inserts.push({ ...plain, ...placed, ...secret, ...(geom ? { geom } : {}) });
          } else {
            const set: Record<string, unknown> = { ...plain, ...placed };
            const cols = Object.keys(set);
            const r = await trx.raw(
              `UPDATE ${spec.table} SET ${cols.map((c) => `${c} = ?`).join(', ')}${point ? ', geom = ST_SetSRID(ST_MakePoint(?, ?), 4326)' : ''}, updated_at = now()
               WHERE id = ? AND (ROW(${cols.join(', ')}${point ? ', ST_AsEWKB(geom)' : ''}) IS DISTINCT FROM ROW(${cols.map((c) => `?::${colType(c)}`).join(', ')}${point ? ', ST_AsEWKB(ST_SetSRID(ST_MakePoint(?, ?), 4326))' : ''}))`,
              [
                ...cols.map((c) => set[c] as Knex.Value),
                ...(point ? [rec.lon as number, rec.lat as number] : []),
                id,
                ...cols.map((c) => set[c] as Knex.Value),
                ...(point ? [rec.lon as number, rec.lat as number] : []),
              ],
            );
            if ((r.rowCount ?? 0) > 0) updated++;
            else unchanged++;
          }
        }
      }
      for (let i = 0; i < inserts.length; i += 500) {
        await trx(spec.table).insert(inserts.slice(i, i + 500));
        inserted += Math.min(500, inserts.length - i);
      }
      if (touchedHouseholds.size) {
        await trx.raw(
          `UPDATE households h SET member_count = (SELECT count(*) FROM residents r WHERE r.household_id = h.id AND r.dynamic_status = '在册')
           WHERE h.id = ANY(?::int[])`,
          [[...touchedHouseholds]],
        );
      }
      const r = { status: 'committed' as const, total: recs.length, inserted, updated, unchanged, errors: [] };
      const logId = await log(trx, actor, input.type, input.fileName, r);
      if (inserted || updated)
        await appendAudit(trx, {
          userId: actor.userId,
          username: actor.username,
          action: 'import',
          objectType: spec.table,
          objectId: logId,
          orgPath: actor.orgPath,
          detail: { type: input.type, fileName: input.fileName ?? null, inserted, updated, unchanged },
        });
      return { logId, ...r };
    });
  } catch (err) {
    if ((err as { code?: string }).code === '23505')
      return reject(sheet.rows.length, [
        { row: 0, column: null, message: '导入时发现编号与已有数据冲突（可能有人同时在导入），未导入任何数据，请稍后重试' },
      ]);
    throw err;
  }
}

/** SQL type for the comparison casts of plain columns. */
function colType(column: string): string {
  if (
    [
      'employees',
      'staff_count',
      'grid_id',
      'floors',
      'underground_floors',
      'units',
      'rooms_per_floor',
      'built_year',
      'unit_no',
      'floor',
      'building_id',
      'house_id',
    ].includes(column)
  )
    return 'int';
  if (['registered_capital', 'area'].includes(column)) return 'numeric';
  if (['above_scale', 'co_building'].includes(column)) return 'boolean';
  if (['established_on', 'installed_on', 'birth_date', 'joined_on'].includes(column)) return 'date';
  if (column === 'org_path') return 'ltree';
  return 'text';
}

/** The empty template: the spec's headers, with a note on each (必填, format). */
export async function importTemplate(type: ImportType): Promise<Buffer> {
  const spec = SPECS[type];
  return writeSheet(
    `${IMPORT_LABELS[type]}导入`,
    spec.columns.map((c) => ({
      key: c.key,
      header: c.header,
      width: Math.max(12, c.header.length * 2 + 4),
      note: [c.required ? '必填' : '选填', c.options ? `可选：${c.options.join('、')}` : '', c.note ?? ''].filter(Boolean).join('；'),
    })),
    [],
  );
}

/**
 * Exports the elements of `type` in scope (or under `orgPath`) with the template's columns, so an
 * exported file can be edited and imported again. ID numbers and phones are masked unless `reveal`
 * (a masked grid-worker phone cannot key a re-import: export with reveal to edit and re-import).
 */
export async function exportSheet(
  db: Db,
  actor: Actor,
  type: ImportType,
  opts: { orgPath?: string; reveal?: boolean; limit?: number } = {},
): Promise<{ data: Buffer; rows: number }> {
  const spec = SPECS[type];
  const cols = spec.columns
    .filter((c) => c.column && c.kind !== 'date')
    .map((c) => `e.${c.column}${c.kind === 'decimal' ? '::float8' : ''} AS "${c.key}"`);
  const q = db(`${spec.table} as e`)
    .join('org_units as g', 'g.id', 'e.grid_id')
    .select(db.raw(cols.join(', ')), db.raw('g.code AS "gridCode"'))
    .orderBy(['e.org_path', 'e.id'])
    .limit(opts.limit ?? 200_000);
  scoped(q, actor, 'e.org_path', 'read');
  if (opts.orgPath) q.whereRaw('e.org_path <@ ?::ltree', [opts.orgPath]);
  for (const c of spec.columns) if (c.kind === 'date' && c.column) q.select(db.raw(`to_char(e.${c.column}, 'YYYY-MM-DD') AS "${c.key}"`));
  if (type === 'resident')
    q.leftJoin('households as h', 'h.id', 'e.household_id').select('h.household_no as householdNo', 'e.id_number_enc', 'e.phone_enc');
  if (type === 'grid_worker') q.select('e.phone_enc');
  if (type === 'house') q.join('buildings as b', 'b.id', 'e.building_id').select('b.code as buildingCode');
  if (type === 'household')
    q.join('houses as hs', 'hs.id', 'e.house_id')
      .join('buildings as b', 'b.id', 'hs.building_id')
      .select('b.code as buildingCode', 'hs.unit_no as unitNo', 'hs.room_no as roomNo');
  if (hasPointColumns(spec)) q.select(db.raw('ST_X(e.geom) AS lon'), db.raw('ST_Y(e.geom) AS lat'));
  const rows = (await q) as Record<string, unknown>[];
  const out = rows.map((r) => {
    const o: Record<string, unknown> = { ...r };
    if (type === 'resident') {
      const id = decrypt(r.id_number_enc as Buffer);
      o.idNumber = opts.reveal ? id : maskIdNumber(id);
      delete o.id_number_enc;
    }
    if (type === 'resident' || type === 'grid_worker') {
      const phone = r.phone_enc ? decrypt(r.phone_enc as Buffer) : null;
      o.phone = phone && !opts.reveal ? maskPhone(phone) : phone;
      delete o.phone_enc;
    }
    for (const c of spec.columns) {
      if (c.kind === 'bool' && typeof o[c.key] === 'boolean') o[c.key] = o[c.key] ? '是' : '否';
      if (c.codes && typeof o[c.key] === 'string')
        o[c.key] = Object.entries(c.codes).find(([, code]) => code === o[c.key])?.[0] ?? o[c.key];
    }
    return o;
  });
  const data = await writeSheet(
    `${IMPORT_LABELS[type]}`,
    spec.columns.map((c) => ({ key: c.key, header: c.header, width: Math.max(12, c.header.length * 2 + 4) })),
    out,
  );
  return { data, rows: out.length };
}

export interface ImportLogRow {
  id: number;
  elementType: ImportType;
  fileName: string | null;
  at: string;
  username: string | null;
  status: 'committed' | 'rejected';
  total: number;
  inserted: number;
  updated: number;
  unchanged: number;
  errors: ImportError[];
}

/** Import log entries of units in the actor's scope, newest first. */
export async function listImportLogs(db: Db, actor: Actor, p: { type?: ImportType; limit?: number } = {}): Promise<ImportLogRow[]> {
  const q = scoped(
    db('import_logs as l').select(
      'l.id',
      'l.element_type as elementType',
      'l.file_name as fileName',
      db.raw(`to_char(l.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') AS at`),
      'l.username',
      'l.status',
      'l.total',
      'l.inserted',
      'l.updated',
      'l.unchanged',
      'l.errors',
    ),
    actor,
    'l.org_path',
    'read',
  )
    .orderBy('l.id', 'desc')
    .limit(p.limit ?? 50);
  if (p.type) q.where('l.element_type', p.type);
  return (await q) as ImportLogRow[];
}
