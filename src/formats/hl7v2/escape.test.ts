// Escape sequences both ways, with the standard and with unusual delimiters.

import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIMITERS, escapeHl7, parseHl7, unescapeHl7 } from './index.js';
import type { Hl7Delimiters } from './index.js';

const d = DEFAULT_DELIMITERS;

describe('unescapeHl7', () => {
  it.each([
    ['\\F\\', '|'],
    ['\\S\\', '^'],
    ['\\T\\', '&'],
    ['\\R\\', '~'],
    ['\\E\\', '\\'],
    ['a\\.br\\b', 'a\nb'],
    ['A\\T\\E', 'A&E'],
    ['\\X0D0A\\', '\r\n'],
    ['\\X41\\\\X42\\C', 'ABC'],
    ['\\XE5BCA0\\', '张'],
    ['no escapes', 'no escapes'],
  ])('%s → %j', (raw, text) => {
    expect(unescapeHl7(raw, d)).toBe(text);
  });

  it('passes unknown sequences through untouched', () => {
    expect(unescapeHl7('\\H\\bold\\N\\', d)).toBe('\\H\\bold\\N\\');
    expect(unescapeHl7('\\.sp2\\x\\C2842\\', d)).toBe('\\.sp2\\x\\C2842\\');
    expect(unescapeHl7('\\XZZ\\ \\X123\\', d)).toBe('\\XZZ\\ \\X123\\');
    expect(unescapeHl7('\\H\\a\\T\\b', d)).toBe('\\H\\a&b');
  });

  it('keeps a lone escape character (sloppy Windows paths)', () => {
    expect(unescapeHl7('C:\\temp', d)).toBe('C:\\temp');
    expect(unescapeHl7('a\\', d)).toBe('a\\');
  });

  it('\\P\\ is the truncation character only when the message has one', () => {
    expect(unescapeHl7('\\P\\', d)).toBe('\\P\\');
    expect(unescapeHl7('\\P\\', { ...d, truncation: '#' })).toBe('#');
  });
});

describe('escapeHl7', () => {
  it('escapes every delimiter and line breaks', () => {
    expect(escapeHl7('a|b^c&d~e\\f', d)).toBe('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f');
    expect(escapeHl7('l1\r\nl2\nl3\rl4', d)).toBe('l1\\.br\\l2\\.br\\l3\\.br\\l4');
    expect(escapeHl7('plain 张三', d)).toBe('plain 张三');
    expect(escapeHl7('50#', d)).toBe('50#');
    expect(escapeHl7('50#', { ...d, truncation: '#' })).toBe('50\\P\\');
  });

  it('round-trips arbitrary text', () => {
    const samples = ['', '|^~\\&', '\\F\\ literally', 'a\\b\\c', 'x\ny', '王\\T\\五', '\\X41\\'];
    for (const s of samples) expect(unescapeHl7(escapeHl7(s, d), d)).toBe(s.replace(/\r\n?/g, '\n'));
  });

  it('uses the message delimiters', () => {
    const odd: Hl7Delimiters = {
      field: '!',
      component: '@',
      repetition: '*',
      escape: '$',
      subcomponent: '%',
      truncation: '',
    };
    expect(escapeHl7('a!b@c*d%e$f|g', odd)).toBe('a$F$b$S$c$R$d$T$e$E$f|g');
    expect(unescapeHl7('a$F$b$S$c$R$d$T$e$E$f|g', odd)).toBe('a!b@c*d%e$f|g');
    const msg = parseHl7('MSH!@*$%!A!!!!!!ADT@A01!1!P!2.5\rNTE!1!!x$T$y');
    expect(msg.get('NTE-3')).toBe('x%y');
    msg.set('NTE-3', 'p|q!r');
    expect(msg.getRaw('NTE-3')).toBe('p|q$F$r');
  });

  it('decodes \\X..\\ in the message charset', () => {
    const msg = parseHl7('MSH|^~\\&|A||||||ADT^A01|1|P|2.5|||||CHN|GBK\rNTE|1||\\XD5C5\\');
    expect(msg.get('NTE-3')).toBe('张');
  });
});
