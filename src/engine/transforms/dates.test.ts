// Dates in Asia/Shanghai with the pictures hospital interfaces use, including instants on the other side of a UTC
// day boundary and the summer-time years.
import { describe, expect, it } from 'vitest';
import {
  DateFormatError,
  formatShanghai,
  fromShanghai,
  isoShanghai,
  parseWithPicture,
  readInstant,
  shanghaiTime,
} from './dates.js';

describe('Asia/Shanghai dates', () => {
  it('formats an instant late in the UTC day as the next day in Beijing', () => {
    const at = Date.parse('2026-11-24T18:30:05.123Z');
    expect(formatShanghai(at, 'yyyyMMddHHmmss')).toBe('20261125023005');
    expect(formatShanghai(at, 'yyyy-MM-dd HH:mm:ss')).toBe('2026-11-25 02:30:05');
    expect(formatShanghai(at, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX")).toBe('2026-11-25T02:30:05.123+08:00');
    expect(formatShanghai(at, 'yyyyMMddHHmmssZ')).toBe('20261125023005+0800');
    expect(formatShanghai(at, 'yyMMdd')).toBe('261125');
    expect(formatShanghai(at, "'at' H:mm, d/M")).toBe('at 2:30, 25/11');
  });

  it('formats New Year in Beijing while UTC is still in the old year', () => {
    const at = Date.parse('2025-12-31T16:00:00Z');
    expect(formatShanghai(at, 'yyyy-MM-dd HH:mm:ss')).toBe('2026-01-01 00:00:00');
    expect(isoShanghai(at)).toBe('2026-01-01T00:00:00+08:00');
  });

  it('parses pictures as Beijing time, or by the offset the text carries', () => {
    expect(new Date(parseWithPicture('20261125023005', 'yyyyMMddHHmmss')).toISOString()).toBe(
      '2026-11-24T18:30:05.000Z',
    );
    expect(new Date(parseWithPicture('2026-01-01 00:00:00', 'yyyy-MM-dd HH:mm:ss')).toISOString()).toBe(
      '2025-12-31T16:00:00.000Z',
    );
    expect(new Date(parseWithPicture('20261125', 'yyyyMMdd')).toISOString()).toBe('2026-11-24T16:00:00.000Z');
    expect(new Date(parseWithPicture('20261125083000+0000', 'yyyyMMddHHmmssZ')).toISOString()).toBe(
      '2026-11-25T08:30:00.000Z',
    );
    expect(new Date(parseWithPicture('2026-11-25T08:30:00.5Z', "yyyy-MM-dd'T'HH:mm:ss.SXXX")).toISOString()).toBe(
      '2026-11-25T08:30:00.500Z',
    );
  });

  it('refuses text that does not match the picture or is not a real date', () => {
    expect(() => parseWithPicture('2026-11-25', 'yyyyMMdd')).toThrow(DateFormatError);
    expect(() => parseWithPicture('20260230', 'yyyyMMdd')).toThrow(/day 30/);
    expect(() => parseWithPicture('20261325', 'yyyyMMdd')).toThrow(/month 13/);
    expect(() => formatShanghai(0, 'yyyy-MM-dd QQ')).toThrow(/unknown letter "Q"/);
  });

  it('reads the date forms messages carry', () => {
    const expected = '2026-11-24T18:30:05.000Z';
    expect(new Date(readInstant('20261125023005')).toISOString()).toBe(expected);
    expect(new Date(readInstant('20261125023005+0800')).toISOString()).toBe(expected);
    expect(new Date(readInstant('20261124183005+0000')).toISOString()).toBe(expected);
    expect(new Date(readInstant('2026-11-25 02:30:05')).toISOString()).toBe(expected);
    expect(new Date(readInstant('2026-11-25T02:30:05+08:00')).toISOString()).toBe(expected);
    expect(new Date(readInstant('2026-11-24T18:30:05Z')).toISOString()).toBe(expected);
    expect(new Date(readInstant(Date.parse(expected))).toISOString()).toBe(expected);
    expect(new Date(readInstant('20261125')).toISOString()).toBe('2026-11-24T16:00:00.000Z');
    expect(new Date(readInstant('2026-11-25')).toISOString()).toBe('2026-11-24T16:00:00.000Z');
    expect(new Date(readInstant('20261125023005.1234')).toISOString()).toBe('2026-11-24T18:30:05.123Z');
    expect(() => readInstant('yesterday')).toThrow(DateFormatError);
  });

  it('follows the zone through the 1986–1991 summer time', () => {
    // 1988-07-01 was UTC+9 in China.
    expect(shanghaiTime(Date.parse('1988-07-01T00:00:00Z')).offsetMinutes).toBe(540);
    expect(new Date(fromShanghai(1988, 7, 1, 9)).toISOString()).toBe('1988-07-01T00:00:00.000Z');
    expect(formatShanghai(fromShanghai(1988, 7, 1), 'yyyyMMdd')).toBe('19880701');
    expect(shanghaiTime(Date.parse('2026-07-01T00:00:00Z')).offsetMinutes).toBe(480);
  });
});
