// Lookup files: CSV with or without BOM (and GBK from a Chinese Excel), header detection, Excel round trip.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  decodeCsvBytes,
  entriesToCsv,
  entriesToXlsx,
  parseCsv,
  parseXlsx,
  rowsToEntries,
  ImportFileError,
} from './io.js';

const ENTRIES = [
  { key: '0101', value: '心内科', description: '心血管内科' },
  { key: '0102', value: '呼吸科', description: null },
  { key: 'A,B', value: '带"引号"的值', description: '含逗号, 与换行\n第二行' },
];

describe('CSV', () => {
  it('exports with a UTF-8 BOM and a header, and reads its own export back', () => {
    const csv = entriesToCsv(ENTRIES);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1).startsWith('key,value,description\r\n')).toBe(true);
    const read = rowsToEntries(parseCsv(csv));
    expect(read.problems).toEqual([]);
    expect(read.rows.map(({ key, value, description }) => ({ key, value, description }))).toEqual(ENTRIES);
  });

  it('reads UTF-8 bytes with and without BOM, and GBK', () => {
    const text = 'key,value\n0101,心内科\n';
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    expect(decodeCsvBytes(withBom)).toEqual({ text, encoding: 'utf-8' });
    expect(decodeCsvBytes(Buffer.from(text, 'utf8'))).toEqual({ text, encoding: 'utf-8' });
    const gbk = iconv.encode(text, 'gbk');
    expect(decodeCsvBytes(gbk)).toEqual({ text, encoding: 'gb18030' });
    expect(rowsToEntries(parseCsv(decodeCsvBytes(gbk).text)).rows[0]).toMatchObject({ key: '0101', value: '心内科' });
  });

  it('detects a header by its names (in any order, Chinese too) and works without one', () => {
    const chinese = rowsToEntries(parseCsv('值,键,说明\n心内科,0101,备注一\n'));
    expect(chinese.rows).toEqual([{ key: '0101', value: '心内科', description: '备注一', line: 2 }]);
    const none = rowsToEntries(parseCsv('0101,心内科\n0102,呼吸科,说明\n'));
    expect(none.rows.map((r) => [r.key, r.value, r.description])).toEqual([
      ['0101', '心内科', null],
      ['0102', '呼吸科', '说明'],
    ]);
    const tabs = rowsToEntries(parseCsv('源值\t目标值\n01\t男\n'));
    expect(tabs.rows[0]).toMatchObject({ key: '01', value: '男' });
  });

  it('skips rows without key or value and says which', () => {
    const read = rowsToEntries(parseCsv('key,value\n,孤值\n0103,\n  0104 , 眼科 \n\n'));
    expect(read.rows).toEqual([{ key: '0104', value: '眼科', description: null, line: 4 }]);
    expect(read.skipped).toBe(2);
    expect(read.problems[0]).toMatch(/第 2 行/);
    expect(read.problems[1]).toMatch(/line 3/);
  });
});

describe('Excel', () => {
  it('round-trips entries, keeping leading zeros and Chinese text', async () => {
    const file = await entriesToXlsx(ENTRIES, '科室对照');
    expect(file.subarray(0, 2).toString()).toBe('PK');
    const read = rowsToEntries(await parseXlsx(file));
    expect(read.problems).toEqual([]);
    expect(read.rows.map(({ key, value, description }) => ({ key, value, description }))).toEqual(ENTRIES);
  });

  it('refuses a file that is not a workbook', async () => {
    await expect(parseXlsx(Buffer.from('not a zip'))).rejects.toThrow(ImportFileError);
  });
});
