/** 邮件查看: mail caught by the embedded SMTP catcher (api/routes/mail.ts). */
import { http } from '../../../shared/http';

export interface CaughtMailItem {
  id: number;
  receivedAt: string;
  from: string | null;
  to: string | null;
  subject: string | null;
  attachments: { filename: string; contentType: string; size: number }[];
}

export interface CaughtMail extends CaughtMailItem {
  text: string | null;
}

export const listMail = (page: number, pageSize: number) =>
  http.get<{ items: CaughtMailItem[]; total: number; page: number; pageSize: number }>('/mail-catcher', { page, pageSize });
export const getMail = (id: number) => http.get<CaughtMail>(`/mail-catcher/${id}`);
