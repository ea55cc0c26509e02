/**
 * Outgoing mail (reminders, 督办提醒): nodemailer to SMTP_URL when set; otherwise the embedded
 * catcher (catcher.ts) so nothing leaves the machine and every message can still be read.
 */
import nodemailer from 'nodemailer';
import type { Db } from '../../db/connection';
import type { Mailer } from '../issue';
import { startMailCatcher } from './catcher';

export interface PlatformMailer extends Mailer {
  /** Where mail goes, for the start-up banner: smtp://… or 'catcher:<port>'. */
  target: string;
  close(): Promise<void>;
}

const FROM = process.env.MAIL_FROM ?? '一张表数字化治理平台 <noreply@grid.karamay.gov.cn>';

export async function createMailer(db: Db, env: NodeJS.ProcessEnv = process.env): Promise<PlatformMailer> {
  if (env.SMTP_URL) {
    const transport = nodemailer.createTransport(env.SMTP_URL);
    return {
      target: new URL(env.SMTP_URL).host,
      async send(m) {
        await transport.sendMail({ from: FROM, ...m });
      },
      async close() {
        transport.close();
      },
    };
  }
  const catcher = await startMailCatcher(db, Number(env.MAIL_CATCHER_PORT ?? 0));
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: catcher.port, secure: false, ignoreTLS: true });
  return {
    target: `catcher:${catcher.port}`,
    async send(m) {
      await transport.sendMail({ from: FROM, ...m });
    },
    async close() {
      transport.close();
      await catcher.close();
    },
  };
}
