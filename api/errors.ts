/**
 * One error factory with stable codes; one envelope `{ error: { code, message, fields? } }`.
 * Messages are Chinese and tell the user what to do next. Unknown errors never leak details.
 */
export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
  }
}

export const errors = {
  validation: (fields: FieldError[], message = '提交的内容有误，请按提示修改后重试') =>
    new ApiError(400, 'VALIDATION_FAILED', message, fields),
  badRequest: (message: string, field?: string) => new ApiError(400, 'BAD_REQUEST', message, field ? [{ field, message }] : undefined),
  unauthenticated: (message = '请先登录') => new ApiError(401, 'UNAUTHENTICATED', message),
  sessionExpired: () => new ApiError(401, 'SESSION_EXPIRED', '登录已超时，请重新登录'),
  forbidden: (message = '您没有执行此操作的权限，如需开通请联系系统管理员') => new ApiError(403, 'FORBIDDEN', message),
  outOfScope: () => new ApiError(403, 'OUT_OF_SCOPE', '该数据不在您的管辖范围内'),
  mustChangePassword: () => new ApiError(403, 'PASSWORD_CHANGE_REQUIRED', '首次登录或密码已过期，请先修改密码'),
  notFound: (what = '记录') => new ApiError(404, 'NOT_FOUND', `${what}不存在或已被删除`),
  conflict: (message: string, field?: string) => new ApiError(409, 'CONFLICT', message, field ? [{ field, message }] : undefined),
  locked: (until: Date) =>
    new ApiError(
      423,
      'ACCOUNT_LOCKED',
      `登录失败次数过多，账号已锁定，请于 ${until.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })} 后再试`,
    ),
  tooLarge: () => new ApiError(413, 'PAYLOAD_TOO_LARGE', '提交的内容过大'),
  unavailable: (message = '系统正在启动，请稍后再试') => new ApiError(503, 'UNAVAILABLE', message),
};

export function toEnvelope(err: ApiError) {
  return { error: { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) } };
}
