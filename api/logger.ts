/** Structured logs (pino). Sensitive fields are redacted; ID numbers and phones never reach a log. */
import { pino } from 'pino';

export type Logger = pino.Logger;

/** Masks 18-character ID numbers and mobile phone numbers anywhere in a text. */
export function maskSensitiveText(s: string): string {
  return s.replace(/(\d{6})\d{8}(\d{3}[\dXx])/g, '$1********$2').replace(/(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g, '$1****$2');
}

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
    // Last line of defence (N-5): whatever slipped past the redaction paths — an ID number in a URL,
    // an error message or a free-text field — is masked in the final JSON line before it is written.
    hooks: { streamWrite: maskSensitiveText },
  });
}
