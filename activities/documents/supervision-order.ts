/** 督办单: the supervision order of the third layer, as a PDF with the Chinese font embedded. */
import PDFDocument from 'pdfkit';
import { cjkFont } from './pdf-font';

export interface SupervisionOrder {
  orderNo: string;
  issueNo: string;
  title: string;
  label: string;
  issuedBy: string;
  holder: string;
  departments: string[];
  deadline: string;
  issuedAt: Date;
}

const fmt = (d: Date) => d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

/** A deadline at 00:00 CST is the end of the previous day: shown as "… 24:00", the way the rule reads. */
export function formatDeadline(d: Date): string {
  const s = fmt(d);
  if (!s.endsWith(' 00:00:00')) return s;
  return `${fmt(new Date(d.getTime() - 1)).split(' ')[0]} 24:00`;
}

export function renderSupervisionOrder(o: SupervisionOrder): Promise<Buffer> {
  const font = cjkFont();
  const doc = new PDFDocument({ size: 'A4', margin: 60, info: { Title: `督办单 ${o.orderNo}`, Author: '一张表数字化治理平台' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  doc.registerFont('cjk', font.file, font.family);
  doc.font('cjk');
  doc.fontSize(22).text('督 办 单', { align: 'center' });
  doc.moveDown(0.5).fontSize(11).text(`编号：${o.orderNo}`, { align: 'right' });
  doc.moveDown();
  const rows: [string, string][] = [
    ['督办层级', o.label],
    ['督办单位', o.issuedBy],
    ['问题编号', o.issueNo],
    ['问题标题', o.title],
    ['当前承办单位', o.holder],
    ['未办结部门', o.departments.length ? o.departments.join('、') : '—'],
    ['办理时限', formatDeadline(new Date(o.deadline))],
    ['签发时间', fmt(o.issuedAt)],
  ];
  doc.fontSize(13);
  for (const [k, v] of rows) {
    doc.text(`${k}：`, { continued: true }).text(v);
    doc.moveDown(0.4);
  }
  doc.moveDown();
  doc
    .fontSize(12)
    .text(
      '该问题已超过规定办理时限且经行管部门、分管领导两级督办仍未办结。请承办单位接到本督办单后立即组织办理，于一个工作日内反馈办理情况，逾期将依规依纪追究相关责任。',
      { lineGap: 6 },
    );
  doc.moveDown(3).text(o.issuedBy, { align: 'right' });
  doc.moveDown(0.3).text(fmt(o.issuedAt).split(' ')[0], { align: 'right' });
  doc.end();
  return done;
}
