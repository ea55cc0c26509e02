import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCaughtMail, listCaughtMail } from '../../db/queries/mail';
import { createTestDb, type TestDb } from '../../db/testing/server';
import { createMailer, type PlatformMailer } from './mailer';

let t: TestDb;
let mailer: PlatformMailer;

beforeAll(async () => {
  t = await createTestDb();
  mailer = await createMailer(t.db, {});
});
afterAll(async () => {
  await mailer.close();
  await t.drop();
});

describe('mail catcher (Q-4 reminders by e-mail)', () => {
  it('Q-4 a reminder sent over SMTP is caught with its Chinese subject, text and PDF attachment', async () => {
    expect(mailer.target).toMatch(/^catcher:\d+$/);
    await mailer.send({
      to: 'leader@klmy.gov.cn',
      subject: '【纪委监委督办】小区路灯损坏',
      text: '问题已超过办理时限，请督促办理。',
      attachments: [{ filename: '督办单-Q1.pdf', content: Buffer.from('%PDF-1.3 test') }],
    });
    const list = await listCaughtMail(t.db, 1, 10);
    expect(list.total).toBe(1);
    const m = await getCaughtMail(t.db, list.items[0].id);
    expect(m?.subject).toBe('【纪委监委督办】小区路灯损坏');
    expect(m?.to).toContain('leader@klmy.gov.cn');
    expect(m?.text).toContain('请督促办理');
    expect(m?.attachments).toEqual([expect.objectContaining({ filename: '督办单-Q1.pdf', contentType: 'application/pdf' })]);
  });
});
