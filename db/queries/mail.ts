/** Mail caught by the embedded SMTP catcher. Owner of caught_mail. */
import type { Db } from '../connection';

export interface CaughtMail {
  from: string | null;
  to: string | null;
  subject: string | null;
  text: string | null;
  attachments: { filename: string; contentType: string; size: number }[];
  raw: Buffer;
}

export async function saveCaughtMail(db: Db, m: CaughtMail): Promise<number> {
  const [row] = await db('caught_mail')
    .insert({ mail_from: m.from, mail_to: m.to, subject: m.subject, text: m.text, attachments: JSON.stringify(m.attachments), raw: m.raw })
    .returning('id');
  return Number(row.id);
}

export async function listCaughtMail(db: Db, page: number, pageSize: number) {
  const [{ count }] = await db('caught_mail').count({ count: '*' });
  const rows = await db('caught_mail')
    .select('id', 'received_at', 'mail_from', 'mail_to', 'subject', 'attachments')
    .orderBy('id', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  return {
    items: rows.map((r) => ({
      id: Number(r.id),
      receivedAt: new Date(r.received_at).toISOString(),
      from: r.mail_from,
      to: r.mail_to,
      subject: r.subject,
      attachments: r.attachments,
    })),
    total: Number(count),
    page,
    pageSize,
  };
}

export async function getCaughtMail(db: Db, id: number) {
  const r = await db('caught_mail')
    .select('id', 'received_at', 'mail_from', 'mail_to', 'subject', 'text', 'attachments')
    .where({ id })
    .first();
  return r
    ? {
        id: Number(r.id),
        receivedAt: new Date(r.received_at).toISOString(),
        from: r.mail_from,
        to: r.mail_to,
        subject: r.subject,
        text: r.text,
        attachments: r.attachments,
      }
    : undefined;
}
