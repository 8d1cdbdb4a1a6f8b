// The console's 试一试 and service activity over HTTP, on an app whose catalogue services are topics of the default
// domain: a try publishes through the real pipeline (stored as an internal message naming the console user, indexed,
// routed to subscribers, answered as a REST caller would be, audited); a refused body comes back as the usual problem
// and is still recorded as rejected; the activity lists the topic, its subscribers with open deliveries and its
// recent messages newest first. Permissions: operators try, read-only users do neither.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, strongPassword, type Json, type TestApp } from '../../test/support/app.js';
import { dialectsUnderTest } from '../../test/support/databases.js';
import { addSubscription, addSystem, Receiver, waitFor } from '../../test/support/engine.js';
import type { EngineTables } from '../engine/tables.js';
import { parseV3 } from '../formats/hl7v3/index.js';
import { getServiceDefinition } from './catalogue/catalogue.js';
import type { ServiceDefinition } from './catalogue/types.js';

const def = (action: string) => getServiceDefinition(action) as ServiceDefinition;
const randomId = (prefix: string) => `${prefix}${Math.random().toString(36).slice(2, 10).toUpperCase()}`;

for (const dialect of dialectsUnderTest()) {
  describe(`service console (try-it, activity) on ${dialect.name}`, () => {
    let t: TestApp;
    let admin: string;
    const subscriber = new Receiver();
    const provider = new Receiver();
    let registerSubscription: string;
    let pausedSubscription: string;
    let subscriberCode: string;
    const k = () => t.hutong.db.kysely.withTables<EngineTables>();
    const topicId = async (code: string) =>
      (await k().selectFrom('topics').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
    const tryIt = (action: string, body: Json, cookie = admin) =>
      t.call('POST', `/api/services/${action}/try`, { cookie, body });
    const activity = (action: string, cookie = admin, query = '') =>
      t.call('GET', `/api/services/${action}/activity${query}`, { cookie });
    const message = (id: string) =>
      k().selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const audits = () =>
      k().selectFrom('audit_log').selectAll().where('action', '=', 'services.try').orderBy('id').execute();

    async function userWithRole(role: string): Promise<string> {
      const roles = await t.call('GET', '/api/system/roles', { cookie: admin });
      const roleId = roles.body.items.find((r: { code: string }) => r.code === role).id as string;
      const username = `${role.slice(0, 2)}${Math.random().toString(36).slice(2, 8)}`;
      const password = strongPassword();
      const created = await t.call('POST', '/api/system/users', {
        cookie: admin,
        body: { username, displayName: role, password, roleIds: [roleId] },
      });
      expect(created.status, created.raw).toBe(201);
      const cookie = await t.login(username, password);
      const change = await t.call('POST', '/api/auth/password', {
        cookie,
        body: { currentPassword: password, newPassword: strongPassword() },
      });
      expect(change.status, change.raw).toBe(204);
      return cookie;
    }

    beforeAll(async () => {
      t = await startTestApp(dialect, { services: { seedTopics: true } });
      admin = await t.adminCookie();
      await subscriber.start();
      await provider.start();
      const sys = await addSystem(t.hutong, { code: randomId('EMR') });
      subscriberCode = sys.code;
      registerSubscription = (
        await addSubscription(t.hutong, await topicId('PatientInfoRegister'), sys.id, { url: subscriber.url })
      ).id;
      pausedSubscription = (
        await addSubscription(t.hutong, await topicId('OrganizationInfoRegister'), sys.id, {
          url: subscriber.url,
          paused: true,
        })
      ).id;
      await addSubscription(t.hutong, await topicId('PatientInfoQuery'), sys.id, { url: provider.url, maxAttempts: 1 });
    }, 120_000);
    afterAll(async () => {
      await subscriber.close();
      await provider.close();
      await t.close();
    });

    it('publishes edited JSON through the pipeline: stored as V3, indexed, routed, answered like a REST caller', async () => {
      const patientId = randomId('P');
      const json = { ...def('PatientInfoRegister').examples.json, patientId, patientPersonName: '试一试' };
      const res = await tryIt('PatientInfoRegister', { format: 'json', body: JSON.stringify(json) });
      expect(res.status, res.raw).toBe(200);
      expect(res.body).toMatchObject({ outcome: 'accepted', statusCode: 202 });
      expect(res.body.contentType).toMatch(/^application\/json/);
      expect(JSON.parse(res.body.reply)).toEqual({ messageId: res.body.messageId, status: 'accepted', routedTo: 1 });

      const row = await message(res.body.messageId);
      expect(row).toMatchObject({
        inbound: 'internal',
        system_id: null,
        patient_id: patientId,
        patient_name: '试一试',
      });
      expect(row.content_type).toMatch(/^application\/xml/);
      expect(JSON.parse(row.headers ?? '{}')).toMatchObject({
        'x-hutong-try-by': 'admin',
        'x-hutong-source-format': 'json',
      });
      expect(parseV3(row.body).interactionId).toBe(def('PatientInfoRegister').request);
      // The subscriber gets the V3 request like any other message of the topic.
      const got = await waitFor(() => subscriber.received.find((r) => r.body.includes(patientId)), 10_000, 'delivery');
      expect(parseV3(got.body).interactionId).toBe(def('PatientInfoRegister').request);
    });

    it("sends the service's example when no body is given, in either form", async () => {
      const v3 = await tryIt('PatientInfoRegister', { format: 'v3' });
      expect(v3.status, v3.raw).toBe(200);
      const v3Row = await message(v3.body.messageId);
      expect(v3Row.body).toBe(def('PatientInfoRegister').examples.v3Request);
      expect(v3Row.content_type).toMatch(/^application\/xml/);
      const v3Headers = JSON.parse(v3Row.headers ?? '{}') as Record<string, string>;
      expect(v3Headers['x-hutong-try-by']).toBe('admin');
      expect(v3Headers['x-hutong-source-format']).toBeUndefined();

      // By S code too; the JSON example is converted to the service's V3 request.
      const json = await tryIt('S0005', { format: 'json' });
      expect(json.status, json.raw).toBe(200);
      const jsonRow = await message(json.body.messageId);
      expect(parseV3(jsonRow.body).interactionId).toBe(def('OrganizationInfoRegister').request);
      expect(jsonRow.topic_id).toBe(await topicId('OrganizationInfoRegister'));
    });

    it('answers a query as a REST caller: the V3 answer as JSON for JSON, as it came for V3', async () => {
      const query = def('PatientInfoQuery');
      provider.respond({ status: 200, body: query.examples.v3Response ?? '' });
      const asJson = await tryIt('PatientInfoQuery', {
        format: 'json',
        body: JSON.stringify({ patientId: 'P0000123' }),
      });
      expect(asJson.status, asJson.raw).toBe(200);
      expect(asJson.body).toMatchObject({ outcome: 'sync', statusCode: 200 });
      expect(asJson.body.contentType).toMatch(/^application\/json/);
      const answer = JSON.parse(asJson.body.reply) as Json;
      expect(answer.ackCode).toBe('AA');
      expect(answer.results[0]).toMatchObject({ patientId: 'P0000123', patientPersonName: '张三' });
      // The provider was called with the V3 request the JSON became.
      expect(parseV3(provider.received.at(-1)?.body ?? '').interactionId).toBe(query.request);

      provider.respond({ status: 200, body: query.examples.v3Response ?? '' });
      const asV3 = await tryIt('PatientInfoQuery', { format: 'v3' });
      expect(asV3.status, asV3.raw).toBe(200);
      expect(asV3.body.reply).toBe(query.examples.v3Response);
      expect((await message(asV3.body.messageId)).inbound).toBe('internal');
    });

    it('answers a refused body with the usual problem, still records it as rejected and audits the failure', async () => {
      const { patientId: _gone, ...json } = def('PatientInfoRegister').examples.json;
      const marker = randomId('NAME');
      const body = JSON.stringify({ ...json, patientPersonName: marker });
      const res = await tryIt('PatientInfoRegister', { format: 'json', body });
      expect(res.status, res.raw).toBe(400);
      expect(res.body.code).toBe('HT_SERVICE_JSON_INVALID');
      expect(res.body.errors.some((e: { path: string }) => e.path === 'patientId')).toBe(true);
      const rejected = await k()
        .selectFrom('messages')
        .selectAll()
        .where('status', '=', 'rejected')
        .where('topic_id', '=', await topicId('PatientInfoRegister'))
        .execute();
      const row = rejected.find((r) => r.body === body);
      expect(row, 'the refused body is recorded').toBeDefined();
      expect(row?.inbound).toBe('internal');
      expect(JSON.parse(row?.headers ?? '{}')).toMatchObject({ 'x-hutong-try-by': 'admin' });

      const broken = await tryIt('PatientInfoRegister', { format: 'v3', body: '<PRPA_IN201311UV02><unclosed>' });
      expect(broken.status, broken.raw).toBe(400);
      expect(typeof broken.body.code).toBe('string');

      const failures = (await audits()).filter((a) => a.outcome === 'failure');
      expect(failures.map((a) => JSON.parse(a.changes ?? '{}').error)).toEqual(
        expect.arrayContaining(['HT_SERVICE_JSON_INVALID', broken.body.code]),
      );
    });

    it('sends the prerequisites first when asked: an update of an unknown record is refused without them', async () => {
      const alone = await tryIt('CheckStatusInfoUpdate', { format: 'json' });
      expect([alone.status, alone.body.code]).toEqual([422, 'HT_CDR_REFERENCE_UNKNOWN']);
      const withThem = await tryIt('CheckStatusInfoUpdate', { format: 'v3', prerequisites: true });
      expect(withThem.status, withThem.raw).toBe(200);
      expect(withThem.body.statusCode).toBe(202);
      expect(withThem.body.prerequisites.map((p: Json) => p.action)).toEqual(['CheckAppInfoAdd']);
      const merge = await tryIt('PatientInfoMerge', { format: 'json', prerequisites: true });
      expect(merge.body.prerequisites.map((p: Json) => p.action)).toEqual([
        'PatientInfoRegister',
        'PatientInfoRegister',
      ]);
    });

    it('refuses bad input: unknown service, unknown format or field, empty body, disabled topic', async () => {
      const unknown = await tryIt('NoSuchService', { format: 'json' });
      expect([unknown.status, unknown.body.code]).toEqual([404, 'HT_SERVICE_NOT_FOUND']);
      const format = await tryIt('PatientInfoRegister', { format: 'hl7v2' });
      expect([format.status, format.body.code]).toEqual([400, 'HT_REQUEST_INVALID']);
      const extra = await tryIt('PatientInfoRegister', { format: 'json', system: 'HIS' });
      expect([extra.status, extra.body.code]).toEqual([400, 'HT_REQUEST_INVALID']);
      const empty = await tryIt('PatientInfoRegister', { format: 'json', body: '' });
      expect([empty.status, empty.body.code]).toEqual([400, 'HT_REQUEST_INVALID']);

      const id = await topicId('TerminologyRegister');
      await k().updateTable('topics').set({ enabled: 0 }).where('id', '=', id).execute();
      await t.hutong.engine.cache.reload();
      const disabled = await tryIt('TerminologyRegister', { format: 'json' });
      expect([disabled.status, disabled.body.code]).toEqual([409, 'HT_ENGINE_TOPIC_DISABLED']);
      const act = await activity('TerminologyRegister');
      expect(act.body.topic).toMatchObject({ code: 'TerminologyRegister', enabled: false });
    });

    it('audits every try with the user, the service and the message', async () => {
      const patientId = randomId('P');
      const json = { ...def('PatientInfoRegister').examples.json, patientId };
      const res = await tryIt('PatientInfoRegister', { format: 'json', body: JSON.stringify(json) });
      expect(res.status, res.raw).toBe(200);
      const entry = (await audits()).find((a) => JSON.parse(a.changes ?? '{}').messageId === res.body.messageId);
      expect(entry).toMatchObject({ username: 'admin', object_type: 'service', object_id: 'PatientInfoRegister' });
      expect(entry?.outcome).toBe('success');
      expect(JSON.parse(entry?.changes ?? '{}')).toMatchObject({ format: 'json', example: false, outcome: 'accepted' });
      expect(entry?.summary).toContain('PatientInfoRegister');
    });

    it('lists the topic, its subscribers with open deliveries, and its recent messages newest first', async () => {
      // Two messages to the paused subscription stay open.
      const before = (await activity('OrganizationInfoRegister')).body.subscriptions[0].pending as number;
      const first = await tryIt('OrganizationInfoRegister', { format: 'json' });
      expect(first.status, first.raw).toBe(200);
      const second = await tryIt('OrganizationInfoRegister', { format: 'v3' });
      expect(second.status, second.raw).toBe(200);

      const res = await activity('OrganizationInfoRegister');
      expect(res.status, res.raw).toBe(200);
      expect(res.body.topic).toEqual({
        id: await topicId('OrganizationInfoRegister'),
        code: 'OrganizationInfoRegister',
        domainId: expect.any(String),
        domainCode: 'default',
        mode: 'async',
        enabled: true,
      });
      expect(res.body.subscriptions).toEqual([
        expect.objectContaining({
          id: pausedSubscription,
          subscriberCode,
          subscriberName: `${subscriberCode} 系统`,
          enabled: true,
          paused: true,
          adapter: 'http',
          pending: before + 2,
        }),
      ]);
      const recent = res.body.recent as Json[];
      expect(recent.slice(0, 2).map((m) => m.id)).toEqual([second.body.messageId, first.body.messageId]);
      expect(recent[0]).toMatchObject({ status: 'pending', inbound: 'internal', system: null });
      const times = recent.map((m) => m.receivedAt as string);
      expect([...times].sort().reverse()).toEqual(times);

      // Index fields of the recent messages; the limit is honoured.
      const register = await activity('PatientInfoRegister', admin, '?limit=2');
      expect(register.body.recent).toHaveLength(2);
      expect(register.body.recent[0].patientId).toEqual(expect.any(String));
      expect(register.body.subscriptions.map((s: Json) => s.id)).toEqual([registerSubscription]);
      expect((await activity('PatientInfoRegister', admin, '?limit=0')).status).toBe(400);
    });

    it('says so when the default domain has no topic for the service', async () => {
      const id = await topicId('TerminologyMappingRegister');
      await k().deleteFrom('topics').where('id', '=', id).execute();
      await t.hutong.engine.cache.reload();
      const res = await activity('TerminologyMappingRegister');
      expect(res.status, res.raw).toBe(200);
      expect(res.body).toMatchObject({ topic: null, subscriptions: [], recent: [] });
      const tried = await tryIt('TerminologyMappingRegister', { format: 'json' });
      expect([tried.status, tried.body.code]).toEqual([404, 'HT_ENGINE_TOPIC_NOT_FOUND']);
      expect((await activity('NoSuchService')).status).toBe(404);
    });

    it('lets operators try and read activity; read-only users and anonymous callers do neither', async () => {
      const operator = await userWithRole('operator');
      const patientId = randomId('P');
      const json = { ...def('PatientInfoRegister').examples.json, patientId };
      const tried = await tryIt('PatientInfoRegister', { format: 'json', body: JSON.stringify(json) }, operator);
      expect(tried.status, tried.raw).toBe(200);
      expect((await activity('PatientInfoRegister', operator)).status).toBe(200);

      const readonly = await userWithRole('readonly');
      const refused = await tryIt('PatientInfoRegister', { format: 'json' }, readonly);
      expect([refused.status, refused.body.code]).toEqual([403, 'HT_AUTH_FORBIDDEN']);
      // It reads the catalogue but not messages.
      expect((await t.call('GET', '/api/services/PatientInfoRegister', { cookie: readonly })).status).toBe(200);
      const noMessages = await activity('PatientInfoRegister', readonly);
      expect([noMessages.status, noMessages.body.code]).toEqual([403, 'HT_AUTH_FORBIDDEN']);

      expect((await t.call('POST', '/api/services/PatientInfoRegister/try', { body: { format: 'json' } })).status).toBe(
        401,
      );
      expect((await t.call('GET', '/api/services/PatientInfoRegister/activity')).status).toBe(401);
    });
  });
}
