/**
 * The embedded SMTP catcher: a local SMTP server (smtp-server, from the nodemailer project) on
 * 127.0.0.1 that stores every message in caught_mail instead of delivering it, so reminders can
 * be read on the platform without a mail server. Parsing with mailparser, nodemailer's companion.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Db } from '../../db/connection';
import { saveCaughtMail } from '../../db/queries/mail';

export interface MailCatcher {
  port: number;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

export async function startMailCatcher(db: Db, port = 0): Promise<MailCatcher> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    banner: '一张表数字化治理平台 邮件捕获服务',
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        try {
          const raw = Buffer.concat(chunks);
          const parsed = await simpleParser(raw);
          const addr = (a: typeof parsed.to) => (a ? (Array.isArray(a) ? a.map((x) => x.text).join(', ') : a.text) : null);
          await saveCaughtMail(db, {
            from: addr(parsed.from),
            to: addr(parsed.to),
            subject: parsed.subject ?? null,
            text: parsed.text ?? null,
            attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, size: a.size })),
            raw,
          });
          callback();
        } catch (err) {
          callback(err as Error);
        }
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
