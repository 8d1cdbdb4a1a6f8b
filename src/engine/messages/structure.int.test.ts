// GET /api/engine/messages/:id/structure through the app's own routes, on SQLite and (when configured) PostgreSQL:
// an HL7 v2 corpus message published to an HL7V2 topic, a national V3 test case on an HL7V3 topic, a rejected
// message whose body does not parse, a registered XML model, and who may read it (it is audited like the detail).
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, strongPassword, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import { addSystem, addTopic } from '../../../test/support/engine.js';
import type { HtError } from '../../platform/errors/index.js';
import { newId } from '../../platform/ids/index.js';
import type { EngineTables } from '../tables.js';

const corpus = new URL('../../../../shared/corpus/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, corpus), 'utf8');
const V3_QUERY = `hl7v3/testcases/${readdirSync(new URL('hl7v3/testcases/', corpus)).find((f) => f.startsWith('EMR-PL-04'))!}`;

for (const dialect of dialectsUnderTest()) {
  describe(`message structure on ${dialect.name}`, () => {
    let t: TestApp;
    let adminCookie: string;
    let sender: { id: string; code: string; secret: string };

    beforeEach(async () => {
      t = await startTestApp(dialect);
      adminCookie = await t.adminCookie();
      sender = await addSystem(t.hutong, { code: 'HIS' });
    });
    afterEach(async () => {
      await t.close();
    });

    const k = () => t.hutong.db.kysely.withTables<EngineTables>();

    /** Publishes through the pipeline; a refused body is still stored (rejected) and its id returned. */
    async function publish(model: string, body: string, contentType: string): Promise<string> {
      const topic = await addTopic(t.hutong, { model });
      try {
        const r = await t.hutong.engine.pipeline.ingest({
          domainCode: 'default',
          topicCode: topic.code,
          system: t.hutong.engine.cache.systemById(sender.id) ?? null,
          body,
          contentType,
          inbound: 'rest',
        });
        return r.messageId;
      } catch (error) {
        expect((error as HtError).code).toBe('HT_ENGINE_BODY_INVALID');
        // The rejected row was committed before the error reached us.
        const row = await k()
          .selectFrom('messages')
          .select('id')
          .where('topic_id', '=', topic.id)
          .executeTakeFirstOrThrow();
        return row.id;
      }
    }

    const structure = (id: string, cookie = adminCookie) =>
      t.call('GET', `/api/engine/messages/${id}/structure`, { cookie });

    it('shows an HL7 v2 corpus message as segments and named fields, with the parser’s warnings', async () => {
      const id = await publish('HL7V2', read('hl7v2/fhir-converter/ADT-A01-01.hl7'), 'x-application/hl7-v2+er7');
      const r = await structure(id);
      expect(r.status, r.raw).toBe(200);
      expect(r.body).toMatchObject({ format: 'hl7v2', version: '2.8', messageType: 'ADT^A01^ADT_A01' });
      const pid = r.body.segments.find((s: { segment: string }) => s.segment === 'PID');
      expect(pid).toMatchObject({ index: 1, nameZh: '患者标识' });
      const pid5 = pid.rows.find((row: { path: string }) => row.path === 'PID-5');
      expect(pid5).toMatchObject({ field: 5, name: 'Patient Name', nameZh: '患者姓名' });
      expect(pid5.repetitions[0][1]).toBe('ADAM');
      // The corpus file uses LF: stored at ingest as a warning, shown once.
      const lf = r.body.warnings.filter((w: string) => w.includes('LF instead of CR'));
      expect(lf).toHaveLength(1);
    });

    it('shows a national V3 test case as an element tree', async () => {
      const id = await publish('HL7V3', read(V3_QUERY), 'application/xml');
      const r = await structure(id);
      expect(r.status, r.raw).toBe(200);
      expect(r.body).toMatchObject({ format: 'xml', truncated: false, warnings: [] });
      expect(r.body.root).toMatchObject({ name: 'PRPA_IN201305UV02', ns: 'urn:hl7-org:v3' });
      expect(r.body.root.children[0]).toMatchObject({
        name: 'id',
        attributes: [
          { name: 'root', value: '2.16.156.10011.2.5.1.1' },
          { name: 'extension', value: '22a0f9e0-4454-11dc-a6be-3603d6866807' },
        ],
        children: [],
      });
      expect(r.body.nodeCount).toBeGreaterThan(30);
    });

    it('answers a body that does not parse as text with the parse error, not a 500', async () => {
      const id = await publish('HL7V2', 'PID|1||P1\rnot a message', 'text/plain');
      const stored = await k().selectFrom('messages').select('status').where('id', '=', id).executeTakeFirstOrThrow();
      expect(stored.status).toBe('rejected');
      const r = await structure(id);
      expect(r.status, r.raw).toBe(200);
      expect(r.body.format).toBe('text');
      expect(r.body.warnings.join('\n')).toContain('HL7V2_NO_MSH');

      const xml = await publish('TEXT', '<a><b></a>', 'application/xml');
      const broken = await structure(xml);
      expect(broken.body).toMatchObject({ format: 'text' });
      expect(broken.body.warnings[0]).toContain('XML_MALFORMED');
    });

    it('follows a registered model’s kind, and plain JSON stays JSON', async () => {
      const created = await t.call('POST', '/api/engine/models', {
        cookie: adminCookie,
        body: { code: 'LabReportXml', name: '检验报告', kind: 'XML' },
      });
      expect(created.status, created.raw).toBe(201);
      const id = await publish('LabReportXml', '<report><item code="WBC">5.6</item></report>', 'text/plain');
      const r = await structure(id);
      expect(r.body).toMatchObject({
        format: 'xml',
        root: {
          name: 'report',
          children: [{ name: 'item', text: '5.6', attributes: [{ name: 'code', value: 'WBC' }] }],
        },
      });
      const json = await publish('JSON', '{"patientId":"P1"}', 'application/json');
      expect((await structure(json)).body).toEqual({ format: 'json', warnings: [] });
    });

    it('needs engine.message.read, is audited like the detail, and 404s an unknown message', async () => {
      const id = await publish('HL7V2', read('hl7v2/fhir-converter/ADT-A01-01.hl7'), 'text/plain');
      expect((await t.call('GET', `/api/engine/messages/${id}/structure`)).status).toBe(401);

      const roles = await t.call('GET', '/api/system/roles', { cookie: adminCookie });
      const roleId = (code: string) => roles.body.items.find((r: { code: string }) => r.code === code).id as string;
      async function signIn(role: string): Promise<string> {
        const username = `u${Math.random().toString(36).slice(2, 9)}`;
        const password = strongPassword();
        const created = await t.call('POST', '/api/system/users', {
          cookie: adminCookie,
          body: { username, displayName: '测试', password, roleIds: [roleId(role)] },
        });
        expect(created.status, created.raw).toBe(201);
        const cookie = await t.login(username, password);
        await t.call('POST', '/api/auth/password', {
          cookie,
          body: { currentPassword: password, newPassword: strongPassword() },
        });
        return cookie;
      }
      const readonly = await signIn('readonly');
      const denied = await structure(id, readonly);
      expect(denied.status).toBe(403);
      const operator = await signIn('operator');
      expect((await structure(id, operator)).status).toBe(200);

      const views = await k()
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'engine.message.view')
        .where('object_id', '=', id)
        .execute();
      expect(views).toHaveLength(1);
      expect(views[0]).toMatchObject({ object_type: 'message', outcome: 'success' });
      expect(views[0]!.summary).toContain('查看消息结构');
      expect(JSON.parse(views[0]!.changes ?? '{}')).toMatchObject({ patientId: 'PATID1234', view: 'structure' });

      // Its own validator still answers bad input with the platform's problem, and the routes beside it still
      // refuse unknown query fields (a shared schema must not change their validator).
      const tooLong = await structure('x'.repeat(65));
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.code).toBe('HT_REQUEST_INVALID');
      const unknownField = await t.call('GET', '/api/engine/messages?patient=P1', { cookie: adminCookie });
      expect(unknownField.status).toBe(400);

      const missing = await structure(newId());
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('HT_ENGINE_MESSAGE_NOT_FOUND');
    });
  });
}
