/** Security policy of N-5 (等保三级) in one place. */
export const SECURITY_POLICY = {
  /** Consecutive failed logins that lock an account. */
  maxFailedLogins: 5,
  /** How long a locked account stays locked. */
  lockMs: 15 * 60_000,
  /** Idle time after which a session is dead. */
  idleTimeoutMs: 30 * 60_000,
  /** last_seen_at is written at most this often (saves a write per request). */
  touchEveryMs: 15_000,
} as const;

/** Routes a user who must change the password may still call (req.route.path). */
export const ALLOWED_BEFORE_PASSWORD_CHANGE: ReadonlySet<string> = new Set(['/auth/me', '/auth/password', '/auth/logout']);
