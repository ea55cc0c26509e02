/**
 * Reading and writing simple one-sheet xlsx tables with exceljs (G-7, T-5, T-6): a header row, then
 * data rows. Cells are read as trimmed text (dates as YYYY-MM-DD), so validation sees what the
 * user typed, whatever Excel made of it.
 */
import ExcelJS from 'exceljs';

export interface SheetColumn {
  key: string;
  header: string;
  width?: number;
  /** Shown as a cell note on the header (the template's hint). */
  note?: string;
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v)
      return v.richText
        .map((r) => r.text)
        .join('')
        .trim();
    if ('text' in v) return String(v.text).trim();
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    return '';
  }
  return String(v).trim();
}

export interface ReadSheet {
  headers: string[];
  /** Data rows keyed by header text; `__row` is the Excel row number (for error messages). */
  rows: (Record<string, string> & { __row: string })[];
}

export class SheetError extends Error {}

/** Reads the first worksheet; throws SheetError (Chinese) when the file is not a readable xlsx. */
export async function readSheet(data: Buffer, maxRows = 100_000): Promise<ReadSheet> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    throw new SheetError('文件不是有效的 Excel（.xlsx）文件，请用模板另存为 .xlsx 后重新上传');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new SheetError('表格中没有工作表，请使用下载的模板填写');
  const headers: string[] = [];
  ws.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => {
    headers[col - 1] = cellText(cell.value);
  });
  const rows: ReadSheet['rows'] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const rec: Record<string, string> = {};
    let any = false;
    headers.forEach((h, i) => {
      const v = cellText(row.getCell(i + 1).value);
      if (v) any = true;
      if (h) rec[h] = v;
    });
    if (!any) continue;
    if (rows.length >= maxRows) throw new SheetError(`一次最多导入 ${maxRows} 行，请拆分文件后分批导入`);
    rows.push({ ...rec, __row: String(r) });
  }
  return { headers: headers.filter(Boolean), rows };
}

/** Writes one sheet with a bold, frozen header row. */
export async function writeSheet(sheetName: string, columns: SheetColumn[], rows: Record<string, unknown>[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '一张表数字化治理平台';
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? 16 }));
  ws.getRow(1).font = { bold: true };
  columns.forEach((c, i) => {
    if (c.note) ws.getRow(1).getCell(i + 1).note = c.note;
  });
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
