// HL7 v2 into the repository through the app as it is wired (app.ts: the catalogue's v2 converter and the MLLP
// runtime's event → service hook): an MLLP endpoint configured in 接入端点 with no MSH-9 map of its own, ADT^A01 kept
// as 住院就诊, ADT^A08 updating it, and an update of a visit nobody admitted answered AE with the repository's reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import { addSystem, defaultDomainId } from '../../../test/support/engine.js';
import { MllpClient } from '../../engine/adapters/inbound/mllp/peers.testutil.js';
import type { EngineTables } from '../../engine/tables.js';
import { decodeHl7Buffer, parseHl7 } from '../../formats/hl7v2/index.js';
import { messages } from '../hl7v2/messages.testutil.js';
import type { CdrTables } from './tables.js';

function withControlId(text: string, id: string, change?: (m: ReturnType<typeof parseHl7>) => void): string {
  const m = parseHl7(text);
  m.set('MSH-10', id);
  change?.(m);
  return m.toString();
}

for (const dialect of dialectsUnderTest()) {
  describe(`HL7 v2 into the clinical data repository through the app on ${dialect.name}`, () => {
    let t: TestApp;
    let client: MllpClient;
    const k = () => t.hutong.db.kysely.withTables<EngineTables & CdrTables>();

    beforeAll(async () => {
      t = await startTestApp(dialect, { mllp: { port: 0 }, services: { seedTopics: true } });
      await addSystem(t.hutong, { code: 'HIS' });
      await t.hutong.engine.endpoints.runtime.start();
      const cookie = await t.adminCookie();
      const created = await t.call('POST', '/api/engine/endpoints', {
        cookie,
        body: {
          domainId: await defaultDomainId(t.hutong),
          code: 'HIS-ADT',
          name: 'HIS ADT',
          protocol: 'mllp',
          settings: { host: '127.0.0.1', port: 0 },
        },
      });
      expect(created.status, created.raw).toBe(201);
      const status = await t.call('GET', `/api/engine/endpoints/${created.body.id}/status`, { cookie });
      client = await MllpClient.connect(Number(String(status.body.address).split(':').pop()));
    }, 120_000);
    afterAll(async () => {
      client?.close();
      await t.close();
    });

    it('keeps an admission and its update, and answers AE to an update of an unknown visit', async () => {
      const admit = decodeHl7Buffer(await client.send(withControlId(messages['ADT^A01'], 'A01-1')));
      expect([admit.get('MSA-1'), admit.get('MSA-2')]).toEqual(['AA', 'A01-1']);
      const rec = await k()
        .selectFrom('cdr_records')
        .selectAll()
        .where('entity', '=', 'inpatientEncounter')
        .where('key', '=', 'V20240310007')
        .executeTakeFirst();
      expect(rec).toMatchObject({ version: 1, last_service: 'InPatientInfoAdd', source_system: 'HIS' });

      const update = decodeHl7Buffer(await client.send(withControlId(messages['ADT^A08'], 'A08-1')));
      expect(update.get('MSA-1'), update.toString()).toBe('AA');
      const after = await k()
        .selectFrom('cdr_records')
        .select(['version', 'last_service'])
        .where('entity', '=', 'inpatientEncounter')
        .where('key', '=', 'V20240310007')
        .executeTakeFirstOrThrow();
      expect(after).toEqual({ version: 2, last_service: 'InPatientInfoUpdate' });

      const unknown = decodeHl7Buffer(
        await client.send(withControlId(messages['ADT^A08'], 'A08-2', (m) => m.set('PV1-19', 'V-NOBODY'))),
      );
      expect([unknown.get('MSA-1'), unknown.get('MSA-2')]).toEqual(['AE', 'A08-2']);
      expect(unknown.toString()).toContain('V-NOBODY');
      const rows = await k()
        .selectFrom('messages')
        .select(['status', 'error', 'headers'])
        .where('status', '=', 'rejected')
        .execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.error).toMatch(/住院就诊 V-NOBODY 不存在/);
      expect(JSON.parse(rows[0]!.headers!)).toMatchObject({ 'x-hutong-source-format': 'hl7v2' });
    });
  });
}
