// The file adapter on the local file system: names from patterns (北京时间), encodings, what happens when the name is
// taken, placeholder values that try to leave the folder, allowed roots, no temporary files left behind, and
// "test connection".
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundRequest } from '../types.js';
import { FileOutboundAdapter, safe } from './file.js';

const never = new AbortController().signal;
// 2026-11-26 09:08:07.654 in Asia/Shanghai.
const AT = Date.UTC(2026, 10, 26, 1, 8, 7, 654);

function request(body: string, overrides: Partial<OutboundRequest> = {}): OutboundRequest {
  return {
    body,
    contentType: 'application/json',
    messageId: '0190f3c2-7a1b-7c3d-8e4f-0000000000aa',
    deliveryId: '0190f3c2-7a1b-7c3d-8e4f-0000000000bb',
    attempt: 1,
    topic: 'ADT_A01',
    domain: 'default',
    ...overrides,
  };
}

describe('file adapter', () => {
  let dir: string;
  let adapter: FileOutboundAdapter;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hutong-file-'));
    adapter = new FileOutboundAdapter({ now: () => AT });
  });
  afterEach(async () => {
    await adapter.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const files = (folder = dir) => readdirSync(folder).sort();
  const writtenFile = (result: { response?: string }) => (JSON.parse(result.response!) as { file: string }).file;

  it('names the file from the pattern in Beijing time, with a sequence and an extension from the content type', async () => {
    const fileName = '{domain}-{topic}_{date:yyyyMMdd}_{time:HHmmss}_{seq}_{messageId}.{ext}';
    const first = await adapter.send({ directory: dir, fileName }, request('{"a":1}'), never);
    expect(first, first.error).toMatchObject({ ok: true, statusCode: 'written' });
    const second = await adapter.send(
      { directory: dir, fileName },
      request('<x/>', { contentType: 'application/xml' }),
      never,
    );
    expect(files()).toEqual([
      'default-ADT_A01_20261126_090807_000001_0190f3c2-7a1b-7c3d-8e4f-0000000000aa.json',
      'default-ADT_A01_20261126_090807_000002_0190f3c2-7a1b-7c3d-8e4f-0000000000aa.xml',
    ]);
    expect(writtenFile(second)).toBe(path.join(dir, files()[1]!));
    expect(readFileSync(path.join(dir, files()[0]!), 'utf8')).toBe('{"a":1}');
    expect(JSON.parse(first.response!).bytes).toBe(7);
  });

  it('uses the default pattern, and creates dated subfolders the pattern asks for', async () => {
    expect((await adapter.send({ directory: dir }, request('{}'), never)).ok).toBe(true);
    expect(files()).toEqual(['ADT_A01_20261126090807654_0190f3c2-7a1b-7c3d-8e4f-0000000000aa.json']);
    const nested = await adapter.send(
      { directory: dir, fileName: '{date:yyyy}/{date:MMdd}/{deliveryId}.hl7' },
      request('MSH|'),
      never,
    );
    expect(nested.ok, nested.error).toBe(true);
    expect(files(path.join(dir, '2026', '1126'))).toEqual(['0190f3c2-7a1b-7c3d-8e4f-0000000000bb.hl7']);
  });

  it('writes GB18030 and GBK bytes that read back as the same text, and refuses what GBK cannot hold', async () => {
    const text = '<患者><姓名>张三</姓名><备注>𠀀€</备注></患者>';
    const gb = await adapter.send(
      { directory: dir, fileName: 'gb18030.xml', encoding: 'GB18030' },
      request(text),
      never,
    );
    expect(gb.ok, gb.error).toBe(true);
    const bytes = readFileSync(path.join(dir, 'gb18030.xml'));
    expect(bytes.subarray(1, 3)).toEqual(Buffer.from([0xbb, 0xbc])); // 患 in GB 18030
    expect(iconv.decode(bytes, 'gb18030')).toBe(text);

    const gbkText = '张三，男，45 岁';
    const gbk = await adapter.send({ directory: dir, fileName: 'gbk.txt', encoding: 'GBK' }, request(gbkText), never);
    expect(gbk.ok, gbk.error).toBe(true);
    expect(iconv.decode(readFileSync(path.join(dir, 'gbk.txt')), 'gbk')).toBe(gbkText);

    const lossy = await adapter.send({ directory: dir, fileName: 'lossy.txt', encoding: 'GBK' }, request(text), never);
    expect(lossy.ok).toBe(false);
    expect(lossy.error).toContain('GB18030');
    expect(files()).toEqual(['gb18030.xml', 'gbk.txt']);
  });

  it('adds a number, fails, or overwrites when the name is taken', async () => {
    const suffix = { directory: dir, fileName: 'same.json' };
    for (const n of [1, 2, 3]) expect((await adapter.send(suffix, request(`{"n":${n}}`), never)).ok).toBe(true);
    expect(files()).toEqual(['same.json', 'same_1.json', 'same_2.json']);
    expect(readFileSync(path.join(dir, 'same_2.json'), 'utf8')).toBe('{"n":3}');

    const fail = await adapter.send({ ...suffix, ifExists: 'fail' }, request('{"n":4}'), never);
    expect(fail).toMatchObject({ ok: false, statusCode: 'EEXIST' });
    expect(readFileSync(path.join(dir, 'same.json'), 'utf8')).toBe('{"n":1}');

    const over = await adapter.send({ ...suffix, ifExists: 'overwrite' }, request('{"n":5}'), never);
    expect(over.ok).toBe(true);
    expect(readFileSync(path.join(dir, 'same.json'), 'utf8')).toBe('{"n":5}');
    // No temporary file is left behind, whatever happened.
    expect(files()).toEqual(['same.json', 'same_1.json', 'same_2.json']);
  });

  it('keeps placeholder values from leaving the folder, and refuses patterns that would', async () => {
    const sneaky = request('{}', { topic: '../../etc/passwd', messageId: '..\\..\\boot', domain: '..' });
    const result = await adapter.send({ directory: dir, fileName: '{domain}_{topic}_{messageId}.txt' }, sneaky, never);
    expect(result.ok, result.error).toBe(true);
    expect(files()).toEqual(['______etc_passwd_____boot.txt']);
    expect(path.dirname(writtenFile(result))).toBe(dir);

    for (const fileName of ['../escape.txt', '/etc/hutong-escape.txt', 'a/../../b.txt', '{nope}.txt', 'x/']) {
      const refused = await adapter.send({ directory: dir, fileName }, request('{}'), never);
      expect(refused.ok, fileName).toBe(false);
    }
    expect(safe('...hidden')).toBe('_hidden');
    expect(safe('')).toBe('_');
    expect(safe('a\nb\u0000c:d')).toBe('a_b_c_d');
  });

  it('needs the folder unless told to create it', async () => {
    const missing = path.join(dir, 'new', 'inbox');
    const refused = await adapter.send({ directory: missing }, request('{}'), never);
    expect(refused.ok).toBe(false);
    expect(refused.error).toContain('folder does not exist');
    const created = await adapter.send({ directory: missing, createDirectory: true }, request('{}'), never);
    expect(created.ok, created.error).toBe(true);
    expect(files(missing)).toHaveLength(1);
  });

  it('writes only inside the allowed roots, symbolic links included', async () => {
    const root = path.join(dir, 'root');
    const outside = path.join(dir, 'outside');
    mkdirSync(path.join(root, 'lis'), { recursive: true });
    mkdirSync(outside);
    symlinkSync(outside, path.join(root, 'link'));
    const guarded = new FileOutboundAdapter({ allowedRoots: [root] });
    try {
      expect((await guarded.send({ directory: path.join(root, 'lis') }, request('{}'), never)).ok).toBe(true);
      for (const directory of [outside, path.join(root, 'link'), path.join(root, '..', 'outside')]) {
        const refused = await guarded.send({ directory }, request('{}'), never);
        expect(refused.ok, directory).toBe(false);
        expect(refused.error).toContain('allowed roots');
      }
      expect(files(outside)).toEqual([]);
      expect((await guarded.test({ directory: outside })).ok).toBe(false);
    } finally {
      await guarded.close();
    }
  });

  it('tests that the folder exists and is writable, and shows an example name', async () => {
    const ok = await adapter.test({ directory: dir, fileName: '{topic}_{seq}.{ext}' });
    expect(ok.ok, ok.message).toBe(true);
    expect(ok.message).toContain('TOPIC_000001.json');
    const missing = await adapter.test({ directory: path.join(dir, 'nope') });
    expect(missing.ok).toBe(false);
    expect(missing.message).toContain('folder does not exist');
    const later = await adapter.test({ directory: path.join(dir, 'nope'), createDirectory: true });
    expect(later.ok, later.message).toBe(true);
    expect(files()).toEqual([]);
    writeFileSync(path.join(dir, 'plain'), 'x');
    expect((await adapter.test({ directory: path.join(dir, 'plain') })).message).toContain('not a folder');
    expect((await adapter.test({ directory: dir, fileName: '{date:yyyyQQ}.txt' })).ok).toBe(false);
  });
});
