// ensureServiceTopics against a real database: one topic per service in the default domain, with revisions,
// idempotent, and never overwriting a topic the hospital already has.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { dialectsUnderTest } from '../../test/support/databases.js';
import type { EngineTables } from '../engine/tables.js';
import { addTopic } from '../../test/support/engine.js';
import { ensureServiceTopics, listServiceDefinitions } from './index.js';

for (const dialect of dialectsUnderTest()) {
  describe(`service topics on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await startTestApp(dialect);
    });
    afterEach(async () => t.close());

    it('creates one topic per service, records revisions, and is idempotent', async () => {
      const k = t.hutong.db.kysely.withTables<EngineTables>();
      await addTopic(t.hutong, { code: 'OutPatientInfoAdd', mode: 'sync', model: 'JSON' });
      const first = await ensureServiceTopics(t.hutong.db, 'default');
      const total = listServiceDefinitions().length;
      expect(first.created).toHaveLength(total - 1);
      expect(first.created).not.toContain('OutPatientInfoAdd');
      const rows = await k.selectFrom('topics').selectAll().execute();
      const byCode = new Map(rows.map((r) => [r.code, r]));
      expect(byCode.get('OutPatientInfoAdd')?.model).toBe('JSON'); // the hospital's own topic is kept
      expect(byCode.get('OutPatientInfoQuery')).toMatchObject({
        name: '门诊挂号信息查询服务',
        model: 'HL7V3',
        mode: 'sync',
      });
      expect(byCode.get('S0023')).toBeUndefined();
      expect(byCode.get('DiagnosisInfoAdd')).toMatchObject({ mode: 'async', category: '就诊' });
      const revisions = await k
        .selectFrom('config_revisions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('entity_type', '=', 'topic')
        .executeTakeFirstOrThrow();
      expect(Number(revisions.n)).toBeGreaterThanOrEqual(total - 1);
      expect((await ensureServiceTopics(t.hutong.db, 'default')).created).toEqual([]);
      await expect(ensureServiceTopics(t.hutong.db, 'no-such-domain')).rejects.toMatchObject({
        code: 'HT_SERVICE_DOMAIN_NOT_FOUND',
      });
    });
  });
}
