/**
 * Sessions (会话): the cookie `sid` holds a random token; the database keeps only its SHA-256, so a
 * leaked sessions table cannot be replayed. Idle timeout 30 min (last_seen_at), HttpOnly,
 * SameSite=Lax, Secure when the request came over TLS. The resolver turns a session into the Actor
 * every scoped query uses, and refuses all but a few routes while an initial password is unchanged.
 */
import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { deleteSession, loadSessionActor, touchSession } from '../../db/queries/accounts';
import type { Actor } from '../../db/scope';
import { errors } from '../errors';
import type { ActorResolver } from '../http';
import { now as clockNow } from './clock';
import { ALLOWED_BEFORE_PASSWORD_CHANGE, SECURITY_POLICY } from './policy';

export const SESSION_COOKIE = 'sid';

export function newSessionToken(): { token: string; idHash: string } {
  const token = crypto.randomBytes(32).toString('base64url');
  return { token, idHash: hashToken(token) };
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export function sessionTokenOf(req: Request): string | undefined {
  const v = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
  return typeof v === 'string' && v.length > 0 && v.length < 200 ? v : undefined;
}

export function setSessionCookie(req: Request, res: Response, token: string): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
}

export interface ResolverOptions {
  /** Time source; defaults to the shared auth clock (api/auth/clock.ts). */
  now?: () => Date;
}

export function createActorResolver(opts: ResolverOptions = {}): ActorResolver {
  const now = opts.now ?? clockNow;
  return async (req, res, services): Promise<Actor | null> => {
    const token = sessionTokenOf(req);
    if (!token) return null;
    const idHash = hashToken(token);
    const row = await loadSessionActor(services.db, idHash);
    if (!row) {
      clearSessionCookie(req, res);
      return null;
    }
    const t = now();
    const idle = t.getTime() - new Date(row.last_seen_at).getTime();
    if (idle > SECURITY_POLICY.idleTimeoutMs) {
      await deleteSession(services.db, idHash);
      clearSessionCookie(req, res);
      throw errors.sessionExpired();
    }
    if (!row.active) {
      await deleteSession(services.db, idHash);
      clearSessionCookie(req, res);
      return null;
    }
    const routePath = (req.route as { path?: unknown } | undefined)?.path;
    if (row.must_change_password && !(typeof routePath === 'string' && ALLOWED_BEFORE_PASSWORD_CHANGE.has(routePath))) {
      throw errors.mustChangePassword();
    }
    if (idle > SECURITY_POLICY.touchEveryMs) await touchSession(services.db, idHash, t);
    return {
      userId: row.user_id,
      username: row.username,
      orgId: row.org_id,
      orgPath: row.org_path,
      roles: row.roles ?? [],
      permissions: new Set(row.permissions ?? []),
      grants: row.grants ?? [],
    };
  };
}
