// Lookup tables through their service, on SQLite and (when configured) PostgreSQL: one-to-one and one-to-many rules,
// search by key or value, import (CSV with BOM and Chinese, GBK, Excel; merge and replace) and export, what
// expressions see through $lookup / $lookupReverse, revisions with rollback, and permissions.
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import { defaultDomainId } from '../../../test/support/engine.js';
import { now } from '../../platform/db/index.js';
import { newId } from '../../platform/ids/index.js';
import { revertHandlerFor } from '../config/revisions.js';
import { EP } from '../permissions.js';
import type { EngineTables } from '../tables.js';
import type { TransformInput } from '../transforms/index.js';
import type { TransformServices } from '../transforms/module.js';
import { ctxWith, rejection } from '../transforms/testing.testutil.js';
import { parseCsv, parseXlsx, rowsToEntries } from './io.js';
import { SNAPSHOT_LIMIT } from './service.js';

const manager = ctxWith(EP.configRead, EP.transformManage);
const reader = ctxWith(EP.configRead);

for (const dialect of dialectsUnderTest()) {
  describe(`lookup tables on ${dialect.name}`, () => {
    let t: TestApp;
    let s: TransformServices;
    let domainId: string;
    beforeEach(async () => {
      t = await startTestApp(dialect);
      // The engine's own: its changes are announced, its rollbacks reloaded by the configuration API.
      s = t.hutong.engine.transformServices;
      domainId = await defaultDomainId(t.hutong);
    });
    afterEach(async () => {
      await t.close();
    });

    const k = () => t.hutong.db.kysely.withTables<EngineTables>();
    const svc = () => s.lookupService;
    const evaluate = (expression: string, body = '{}', domain = 'default') => {
      const input: TransformInput = {
        body,
        contentType: 'application/json',
        message: {
          id: 'm',
          domain,
          topic: 't',
          system: null,
          sourceMessageId: null,
          receivedAt: now(),
          contentType: 'application/json',
          index: {},
        },
      };
      return t.hutong.engine.transforms.evaluate('transform', expression, input);
    };
    const table = (code: string, multi = false) => svc().create(manager, { domainId, code, name: `${code} 表`, multi });

    it('keeps one value per key in a one-to-one table and serves $lookup / $lookupReverse from memory', async () => {
      const dept = await table('dept');
      await svc().addEntry(manager, dept.id, { key: '0101', value: '心内科' });
      await svc().addEntry(manager, dept.id, { key: '0102', value: '呼吸科', description: '呼吸与危重症' });
      await svc().addEntry(manager, dept.id, { key: '0199', value: '心内科' });

      const conflict = await rejection(svc().addEntry(manager, dept.id, { key: '0101', value: '别的' }));
      expect(conflict.code).toBe('HT_ENGINE_LOOKUP_KEY_EXISTS');
      expect(conflict.status).toBe(409);

      expect(await evaluate('$lookup("dept", "0101")')).toBe('心内科');
      expect(await evaluate('$lookup("dept", code)', '{"code":"0102"}')).toBe('呼吸科');
      expect(await evaluate('$lookup("dept", "9999")')).toBeUndefined();
      expect(await evaluate('$lookup("dept", "9999", "未知")')).toBe('未知');
      expect(await evaluate('$lookup("dept", codes)', '{"codes":["0101","0102"]}')).toEqual(['心内科', '呼吸科']);
      expect(await evaluate('$lookupReverse("dept", "心内科")')).toBe('0101');
      await expect(evaluate('$lookup("nope", "1")')).rejects.toThrow(/lookup table "nope" does not exist/);

      expect((await svc().get(reader, dept.id)).entryCount).toBe(3);
    });

    it('allows several values per key in a one-to-many table, but not the same pair twice', async () => {
      const drug = await table('drug-route', true);
      await svc().addEntry(manager, drug.id, { key: 'PO', value: '口服' });
      await svc().addEntry(manager, drug.id, { key: 'PO', value: '经口' });
      await svc().addEntry(manager, drug.id, { key: 'IV', value: '静脉注射' });
      const dup = await rejection(svc().addEntry(manager, drug.id, { key: 'PO', value: '口服' }));
      expect(dup.code).toBe('HT_ENGINE_LOOKUP_ENTRY_EXISTS');

      expect(await evaluate('$lookup("drug-route", "PO")')).toEqual(['口服', '经口']);
      expect(await evaluate('$lookup("drug-route", "IV")')).toEqual(['静脉注射']);
      expect(await evaluate('$lookupReverse("drug-route", "经口")')).toEqual(['PO']);

      // It cannot become one-to-one while a key has two values.
      const refused = await rejection(svc().update(manager, drug.id, { multi: false }));
      expect(refused.code).toBe('HT_ENGINE_LOOKUP_KEY_EXISTS');
    });

    it('searches entries by key or value, paged', async () => {
      const dept = await table('dept');
      for (let i = 1; i <= 30; i++) {
        await svc().addEntry(manager, dept.id, {
          key: `K${String(i).padStart(3, '0')}`,
          value: i % 2 ? `内科${i}` : `外科${i}`,
        });
      }
      const byValue = await svc().listEntries(reader, dept.id, { q: '外科' });
      expect(byValue.total).toBe(15);
      const byKey = await svc().listEntries(reader, dept.id, { q: 'k02' });
      expect(byKey.items.map((e) => e.key)).toEqual([
        'K020',
        'K021',
        'K022',
        'K023',
        'K024',
        'K025',
        'K026',
        'K027',
        'K028',
        'K029',
      ]);
      const page2 = await svc().listEntries(reader, dept.id, { page: 2, pageSize: 10 });
      expect(page2.items[0]?.key).toBe('K011');
      expect(page2.total).toBe(30);
      const byName = await svc().list(reader, { q: '表' });
      expect(byName.items.map((l) => l.code)).toEqual(['dept']);
    });

    it('updates and deletes entries; the cache follows', async () => {
      const dept = await table('dept');
      const a = await svc().addEntry(manager, dept.id, { key: 'A', value: '1' });
      const b = await svc().addEntry(manager, dept.id, { key: 'B', value: '2' });
      const clash = await rejection(svc().updateEntry(manager, dept.id, b.id, { key: 'A' }));
      expect(clash.code).toBe('HT_ENGINE_LOOKUP_KEY_EXISTS');
      const changed = await svc().updateEntry(manager, dept.id, a.id, { value: '一', description: '改过' });
      expect(changed).toMatchObject({ key: 'A', value: '一', description: '改过' });
      expect(await evaluate('$lookup("dept", "A")')).toBe('一');
      await svc().removeEntry(manager, dept.id, a.id);
      expect(await evaluate('$lookup("dept", "A")')).toBeUndefined();
      expect((await rejection(svc().removeEntry(manager, dept.id, a.id))).code).toBe('HT_ENGINE_NOT_FOUND');
    });

    it('imports CSV with BOM and Chinese values; merge adds and updates, replace makes the file the table', async () => {
      const dept = await table('dept');
      await svc().addEntry(manager, dept.id, { key: '0101', value: '旧值' });
      await svc().addEntry(manager, dept.id, { key: '0900', value: '保留' });
      const csv = '\uFEFFkey,value,description\r\n0101,心内科,心血管\r\n0102,呼吸科,\r\n0102,重复,\r\n,无键,\r\n';
      const merged = await svc().importEntries(manager, dept.id, { format: 'csv', content: csv, mode: 'merge' });
      expect(merged.imported).toBe(2);
      expect(merged.skipped).toBe(2);
      expect(merged.problems).toHaveLength(2);
      expect(await evaluate('$lookup("dept", "0101")')).toBe('心内科');
      expect(await evaluate('$lookup("dept", "0900")')).toBe('保留');
      expect((await svc().get(reader, dept.id)).entryCount).toBe(3);

      const replaced = await svc().importEntries(manager, dept.id, {
        format: 'csv',
        content: 'key,value\n0201,眼科\n0202,耳鼻喉科\n',
        mode: 'replace',
      });
      expect(replaced).toEqual({ imported: 2, skipped: 0, problems: [] });
      expect(await evaluate('$lookup("dept", "0900")')).toBeUndefined();
      expect(await evaluate('$lookup("dept", "0202")')).toBe('耳鼻喉科');
      const entries = await svc().listEntries(reader, dept.id, {});
      expect(entries.items.map((e) => [e.key, e.position])).toEqual([
        ['0201', 1],
        ['0202', 2],
      ]);

      const revs = await k()
        .selectFrom('config_revisions')
        .selectAll()
        .where('entity_id', '=', dept.id)
        .where('action', '=', 'import')
        .execute();
      expect(revs).toHaveLength(2);
      const after = JSON.parse(revs[1]!.after!) as { entries: { key: string }[]; entryCount: number };
      expect(after.entryCount).toBe(2);
      expect(after.entries.map((e) => e.key)).toEqual(['0201', '0202']);
      const audit = await t.hutong.db.kysely
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'engine.lookup.import')
        .execute();
      expect(audit).toHaveLength(2);
    });

    it('imports GBK CSV sent as base64, and Excel; exports CSV (BOM) and Excel that import back', async () => {
      const dept = await table('dept');
      const gbk = iconv.encode('源值,目标值,说明\r\n0101,心内科,中文说明\r\n', 'gbk').toString('base64');
      const fromGbk = await svc().importEntries(manager, dept.id, {
        format: 'csv',
        content: gbk,
        encoding: 'base64',
        mode: 'merge',
      });
      expect(fromGbk.imported).toBe(1);
      expect(await evaluate('$lookup("dept", "0101")')).toBe('心内科');

      const csv = await svc().exportEntries(reader, dept.id, 'csv');
      expect(csv.filename).toBe('dept.csv');
      expect(String(csv.body).charCodeAt(0)).toBe(0xfeff);
      expect(rowsToEntries(parseCsv(String(csv.body))).rows[0]).toMatchObject({
        key: '0101',
        value: '心内科',
        description: '中文说明',
      });

      await svc().addEntry(manager, dept.id, { key: '0007', value: '急诊' });
      const xlsx = await svc().exportEntries(reader, dept.id, 'xlsx');
      expect(xlsx.contentType).toMatch(/spreadsheetml/);
      const rows = rowsToEntries(await parseXlsx(xlsx.body as Buffer)).rows;
      expect(rows.map((r) => [r.key, r.value])).toEqual([
        ['0101', '心内科'],
        ['0007', '急诊'],
      ]);

      const copy = await table('dept-copy');
      const imported = await svc().importEntries(manager, copy.id, {
        format: 'xlsx',
        content: (xlsx.body as Buffer).toString('base64'),
        mode: 'replace',
      });
      expect(imported.imported).toBe(2);
      expect(await evaluate('$lookup("dept-copy", "0007")')).toBe('急诊');

      const broken = await rejection(
        svc().importEntries(manager, copy.id, { format: 'xlsx', content: 'bm90IGEgemlw', mode: 'merge' }),
      );
      expect(broken.code).toBe('HT_ENGINE_IMPORT_INVALID');
    });

    it('finds the table in the message domain', async () => {
      await table('dept').then((d) => svc().addEntry(manager, d.id, { key: '1', value: '默认域' }));
      const otherId = newId();
      await k()
        .insertInto('domains')
        .values({
          id: otherId,
          code: 'test',
          name: '测试域',
          description: null,
          enabled: 1,
          retention_days: 7,
          created_at: now(),
          updated_at: now(),
        })
        .execute();
      await t.hutong.engine.cache.reload();
      const other = await svc().create(manager, { domainId: otherId, code: 'dept', name: '测试科室' });
      await svc().addEntry(manager, other.id, { key: '1', value: '测试域' });
      expect(await evaluate('$lookup("dept", "1")', '{}', 'default')).toBe('默认域');
      expect(await evaluate('$lookup("dept", "1")', '{}', 'test')).toBe('测试域');
      await expect(evaluate('$lookup("dept", "1")', '{}', '')).rejects.toThrow(/several domains/);
      const dup = await rejection(svc().create(manager, { domainId: otherId, code: 'dept', name: 'x' }));
      expect(dup.code).toBe('HT_ENGINE_CONFLICT');
    });

    it('writes revisions and rolls a deleted table back with its entries', async () => {
      const dept = await table('dept');
      await svc().addEntry(manager, dept.id, { key: '0101', value: '心内科' });
      await svc().update(manager, dept.id, { name: '科室对照' });
      await svc().remove(manager, dept.id);
      expect(await evaluate('$lookup("dept", "0101")').catch((e: Error) => e.message)).toMatch(/does not exist/);

      const revs = await k()
        .selectFrom('config_revisions')
        .selectAll()
        .where('entity_type', '=', 'lookup')
        .where('entity_id', '=', dept.id)
        .orderBy('id')
        .execute();
      expect(revs.map((r) => r.action)).toEqual(['create', 'update', 'update', 'delete']);
      const deleted = revs[3]!;
      const admin = ctxWith(EP.configRead, EP.configManage);
      await t.hutong.engine.configService.rollback(admin, Number(deleted.id));
      const back = await svc().get(reader, dept.id);
      expect(back).toMatchObject({ code: 'dept', name: '科室对照', entryCount: 1 });
      // The expressions see it as soon as the rollback has answered.
      expect(await evaluate('$lookup("dept", "0101")')).toBe('心内科');

      // Rolling back the entry's creation takes the table back to no entries.
      const addedEntry = revs[1]!;
      await t.hutong.engine.configService.rollback(admin, Number(addedEntry.id));
      expect((await svc().get(reader, dept.id)).entryCount).toBe(0);
      expect(await evaluate('$lookup("dept", "0101", "none")')).toBe('none');
      // The rollback's revision holds the table as it really was, entries included (its state loader).
      const last = await k()
        .selectFrom('config_revisions')
        .selectAll()
        .where('entity_id', '=', dept.id)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(last.action).toBe('rollback');
      expect(JSON.parse(last.before!)).toMatchObject({ entryCount: 1, entries: [{ key: '0101', value: '心内科' }] });
      expect(JSON.parse(last.after!)).toMatchObject({ entryCount: 0, entries: [] });
    });

    it('keeps only counts for large tables, and refuses to roll those revisions back', async () => {
      const big = await table('big');
      const rows = Array.from({ length: SNAPSHOT_LIMIT + 5 }, (_, i) => `K${i},V${i}`).join('\n');
      const result = await svc().importEntries(manager, big.id, { format: 'csv', content: rows, mode: 'replace' });
      expect(result.imported).toBe(SNAPSHOT_LIMIT + 5);
      expect(await evaluate('$lookup("big", "K1000")')).toBe('V1000');
      const rev = await k()
        .selectFrom('config_revisions')
        .selectAll()
        .where('entity_id', '=', big.id)
        .where('action', '=', 'import')
        .executeTakeFirstOrThrow();
      const after = JSON.parse(rev.after!) as Record<string, unknown>;
      expect(after).toMatchObject({ partial: true, entryCount: SNAPSHOT_LIMIT + 5 });
      expect(after.entries).toBeUndefined();
      const handler = revertHandlerFor('lookup')!;
      const refused = await rejection(
        t.hutong.db.transaction((trx) =>
          handler(trx.withTables<EngineTables>(), big.id, JSON.parse(rev.before!) as Record<string, unknown>),
        ),
      );
      expect(refused.code).toBe('HT_ENGINE_REVISION_NOT_REVERTIBLE');
    });

    it('enforces permissions', async () => {
      const dept = await table('dept');
      expect((await rejection(svc().create(reader, { domainId, code: 'x', name: 'x' }))).code).toBe(
        'HT_AUTH_FORBIDDEN',
      );
      expect((await rejection(svc().addEntry(reader, dept.id, { key: 'a', value: 'b' }))).code).toBe(
        'HT_AUTH_FORBIDDEN',
      );
      expect(
        (await rejection(svc().importEntries(reader, dept.id, { format: 'csv', content: 'a,b', mode: 'merge' }))).code,
      ).toBe('HT_AUTH_FORBIDDEN');
      expect((await rejection(svc().list(ctxWith(), {}))).code).toBe('HT_AUTH_FORBIDDEN');
      expect((await svc().exportEntries(reader, dept.id, 'csv')).filename).toBe('dept.csv');
    });
  });
}
