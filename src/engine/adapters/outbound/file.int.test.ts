// The file adapter through the engine, on SQLite and (when configured) PostgreSQL: a subscription configured through
// the API, its "test connection", the catalogue entry the console renders, and a published message written as a
// GB18030 file; a folder that does not exist is a failed attempt with the reason, recorded and retried.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../../test/support/app.js';
import { dialectsUnderTest } from '../../../../test/support/databases.js';
import { addSystem, addTopic, waitFor } from '../../../../test/support/engine.js';
import type { EngineTables } from '../../tables.js';

for (const dialect of dialectsUnderTest()) {
  describe(`file subscription end to end (engine on ${dialect.name})`, () => {
    let t: TestApp;
    let dir: string;
    beforeEach(async () => {
      t = await startTestApp(dialect);
      dir = mkdtempSync(path.join(os.tmpdir(), 'hutong-file-e2e-'));
    });
    afterEach(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const k = () => t.hutong.db.kysely.withTables<EngineTables>();

    async function subscribe(adapterConfig: Record<string, unknown>, extra: Record<string, unknown> = {}) {
      const cookie = await t.adminCookie();
      const sender = await addSystem(t.hutong, { code: 'HIS' });
      const receiver = await addSystem(t.hutong, { code: 'LEGACY' });
      const topic = await addTopic(t.hutong, { code: 'ADT_A01', model: 'XML' });
      const created = await t.call('POST', '/api/engine/subscriptions', {
        cookie,
        body: {
          topicId: topic.id,
          systemId: receiver.id,
          name: '旧系统目录',
          adapter: 'file',
          adapterConfig,
          ...extra,
        },
      });
      expect(created.status, created.raw).toBe(201);
      return { cookie, sender, topic };
    }

    const publishXml = (topic: string, secret: string, body: string) =>
      t.call('POST', `/api/hip/default/${topic}`, {
        body,
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/xml' },
      });

    it('writes a published message into the folder in GB18030, named by the pattern', async () => {
      const adapterConfig = { directory: dir, fileName: '{topic}_{messageId}.{ext}', encoding: 'GB18030' };
      const { cookie, sender, topic } = await subscribe(adapterConfig);

      const catalogue = await t.call('GET', '/api/engine/adapters', { cookie });
      const entry = catalogue.body.items.find((a: { type: string }) => a.type === 'file');
      expect(entry).toMatchObject({ name: '文件投递', className: 'FileOutboundAdapter', direction: 'outbound' });
      expect(Object.keys(entry.configSchema.properties)).toEqual(
        expect.arrayContaining(['directory', 'fileName', 'encoding', 'ifExists', 'createDirectory']),
      );
      const tested = await t.call('POST', '/api/engine/adapters/file/test', {
        cookie,
        body: { config: adapterConfig },
      });
      expect(tested.body.ok, tested.body.message).toBe(true);
      const invalid = await t.call('POST', '/api/engine/adapters/file/test', {
        cookie,
        body: { config: { directory: 'relative/path' } },
      });
      expect([invalid.status, invalid.body.code]).toEqual([400, 'HT_ENGINE_ADAPTER_CONFIG_INVALID']);

      const xml = '<patient><id>P1</id><name>张三</name></patient>';
      const published = await publishXml(topic.code, sender.secret, xml);
      expect(published.status, published.raw).toBe(202);
      const name = `ADT_A01_${published.body.messageId}.xml`;
      await waitFor(() => readdirSync(dir).includes(name), 10_000, 'the file');
      expect(iconv.decode(readFileSync(path.join(dir, name)), 'gb18030')).toBe(xml);
      const delivery = await waitFor(async () => {
        const d = await k()
          .selectFrom('deliveries')
          .selectAll()
          .where('message_id', '=', published.body.messageId)
          .executeTakeFirst();
        return d?.status === 'delivered' ? d : null;
      });
      const attempts = await k().selectFrom('attempts').selectAll().where('delivery_id', '=', delivery.id).execute();
      expect(attempts.map((a) => [a.outcome, a.status_code])).toEqual([['ok', 'written']]);
      expect(attempts[0]!.response_excerpt).toContain(name);
    });

    it('records a missing folder as a failed attempt with the reason', async () => {
      const missing = path.join(dir, 'not-there');
      const { sender, topic } = await subscribe({ directory: missing }, { maxAttempts: 1 });
      const published = await publishXml(topic.code, sender.secret, '<x/>');
      const delivery = await waitFor(async () => {
        const d = await k()
          .selectFrom('deliveries')
          .selectAll()
          .where('message_id', '=', published.body.messageId)
          .executeTakeFirst();
        return d?.status === 'dead' ? d : null;
      });
      expect(delivery.last_error).toContain('folder does not exist');
      expect(readdirSync(dir)).toEqual([]);
    });
  });
}
