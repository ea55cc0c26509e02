/** 邮件查看: mail caught by the embedded SMTP catcher (only when no SMTP_URL is configured). */
import { getCaughtMail, listCaughtMail } from '../../db/queries/mail';
import { errors } from '../errors';
import { defineRoutes } from '../http';
import { listQuery, parsePaging } from './paging';

export const mailRoutes = defineRoutes([
  {
    method: 'get',
    path: '/mail-catcher',
    permission: 'user.manage',
    query: listQuery(),
    summary: '捕获的邮件列表（未配置邮件服务器时）',
    async handler({ services, query }) {
      const p = parsePaging(query, []);
      return listCaughtMail(services.db, p.page, p.pageSize);
    },
  },
  {
    method: 'get',
    path: '/mail-catcher/:id',
    permission: 'user.manage',
    summary: '捕获的邮件内容',
    async handler({ services, params }) {
      const id = Number(params.id);
      const m = Number.isInteger(id) && id > 0 ? await getCaughtMail(services.db, id) : undefined;
      if (!m) throw errors.notFound('邮件');
      return m;
    },
  },
]);
