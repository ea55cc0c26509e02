/**
 * 审计日志: append-only, hash-chained audit log (N-5, 等保三级).
 * Each row's hash = HMAC-SM3(currentKeys().audit, prev_hash || canonical JSON of the row), so a
 * changed, removed or reordered row breaks the chain from that row on. Appends are serialised by a
 * transaction-scoped advisory lock, so concurrent writers still produce one chain. The table refuses
 * UPDATE/DELETE by trigger (migration 20261124010000); `verifyAuditChain` finds rows changed behind it.
 * Details never hold a plain ID number or phone: `scrubDetail` masks any that slip in.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Db } from './connection';
import { type Actor, scoped } from './scope';
import { currentKeys, maskIdNumber, maskPhone } from './sensitive';

/** Genesis value of the chain: the prev_hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);
/** Arbitrary constant identifying the audit chain's advisory lock. */
const AUDIT_LOCK_KEY = 727_001;

export type AuditAction =
  | 'login'
  | 'login_failed'
  | 'login_locked'
  | 'logout'
  | 'password_change'
  | 'unmask'
  | 'create'
  | 'update'
  | 'delete'
  | 'unlock'
  | (string & {});

export interface AuditEntry {
  userId?: number | null;
  username?: string | null;
  action: AuditAction;
  objectType?: string | null;
  objectId?: string | number | null;
  orgPath?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown> | null;
}

export interface AuditRow {
  id: number;
  at: Date;
  user_id: number | null;
  username: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  org_path: string | null;
  ip: string | null;
  detail: Record<string, unknown> | null;
  prev_hash: string;
  hash: string;
}

const ID_NUMBER_RE = /\d{17}[\dXx]/g;
const PHONE_RE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

/** Masks every ID number and mobile phone found in strings of a detail object. */
export function scrubDetail(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(ID_NUMBER_RE, (m) => maskIdNumber(m)).replace(PHONE_RE, (m) => maskPhone(m));
  if (Array.isArray(value)) return value.map(scrubDetail);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDetail(v)]));
  }
  return value;
}

/** JSON with object keys sorted at every level: the same row always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

type HashedFields = Omit<AuditRow, 'prev_hash' | 'hash'>;

function hashedView(row: HashedFields): Record<string, unknown> {
  return {
    id: Number(row.id),
    at: new Date(row.at).toISOString(),
    user_id: row.user_id === null ? null : Number(row.user_id),
    username: row.username,
    action: row.action,
    object_type: row.object_type,
    object_id: row.object_id,
    org_path: row.org_path,
    ip: row.ip,
    detail: row.detail,
  };
}

export function auditHash(prevHash: string, row: HashedFields, key: Buffer = currentKeys().audit): string {
  return crypto
    .createHmac('sm3', key)
    .update(prevHash)
    .update(canonicalJson(hashedView(row)))
    .digest('hex');
}

async function appendIn(trx: Knex.Transaction, entry: AuditEntry, at: Date): Promise<AuditRow> {
  await trx.raw('SELECT pg_advisory_xact_lock(?)', [AUDIT_LOCK_KEY]);
  const last = await trx('audit_log').select('hash').orderBy('id', 'desc').first();
  const prevHash = (last?.hash as string | undefined) ?? GENESIS_HASH;
  const seq = await trx.raw(`SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) AS id`);
  const row: HashedFields = {
    id: Number(seq.rows[0].id),
    // Millisecond precision so the stored value reads back exactly as hashed.
    at: new Date(Math.floor(at.getTime())),
    user_id: entry.userId ?? null,
    username: entry.username ? (scrubDetail(entry.username) as string) : null,
    action: entry.action,
    object_type: entry.objectType ?? null,
    object_id: entry.objectId === null || entry.objectId === undefined ? null : String(entry.objectId),
    org_path: entry.orgPath ?? null,
    ip: entry.ip ?? null,
    detail: entry.detail ? (scrubDetail(entry.detail) as Record<string, unknown>) : null,
  };
  // Round-trip the detail through JSON so the hash covers what jsonb stores (no undefined, no Dates).
  if (row.detail) row.detail = JSON.parse(JSON.stringify(row.detail)) as Record<string, unknown>;
  const hash = auditHash(prevHash, row);
  const full: AuditRow = { ...row, prev_hash: prevHash, hash };
  await trx('audit_log').insert({ ...full, detail: row.detail === null ? null : JSON.stringify(row.detail) });
  return full;
}

/**
 * Appends one entry. Inside a transaction the entry commits or rolls back with the write it
 * records (no write without its audit row); the chain lock is then held until that transaction ends,
 * so call it as the last statement of a write.
 */
export async function appendAudit(db: Db | Knex.Transaction, entry: AuditEntry, at: Date = new Date()): Promise<AuditRow> {
  if (db.isTransaction) return appendIn(db as Knex.Transaction, entry, at);
  return db.transaction((trx) => appendIn(trx, entry, at));
}

export interface ChainReport {
  ok: boolean;
  /** The first row whose hash or link does not match; null when the chain is intact. */
  firstBrokenId: number | null;
  checked: number;
}

/** Recomputes the whole chain in id order. */
export async function verifyAuditChain(db: Db, batch = 5000): Promise<ChainReport> {
  let prev = GENESIS_HASH;
  let lastId = 0;
  let checked = 0;
  for (;;) {
    const rows = (await db('audit_log').where('id', '>', lastId).orderBy('id').limit(batch)) as AuditRow[];
    if (rows.length === 0) break;
    for (const r of rows) {
      const detail = typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail;
      const expected = auditHash(prev, { ...r, detail });
      if (r.prev_hash !== prev || r.hash !== expected) return { ok: false, firstBrokenId: Number(r.id), checked };
      prev = r.hash;
      lastId = Number(r.id);
      checked++;
    }
  }
  return { ok: true, firstBrokenId: null, checked };
}

export interface AuditListArgs {
  action?: string;
  username?: string;
  objectType?: string;
  objectId?: string;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
  desc: boolean;
}

/**
 * The auditor's view: rows of the actor's org scope, plus rows that carry no org (system events).
 */
export async function listAudit(db: Db, actor: Actor, a: AuditListArgs): Promise<{ items: AuditRow[]; total: number }> {
  const qb = db('audit_log').where((w) => {
    w.whereNull('org_path').orWhere((s) => {
      scoped(s, actor, 'org_path', 'read');
    });
  });
  if (a.action) qb.where('action', a.action);
  if (a.username) qb.where('username', a.username);
  if (a.objectType) qb.where('object_type', a.objectType);
  if (a.objectId) qb.where('object_id', a.objectId);
  if (a.from) qb.where('at', '>=', a.from);
  if (a.to) qb.where('at', '<', a.to);
  const [{ total }] = await qb.clone().count({ total: '*' });
  const items = (await qb
    .select('*')
    .orderBy('id', a.desc ? 'desc' : 'asc')
    .limit(a.pageSize)
    .offset((a.page - 1) * a.pageSize)) as AuditRow[];
  return { items, total: Number(total) };
}
