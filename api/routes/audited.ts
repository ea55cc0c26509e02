/**
 * A write and its audit row in one transaction (N-5): the query module runs on the transaction
 * (its own `db.transaction` becomes a savepoint), then the audit entry describing the result is
 * appended; a refusal rolls both back. Used by the grid, coverage and tag routes.
 */
import { type AuditEntry, appendAudit } from '../../db/audit';
import type { Db } from '../../db/connection';
import type { Actor } from '../../db/scope';
import { now } from '../auth/clock';

export type AuditOf<T> = (result: T) => Omit<AuditEntry, 'userId' | 'username' | 'ip'>;

export async function audited<T>(
  db: Db,
  actor: Actor,
  ip: string | undefined,
  write: (trx: Db) => Promise<T>,
  entry: AuditOf<T>,
): Promise<T> {
  return db.transaction(async (trx) => {
    const result = await write(trx);
    await appendAudit(trx, { userId: actor.userId, username: actor.username, ip: ip ?? null, ...entry(result) }, now());
    return result;
  });
}
