import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, maskSensitiveText } from '../logger';

describe('N-5 logs', () => {
  it('N-5 ID numbers and phones are masked in every written log line, even inside URLs and error messages', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = pino({ hooks: { streamWrite: maskSensitiveText } }, sink);
    log.error(
      { err: new Error('身份证 65020219800101123X 电话 13912345678'), url: '/api/residents?q=650202198001011234' },
      '查询 650202198001011234',
    );
    const out = lines.join('');
    expect(out).not.toMatch(/\d{17}[\dX]/);
    expect(out).not.toContain('13912345678');
    expect(out).toContain('650202********123X');
    expect(out).toContain('139****5678');
  });
  it('N-5 the application logger installs that mask', () => {
    const hooks = (createLogger('info') as unknown as Record<symbol, { streamWrite?: unknown }>)[Symbol.for('pino.hooks')];
    expect(hooks.streamWrite).toBe(maskSensitiveText);
  });
});
