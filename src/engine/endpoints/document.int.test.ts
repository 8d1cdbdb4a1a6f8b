// Inbound endpoints in the domain export/import file, on SQLite and (when configured) PostgreSQL: a domain with
// systems, topics, subscriptions and endpoints exported, imported into a fresh app and exported again unchanged; the
// import checks endpoints as the API does (settings, port, path, topics — also against the rest of the same file),
// writes nothing when anything is wrong, writes revisions and audit entries, and the listeners follow; a file
// without endpoints (exported before they were part of it) still imports and leaves the endpoints alone.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type Json, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import { addSubscription, addSystem, addTopic, defaultDomainId, waitFor } from '../../../test/support/engine.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

for (const dialect of dialectsUnderTest()) {
  describe(`inbound endpoints in the domain export/import on ${dialect.name}`, () => {
    let src: TestApp;
    let dst: TestApp | undefined;
    let srcAdmin: string;

    beforeEach(async () => {
      src = await startTestApp(dialect, { mllp: { port: 0 } });
      srcAdmin = await src.adminCookie();
    });
    afterEach(async () => {
      await src.close();
      await dst?.close();
      dst = undefined;
    });

    const call = (app: TestApp, cookie: string) => (method: Method, url: string, body?: unknown) =>
      app.call(method, url, { cookie, ...(body === undefined ? {} : { body }) });
    const endpointsOf = async (app: TestApp, cookie: string, domainId: string) =>
      (await call(app, cookie)('GET', `/api/engine/endpoints?domainId=${domainId}&pageSize=200`)).body.items as Json[];
    /** The configuration in a document, without what says where and when it came from. */
    const content = (doc: Json) => ({
      systems: doc.systems,
      topics: doc.topics,
      subscriptions: doc.subscriptions,
      endpoints: doc.endpoints,
    });

    /** The source: the default domain with every kind of object, its default endpoint replaced by three others. */
    async function configureSource(): Promise<string> {
      const api = call(src, srcAdmin);
      const domainId = await defaultDomainId(src.hutong);
      for (const e of await endpointsOf(src, srcAdmin, domainId)) {
        expect((await api('DELETE', `/api/engine/endpoints/${e.id}`)).status).toBe(204);
      }
      const his = await addSystem(src.hutong, { code: 'HIS' });
      const lis = await addSystem(src.hutong, { code: 'LIS' });
      const adt = await addTopic(src.hutong, { code: 'PatientAdmit', model: 'HL7V2', publishers: [his.id] });
      await addTopic(src.hutong, { code: 'PatientRegistry', model: 'HL7V3' });
      await addSubscription(src.hutong, adt.id, lis.id, { url: 'http://127.0.0.1:9/adt', ordering: 'fifo' });
      const created = [
        await api('POST', '/api/engine/endpoints', {
          domainId,
          code: 'HIS-ADT',
          name: 'HIS 入院 MLLP',
          protocol: 'mllp',
          settings: {
            host: '127.0.0.1',
            port: 0,
            charset: 'GBK',
            topicByEvent: { 'ADT^A01': 'PatientAdmit' },
            systemCode: 'HIS',
            ipAllowlist: ['10.1.0.0/16'],
          },
        }),
        await api('POST', '/api/engine/endpoints', {
          domainId,
          code: 'LIS-OFF',
          name: '停用的 MLLP',
          protocol: 'mllp',
          enabled: false,
          settings: { port: 12999, defaultTopic: 'PatientAdmit' },
        }),
        await api('POST', '/api/engine/endpoints', {
          domainId,
          code: 'HIP',
          name: 'WebService 接入',
          protocol: 'soap',
          settings: { aliases: { S0001: 'PatientRegistry' } },
        }),
      ];
      for (const res of created) expect(res.status, res.raw).toBe(201);
      return domainId;
    }

    it('exports every endpoint of the domain and round-trips through a fresh app (the listener follows)', async () => {
      const domainId = await configureSource();
      const json = await call(src, srcAdmin)('GET', `/api/engine/domains/${domainId}/export?format=json`);
      expect(json.status, json.raw).toBe(200);
      const doc = JSON.parse(json.raw);
      expect(doc.endpoints.map((e: Json) => e.code)).toEqual(['HIP', 'HIS-ADT', 'LIS-OFF']);
      const hisAdt = doc.endpoints.find((e: Json) => e.code === 'HIS-ADT');
      expect(Object.keys(hisAdt).sort()).toEqual(['code', 'enabled', 'name', 'protocol', 'settings']);
      expect(hisAdt.settings).toMatchObject({ charset: 'GBK', systemCode: 'HIS', ipAllowlist: ['10.1.0.0/16'] });
      expect(doc.endpoints.find((e: Json) => e.code === 'LIS-OFF').enabled).toBe(false);
      expect(json.raw).not.toContain(domainId);
      const exports = await call(src, srcAdmin)('GET', `/api/system/audit?action=engine.domain.export`);
      expect(exports.body.items[0].changes).toMatchObject({ endpoints: 3, systems: 2, topics: 2, subscriptions: 1 });
      const yaml = await call(src, srcAdmin)('GET', `/api/engine/domains/${domainId}/export?format=yaml`);

      // A fresh app, listening: its own default WebService endpoint has the path the file's HIP wants.
      dst = await startTestApp(dialect, { mllp: { port: 0 } });
      const admin = await dst.adminCookie();
      const api = call(dst, admin);
      await dst.hutong.engine.endpoints.runtime.start();
      const copy = (await api('POST', '/api/engine/domains', { code: 'copy', name: '副本' })).body.id as string;
      const clash = await api('POST', `/api/engine/domains/${copy}/import`, { content: yaml.raw, format: 'yaml' });
      expect(clash.status, clash.raw).toBe(400);
      expect(clash.body.code).toBe('HT_ENGINE_IMPORT_INVALID');
      expect(clash.body.errors.map((e: Json) => e.message)).toEqual([
        expect.stringMatching(/^endpoints\[0\] \(HIP\): .*\/services\/HIPMessageServer/),
      ]);
      expect(await endpointsOf(dst, admin, copy)).toEqual([]);
      expect((await api('GET', `/api/engine/domains/${copy}`)).body).toMatchObject({ systemCount: 0, topicCount: 0 });

      const defaults = await endpointsOf(dst, admin, await defaultDomainId(dst.hutong));
      for (const e of defaults) await api('DELETE', `/api/engine/endpoints/${e.id}`);
      const dry = await api('POST', `/api/engine/domains/${copy}/import`, {
        content: yaml.raw,
        format: 'yaml',
        dryRun: true,
      });
      expect(dry.body).toEqual({ created: 8, updated: 0, unchanged: 0, problems: [] });
      expect(await endpointsOf(dst, admin, copy)).toEqual([]);
      const real = await api('POST', `/api/engine/domains/${copy}/import`, { content: yaml.raw, format: 'yaml' });
      expect(real.body).toEqual({ created: 8, updated: 0, unchanged: 0, problems: [] });

      const again = JSON.parse((await api('GET', `/api/engine/domains/${copy}/export`)).raw);
      expect(content(again)).toEqual(content(doc));

      // Revisions and audit entries as for the other objects; the new MLLP listener is up without a restart.
      const imported = await endpointsOf(dst, admin, copy);
      const his = imported.find((e) => e.code === 'HIS-ADT');
      const revisions = await api('GET', `/api/engine/revisions?entityType=endpoint&domainId=${copy}`);
      expect(revisions.body.items.map((r: Json) => r.action)).toEqual(['import', 'import', 'import']);
      const revision = revisions.body.items.find((r: Json) => r.entityId === his.id);
      expect(revision).toMatchObject({ before: null, after: his, summary: '导入接入端点 HIS-ADT（MLLP）' });
      const audit = await api('GET', `/api/system/audit?action=engine.endpoint.import&objectId=${his.id}`);
      expect(audit.body.total).toBe(1);
      await waitFor(
        async () => (await api('GET', `/api/engine/endpoints/${his.id}/status`)).body.state === 'listening',
        5000,
        'the imported MLLP endpoint listening',
      );
      const off = imported.find((e) => e.code === 'LIS-OFF');
      expect((await api('GET', `/api/engine/endpoints/${off.id}/status`)).body.state).toBe('stopped');
      expect(dst.hutong.engine.endpoints.runtime.soapEndpointByPath('/services/HIPMessageServer')).toMatchObject({
        domainCode: 'copy',
      });

      // The same file again changes nothing; a changed endpoint is one update, matched by code (same id).
      const same = await api('POST', `/api/engine/domains/${copy}/import`, { content: json.raw, format: 'json' });
      expect(same.body).toEqual({ created: 0, updated: 0, unchanged: 8, problems: [] });
      hisAdt.enabled = false;
      hisAdt.name = '改名';
      const changed = await api('POST', `/api/engine/domains/${copy}/import`, {
        content: JSON.stringify(doc),
        format: 'json',
      });
      expect(changed.body).toEqual({ created: 0, updated: 1, unchanged: 7, problems: [] });
      expect((await api('GET', `/api/engine/endpoints/${his.id}`)).body).toMatchObject({
        name: '改名',
        enabled: false,
      });
      await waitFor(
        async () => (await api('GET', `/api/engine/endpoints/${his.id}/status`)).body.state === 'stopped',
        5000,
        'the disabled MLLP endpoint stopped',
      );
      const [update] = (await api('GET', `/api/engine/revisions?entityType=endpoint&entityId=${his.id}`)).body.items;
      expect(update).toMatchObject({ action: 'import', before: his, after: { name: '改名', enabled: false } });
    });

    it('checks imported endpoints as the API does, against the whole file, and writes nothing on a problem', async () => {
      const domainId = await configureSource();
      const api = call(src, srcAdmin);
      const target = (await api('POST', '/api/engine/domains', { code: 'target', name: '目标' })).body.id as string;
      const importing = (doc: unknown, dryRun = false) =>
        api('POST', `/api/engine/domains/${target}/import`, { content: JSON.stringify(doc), format: 'json', dryRun });
      const topics = [{ code: 'Orders', name: '医嘱' }];
      const ep = (code: string, protocol: 'mllp' | 'soap', settings: Record<string, unknown>, enabled = true) => ({
        code,
        name: `${code} 接入`,
        protocol,
        enabled,
        settings,
      });

      const bad = {
        topics,
        endpoints: [
          ep('BAD-PORT', 'mllp', { port: 70000 }),
          ep('BAD-CHARSET', 'mllp', { port: 0, charset: 'NOPE-9' }),
          ep('TAKEN', 'mllp', { port: 12999 }), // the source's LIS-OFF is disabled: free
          ep('TWICE-1', 'mllp', { port: 13001 }),
          ep('TWICE-2', 'mllp', { port: 13001 }),
          ep('NO-TOPIC', 'mllp', { port: 0, defaultTopic: 'Missing' }),
          ep('TOPIC-OK', 'mllp', { port: 0, defaultTopic: 'Orders' }),
          ep('NO-SYSTEM', 'mllp', { port: 0, systemCode: 'NOBODY' }),
          ep('PATH', 'soap', { path: '/services/hipmessageserver/' }),
          ep('TOPIC-OK', 'soap', { path: '/services/Other' }),
        ],
      };
      const dry = await importing(bad, true);
      expect(dry.status, dry.raw).toBe(200);
      const problems = dry.body.problems as string[];
      const at = (where: string) => problems.filter((p) => p.startsWith(`${where}: `));
      expect(at('endpoints[0] (BAD-PORT)')).toEqual([expect.stringContaining('port')]);
      expect(at('endpoints[1] (BAD-CHARSET)')).toEqual([expect.stringContaining('NOPE-9')]);
      expect(at('endpoints[2] (TAKEN)')).toEqual([]);
      expect(at('endpoints[3] (TWICE-1)')).toEqual([expect.stringContaining('13001')]);
      expect(at('endpoints[4] (TWICE-2)')).toEqual([expect.stringContaining('TWICE-1')]);
      expect(at('endpoints[5] (NO-TOPIC)')).toEqual([expect.stringContaining('Missing')]);
      expect(at('endpoints[6] (TOPIC-OK)')).toEqual([]);
      expect(at('endpoints[7] (NO-SYSTEM)')).toEqual([expect.stringContaining('NOBODY')]);
      expect(at('endpoints[8] (PATH)')).toEqual([expect.stringContaining('HIP')]);
      expect(at('endpoints[9] (TOPIC-OK)')).toEqual([expect.stringMatching(/编码重复|duplicate code/)]);
      expect(problems).toHaveLength(8);
      const real = await importing(bad);
      expect(real.status).toBe(400);
      expect(real.body.code).toBe('HT_ENGINE_IMPORT_INVALID');
      expect(await endpointsOf(src, srcAdmin, target)).toEqual([]);
      expect((await api('GET', `/api/engine/domains/${target}`)).body.topicCount).toBe(0);

      // The shape is checked like the rest of the document: unknown fields and missing ones, with where.
      const shape = await importing({ endpoints: [{ code: 'X', protocol: 'ftp', settings: {}, port: 1 }] }, true);
      expect(shape.body.problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^endpoints\[0\]: .*port/),
          expect.stringMatching(/^endpoints\[0\]\.protocol: /),
          expect.stringMatching(/^endpoints\[0\]: .*name/),
        ]),
      );

      // Enabling the source's LIS-OFF would now clash with TAKEN once that is imported into the target.
      const ok = await importing({ topics, endpoints: [ep('TAKEN', 'mllp', { port: 12999 })] });
      expect(ok.body).toMatchObject({ created: 2, problems: [] });
      const source = JSON.parse((await api('GET', `/api/engine/domains/${domainId}/export`)).raw);
      source.endpoints.find((e: Json) => e.code === 'LIS-OFF').enabled = true;
      const clash = await api('POST', `/api/engine/domains/${domainId}/import`, {
        content: JSON.stringify(source),
        format: 'json',
        dryRun: true,
      });
      expect(clash.body.problems).toEqual([expect.stringMatching(/^endpoints\[2\] \(LIS-OFF\): .*12999.*TAKEN/)]);
      // A protocol never changes through an import.
      source.endpoints.find((e: Json) => e.code === 'LIS-OFF').protocol = 'soap';
      const protocol = await api('POST', `/api/engine/domains/${domainId}/import`, {
        content: JSON.stringify(source),
        format: 'json',
        dryRun: true,
      });
      expect(protocol.body.problems).toEqual([expect.stringMatching(/^endpoints\[2\] \(LIS-OFF\): .*mllp/)]);
    });

    it('imports a file without endpoints (exported before they were part of it) and leaves endpoints alone', async () => {
      const domainId = await configureSource();
      const api = call(src, srcAdmin);
      const doc = JSON.parse((await api('GET', `/api/engine/domains/${domainId}/export`)).raw);
      delete doc.endpoints;
      const res = await api('POST', `/api/engine/domains/${domainId}/import`, {
        content: JSON.stringify(doc),
        format: 'json',
      });
      expect(res.body).toEqual({ created: 0, updated: 0, unchanged: 5, problems: [] });
      expect((await endpointsOf(src, srcAdmin, domainId)).map((e) => e.code).sort()).toEqual([
        'HIP',
        'HIS-ADT',
        'LIS-OFF',
      ]);
      // An empty list is not "delete them all" either: the import only creates and updates.
      const empty = await api('POST', `/api/engine/domains/${domainId}/import`, {
        content: JSON.stringify({ ...doc, endpoints: [] }),
        format: 'json',
      });
      expect(empty.body).toEqual({ created: 0, updated: 0, unchanged: 5, problems: [] });
      expect(await endpointsOf(src, srcAdmin, domainId)).toHaveLength(3);
    });
  });
}
