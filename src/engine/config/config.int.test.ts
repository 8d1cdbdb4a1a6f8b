// The engine's configuration API end to end over HTTP, on SQLite and (when configured) PostgreSQL: domains, systems,
// topics, subscriptions, the adapter catalogue, revisions with rollback, export/import, permissions and audit.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startTestApp, strongPassword, type Json, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import { systemContext } from '../../platform/auth/context.js';
import { now } from '../../platform/db/index.js';
import { hashSecret, newId } from '../../platform/ids/index.js';
import { EP } from '../permissions.js';
import type { EngineTables } from '../tables.js';
import { ConfigService } from './service.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const HOOK = { url: 'http://127.0.0.1:9/hook' };

for (const dialect of dialectsUnderTest()) {
  describe(`engine configuration API on ${dialect.name}`, () => {
    let t: TestApp;
    let admin: string;
    let defaultDomain: string;

    beforeEach(async () => {
      t = await startTestApp(dialect);
      admin = await t.adminCookie();
      const domains = await api('GET', '/api/engine/domains');
      defaultDomain = domains.body.items.find((d: { code: string }) => d.code === 'default').id;
    });
    afterEach(async () => {
      await t.close();
    });

    const k = () => t.hutong.db.kysely.withTables<EngineTables>();
    const api = (method: Method, url: string, body?: unknown, cookie: string | undefined = admin) =>
      t.call(method, url, { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { body }) });

    async function created(method: Method, url: string, body: unknown): Promise<Json> {
      const res = await api(method, url, body);
      expect(res.status, res.raw).toBe(201);
      return res.body;
    }
    const makeDomain = async (code: string) => (await created('POST', '/api/engine/domains', { code, name: code })).id;
    const makeSystem = async (domainId: string, code: string, extra: Record<string, unknown> = {}) => {
      const body = await created('POST', '/api/engine/systems', { domainId, code, name: `${code} 系统`, ...extra });
      return { id: body.system.id as string, secret: body.secret as string };
    };
    const makeTopic = async (domainId: string, code: string, extra: Record<string, unknown> = {}) =>
      (await created('POST', '/api/engine/topics', { domainId, code, name: `${code} 主题`, ...extra })).id as string;
    const makeSubscription = async (topicId: string, systemId: string, extra: Record<string, unknown> = {}) =>
      (
        await created('POST', '/api/engine/subscriptions', {
          topicId,
          systemId,
          name: 'push',
          adapter: 'http',
          adapterConfig: HOOK,
          ...extra,
        })
      ).id as string;
    const revisionsOf = async (entityId: string) =>
      (await api('GET', `/api/engine/revisions?entityId=${entityId}`)).body.items as Json[];
    const expectError = (res: { status: number; body: Json; raw: string }, status: number, code: string) => {
      expect(res.status, res.raw).toBe(status);
      expect(res.body.code, res.raw).toBe(code);
    };

    async function readonlyUser(): Promise<string> {
      const roles = await api('GET', '/api/system/roles');
      const readonly = roles.body.items.find((r: { code: string }) => r.code === 'readonly').id;
      const username = `ro${Math.random().toString(36).slice(2, 8)}`;
      const password = strongPassword();
      const user = await api('POST', '/api/system/users', {
        username,
        displayName: '只读',
        password,
        roleIds: [readonly],
      });
      expect(user.status, user.raw).toBe(201);
      const cookie = await t.login(username, password);
      const change = await t.call('POST', '/api/auth/password', {
        cookie,
        body: { currentPassword: password, newPassword: strongPassword() },
      });
      expect(change.status, change.raw).toBe(204);
      return cookie;
    }

    // ---- domains ---------------------------------------------------------------------------------------------------

    it('creates, reads, updates and deletes domains, with counts and validation', async () => {
      const res = await api('POST', '/api/engine/domains', { code: 'lab', name: '检验域', retentionDays: 90 });
      expect(res.status, res.raw).toBe(201);
      expect(res.body).toMatchObject({
        code: 'lab',
        name: '检验域',
        description: null,
        enabled: true,
        retentionDays: 90,
        topicCount: 0,
        systemCount: 0,
        subscriptionCount: 0,
      });
      const id = res.body.id as string;

      expectError(await api('POST', '/api/engine/domains', { code: 'lab', name: 'again' }), 409, 'HT_ENGINE_CONFLICT');
      expectError(await api('POST', '/api/engine/domains', { code: 'bad code', name: 'x' }), 400, 'HT_REQUEST_INVALID');
      const unknownField = await api('POST', '/api/engine/domains', { code: 'x1', name: 'x', colour: 'red' });
      expectError(unknownField, 400, 'HT_REQUEST_INVALID');
      expect(unknownField.body.errors[0].path).toBe('body/colour');
      expectError(await api('GET', `/api/engine/domains/${newId()}`), 404, 'HT_ENGINE_DOMAIN_NOT_FOUND');

      const patched = await api('PATCH', `/api/engine/domains/${id}`, { description: '检验科', enabled: false });
      expect(patched.status, patched.raw).toBe(200);
      expect(patched.body.description).toBe('检验科');
      expect(patched.body.enabled).toBe(false);
      expect(t.hutong.engine.cache.domainById(id)?.enabled).toBe(false);
      expectError(await api('PATCH', `/api/engine/domains/${id}`, { code: 'default' }), 409, 'HT_ENGINE_CONFLICT');

      const system = await makeSystem(id, 'LIS');
      const topic = await makeTopic(id, 'ORU_R01');
      await makeSubscription(topic, system.id);
      const detail = await api('GET', `/api/engine/domains/${id}`);
      expect(detail.body).toMatchObject({ topicCount: 1, systemCount: 1, subscriptionCount: 1 });
      const list = await api('GET', '/api/engine/domains');
      expect(list.body.items.map((d: { code: string }) => d.code)).toEqual(['default', 'lab']);

      expectError(await api('DELETE', `/api/engine/domains/${id}`), 409, 'HT_ENGINE_IN_USE');
      const empty = await makeDomain('empty');
      expect((await api('DELETE', `/api/engine/domains/${empty}`)).status).toBe(204);
      expect(t.hutong.engine.cache.domainById(empty)).toBeUndefined();
    });

    // ---- systems ---------------------------------------------------------------------------------------------------

    it('shows a new system’s secret once, stores only its hash, and rotates it', async () => {
      const res = await api('POST', '/api/engine/systems', { domainId: defaultDomain, code: 'HIS', name: 'HIS 系统' });
      expect(res.status, res.raw).toBe(201);
      const { system, secret } = res.body;
      expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(system).toMatchObject({
        code: 'HIS',
        authType: 'token',
        authUsername: null,
        hasSecret: true,
        enabled: true,
        ipAllowlist: ['127.0.0.1', '::1'],
      });
      const row = await k().selectFrom('systems').selectAll().where('id', '=', system.id).executeTakeFirstOrThrow();
      expect(row.secret_hash).toBe(hashSecret(secret));

      const detail = await api('GET', `/api/engine/systems/${system.id}`);
      expect(detail.raw).not.toContain(secret);
      expect(detail.raw).not.toContain(hashSecret(secret));
      expect(detail.body.secret).toBeUndefined();

      // The engine knows the system at once: it can publish with that secret.
      await makeTopic(defaultDomain, 'ADT_A01');
      const publish = (s: string) =>
        t.call('POST', '/api/hip/default/ADT_A01', {
          body: JSON.stringify({ patientId: 'P1' }),
          headers: { authorization: `Bearer ${s}`, 'content-type': 'application/json' },
        });
      expect((await publish(secret)).status).toBe(202);

      const rotated = await api('POST', `/api/engine/systems/${system.id}/rotate-secret`);
      expect(rotated.status, rotated.raw).toBe(200);
      expect(rotated.body.secret).not.toBe(secret);
      expectError(await publish(secret), 401, 'HT_ENGINE_SYSTEM_UNAUTHENTICATED');
      expect((await publish(rotated.body.secret)).status).toBe(202);

      // Revisions keep the system without its secret hash.
      const revisions = await revisionsOf(system.id);
      expect(revisions.map((r) => r.action)).toEqual(['update', 'create']);
      expect(revisions[1].after.hasSecret).toBe(true);
      const stored = await k().selectFrom('config_revisions').selectAll().execute();
      const text = JSON.stringify(stored);
      expect(text).not.toContain(hashSecret(secret));
      expect(text).not.toContain(hashSecret(rotated.body.secret));
      expect(text).not.toContain('secret_hash');
      expect(text).not.toContain(secret);
    });

    it('validates systems: allowlist entries, codes, domains; filters and pages the list', async () => {
      const bad = await api('POST', '/api/engine/systems', {
        domainId: defaultDomain,
        code: 'RIS',
        name: 'RIS',
        ipAllowlist: ['10.0.0.0/8', '999.1.1.1', 'not-an-ip'],
      });
      expectError(bad, 400, 'HT_ENGINE_ALLOWLIST_INVALID');
      expect(bad.body.message).toContain('999.1.1.1');
      expect(bad.body.message).toContain('not-an-ip');
      expect(bad.body.message).not.toContain('10.0.0.0/8');
      expectError(
        await api('POST', '/api/engine/systems', { domainId: newId(), code: 'RIS', name: 'RIS' }),
        404,
        'HT_ENGINE_DOMAIN_NOT_FOUND',
      );
      expectError(
        await api('POST', '/api/engine/systems', { domainId: defaultDomain, code: 'R I S', name: 'RIS' }),
        400,
        'HT_REQUEST_INVALID',
      );

      const ris = await makeSystem(defaultDomain, 'RIS', { vendor: '东软', ipAllowlist: ['10.0.0.0/8'] });
      expectError(
        await api('POST', '/api/engine/systems', { domainId: defaultDomain, code: 'RIS', name: 'x' }),
        409,
        'HT_ENGINE_CONFLICT',
      );
      await makeSystem(defaultDomain, 'PACS', { authType: 'basic', authUsername: 'pacs', enabled: false });
      await makeSystem(defaultDomain, 'EMR');
      const other = await makeDomain('other');
      await makeSystem(other, 'RIS');

      const all = await api('GET', `/api/engine/systems?domainId=${defaultDomain}&pageSize=2`);
      expect(all.body.total).toBe(3);
      expect(all.body.items.map((s: { code: string }) => s.code)).toEqual(['EMR', 'PACS']);
      const page2 = await api('GET', `/api/engine/systems?domainId=${defaultDomain}&pageSize=2&page=2`);
      expect(page2.body.items.map((s: { code: string }) => s.code)).toEqual(['RIS']);
      const disabled = await api('GET', '/api/engine/systems?enabled=false');
      expect(disabled.body.items.map((s: { code: string }) => s.code)).toEqual(['PACS']);
      expect(disabled.body.items[0]).toMatchObject({ authType: 'basic', authUsername: 'pacs' });
      const byVendor = await api('GET', `/api/engine/systems?q=${encodeURIComponent('东软')}`);
      expect(byVendor.body.items.map((s: { id: string }) => s.id)).toEqual([ris.id]);
      expectError(await api('GET', '/api/engine/systems?pageSize=500'), 400, 'HT_REQUEST_INVALID');

      const patched = await api('PATCH', `/api/engine/systems/${ris.id}`, {
        ipAllowlist: ['192.168.1.0/24', '::1'],
        contact: '王工 13800000000',
      });
      expect(patched.status, patched.raw).toBe(200);
      expect(patched.body.ipAllowlist).toEqual(['192.168.1.0/24', '::1']);
      expect(t.hutong.engine.cache.systemById(ris.id)?.ipAllowlist).toEqual(['192.168.1.0/24', '::1']);
      expectError(
        await api('PATCH', `/api/engine/systems/${ris.id}`, { ipAllowlist: ['300.0.0.0/8'] }),
        400,
        'HT_ENGINE_ALLOWLIST_INVALID',
      );
      expectError(await api('PATCH', `/api/engine/systems/${ris.id}`, { code: 'EMR' }), 409, 'HT_ENGINE_CONFLICT');
      expectError(await api('GET', `/api/engine/systems/${newId()}`), 404, 'HT_ENGINE_NOT_FOUND');
    });

    it('refuses to delete a system that has subscriptions or publishes a topic', async () => {
      const his = await makeSystem(defaultDomain, 'HIS');
      const lis = await makeSystem(defaultDomain, 'LIS');
      const topic = await makeTopic(defaultDomain, 'ORM_O01', { publisherIds: [his.id] });
      const sub = await makeSubscription(topic, lis.id);
      expectError(await api('DELETE', `/api/engine/systems/${lis.id}`), 409, 'HT_ENGINE_IN_USE');
      const publisher = await api('DELETE', `/api/engine/systems/${his.id}`);
      expectError(publisher, 409, 'HT_ENGINE_IN_USE');
      expect(publisher.body.message).toContain('ORM_O01');
      expect((await api('DELETE', `/api/engine/subscriptions/${sub}`)).status).toBe(204);
      expect((await api('DELETE', `/api/engine/systems/${lis.id}`)).status).toBe(204);
      expect(t.hutong.engine.cache.systemById(lis.id)).toBeUndefined();
    });

    // ---- topics ----------------------------------------------------------------------------------------------------

    it('creates and updates topics: models, publishers of the same domain, index fields, filters', async () => {
      const his = await makeSystem(defaultDomain, 'HIS');
      const res = await api('POST', '/api/engine/topics', {
        domainId: defaultDomain,
        code: 'ADT_A01',
        name: '患者入院',
        category: '患者管理',
        model: 'hl7v2',
        indexFields: { patientId: 'PID-3.1', patientName: 'PID-5' },
        publisherIds: [his.id],
      });
      expect(res.status, res.raw).toBe(201);
      expect(res.body).toMatchObject({
        code: 'ADT_A01',
        model: 'HL7V2',
        mode: 'async',
        validate: false,
        enabled: true,
        indexFields: { patientId: 'PID-3.1', patientName: 'PID-5' },
        publisherIds: [his.id],
        subscriptionCount: 0,
      });
      const topicId = res.body.id as string;
      expect([...(t.hutong.engine.cache.topicById(topicId)?.publishers ?? [])]).toEqual([his.id]);

      // A custom model must be registered first; the topic then takes its registered spelling.
      await created('POST', '/api/engine/models', { code: 'LabResultModel', name: '检验结果', kind: 'JSON' });
      const custom = await makeTopic(defaultDomain, 'lab.result-v2', { model: 'labresultmodel', mode: 'sync' });
      const customTopic = await api('GET', `/api/engine/topics/${custom}`);
      expect(customTopic.body).toMatchObject({ model: 'LabResultModel', mode: 'sync', category: null });

      expectError(
        await api('POST', '/api/engine/topics', { domainId: defaultDomain, code: 'bad code!', name: 'x' }),
        400,
        'HT_REQUEST_INVALID',
      );
      expectError(
        await api('POST', '/api/engine/topics', { domainId: defaultDomain, code: 'ADT_A01', name: 'x' }),
        409,
        'HT_ENGINE_CONFLICT',
      );
      expectError(
        await api('POST', '/api/engine/topics', { domainId: newId(), code: 'X', name: 'x' }),
        404,
        'HT_ENGINE_DOMAIN_NOT_FOUND',
      );
      const other = await makeDomain('other');
      const foreign = await makeSystem(other, 'FOREIGN');
      expectError(
        await api('POST', '/api/engine/topics', {
          domainId: defaultDomain,
          code: 'X',
          name: 'x',
          publisherIds: [foreign.id],
        }),
        400,
        'HT_ENGINE_CROSS_DOMAIN',
      );
      expectError(
        await api('PATCH', `/api/engine/topics/${topicId}`, { publisherIds: [newId()] }),
        404,
        'HT_ENGINE_NOT_FOUND',
      );

      const patched = await api('PATCH', `/api/engine/topics/${topicId}`, {
        name: '患者入院登记',
        publisherIds: [],
        validate: true,
        category: null,
      });
      expect(patched.status, patched.raw).toBe(200);
      expect(patched.body).toMatchObject({ name: '患者入院登记', publisherIds: [], validate: true, category: null });
      expect(patched.body.indexFields).toEqual({ patientId: 'PID-3.1', patientName: 'PID-5' });

      await makeTopic(defaultDomain, 'ORU_R01', { category: '检验' });
      const byCategory = await api('GET', `/api/engine/topics?category=${encodeURIComponent('检验')}`);
      expect(byCategory.body.items.map((x: { code: string }) => x.code)).toEqual(['ORU_R01']);
      const byText = await api('GET', '/api/engine/topics?q=adt');
      expect(byText.body.items.map((x: { code: string }) => x.code)).toEqual(['ADT_A01']);
      const byDomain = await api('GET', `/api/engine/topics?domainId=${other}`);
      expect(byDomain.body.total).toBe(0);
    });

    it('refuses to delete a topic while subscriptions exist', async () => {
      const lis = await makeSystem(defaultDomain, 'LIS');
      const topic = await makeTopic(defaultDomain, 'ORU_R01');
      const sub = await makeSubscription(topic, lis.id);
      expect((await api('GET', `/api/engine/topics/${topic}`)).body.subscriptionCount).toBe(1);
      expectError(await api('DELETE', `/api/engine/topics/${topic}`), 409, 'HT_ENGINE_IN_USE');
      await api('DELETE', `/api/engine/subscriptions/${sub}`);
      expect((await api('DELETE', `/api/engine/topics/${topic}`)).status).toBe(204);
      expectError(await api('GET', `/api/engine/topics/${topic}`), 404, 'HT_ENGINE_TOPIC_NOT_FOUND');
    });

    // ---- references: a topic's model, a subscription's named transform -----------------------------------------------

    it('refuses a topic model that is not registered, in either language, and a rollback back to one', async () => {
      const body = { domainId: defaultDomain, code: 'LabResult', name: '检验结果', model: 'LabResultJson' };
      const en = await t.call('POST', '/api/engine/topics', {
        cookie: admin,
        headers: { 'accept-language': 'en' },
        body,
      });
      expectError(en, 400, 'HT_ENGINE_MODEL_UNKNOWN');
      expect(en.body.message).toBe('Message model not found: LabResultJson (register it under Message models first)');
      const zh = await api('POST', '/api/engine/topics', body);
      expectError(zh, 400, 'HT_ENGINE_MODEL_UNKNOWN');
      expect(zh.body.message).toBe('消息模型不存在：LabResultJson（请先在「消息模型」中登记）');
      expect((await api('GET', `/api/engine/topics?domainId=${defaultDomain}`)).body.total).toBe(0);

      const topic = await makeTopic(defaultDomain, 'LabResult');
      expectError(
        await api('PATCH', `/api/engine/topics/${topic}`, { model: 'LabResultJson' }),
        400,
        'HT_ENGINE_MODEL_UNKNOWN',
      );
      expect((await api('GET', `/api/engine/topics/${topic}`)).body.model).toBe('JSON');
      await created('POST', '/api/engine/models', { code: 'LabResultJson', name: '检验结果 JSON', kind: 'JSON' });
      const moved = await api('PATCH', `/api/engine/topics/${topic}`, { model: 'labresultjson' });
      expect(moved.status, moved.raw).toBe(200);
      expect(moved.body.model).toBe('LabResultJson');
      expect(t.hutong.engine.cache.topicById(topic)?.model).toBe('LabResultJson');

      // Back to JSON, the model deleted: rolling the move to JSON back would name a model that is gone.
      await api('PATCH', `/api/engine/topics/${topic}`, { model: 'JSON' });
      expect((await api('DELETE', '/api/engine/models/LabResultJson')).status).toBe(204);
      const [toJson] = await revisionsOf(topic);
      const refused = await api('POST', `/api/engine/revisions/${toJson.id}/rollback`);
      expectError(refused, 409, 'HT_ENGINE_REVISION_NOT_REVERTIBLE');
      expect(refused.body.message).toContain('LabResultJson');
      // Changing something else of a topic never trips over its model.
      expect((await api('PATCH', `/api/engine/topics/${topic}`, { name: '检验结果（新）' })).status).toBe(200);
    });

    it("refuses a subscription's transformRef that names no transform of its domain, and a rollback to one", async () => {
      const lis = await makeSystem(defaultDomain, 'LIS');
      const topic = await makeTopic(defaultDomain, 'LabResult');
      const body = { topicId: topic, systemId: lis.id, name: 'push', adapter: 'http', adapterConfig: HOOK };
      const en = await t.call('POST', '/api/engine/subscriptions', {
        cookie: admin,
        headers: { 'accept-language': 'en' },
        body: { ...body, transformRef: 'to-lis' },
      });
      expectError(en, 400, 'HT_ENGINE_TRANSFORM_REF_UNKNOWN');
      expect(en.body.message).toBe("Domain default has no named transform to-lis (the subscription's transformRef)");
      // A transform of the same code in another domain does not count.
      const other = await makeDomain('other');
      await created('POST', '/api/engine/transforms', { domainId: other, code: 'to-lis', name: 'x', expression: '$' });
      const zh = await api('POST', '/api/engine/subscriptions', { ...body, transformRef: 'to-lis' });
      expectError(zh, 400, 'HT_ENGINE_TRANSFORM_REF_UNKNOWN');
      expect(zh.body.message).toBe('域 default 中没有命名转换 to-lis（订阅的 transformRef）');

      const transform = await created('POST', '/api/engine/transforms', {
        domainId: defaultDomain,
        code: 'to-lis',
        name: '转 LIS',
        expression: '{"id": patientId}',
      });
      const sub = await makeSubscription(topic, lis.id, { transformRef: 'to-lis' });
      expectError(
        await api('PATCH', `/api/engine/subscriptions/${sub}`, { transformRef: 'nope' }),
        400,
        'HT_ENGINE_TRANSFORM_REF_UNKNOWN',
      );
      expect((await api('GET', `/api/engine/subscriptions/${sub}`)).body.transformRef).toBe('to-lis');

      // The reference dropped, the transform deleted: rolling the drop back would name a transform that is gone.
      expect((await api('PATCH', `/api/engine/subscriptions/${sub}`, { transformRef: null })).status).toBe(200);
      expect((await api('DELETE', `/api/engine/transforms/${transform.id}`)).status).toBe(204);
      const [dropped] = await revisionsOf(sub);
      const refused = await api('POST', `/api/engine/revisions/${dropped.id}/rollback`);
      expectError(refused, 409, 'HT_ENGINE_REVISION_NOT_REVERTIBLE');
      expect(refused.body.message).toContain('to-lis');
    });

    // ---- subscriptions ---------------------------------------------------------------------------------------------

    it('creates subscriptions with defaults and checks adapter configs, expressions and domains', async () => {
      const lis = await makeSystem(defaultDomain, 'LIS');
      const topic = await makeTopic(defaultDomain, 'ORU_R01');
      const res = await api('POST', '/api/engine/subscriptions', {
        topicId: topic,
        systemId: lis.id,
        name: '检验结果推送',
        adapter: 'http',
        adapterConfig: { url: 'https://lis.example/hook', headers: { 'x-key': 'v' } },
        filter: 'patient.age >= 18',
      });
      expect(res.status, res.raw).toBe(201);
      expect(res.body).toMatchObject({
        domainId: defaultDomain,
        topicId: topic,
        systemId: lis.id,
        adapter: 'http',
        adapterConfig: { url: 'https://lis.example/hook', headers: { 'x-key': 'v' } },
        filter: 'patient.age >= 18',
        transform: null,
        transformRef: null,
        maxAttempts: 10,
        backoffInitialMs: 1000,
        backoffMaxMs: 300000,
        ordering: 'parallel',
        workers: 4,
        paused: false,
        enabled: true,
      });
      const subId = res.body.id as string;
      expect(t.hutong.engine.cache.subscription(subId)?.filter).toBe('patient.age >= 18');

      const base = { topicId: topic, systemId: lis.id, name: 'x', adapter: 'http', adapterConfig: HOOK };
      expectError(
        await api('POST', '/api/engine/subscriptions', { ...base, adapterConfig: { url: 'ftp://nope' } }),
        400,
        'HT_ENGINE_ADAPTER_CONFIG_INVALID',
      );
      expectError(
        await api('POST', '/api/engine/subscriptions', { ...base, adapter: 'carrier-pigeon' }),
        400,
        'HT_ENGINE_ADAPTER_UNKNOWN',
      );
      const badFilter = await api('POST', '/api/engine/subscriptions', { ...base, filter: 'patient.age >= ' });
      expectError(badFilter, 400, 'HT_ENGINE_EXPRESSION_INVALID');
      expect(badFilter.body.message).toContain('filter');
      expectError(
        await api('POST', '/api/engine/subscriptions', { ...base, transform: '{ "a": }' }),
        400,
        'HT_ENGINE_EXPRESSION_INVALID',
      );
      expectError(await api('POST', '/api/engine/subscriptions', { ...base, workers: 65 }), 400, 'HT_REQUEST_INVALID');
      expectError(
        await api('POST', '/api/engine/subscriptions', { ...base, backoffInitialMs: 60_000, backoffMaxMs: 1000 }),
        400,
        'HT_REQUEST_INVALID',
      );
      expectError(
        await api('POST', '/api/engine/subscriptions', { ...base, topicId: newId() }),
        404,
        'HT_ENGINE_TOPIC_NOT_FOUND',
      );
      const other = await makeDomain('other');
      const foreign = await makeSystem(other, 'FOREIGN');
      expectError(
        await api('POST', '/api/engine/subscriptions', { ...base, systemId: foreign.id }),
        400,
        'HT_ENGINE_CROSS_DOMAIN',
      );

      const patched = await api('PATCH', `/api/engine/subscriptions/${subId}`, {
        ordering: 'fifo',
        workers: 1,
        filter: null,
        transform: '{ "id": patientId }',
      });
      expect(patched.status, patched.raw).toBe(200);
      expect(patched.body).toMatchObject({
        ordering: 'fifo',
        workers: 1,
        filter: null,
        transform: '{ "id": patientId }',
      });
      expectError(
        await api('PATCH', `/api/engine/subscriptions/${subId}`, { adapterConfig: { url: 'nope' } }),
        400,
        'HT_ENGINE_ADAPTER_CONFIG_INVALID',
      );
      expectError(
        await api('PATCH', `/api/engine/subscriptions/${subId}`, { filter: '(((' }),
        400,
        'HT_ENGINE_EXPRESSION_INVALID',
      );

      const list = await api('GET', `/api/engine/subscriptions?topicId=${topic}&systemId=${lis.id}`);
      expect(list.body.total).toBe(1);
      expect((await api('GET', `/api/engine/subscriptions?domainId=${other}`)).body.total).toBe(0);
    });

    it('pauses and resumes a subscription, and refuses to delete it while deliveries are open', async () => {
      const lis = await makeSystem(defaultDomain, 'LIS');
      const topic = await makeTopic(defaultDomain, 'ORU_R01');
      const sub = await makeSubscription(topic, lis.id);
      const paused = await api('POST', `/api/engine/subscriptions/${sub}/pause`);
      expect(paused.status, paused.raw).toBe(200);
      expect(paused.body.paused).toBe(true);
      expect(t.hutong.engine.cache.subscription(sub)?.paused).toBe(true);
      const resumed = await api('POST', `/api/engine/subscriptions/${sub}/resume`);
      expect(resumed.body.paused).toBe(false);
      expect(t.hutong.engine.cache.subscription(sub)?.paused).toBe(false);

      const deliveryId = newId();
      await k()
        .insertInto('deliveries')
        .values({
          id: deliveryId,
          message_id: newId(),
          subscription_id: sub,
          status: 'retry',
          open: 1,
          attempts: 1,
          next_attempt_at: '2999-01-01T00:00:00.000Z',
          lease_owner: null,
          lease_until: null,
          last_error: null,
          created_at: now(),
          finished_at: null,
          parent_id: null,
        })
        .execute();
      expectError(await api('DELETE', `/api/engine/subscriptions/${sub}`), 409, 'HT_ENGINE_IN_USE');
      await k().updateTable('deliveries').set({ open: 0, status: 'dead' }).where('id', '=', deliveryId).execute();
      expect((await api('DELETE', `/api/engine/subscriptions/${sub}`)).status).toBe(204);
      expect(t.hutong.engine.cache.subscription(sub)).toBeUndefined();
    });

    it('tells the dispatcher to look again when a subscription is resumed', async () => {
      const lis = await makeSystem(defaultDomain, 'LIS');
      const topic = await makeTopic(defaultDomain, 'ORU_R01');
      const sub = await makeSubscription(topic, lis.id);
      const onResume = vi.fn();
      const e = t.hutong.engine;
      const service = new ConfigService(t.hutong.db, e.cache, e.adapters, e.transforms, { onResume });
      const ctx = systemContext([EP.configRead, EP.configManage]);
      await service.setPaused(ctx, sub, true);
      expect(onResume).not.toHaveBeenCalled();
      expect(e.cache.subscription(sub)?.paused).toBe(true);
      await service.setPaused(ctx, sub, false);
      expect(onResume).toHaveBeenCalledTimes(1);
      expect(e.cache.subscription(sub)?.paused).toBe(false);
      await service.updateSubscription(ctx, sub, { enabled: false });
      await service.updateSubscription(ctx, sub, { enabled: true });
      expect(onResume).toHaveBeenCalledTimes(2);
    });

    // ---- adapters --------------------------------------------------------------------------------------------------

    it('lists the adapter catalogue and tests a connection after validating the config', async () => {
      const list = await api('GET', '/api/engine/adapters');
      expect(list.status, list.raw).toBe(200);
      const http = list.body.items.find(
        (a: { type: string; direction: string }) => a.type === 'http' && a.direction === 'outbound',
      );
      expect(http).toMatchObject({ className: 'HttpOutboundAdapter', protocol: 'HTTP/HTTPS' });
      expect(http.configSchema.properties.url.type).toBe('string');
      expect(list.body.items.some((a: { direction: string }) => a.direction === 'inbound')).toBe(true);

      const server: Server = createServer((_req, res) => res.writeHead(204).end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const port = (server.address() as AddressInfo).port;
        const ok = await api('POST', '/api/engine/adapters/http/test', {
          config: { url: `http://127.0.0.1:${port}/` },
        });
        expect(ok.status, ok.raw).toBe(200);
        expect(ok.body.ok).toBe(true);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      const refused = await api('POST', '/api/engine/adapters/http/test', { config: { url: 'http://127.0.0.1:9/' } });
      expect(refused.body.ok).toBe(false);
      expectError(
        await api('POST', '/api/engine/adapters/http/test', { config: { url: 'ftp://x' } }),
        400,
        'HT_ENGINE_ADAPTER_CONFIG_INVALID',
      );
      expectError(
        await api('POST', '/api/engine/adapters/nope/test', { config: {} }),
        400,
        'HT_ENGINE_ADAPTER_UNKNOWN',
      );
      const audit = await api('GET', '/api/system/audit?action=engine.adapter.test');
      expect(audit.body.total).toBe(2);
    });

    // ---- revisions and rollback ------------------------------------------------------------------------------------

    it('records revisions newest first and rolls back an update, a create and a delete', async () => {
      const his = await makeSystem(defaultDomain, 'HIS');
      const topic = await makeTopic(defaultDomain, 'ADT_A01', { publisherIds: [his.id], model: 'HL7V2' });

      // Update → rollback restores the name; the rollback is a revision of its own.
      await api('PATCH', `/api/engine/topics/${topic}`, { name: '改过的名字', model: 'JSON' });
      const [update, create] = await revisionsOf(topic);
      expect(update).toMatchObject({
        action: 'update',
        entityType: 'topic',
        domainId: defaultDomain,
        username: 'admin',
      });
      expect(update.before.name).toBe('ADT_A01 主题');
      expect(update.after.name).toBe('改过的名字');
      expect(create.action).toBe('create');
      const rolled = await api('POST', `/api/engine/revisions/${update.id}/rollback`);
      expect(rolled.status, rolled.raw).toBe(200);
      const topicNow = await api('GET', `/api/engine/topics/${topic}`);
      expect(topicNow.body).toMatchObject({ name: 'ADT_A01 主题', model: 'HL7V2', publisherIds: [his.id] });
      const [rollback] = await revisionsOf(topic);
      expect(rollback).toMatchObject({ id: rolled.body.revisionId, action: 'rollback' });
      expect(rollback.before.name).toBe('改过的名字');
      expect(rollback.after.name).toBe('ADT_A01 主题');

      // Delete → rollback re-creates it with the same id and publishers.
      expect((await api('DELETE', `/api/engine/topics/${topic}`)).status).toBe(204);
      const [deleted] = await revisionsOf(topic);
      expect(deleted).toMatchObject({ action: 'delete', after: null });
      expect((await api('POST', `/api/engine/revisions/${deleted.id}/rollback`)).status).toBe(200);
      const back = await api('GET', `/api/engine/topics/${topic}`);
      expect(back.status).toBe(200);
      expect(back.body).toMatchObject({ code: 'ADT_A01', publisherIds: [his.id] });
      expect(t.hutong.engine.cache.topicById(topic)?.code).toBe('ADT_A01');

      // Create → rollback deletes it.
      const emr = await makeSystem(defaultDomain, 'EMR');
      const [emrCreate] = await revisionsOf(emr.id);
      expect((await api('POST', `/api/engine/revisions/${emrCreate.id}/rollback`)).status).toBe(200);
      expectError(await api('GET', `/api/engine/systems/${emr.id}`), 404, 'HT_ENGINE_NOT_FOUND');

      const byType = await api('GET', `/api/engine/revisions?entityType=system&domainId=${defaultDomain}`);
      expect(byType.body.items.map((r: { action: string }) => r.action)).toEqual(['rollback', 'create', 'create']);
      const ids = (await api('GET', '/api/engine/revisions?pageSize=200')).body.items.map((r: { id: number }) => r.id);
      expect(ids).toEqual([...ids].sort((a: number, b: number) => b - a));
      const audit = await api('GET', '/api/system/audit?action=engine.topic.rollback');
      expect(audit.body.total).toBe(2);
    });

    it('refuses a rollback that would break something, saying why', async () => {
      const lis = await makeSystem(defaultDomain, 'LIS');
      const topic = await makeTopic(defaultDomain, 'ORU_R01');
      await makeSubscription(topic, lis.id);
      const [topicCreate] = await revisionsOf(topic);
      const inUse = await api('POST', `/api/engine/revisions/${topicCreate.id}/rollback`);
      expectError(inUse, 409, 'HT_ENGINE_REVISION_NOT_REVERTIBLE');
      expect(inUse.body.message).toContain('ORU_R01');
      expect((await api('GET', `/api/engine/topics/${topic}`)).status).toBe(200);

      // The code of a deleted system is taken again: bringing the old one back is refused.
      const old = await makeSystem(defaultDomain, 'PACS');
      await api('DELETE', `/api/engine/systems/${old.id}`);
      const [deleted] = await revisionsOf(old.id);
      await makeSystem(defaultDomain, 'PACS');
      const taken = await api('POST', `/api/engine/revisions/${deleted.id}/rollback`);
      expectError(taken, 409, 'HT_ENGINE_REVISION_NOT_REVERTIBLE');
      expect(taken.body.message).toContain('PACS');
      expect((await revisionsOf(old.id)).map((r) => r.action)).toEqual(['delete', 'create']);

      expectError(await api('POST', '/api/engine/revisions/999999/rollback'), 404, 'HT_ENGINE_NOT_FOUND');
    });

    it('re-creates a deleted system without a secret when its deletion is rolled back', async () => {
      const sys = await makeSystem(defaultDomain, 'HIS');
      await api('DELETE', `/api/engine/systems/${sys.id}`);
      const [deleted] = await revisionsOf(sys.id);
      expect((await api('POST', `/api/engine/revisions/${deleted.id}/rollback`)).status).toBe(200);
      const back = await api('GET', `/api/engine/systems/${sys.id}`);
      expect(back.body).toMatchObject({ code: 'HIS', hasSecret: false });
      const rotated = await api('POST', `/api/engine/systems/${sys.id}/rotate-secret`);
      expect(rotated.status).toBe(200);
      expect((await api('GET', `/api/engine/systems/${sys.id}`)).body.hasSecret).toBe(true);
    });

    // ---- export / import -------------------------------------------------------------------------------------------

    async function buildSourceDomain(): Promise<string> {
      const src = await makeDomain('src');
      const his = await makeSystem(src, 'HIS', { vendor: '卫宁', ipAllowlist: ['10.0.0.0/8'] });
      const lis = await makeSystem(src, 'LIS', { authType: 'basic', authUsername: 'lis' });
      const adt = await makeTopic(src, 'ADT_A01', {
        model: 'hl7v2',
        publisherIds: [his.id],
        indexFields: { patientId: 'PID-3.1' },
        category: '患者管理',
      });
      await created('POST', '/api/engine/models', { code: 'LabOrderModel', name: '检验申请', kind: 'JSON' });
      await makeTopic(src, 'LabOrder', { model: 'LabOrderModel', mode: 'sync' });
      const sub = await makeSubscription(adt, lis.id, {
        name: '入院通知',
        adapterConfig: { url: 'https://lis.example/adt', headers: { 'x-token': 'abc' }, timeoutMs: 5000 },
        filter: 'MSH.messageType = "ADT^A01"',
        transform: '{\n  "patient": PID.name\n}',
        ordering: 'fifo',
        workers: 1,
      });
      await api('POST', `/api/engine/subscriptions/${sub}/pause`);
      return src;
    }

    const content = (doc: Json) => ({ systems: doc.systems, topics: doc.topics, subscriptions: doc.subscriptions });

    it('exports a domain and imports it into a fresh one: dry run first, then a round trip', async () => {
      const src = await buildSourceDomain();
      const secrets = await k().selectFrom('systems').select('secret_hash').where('domain_id', '=', src).execute();

      const json = await api('GET', `/api/engine/domains/${src}/export?format=json`);
      expect(json.status, json.raw).toBe(200);
      expect(String(json.headers['content-disposition'])).toMatch(
        /^attachment; filename="hutong-domain-src-.*\.json"$/,
      );
      expect(String(json.headers['content-type'])).toMatch(/^application\/json/);
      for (const s of secrets) expect(json.raw).not.toContain(s.secret_hash);
      const doc = JSON.parse(json.raw);
      expect(doc.domain.code).toBe('src');
      expect(doc.systems.map((s: { code: string }) => s.code)).toEqual(['HIS', 'LIS']);
      expect(doc.topics.find((x: { code: string }) => x.code === 'ADT_A01').publishers).toEqual(['HIS']);
      expect(doc.subscriptions[0]).toMatchObject({ topic: 'ADT_A01', system: 'LIS', paused: true, ordering: 'fifo' });

      const yaml = await api('GET', `/api/engine/domains/${src}/export?format=yaml`);
      expect(yaml.status).toBe(200);
      expect(String(yaml.headers['content-type'])).toMatch(/^application\/yaml/);
      expect(String(yaml.headers['content-disposition'])).toMatch(/\.yaml"$/);
      expect(content(parseYaml(yaml.raw))).toEqual(content(doc));

      const dst = await makeDomain('dst');
      const dry = await api('POST', `/api/engine/domains/${dst}/import`, {
        content: yaml.raw,
        format: 'yaml',
        dryRun: true,
      });
      expect(dry.status, dry.raw).toBe(200);
      // The custom model LabOrderModel is in the file too; models are shared by all domains, so it is unchanged.
      expect(dry.body).toEqual({ created: 5, updated: 0, unchanged: 1, problems: [] });
      expect((await api('GET', `/api/engine/domains/${dst}`)).body).toMatchObject({ systemCount: 0, topicCount: 0 });
      expect((await api('GET', `/api/engine/revisions?domainId=${dst}`)).body.total).toBe(1); // its own create

      const real = await api('POST', `/api/engine/domains/${dst}/import`, { content: yaml.raw, format: 'yaml' });
      expect(real.status, real.raw).toBe(200);
      expect(real.body).toEqual({ created: 5, updated: 0, unchanged: 1, problems: [] });
      const copy = JSON.parse((await api('GET', `/api/engine/domains/${dst}/export`)).raw);
      expect(content(copy)).toEqual(content(doc));
      expect(copy.domain.code).toBe('dst');
      const systems = await api('GET', `/api/engine/systems?domainId=${dst}`);
      expect(systems.body.items.every((s: { hasSecret: boolean }) => !s.hasSecret)).toBe(true);
      const imports = await api('GET', `/api/engine/revisions?domainId=${dst}&pageSize=50`);
      expect(imports.body.items.filter((r: { action: string }) => r.action === 'import')).toHaveLength(5);
      const subs = await api('GET', `/api/engine/subscriptions?domainId=${dst}`);
      expect(t.hutong.engine.cache.subscription(subs.body.items[0].id)?.paused).toBe(true);

      // Importing the same again changes nothing; a changed name is one update.
      const again = await api('POST', `/api/engine/domains/${dst}/import`, { content: json.raw, format: 'json' });
      expect(again.body).toEqual({ created: 0, updated: 0, unchanged: 6, problems: [] });
      doc.systems[0].name = 'HIS 新名称';
      const changed = await api('POST', `/api/engine/domains/${dst}/import`, {
        content: JSON.stringify(doc),
        format: 'json',
      });
      expect(changed.body).toEqual({ created: 0, updated: 1, unchanged: 5, problems: [] });
      const audit = await api('GET', `/api/system/audit?action=engine.domain.import&objectId=${dst}`);
      expect(audit.body.total).toBe(3);
      expect((await api('GET', `/api/system/audit?action=engine.domain.export&objectId=${src}`)).body.total).toBe(2);
    });

    it('checks the whole import first and writes nothing when anything is wrong', async () => {
      const dst = await makeDomain('dst');
      const doc = {
        format: 'hutong-domain-config',
        version: 1,
        systems: [
          { code: 'HIS', name: 'HIS' },
          { code: 'LIS', name: 'LIS', ipAllowlist: ['10.0.0.300'] },
          { code: 'HIS', name: 'HIS again' },
        ],
        topics: [
          { code: 'ADT_A01', name: '入院', publishers: ['HIS', 'GHOST'] },
          { code: 'ADT_A01', name: '入院 again' },
        ],
        subscriptions: [
          { name: 'a', topic: 'ADT_A01', system: 'LIS', adapter: 'http', adapterConfig: { url: 'ftp://x' } },
          { name: 'b', topic: 'ADT_A01', system: 'LIS', adapter: 'http', adapterConfig: HOOK, filter: 'a = ' },
          { name: 'c', topic: 'NOPE', system: 'LIS', adapter: 'http', adapterConfig: HOOK },
        ],
      };
      const dry = await api('POST', `/api/engine/domains/${dst}/import`, {
        content: JSON.stringify(doc),
        format: 'json',
        dryRun: true,
      });
      expect(dry.status, dry.raw).toBe(200);
      const problems: string[] = dry.body.problems;
      expect(problems).toHaveLength(7);
      expect(problems.join('\n')).toMatch(/systems\[1\] \(LIS\).*10\.0\.0\.300/);
      // A code that came before in the same section is reported once, where it repeats.
      expect(problems.join('\n')).toMatch(/systems\[2\] \(HIS\): (编码重复|duplicate code)/);
      expect(problems.join('\n')).toMatch(/topics\[1\] \(ADT_A01\): (编码重复|duplicate code)/);
      expect(problems.join('\n')).toMatch(/topics\[0\].*GHOST/);
      expect(problems.join('\n')).toMatch(/subscriptions\[0\].*http/);
      expect(problems.join('\n')).toMatch(/subscriptions\[1\].*filter/);
      expect(problems.join('\n')).toMatch(/subscriptions\[2\].*NOPE/);

      const real = await api('POST', `/api/engine/domains/${dst}/import`, {
        content: JSON.stringify(doc),
        format: 'json',
      });
      expectError(real, 400, 'HT_ENGINE_IMPORT_INVALID');
      expect(real.body.errors).toHaveLength(7);
      expect((await api('GET', `/api/engine/domains/${dst}`)).body).toMatchObject({ systemCount: 0, topicCount: 0 });
      expect((await api('GET', `/api/engine/revisions?domainId=${dst}`)).body.total).toBe(1);

      const shape = await api('POST', `/api/engine/domains/${dst}/import`, {
        content: 'systems:\n  - code: HIS\n    colour: red\n',
        format: 'yaml',
        dryRun: true,
      });
      expect(shape.body.problems.join('\n')).toMatch(/systems\[0\].*colour/);
      expect(shape.body.problems.join('\n')).toMatch(/systems\[0\].*name/);
      const broken = await api('POST', `/api/engine/domains/${dst}/import`, { content: 'a: [1, 2', format: 'yaml' });
      expectError(broken, 400, 'HT_ENGINE_IMPORT_INVALID');
      expectError(
        await api('POST', `/api/engine/domains/${newId()}/import`, { content: '{}', format: 'json' }),
        404,
        'HT_ENGINE_DOMAIN_NOT_FOUND',
      );
    });

    // ---- permissions and audit -------------------------------------------------------------------------------------

    it('lets a read-only user read the configuration but change nothing; nobody unauthenticated', async () => {
      const lis = await makeSystem(defaultDomain, 'LIS');
      const topic = await makeTopic(defaultDomain, 'ORU_R01');
      const sub = await makeSubscription(topic, lis.id);
      const [rev] = await revisionsOf(sub);
      const ro = await readonlyUser();
      for (const url of [
        '/api/engine/domains',
        `/api/engine/domains/${defaultDomain}`,
        '/api/engine/systems',
        '/api/engine/topics',
        '/api/engine/subscriptions',
        '/api/engine/adapters',
        '/api/engine/revisions',
      ]) {
        const res = await api('GET', url, undefined, ro);
        expect(res.status, `${url} ${res.raw}`).toBe(200);
      }
      const forbidden: [Method, string, unknown?][] = [
        ['POST', '/api/engine/domains', { code: 'x', name: 'x' }],
        ['PATCH', `/api/engine/systems/${lis.id}`, { name: 'x' }],
        ['POST', `/api/engine/systems/${lis.id}/rotate-secret`],
        ['DELETE', `/api/engine/topics/${topic}`],
        ['POST', `/api/engine/subscriptions/${sub}/pause`],
        ['POST', `/api/engine/revisions/${rev.id}/rollback`],
        ['GET', `/api/engine/domains/${defaultDomain}/export`],
        ['POST', `/api/engine/domains/${defaultDomain}/import`, { content: '{}', format: 'json' }],
        ['POST', '/api/engine/adapters/http/test', { config: HOOK }],
      ];
      for (const [method, url, body] of forbidden) {
        const res = await api(method, url, body, ro);
        expect(res.status, `${method} ${url}`).toBe(403);
        expect(res.body.code).toBe('HT_AUTH_FORBIDDEN');
      }
      expectError(await api('GET', '/api/engine/domains', undefined, ''), 401, 'HT_AUTH_REQUIRED');
      expectError(await api('POST', '/api/engine/systems', { code: 'x' }, ''), 401, 'HT_AUTH_REQUIRED');
    });

    it('masks header values and credentials in adapter settings for readers who cannot manage them', async () => {
      const ris = await makeSystem(defaultDomain, 'RIS');
      const topic = await makeTopic(defaultDomain, 'ORM_O01');
      const config = { ...HOOK, headers: { Authorization: 'Bearer s3cr3t-token', 'X-Site': 'H1' } };
      const sub = await makeSubscription(topic, ris.id, { adapterConfig: config });
      const ro = await readonlyUser();
      const seen = await api('GET', `/api/engine/subscriptions/${sub}`, undefined, ro);
      expect(seen.body.adapterConfig).toEqual({ ...HOOK, headers: { Authorization: '******', 'X-Site': '******' } });
      const listed = await api('GET', `/api/engine/subscriptions?topicId=${topic}`, undefined, ro);
      expect(JSON.stringify(listed.body)).not.toContain('s3cr3t-token');
      const revisions = await api('GET', `/api/engine/revisions?entityId=${sub}`, undefined, ro);
      expect(JSON.stringify(revisions.body)).not.toContain('s3cr3t-token');
      // The administrator who manages it still sees and edits the real values.
      expect((await api('GET', `/api/engine/subscriptions/${sub}`)).body.adapterConfig).toEqual(config);

      // A password inside a URL (AMQP, SQL) is masked the same way.
      const amqp = { url: 'amqp://hutong:r4bb1t-pw@mq.hospital.local:5672/his', exchange: 'hutong' };
      const mq = await makeSubscription(topic, (await makeSystem(defaultDomain, 'MQ')).id, {
        name: 'to-mq',
        adapter: 'amqp',
        adapterConfig: amqp,
      });
      const masked = await api('GET', `/api/engine/subscriptions/${mq}`, undefined, ro);
      expect(masked.body.adapterConfig.url).toBe('amqp://hutong:******@mq.hospital.local:5672/his');
      expect(JSON.stringify(masked.body)).not.toContain('r4bb1t-pw');
    });

    it('audits every change with who did it and what changed, never the secret', async () => {
      const domain = await makeDomain('audited');
      const sys = await makeSystem(domain, 'HIS');
      const topic = await makeTopic(domain, 'ADT_A01');
      const sub = await makeSubscription(topic, sys.id);
      await api('PATCH', `/api/engine/systems/${sys.id}`, { enabled: false });
      await api('POST', `/api/engine/subscriptions/${sub}/pause`);
      const rotated = await api('POST', `/api/engine/systems/${sys.id}/rotate-secret`);

      const audit = await api('GET', '/api/system/audit?action=engine.*&pageSize=200');
      const actions = audit.body.items.map((e: { action: string }) => e.action);
      for (const action of [
        'engine.domain.create',
        'engine.system.create',
        'engine.topic.create',
        'engine.subscription.create',
        'engine.system.disable',
        'engine.subscription.pause',
        'engine.system.rotate-secret',
      ]) {
        expect(actions, action).toContain(action);
      }
      const disable = audit.body.items.find((e: { action: string }) => e.action === 'engine.system.disable');
      expect(disable).toMatchObject({ username: 'admin', objectType: 'system', objectId: sys.id });
      expect(disable.changes).toEqual({ enabled: [true, false] });
      const create = audit.body.items.find((e: { action: string }) => e.action === 'engine.system.create');
      expect(create.changes.code).toEqual([null, 'HIS']);
      expect(audit.raw).not.toContain(sys.secret);
      expect(audit.raw).not.toContain(hashSecret(sys.secret));
      expect(audit.raw).not.toContain(rotated.body.secret);
    });
  });
}
