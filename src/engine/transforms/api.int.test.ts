// The HTTP API of transforms, lookup tables and message models, on SQLite and (when configured) PostgreSQL: status
// codes, problem codes, the try-it endpoint, file import and export, and permissions of a read-only user.
// Runs once src/engine/index.ts assembles createTransformServices (until then the service tests cover the rules).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, strongPassword, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import {
  addSubscription,
  addSystem,
  addTopic,
  defaultDomainId,
  Receiver,
  waitFor,
} from '../../../test/support/engine.js';
import type { EngineTables } from '../tables.js';

for (const dialect of dialectsUnderTest()) {
  describe(`transforms, lookups and models API on ${dialect.name}`, () => {
    let t: TestApp;
    let admin: string;
    let domainId: string;
    beforeEach(async () => {
      t = await startTestApp(dialect);
      admin = await t.adminCookie();
      domainId = await defaultDomainId(t.hutong);
    });
    afterEach(async () => {
      await t.close();
    });

    /** A signed-in user holding the built-in read-only role (查看集成配置 but no management). */
    async function readonlyCookie(): Promise<string> {
      const roles = await t.call('GET', '/api/system/roles', { cookie: admin });
      const roleId = (roles.body.items as { id: string; code: string }[]).find((r) => r.code === 'readonly')!.id;
      const username = `ro${Math.random().toString(36).slice(2, 8)}`;
      const password = strongPassword();
      const created = await t.call('POST', '/api/system/users', {
        cookie: admin,
        body: { username, displayName: '只读', password, roleIds: [roleId] },
      });
      expect(created.status, created.raw).toBe(201);
      const cookie = await t.login(username, password);
      const changed = await t.call('POST', '/api/auth/password', {
        cookie,
        body: { currentPassword: password, newPassword: strongPassword() },
      });
      expect(changed.status).toBe(204);
      return cookie;
    }

    it('manages named transforms and refuses one that does not compile', async () => {
      const bad = await t.call('POST', '/api/engine/transforms', {
        cookie: admin,
        body: { domainId, code: 'bad', name: 'bad', expression: '{ "a": ' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('HT_ENGINE_EXPRESSION_INVALID');
      expect(bad.body.errors[0].path).toBe('/expression');
      expect(bad.body.errors[0].message).toMatch(/^position \d+/);

      const created = await t.call('POST', '/api/engine/transforms', {
        cookie: admin,
        body: { domainId, code: 'to-his', name: '转 HIS', expression: '{ "pid": patientId }' },
      });
      expect(created.status, created.raw).toBe(201);
      const id = created.body.id as string;
      const list = await t.call('GET', `/api/engine/transforms?domainId=${domainId}`, { cookie: admin });
      expect(list.body.items.map((i: { code: string }) => i.code)).toEqual(['to-his']);
      const patched = await t.call('PATCH', `/api/engine/transforms/${id}`, {
        cookie: admin,
        body: { name: '转 HIS 系统' },
      });
      expect(patched.body.name).toBe('转 HIS 系统');
      const unknownField = await t.call('PATCH', `/api/engine/transforms/${id}`, { cookie: admin, body: { x: 1 } });
      expect(unknownField.status).toBe(400);
      expect((await t.call('DELETE', `/api/engine/transforms/${id}`, { cookie: admin })).status).toBe(204);
      expect((await t.call('GET', `/api/engine/transforms/${id}`, { cookie: admin })).status).toBe(404);
    });

    it('tries an expression without saving it', async () => {
      const res = await t.call('POST', '/api/engine/transforms/try', {
        cookie: admin,
        body: {
          kind: 'transform',
          expression: '{ "dept": $lookup("dept", code), "at": $formatDate(at, "yyyyMMddHHmmss") }',
          body: '{"code":"0101","at":"2026-11-24T18:30:05Z"}',
          domainId,
        },
      });
      expect(res.status, res.raw).toBe(200);
      // The table does not exist yet: an evaluation error, answered, not thrown.
      expect(res.body.ok).toBe(false);
      expect(res.body.error.message).toMatch(/lookup table "dept"/);

      const dept = await t.call('POST', '/api/engine/lookups', {
        cookie: admin,
        body: { domainId, code: 'dept', name: '科室' },
      });
      await t.call('POST', `/api/engine/lookups/${dept.body.id}/entries`, {
        cookie: admin,
        body: { key: '0101', value: '心内科' },
      });
      const again = await t.call('POST', '/api/engine/transforms/try', {
        cookie: admin,
        body: {
          kind: 'transform',
          expression: '{ "dept": $lookup("dept", code), "at": $formatDate(at, "yyyyMMddHHmmss") }',
          body: '{"code":"0101","at":"2026-11-24T18:30:05Z"}',
          domainId,
        },
      });
      expect(again.body).toMatchObject({
        ok: true,
        result: { dept: '心内科', at: '20261125023005' },
        output: { contentType: 'application/json' },
      });
      expect(typeof again.body.durationMs).toBe('number');

      const compile = await t.call('POST', '/api/engine/transforms/try', {
        cookie: admin,
        body: { kind: 'filter', expression: 'a = ', body: '{}' },
      });
      expect(compile.body.ok).toBe(false);
      expect(typeof compile.body.error.position).toBe('number');
    });

    it('manages lookup tables, their entries, import and export', async () => {
      const created = await t.call('POST', '/api/engine/lookups', {
        cookie: admin,
        body: { domainId, code: 'sex', name: '性别对照' },
      });
      expect(created.status, created.raw).toBe(201);
      expect(created.body).toMatchObject({ multi: false, entryCount: 0 });
      const id = created.body.id as string;

      const entry = await t.call('POST', `/api/engine/lookups/${id}/entries`, {
        cookie: admin,
        body: { key: '1', value: '男' },
      });
      expect(entry.status).toBe(201);
      const conflict = await t.call('POST', `/api/engine/lookups/${id}/entries`, {
        cookie: admin,
        body: { key: '1', value: '男性' },
      });
      expect(conflict.status).toBe(409);
      expect(conflict.body.code).toBe('HT_ENGINE_LOOKUP_KEY_EXISTS');

      const imported = await t.call('POST', `/api/engine/lookups/${id}/import`, {
        cookie: admin,
        body: {
          format: 'csv',
          content: '\uFEFFkey,value,description\n2,女,\n9,未说明的性别,GB/T 2261.1\n',
          mode: 'merge',
        },
      });
      expect(imported.body).toEqual({ imported: 2, skipped: 0, problems: [] });

      const search = await t.call('GET', `/api/engine/lookups/${id}/entries?q=${encodeURIComponent('女')}`, {
        cookie: admin,
      });
      expect(search.body.items.map((e: { key: string }) => e.key)).toEqual(['2']);
      const patched = await t.call('PATCH', `/api/engine/lookups/${id}/entries/${entry.body.id}`, {
        cookie: admin,
        body: { value: '男性' },
      });
      expect(patched.body.value).toBe('男性');

      const csv = await t.hutong.app.inject({
        method: 'GET',
        url: `/api/engine/lookups/${id}/export?format=csv`,
        headers: { cookie: admin },
      });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(String(csv.headers['content-disposition'])).toMatch(/^attachment; filename="sex.csv"/);
      expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      expect(csv.payload).toContain('9,未说明的性别,GB/T 2261.1');

      const xlsx = await t.hutong.app.inject({
        method: 'GET',
        url: `/api/engine/lookups/${id}/export?format=xlsx`,
        headers: { cookie: admin },
      });
      expect(xlsx.statusCode).toBe(200);
      expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
      const copy = await t.call('POST', '/api/engine/lookups', {
        cookie: admin,
        body: { domainId, code: 'sex2', name: '性别对照 2' },
      });
      const back = await t.call('POST', `/api/engine/lookups/${copy.body.id}/import`, {
        cookie: admin,
        body: { format: 'xlsx', content: xlsx.rawPayload.toString('base64'), mode: 'replace' },
      });
      expect(back.body).toEqual({ imported: 3, skipped: 0, problems: [] });

      const list = await t.call('GET', `/api/engine/lookups?domainId=${domainId}&q=sex`, { cookie: admin });
      expect(list.body.items.map((l: { code: string; entryCount: number }) => [l.code, l.entryCount])).toEqual([
        ['sex', 3],
        ['sex2', 3],
      ]);
      expect(
        (await t.call('DELETE', `/api/engine/lookups/${id}/entries/${entry.body.id}`, { cookie: admin })).status,
      ).toBe(204);
      expect((await t.call('DELETE', `/api/engine/lookups/${id}`, { cookie: admin })).status).toBe(204);
      expect((await t.call('GET', `/api/engine/lookups/${id}`, { cookie: admin })).status).toBe(404);
    });

    it('manages message models and their schemas', async () => {
      const list = await t.call('GET', '/api/engine/models', { cookie: admin });
      expect(list.body.items.filter((m: { builtin: boolean }) => m.builtin)).toHaveLength(6);
      const created = await t.call('POST', '/api/engine/models', {
        cookie: admin,
        body: { code: 'ADT_JSON', name: '入院', kind: 'JSON' },
      });
      expect(created.status, created.raw).toBe(201);
      const bad = await t.call('PUT', '/api/engine/models/ADT_JSON/schema', {
        cookie: admin,
        body: { schemaType: 'json-schema', schema: '{"type":"strin"}' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('HT_ENGINE_SCHEMA_INVALID');
      const ok = await t.call('PUT', '/api/engine/models/ADT_JSON/schema', {
        cookie: admin,
        body: { schemaType: 'json-schema', schema: '{"type":"object","required":["patientId"]}' },
      });
      expect(ok.body.schemaType).toBe('json-schema');
      const sample = await t.call('POST', '/api/engine/models/ADT_JSON/validate', {
        cookie: admin,
        body: { body: '{}' },
      });
      expect(sample.body).toEqual({
        validated: true,
        valid: false,
        problems: ['/: must have required properties patientId'],
      });
      const removed = await t.call('DELETE', '/api/engine/models/ADT_JSON/schema', { cookie: admin });
      expect(removed.body.schemaType).toBeNull();
      const builtin = await t.call('DELETE', '/api/engine/models/JSON', { cookie: admin });
      expect(builtin.status).toBe(409);
      expect(builtin.body.code).toBe('HT_ENGINE_MODEL_BUILTIN');
      expect((await t.call('DELETE', '/api/engine/models/ADT_JSON', { cookie: admin })).status).toBe(204);
    });

    it('delivers through a named transform using a lookup, and validates a topic against its model schema', async () => {
      const receiver = await new Receiver().start();
      try {
        const dept = await t.call('POST', '/api/engine/lookups', {
          cookie: admin,
          body: { domainId, code: 'dept', name: '科室' },
        });
        await t.call('POST', `/api/engine/lookups/${dept.body.id}/entries`, {
          cookie: admin,
          body: { key: '0101', value: '心内科' },
        });
        const named = await t.call('POST', '/api/engine/transforms', {
          cookie: admin,
          body: {
            domainId,
            code: 'to-lis',
            name: '转 LIS',
            expression: '{ "pid": patientId, "dept": $lookup("dept", dept), "at": $formatDate(at, "yyyyMMddHHmmss") }',
          },
        });
        expect(named.status, named.raw).toBe(201);
        await t.call('POST', '/api/engine/models', {
          cookie: admin,
          body: { code: 'ADT_JSON', name: '入院', kind: 'JSON' },
        });
        await t.call('PUT', '/api/engine/models/ADT_JSON/schema', {
          cookie: admin,
          body: { schemaType: 'json-schema', schema: '{"type":"object","required":["patientId"]}' },
        });

        const sender = await addSystem(t.hutong, { code: 'HIS' });
        const target = await addSystem(t.hutong, { code: 'LIS' });
        const topic = await addTopic(t.hutong, { code: 'Admission', model: 'ADT_JSON' });
        const k = t.hutong.db.kysely.withTables<EngineTables>();
        await k.updateTable('topics').set({ validate: 1 }).where('id', '=', topic.id).execute();
        const sub = await addSubscription(t.hutong, topic.id, target.id, { url: receiver.url });
        await k.updateTable('subscriptions').set({ transform_ref: 'to-lis' }).where('id', '=', sub.id).execute();
        await t.hutong.engine.cache.reload();

        const publish = (body: unknown) =>
          t.call('POST', `/api/hip/default/${topic.code}`, {
            body: JSON.stringify(body),
            headers: { authorization: `Bearer ${sender.secret}`, 'content-type': 'application/json' },
          });
        const rejected = await publish({ dept: '0101' });
        expect(rejected.status, rejected.raw).toBe(422);
        expect(rejected.body.code).toBe('HT_ENGINE_VALIDATION_FAILED');

        const accepted = await publish({ patientId: 'P0001', dept: '0101', at: '2026-11-24T18:30:05Z' });
        expect(accepted.status, accepted.raw).toBe(202);
        await waitFor(() => receiver.received.length === 1, 10_000, 'delivery');
        expect(JSON.parse(receiver.received[0]!.body)).toEqual({ pid: 'P0001', dept: '心内科', at: '20261125023005' });
      } finally {
        await receiver.close();
      }
    });

    it('lets a read-only user read but not change anything', async () => {
      const cookie = await readonlyCookie();
      expect((await t.call('GET', '/api/engine/transforms', { cookie })).status).toBe(200);
      expect((await t.call('GET', '/api/engine/lookups', { cookie })).status).toBe(200);
      expect((await t.call('GET', '/api/engine/models', { cookie })).status).toBe(200);
      const denied = [
        await t.call('POST', '/api/engine/transforms', {
          cookie,
          body: { domainId, code: 'x', name: 'x', expression: '$' },
        }),
        await t.call('POST', '/api/engine/lookups', { cookie, body: { domainId, code: 'x', name: 'x' } }),
        await t.call('POST', '/api/engine/models', { cookie, body: { code: 'X1', name: 'x', kind: 'JSON' } }),
        await t.call('POST', '/api/engine/transforms/try', { cookie, body: { kind: 'filter', expression: 'true' } }),
      ];
      expect(denied.map((r) => [r.status, r.body.code])).toEqual(
        Array.from({ length: 4 }, () => [403, 'HT_AUTH_FORBIDDEN']),
      );
    });
  });
}
