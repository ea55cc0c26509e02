/** Structured logs (pino). Sensitive fields are redacted; ID numbers and phones never reach a log. */
import { pino } from 'pino';

export type Logger = pino.Logger;

export function createLogger(level = process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info')): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        '*.password',
        '*.idNumber',
        '*.phone',
        '*.id_number',
        'password',
        'idNumber',
        'phone',
      ],
      censor: '[已隐藏]',
    },
  });
}
