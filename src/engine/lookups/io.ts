// Import and export of lookup entries (映射表导入导出): CSV and Excel files with the columns key, value, description.
//
// Reading: a header row is optional and recognised by its names (key/value/description, or 键/值/说明, 源值/目标值,
// 编码/名称 …; with a header the columns may come in any order). CSV bytes may be UTF-8 with or without BOM,
// UTF-16 with BOM, or GBK/GB18030 as Excel on a Chinese Windows saves them (detected: bytes that are not valid UTF-8).
// Writing: CSV starts with a UTF-8 BOM so Excel opens Chinese text correctly; Excel cells are written as text so
// codes such as 0101 keep their leading zeros.
import { parse as parseCsvSync } from 'csv-parse/sync';
import { stringify as stringifyCsvSync } from 'csv-stringify/sync';
// exceljs is loaded on first use: it is large (~25 MB resident) and only the Excel import/export needs it.
import type ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

export interface ImportRow {
  key: string;
  value: string;
  description: string | null;
  /** 1-based line (CSV) or row (Excel) number, for problems. */
  line: number;
}

export interface ReadRows {
  rows: ImportRow[];
  skipped: number;
  problems: string[];
}

export interface ExportEntry {
  key: string;
  value: string;
  description: string | null;
}

export const MAX_IMPORT_ROWS = 200_000;
export const MAX_KEY_LENGTH = 500;
export const MAX_VALUE_LENGTH = 2000;
export const MAX_DESCRIPTION_LENGTH = 500;

export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

/** Decodes CSV bytes: BOM first, then strict UTF-8, then GB18030 (a superset of GBK and GB2312). */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; encoding: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(Buffer.from(bytes), 'gb18030'), encoding: 'gb18030' };
  }
}

/** Parses CSV text (a leading BOM is dropped) into rows of cells. Separator: comma, or tab/semicolon if the file uses those. */
export function parseCsv(text: string): string[][] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  const delimiter = [',', '\t', ';'].reduce((best, d) =>
    firstLine.split(d).length > firstLine.split(best).length ? d : best,
  );
  try {
    return parseCsvSync(body, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      bom: true,
    }) as string[][];
  } catch (error) {
    throw new ImportFileError(`CSV: ${(error as Error).message}`);
  }
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().replace(/T00:00:00\.000Z$/, '');
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((r) => r.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('result' in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
    if ('error' in value) return '';
  }
  return String(value);
}

/** Reads the first worksheet of an .xlsx file into rows of cells. */
async function loadExcel(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}

export async function parseXlsx(bytes: Uint8Array): Promise<string[][]> {
  const workbook = new (await loadExcel()).Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch (error) {
    throw new ImportFileError(`not a readable .xlsx file: ${(error as Error).message}`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new ImportFileError('the workbook has no worksheet');
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    if (rowNumber > MAX_IMPORT_ROWS + 1) return;
    const cells: string[] = [];
    for (let c = 1; c <= Math.max(3, row.cellCount); c++) cells.push(cellText(row.getCell(c).value));
    rows[rowNumber - 1] = cells;
  });
  for (let i = 0; i < rows.length; i++) rows[i] ??= [];
  return rows;
}

const HEADER_NAMES: Record<'key' | 'value' | 'description', string[]> = {
  key: ['key', 'code', 'source', '键', '源值', '源编码', '源代码', '编码', '代码', '原值', '原编码'],
  value: ['value', 'target', 'name', '值', '目标值', '目标编码', '目标代码', '映射值', '名称', '对照值'],
  description: ['description', 'desc', 'remark', 'note', '说明', '描述', '备注'],
};

function headerRole(cell: string): 'key' | 'value' | 'description' | undefined {
  const name = cell.trim().toLowerCase();
  for (const role of ['key', 'value', 'description'] as const) {
    if (HEADER_NAMES[role].includes(name)) return role;
  }
  return undefined;
}

/**
 * Turns rows of cells into entries: detects a header, trims cells, and reports rows without key or value, or with
 * text too long, as skipped with their line number. Duplicates are the service's business (they depend on the table).
 */
export function rowsToEntries(cells: string[][]): ReadRows {
  const problems: string[] = [];
  let skipped = 0;
  let columns = { key: 0, value: 1, description: 2 };
  let start = 0;
  const first = cells.findIndex((row) => row.some((c) => c.trim() !== ''));
  if (first >= 0) {
    const roles = (cells[first] ?? []).map(headerRole);
    const keyAt = roles.indexOf('key');
    const valueAt = roles.indexOf('value');
    if (keyAt >= 0 && valueAt >= 0) {
      const descriptionAt = roles.indexOf('description');
      columns = { key: keyAt, value: valueAt, description: descriptionAt };
      start = first + 1;
    }
  }
  const rows: ImportRow[] = [];
  for (let i = start; i < cells.length; i++) {
    const row = cells[i] ?? [];
    if (row.every((c) => c.trim() === '')) continue;
    const line = i + 1;
    const key = (row[columns.key] ?? '').trim();
    const value = (row[columns.value] ?? '').trim();
    const description = columns.description >= 0 ? (row[columns.description] ?? '').trim() : '';
    let problem: string | undefined;
    if (key === '') problem = `第 ${line} 行：缺少键 (line ${line}: no key)`;
    else if (value === '') problem = `第 ${line} 行：键 ${key} 缺少值 (line ${line}: no value for ${key})`;
    else if (key.length > MAX_KEY_LENGTH || value.length > MAX_VALUE_LENGTH) {
      problem = `第 ${line} 行：键或值过长 (line ${line}: key or value too long)`;
    }
    if (problem) {
      skipped++;
      problems.push(problem);
      continue;
    }
    if (rows.length >= MAX_IMPORT_ROWS) {
      throw new ImportFileError(`more than ${MAX_IMPORT_ROWS} rows`);
    }
    rows.push({
      key,
      value,
      description: description === '' ? null : description.slice(0, MAX_DESCRIPTION_LENGTH),
      line,
    });
  }
  return { rows, skipped, problems };
}

/** CSV with a UTF-8 BOM and a header row. */
export function entriesToCsv(entries: ExportEntry[]): string {
  const body = stringifyCsvSync(
    [['key', 'value', 'description'], ...entries.map((e) => [e.key, e.value, e.description ?? ''])],
    { record_delimiter: '\r\n' },
  );
  return `\uFEFF${body}`;
}

/** An .xlsx workbook with one sheet: header row, then one row per entry, all cells text. */
export async function entriesToXlsx(entries: ExportEntry[], sheetName: string): Promise<Buffer> {
  const workbook = new (await loadExcel()).Workbook();
  workbook.creator = 'Hutong';
  const sheet = workbook.addWorksheet(sheetName.replace(/[\\/?*[\]:]/g, '_').slice(0, 31) || 'lookup');
  sheet.columns = [
    { header: 'key', key: 'key', width: 24, style: { numFmt: '@' } },
    { header: 'value', key: 'value', width: 32, style: { numFmt: '@' } },
    { header: 'description', key: 'description', width: 40, style: { numFmt: '@' } },
  ];
  for (const e of entries) sheet.addRow({ key: e.key, value: e.value, description: e.description ?? '' });
  sheet.getRow(1).font = { bold: true };
  const out = await workbook.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
