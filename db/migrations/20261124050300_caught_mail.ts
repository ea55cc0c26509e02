/**
 * 邮件捕获: mail caught by the embedded SMTP catcher (npm start without SMTP_URL), readable on the
 * 邮件查看 page. A deployment with a real mail server (SMTP_URL) leaves this table empty.
 * Owner module: db/queries/mail.ts.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('caught_mail', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.string('mail_from', 300);
    t.text('mail_to');
    t.string('subject', 500);
    t.text('text');
    t.jsonb('attachments').notNullable().defaultTo('[]'); // [{ filename, contentType, size }]
    t.binary('raw').notNullable();
  });
  await knex.raw('CREATE INDEX caught_mail_received_idx ON caught_mail (received_at DESC)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('caught_mail');
}
