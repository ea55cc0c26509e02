/**
 * 附件 (attachments): photos from the phone camera and documents attached to task forms.
 * Upload is base64 JSON (the API's one body format; photos are downscaled in the browser first),
 * capped at MAX_FILE_BYTES, images and PDF only, scoped to the task's grid (or the uploader's org)
 * and audited. A form stores only the file id; GET /files/:id checks the reader's scope.
 */
import crypto from 'node:crypto';
import { appendAudit } from '../../db/audit';
import { getFileForActor, insertFile } from '../../db/queries/console';
import { canHandle, findTask } from '../../db/queries/tasks';
import { errors } from '../errors';
import { defineRoutes, type RouteContext } from '../http';

export const MAX_FILE_BYTES = 3 * 1024 * 1024;
const MIME = /^(image\/(jpeg|png|webp|gif|heic|heif)|application\/pdf)$/;

interface UploadBody {
  name: string;
  mime: string;
  dataBase64: string;
  taskId?: number;
}

export const fileRoutes = defineRoutes([
  {
    method: 'post',
    path: '/files',
    permission: 'task.handle',
    body: {
      type: 'object',
      required: ['name', 'mime', 'dataBase64'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', title: '文件名', minLength: 1, maxLength: 200 },
        mime: { type: 'string', title: '文件类型', maxLength: 100 },
        dataBase64: { type: 'string', title: '文件内容', minLength: 4, maxLength: Math.ceil((MAX_FILE_BYTES * 4) / 3) + 8 },
        taskId: { type: 'integer', title: '所属任务', minimum: 1 },
      },
    },
    summary: '上传附件（照片、PDF，≤3MB，Base64）；附在任务上时需是该任务的办理人',
    async handler(ctx: RouteContext<UploadBody>) {
      const { db } = ctx.services;
      const b = ctx.body;
      if (!MIME.test(b.mime)) throw errors.badRequest('只能上传图片（JPG、PNG、WEBP、HEIC）或 PDF 文件，请重新选择', 'mime');
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b.dataBase64)) throw errors.badRequest('文件内容不是有效的 Base64 编码，请重新上传', 'dataBase64');
      const content = Buffer.from(b.dataBase64, 'base64');
      if (content.length === 0) throw errors.badRequest('文件内容为空，请重新选择文件', 'dataBase64');
      if (content.length > MAX_FILE_BYTES) throw errors.badRequest('文件超过 3MB，请压缩或拍摄较小的照片后重试', 'dataBase64');
      let orgPath = ctx.actor.orgPath;
      if (b.taskId !== undefined) {
        const t = await findTask(db, b.taskId);
        if (!t || !canHandle(ctx.actor, t)) throw errors.conflict('该任务已不在您的待办中，不能再上传附件；请刷新待办列表', 'taskId');
        orgPath = t.org_path;
      }
      const sha256 = crypto.createHash('sha256').update(content).digest('hex');
      const name = b.name.replace(/[\\/\r\n\t]/g, '_');
      const file = await insertFile(db, {
        name,
        mime: b.mime,
        content,
        sha256,
        orgPath,
        taskId: b.taskId ?? null,
        uploadedBy: ctx.actor.userId,
      });
      await appendAudit(db, {
        userId: ctx.actor.userId,
        username: ctx.actor.username,
        action: 'file_upload',
        objectType: 'file',
        objectId: file.id,
        orgPath,
        ip: ctx.req.ip ?? null,
        detail: { name, mime: b.mime, size: content.length, sha256, taskId: b.taskId ?? null },
      });
      return { file };
    },
  },
  {
    method: 'get',
    path: '/files/:id',
    permission: 'authenticated',
    personal: true,
    summary: '下载或查看附件（按数据范围）',
    async handler(ctx: RouteContext) {
      const f = await getFileForActor(ctx.services.db, ctx.actor, ctx.params.id ?? '');
      if (!f) throw errors.notFound('附件');
      ctx.res.setHeader('Content-Type', f.mime);
      ctx.res.setHeader('Content-Length', String(f.content.length));
      ctx.res.setHeader('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(f.name)}`);
      ctx.res.end(f.content);
      return undefined;
    },
  },
]);
