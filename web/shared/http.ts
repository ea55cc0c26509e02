/**
 * The one HTTP wrapper of every web area. It speaks the API's envelope
 * `{ error: { code, message, fields? } }`, turns every failure into an `ApiRequestError` with a
 * Chinese message, and reports session events (expired, password change required) to the app
 * that installed a handler — so no page checks status codes itself.
 */

export interface FieldError {
  field: string;
  message: string;
}

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

/** What the app must do after a response, whatever page asked. */
export type SessionEvent =
  /** timedOut: the server said SESSION_EXPIRED (idle timeout), not just "not logged in". */
  { kind: 'expired'; message: string; timedOut: boolean } | { kind: 'passwordChangeRequired'; message: string };

export interface HttpHandlers {
  onSession?: (e: SessionEvent) => void;
  /** Shows an error the page did not handle itself (a toast). */
  onError?: (e: ApiRequestError) => void;
}

let handlers: HttpHandlers = {};

export function installHttpHandlers(h: HttpHandlers): void {
  handlers = h;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /**
   * The caller shows the error itself (login form, form with field errors): no toast, and a 401
   * is not treated as an expired session.
   */
  quiet?: boolean;
  signal?: AbortSignal;
}

export function buildUrl(path: string, query?: Query): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return `/api${path}${s ? `?${s}` : ''}`;
}

const fallbackByStatus: Record<number, string> = {
  400: '提交的内容有误，请检查后重试',
  401: '请先登录',
  403: '您没有执行此操作的权限，如需开通请联系系统管理员',
  404: '要查看的记录不存在或已被删除',
  409: '数据已被他人修改，请刷新后重试',
  413: '提交的内容过大',
  429: '操作过于频繁，请稍后再试',
  503: '系统正在启动，请稍后再试',
};

async function toError(res: Response): Promise<ApiRequestError> {
  let code = `HTTP_${res.status}`;
  let message = fallbackByStatus[res.status] ?? '系统繁忙，请稍后重试；如仍有问题请联系管理员';
  let fields: FieldError[] = [];
  try {
    const j = (await res.json()) as { error?: { code?: string; message?: string; fields?: FieldError[] } };
    if (j.error) {
      code = j.error.code ?? code;
      message = j.error.message || message;
      fields = j.error.fields ?? [];
    }
  } catch {
    // Not JSON (a proxy error page): keep the status-based message.
  }
  return new ApiRequestError(res.status, code, message, fields);
}

export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts: RequestOptions = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(buildUrl(path, opts.query), {
      method,
      credentials: 'same-origin',
      headers:
        opts.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    const e = new ApiRequestError(0, 'NETWORK', '无法连接服务器，请检查网络后重试');
    if (!opts.quiet) handlers.onError?.(e);
    throw e;
  }
  if (res.ok) {
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }
  const e = await toError(res);
  if (!opts.quiet && res.status === 401) {
    const timedOut = e.code === 'SESSION_EXPIRED';
    handlers.onSession?.({ kind: 'expired', message: timedOut ? e.message : '请先登录', timedOut });
  } else if (e.code === 'PASSWORD_CHANGE_REQUIRED') {
    handlers.onSession?.({ kind: 'passwordChangeRequired', message: e.message });
  } else if (!opts.quiet) {
    handlers.onError?.(e);
  }
  throw e;
}

export const http = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) => request<T>('POST', path, { ...opts, body }),
};

/** Errors of one form field, keyed by field name, for `Form.setFields` / inline display. */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (err instanceof ApiRequestError) {
    for (const f of err.fields) {
      // ajv paths may come as "/newPassword" or "newPassword".
      const name = f.field.replace(/^\//, '').split(/[./]/)[0];
      if (name && !out[name]) out[name] = f.message;
    }
  }
  return out;
}
