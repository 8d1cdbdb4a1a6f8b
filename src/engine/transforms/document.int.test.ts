// Named transforms, lookup tables and message models in the domain export/import file, on SQLite and (when
// configured) PostgreSQL: exported with a domain, imported into a fresh database (JSON and YAML) where they work at once
// (a message validated by the model, transformed by the named transform through the lookup table) and export again
// unchanged; the import checks them as their APIs do and writes nothing when anything is wrong; topics and
// subscriptions of the file may name the models and transforms it brings; sections absent from a file are left
// alone; imported objects have revisions that roll back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startTestApp, type Json, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import { defaultDomainId, Receiver, waitFor } from '../../../test/support/engine.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

const ADMISSION_SCHEMA = JSON.stringify({
  type: 'object',
  required: ['patientId', 'dept'],
  properties: { patientId: { type: 'string', minLength: 1 }, dept: { type: 'string', pattern: '^[0-9]{4}$' } },
});
const TO_LIS = '{ "patient": patientId, "deptName": $lookup("dept", dept), "wards": $lookup("wards", dept) }';

for (const dialect of dialectsUnderTest()) {
  describe(`transforms, lookup tables and models in the domain export/import on ${dialect.name}`, () => {
    let src: TestApp;
    let dst: TestApp | undefined;
    let srcAdmin: string;
    let receiver: Receiver;

    beforeEach(async () => {
      src = await startTestApp(dialect, { mllp: { port: 0 } });
      srcAdmin = await src.adminCookie();
      receiver = await new Receiver().start();
    });
    afterEach(async () => {
      await src.close();
      await dst?.close();
      dst = undefined;
      await receiver.close();
    });

    const call = (app: TestApp, cookie: string) => async (method: Method, url: string, body?: unknown) => {
      const res = await app.call(method, url, { cookie, ...(body === undefined ? {} : { body }) });
      return res;
    };
    const ok = (app: TestApp, cookie: string) => async (method: Method, url: string, body?: unknown) => {
      const res = await call(app, cookie)(method, url, body);
      expect(res.status, `${method} ${url}: ${res.raw}`).toBeLessThan(300);
      return res.body as Json;
    };
    /** The sections this test is about, plus the topics and subscriptions that use them. */
    const content = (doc: Json) => ({
      topics: doc.topics,
      subscriptions: doc.subscriptions,
      models: doc.models,
      transforms: doc.transforms,
      lookups: doc.lookups,
    });

    /** The source's default domain: a validated topic on a custom model, a subscription using a named transform. */
    async function configureSource(): Promise<string> {
      const api = ok(src, srcAdmin);
      const domainId = await defaultDomainId(src.hutong);
      // Without the default WebService endpoint (another database has its own at the same path).
      const endpoints = await api('GET', `/api/engine/endpoints?domainId=${domainId}`);
      for (const e of endpoints.items as Json[]) await api('DELETE', `/api/engine/endpoints/${e.id}`);
      await api('POST', '/api/engine/models', { code: 'AdmissionJson', name: '入院 JSON', kind: 'JSON' });
      await api('PUT', '/api/engine/models/AdmissionJson/schema', {
        schemaType: 'json-schema',
        schema: ADMISSION_SCHEMA,
      });
      // Not used by any topic of the domain: not in its file.
      await api('POST', '/api/engine/models', { code: 'UnusedXml', name: '未用', kind: 'XML' });
      const dept = await api('POST', '/api/engine/lookups', { domainId, code: 'dept', name: '科室对照' });
      await api('POST', `/api/engine/lookups/${dept.id}/entries`, {
        key: '0101',
        value: '心内科',
        description: '内科',
      });
      await api('POST', `/api/engine/lookups/${dept.id}/entries`, { key: '0202', value: '骨科' });
      const wards = await api('POST', '/api/engine/lookups', { domainId, code: 'wards', name: '病区', multi: true });
      await api('POST', `/api/engine/lookups/${wards.id}/entries`, { key: '0101', value: '一病区' });
      await api('POST', `/api/engine/lookups/${wards.id}/entries`, { key: '0101', value: '二病区' });
      await api('POST', '/api/engine/transforms', {
        domainId,
        code: 'to-lis',
        name: '入院转 LIS',
        description: '科室编码换名称',
        expression: TO_LIS,
      });
      const his = await api('POST', '/api/engine/systems', { domainId, code: 'HIS', name: 'HIS' });
      const lis = await api('POST', '/api/engine/systems', { domainId, code: 'LIS', name: 'LIS' });
      const topic = await api('POST', '/api/engine/topics', {
        domainId,
        code: 'Admission',
        name: '入院',
        model: 'AdmissionJson',
        validate: true,
        publisherIds: [his.system.id],
      });
      await api('POST', '/api/engine/subscriptions', {
        topicId: topic.id,
        systemId: lis.system.id,
        name: 'to LIS',
        adapter: 'http',
        adapterConfig: { url: receiver.url },
        transformRef: 'to-lis',
      });
      return domainId;
    }

    it('exports them with the domain; a fresh database imports them and they work at once', async () => {
      const domainId = await configureSource();
      const json = await call(src, srcAdmin)('GET', `/api/engine/domains/${domainId}/export?format=json`);
      expect(json.status, json.raw).toBe(200);
      const doc = JSON.parse(json.raw);
      expect(doc.models).toEqual([
        {
          code: 'AdmissionJson',
          name: '入院 JSON',
          kind: 'JSON',
          description: null,
          schemaType: 'json-schema',
          schema: ADMISSION_SCHEMA,
        },
      ]);
      expect(doc.transforms).toEqual([
        { code: 'to-lis', name: '入院转 LIS', description: '科室编码换名称', expression: TO_LIS },
      ]);
      expect(doc.lookups).toEqual([
        {
          code: 'dept',
          name: '科室对照',
          description: null,
          multi: false,
          entries: [
            { key: '0101', value: '心内科', description: '内科' },
            { key: '0202', value: '骨科' },
          ],
        },
        {
          code: 'wards',
          name: '病区',
          description: null,
          multi: true,
          entries: [
            { key: '0101', value: '一病区' },
            { key: '0101', value: '二病区' },
          ],
        },
      ]);
      expect(json.raw).not.toContain(domainId);
      const audit = await call(src, srcAdmin)('GET', '/api/system/audit?action=engine.domain.export');
      expect(audit.body.items[0].changes).toMatchObject({ models: 1, transforms: 1, lookups: 2 });
      const yaml = await call(src, srcAdmin)('GET', `/api/engine/domains/${domainId}/export?format=yaml`);
      expect(content(parseYaml(yaml.raw))).toEqual(content(doc));

      // Another database: nothing of the source exists there.
      dst = await startTestApp(dialect, { mllp: { port: 0 } });
      const admin = await dst.adminCookie();
      const api = ok(dst, admin);
      const copy = (await api('POST', '/api/engine/domains', { code: 'copy', name: '副本' })).id as string;
      const dry = await api('POST', `/api/engine/domains/${copy}/import`, {
        content: yaml.raw,
        format: 'yaml',
        dryRun: true,
      });
      // 2 systems, 1 topic, 1 subscription, 1 model, 1 transform, 2 lookup tables.
      expect(dry).toEqual({ created: 8, updated: 0, unchanged: 0, problems: [] });
      expect((await api('GET', '/api/engine/models')).items.map((m: Json) => m.code)).not.toContain('AdmissionJson');
      const real = await api('POST', `/api/engine/domains/${copy}/import`, { content: yaml.raw, format: 'yaml' });
      expect(real).toEqual({ created: 8, updated: 0, unchanged: 0, problems: [] });
      const again = JSON.parse((await call(dst, admin)('GET', `/api/engine/domains/${copy}/export`)).raw);
      expect(content(again)).toEqual(content(doc));
      expect((await api('GET', '/api/engine/models')).items.map((m: Json) => m.code)).not.toContain('UnusedXml');

      // In memory at once: the model validates, the named transform resolves, the lookup tables answer.
      const tls = dst.hutong.engine.transformServices;
      expect(tls.resolveTransform(copy, 'to-lis')).toBe(TO_LIS);
      expect(await tls.modelValidator('AdmissionJson', '{"patientId":"P1","dept":"x"}', 'application/json')).not.toBe(
        null,
      );
      // End to end: the imported HIS (given a secret) publishes; LIS receives the transformed message.
      const his = (await api('GET', `/api/engine/systems?domainId=${copy}`)).items.find((s: Json) => s.code === 'HIS');
      const { secret } = await api('POST', `/api/engine/systems/${his.id}/rotate-secret`);
      const publish = (body: unknown) =>
        dst!.call('POST', '/api/hip/copy/Admission', {
          body: JSON.stringify(body),
          headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        });
      const invalid = await publish({ patientId: 'P1', dept: 'cardiology' });
      expect(invalid.status, invalid.raw).toBe(422);
      expect(invalid.body.code).toBe('HT_ENGINE_VALIDATION_FAILED');
      const accepted = await publish({ patientId: 'P1', dept: '0101' });
      expect(accepted.status, accepted.raw).toBe(202);
      await waitFor(() => receiver.received.length === 1, 10_000, 'LIS receives the message');
      expect(receiver.bodies()[0]).toEqual({ patient: 'P1', deptName: '心内科', wards: ['一病区', '二病区'] });

      // Importing again changes nothing; each imported object has its revision and audit entry.
      const same = await api('POST', `/api/engine/domains/${copy}/import`, { content: json.raw, format: 'json' });
      expect(same).toEqual({ created: 0, updated: 0, unchanged: 8, problems: [] });
      const revisions = (await api('GET', `/api/engine/revisions?domainId=${copy}&pageSize=100`)).items as Json[];
      const imported = revisions.filter((r) => r.action === 'import').map((r) => r.entityType);
      expect(imported.sort()).toEqual([
        'lookup',
        'lookup',
        'model',
        'subscription',
        'system',
        'system',
        'topic',
        'transform',
      ]);
      const dept = revisions.find((r) => r.entityType === 'lookup' && r.after.code === 'dept');
      expect(dept.after).toMatchObject({ entryCount: 2, entries: [{ key: '0101' }, { key: '0202' }] });
      for (const action of ['engine.model.import', 'engine.transform.import', 'engine.lookup.import']) {
        expect((await api('GET', `/api/system/audit?action=${action}`)).total, action).toBeGreaterThan(0);
      }
    });

    it('checks them as their APIs do and writes nothing when anything is wrong', async () => {
      const api = ok(src, srcAdmin);
      await api('POST', '/api/engine/models', { code: 'OrderXml', name: '医嘱 XML', kind: 'XML' });
      const target = (await api('POST', '/api/engine/domains', { code: 'target', name: '目标' })).id as string;
      const doc = {
        systems: [{ code: 'LIS', name: 'LIS' }],
        topics: [
          { code: 'Fine', name: '用文件中的模型', model: 'FileModel' },
          { code: 'Ghost', name: '模型不存在', model: 'NoSuchModel' },
        ],
        subscriptions: [
          {
            name: 'ok',
            topic: 'Fine',
            system: 'LIS',
            adapter: 'http',
            adapterConfig: { url: receiver.url },
            transformRef: 'from-file',
          },
          {
            name: 'bad',
            topic: 'Fine',
            system: 'LIS',
            adapter: 'http',
            adapterConfig: { url: receiver.url },
            transformRef: 'nope',
          },
        ],
        models: [
          { code: 'FileModel', name: '文件中的模型', kind: 'JSON' },
          { code: 'JSON', name: '内置', kind: 'JSON' },
          { code: 'OrderXml', name: '改类型', kind: 'JSON' },
          { code: 'WrongSchema', name: 'XSD 配 JSON', kind: 'JSON', schemaType: 'xsd', schema: '<xs:schema/>' },
          { code: 'BrokenSchema', name: '坏的', kind: 'JSON', schemaType: 'json-schema', schema: '{"type":"strin"}' },
        ],
        transforms: [
          { code: 'from-file', name: '文件中的转换', expression: '$' },
          { code: 'broken', name: '坏的', expression: '{ "a": ' },
        ],
        lookups: [
          {
            code: 'one',
            name: '一对一',
            entries: [
              { key: 'a', value: '1' },
              { key: 'a', value: '2' },
            ],
          },
          {
            code: 'many',
            name: '一对多',
            multi: true,
            entries: [
              { key: 'a', value: '1' },
              { key: 'a', value: '1' },
            ],
          },
          { code: 'blank', name: '空值', entries: [{ key: 'a', value: '  ' }] },
        ],
      };
      const dry = await api('POST', `/api/engine/domains/${target}/import`, {
        content: JSON.stringify(doc),
        format: 'json',
        dryRun: true,
      });
      const problems = (dry.problems as string[]).join('\n');
      expect(dry.problems, problems).toHaveLength(10);
      expect(problems).toMatch(/topics\[1\] \(Ghost\): 消息模型不存在：NoSuchModel/);
      expect(problems).toMatch(/subscriptions\[1\] .*: 域 target 中没有命名转换 nope/);
      expect(problems).toMatch(/models\[1\] \(JSON\): 内置消息模型 JSON 不能导入/);
      expect(problems).toMatch(/models\[2\] \(OrderXml\): 消息模型的类型不能修改（现为 XML）/);
      expect(problems).toMatch(/models\[3\] \(WrongSchema\): JSON 模型只能使用 json-schema/);
      expect(problems).toMatch(/models\[4\] \(BrokenSchema\): 结构定义有误/);
      expect(problems).toMatch(/transforms\[1\] \(broken\): 表达式有误/);
      expect(problems).toMatch(/lookups\[0\] \(one\): 第 2 项：一对一映射表中键 a 重复/);
      expect(problems).toMatch(/lookups\[1\] \(many\): 第 2 项：重复的 a → 1/);
      expect(problems).toMatch(/lookups\[2\] \(blank\): 第 1 项：键和值都不能为空/);
      // Nothing referring to FileModel or from-file was refused: the file brings them.
      expect(problems).not.toMatch(/FileModel|from-file/);

      const real = await call(src, srcAdmin)('POST', `/api/engine/domains/${target}/import`, {
        content: JSON.stringify(doc),
        format: 'json',
      });
      expect(real.status, real.raw).toBe(400);
      expect(real.body.code).toBe('HT_ENGINE_IMPORT_INVALID');
      expect(real.body.errors).toHaveLength(10);
      expect((await api('GET', '/api/engine/models')).items.map((m: Json) => m.code)).not.toContain('FileModel');
      expect((await api('GET', `/api/engine/transforms?domainId=${target}`)).items).toEqual([]);
      expect((await api('GET', `/api/engine/lookups?domainId=${target}`)).items).toEqual([]);
      expect((await api('GET', `/api/engine/models/OrderXml`)).kind).toBe('XML');

      // In English too.
      const en = await src.call('POST', `/api/engine/domains/${target}/import`, {
        cookie: srcAdmin,
        headers: { 'accept-language': 'en' },
        body: { content: JSON.stringify(doc), format: 'json', dryRun: true },
      });
      expect((en.body.problems as string[]).join('\n')).toMatch(/lookups\[0\] \(one\): entries\[1\]: key a twice/);
    });

    it('leaves what a file does not carry alone, and makes a table hold exactly the entries of the file', async () => {
      const domainId = await configureSource();
      const api = ok(src, srcAdmin);
      const doc = JSON.parse((await call(src, srcAdmin)('GET', `/api/engine/domains/${domainId}/export`)).raw);

      // A file without the three sections: they stay as they are.
      const bare = { systems: doc.systems, topics: doc.topics, subscriptions: doc.subscriptions };
      const untouched = await api('POST', `/api/engine/domains/${domainId}/import`, {
        content: JSON.stringify(bare),
        format: 'json',
      });
      expect(untouched).toEqual({ created: 0, updated: 0, unchanged: 4, problems: [] });
      expect((await api('GET', `/api/engine/lookups?domainId=${domainId}`)).items).toHaveLength(2);

      // One table renamed only (its entries kept as they are), the other given other entries; a new transform.
      const dept = (await api('GET', `/api/engine/lookups?domainId=${domainId}&q=dept`)).items[0];
      const entriesBefore = (await api('GET', `/api/engine/lookups/${dept.id}/entries`)).items as Json[];
      doc.lookups[0].name = '科室对照（新）';
      doc.lookups[1].entries = [{ key: '0202', value: '三病区' }];
      doc.transforms.push({ code: 'plain', name: '原样', expression: '$' });
      const changed = await api('POST', `/api/engine/domains/${domainId}/import`, {
        content: JSON.stringify(doc),
        format: 'json',
      });
      expect(changed).toEqual({ created: 1, updated: 2, unchanged: 6, problems: [] });
      expect((await api('GET', `/api/engine/lookups/${dept.id}/entries`)).items).toEqual(entriesBefore);
      const tls = src.hutong.engine.transformServices;
      const evaluate = (expression: string) =>
        src.hutong.engine.transforms.evaluate('transform', expression, {
          body: '{}',
          contentType: 'application/json',
          message: {
            id: 'm',
            domain: 'default',
            topic: 'Admission',
            system: null,
            sourceMessageId: null,
            receivedAt: new Date().toISOString(),
            contentType: 'application/json',
            index: {},
          },
        });
      expect(await evaluate('$lookup("wards", "0101")')).toBeUndefined();
      expect(await evaluate('$lookup("wards", "0202")')).toEqual(['三病区']);
      expect(tls.resolveTransform(domainId, 'plain')).toBe('$');

      // A large table is imported whole, but its revision keeps counts only (as the lookup API's revisions do).
      const rows = Array.from({ length: 1005 }, (_, i) => ({ key: `K${i}`, value: `V${i}` }));
      doc.lookups.push({ code: 'big', name: '大表', entries: rows });
      await api('POST', `/api/engine/domains/${domainId}/import`, { content: JSON.stringify(doc), format: 'json' });
      expect(await evaluate('$lookup("big", "K1004")')).toBe('V1004');
      const big = (await api('GET', `/api/engine/lookups?domainId=${domainId}&q=big`)).items[0];
      expect(big.entryCount).toBe(1005);
      const [revision] = (await api('GET', `/api/engine/revisions?entityId=${big.id}`)).items as Json[];
      expect(revision.action).toBe('import');
      expect(revision.after).toMatchObject({ code: 'big', entryCount: 1005, partial: true });
      expect(revision.after.entries).toBeUndefined();
    });

    it('rolls back an imported lookup table, named transform and model, and memory follows', async () => {
      const domainId = await configureSource();
      const api = ok(src, srcAdmin);
      const doc = JSON.parse((await call(src, srcAdmin)('GET', `/api/engine/domains/${domainId}/export`)).raw);
      doc.lookups[0].entries = [{ key: '0101', value: '心血管内科' }];
      doc.transforms[0].expression = '"v2"';
      doc.models[0].schema = JSON.stringify({ type: 'object' });
      const changed = await api('POST', `/api/engine/domains/${domainId}/import`, {
        content: JSON.stringify(doc),
        format: 'json',
      });
      expect(changed).toMatchObject({ updated: 3 });
      const tls = src.hutong.engine.transformServices;
      expect(tls.resolveTransform(domainId, 'to-lis')).toBe('"v2"');
      expect(await tls.modelValidator('AdmissionJson', '{}', 'application/json')).toBeNull();

      const revisions = (await api('GET', `/api/engine/revisions?domainId=${domainId}&pageSize=100`)).items as Json[];
      const imports = revisions.filter((r) => r.action === 'import');
      expect(imports.map((r) => r.entityType).sort()).toEqual(['lookup', 'model', 'transform']);
      for (const revision of imports) {
        await api('POST', `/api/engine/revisions/${revision.id}/rollback`);
      }
      // As soon as each rollback has answered, this node uses the restored versions.
      expect(tls.resolveTransform(domainId, 'to-lis')).toBe(TO_LIS);
      expect(await tls.modelValidator('AdmissionJson', '{}', 'application/json')).not.toBeNull();
      const dept = tls.lookups.get(domainId, 'dept');
      expect(dept?.byKey.get('0101')).toEqual(['心内科']);
      expect(dept?.byKey.get('0202')).toEqual(['骨科']);
    });
  });
}
