// The inbound endpoint API (接入端点) over HTTP, on SQLite and (when configured) PostgreSQL: create/read/update/delete
// with settings validated per protocol, the checks against the rest of the configuration, revisions with rollback
// (the listener follows), audit entries, permissions, the adapter catalogue, and what the SOAP handler reads.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, strongPassword, type Json, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import { addSystem, addTopic, defaultDomainId, waitFor } from '../../../test/support/engine.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

for (const dialect of dialectsUnderTest()) {
  describe(`inbound endpoint API on ${dialect.name}`, () => {
    let t: TestApp;
    let admin: string;
    let domainId: string;

    beforeEach(async () => {
      t = await startTestApp(dialect, { mllp: { port: 0 } });
      admin = await t.adminCookie();
      domainId = await defaultDomainId(t.hutong);
      // A fresh install serves /services/HIPMessageServer (code HIP); these tests create their own endpoints.
      const defaults = await t.call('GET', '/api/engine/endpoints', { cookie: admin });
      expect(defaults.body.items.map((e: { code: string }) => e.code)).toEqual(['HIP']);
      for (const e of defaults.body.items as { id: string }[]) {
        expect((await t.call('DELETE', `/api/engine/endpoints/${e.id}`, { cookie: admin })).status).toBe(204);
      }
    });
    afterEach(async () => {
      await t.close();
    });

    const api = (method: Method, url: string, body?: unknown, cookie: string = admin) =>
      t.call(method, url, { cookie, ...(body === undefined ? {} : { body }) });
    const expectError = (res: { status: number; body: Json; raw: string }, status: number, code: string) => {
      expect(res.status, res.raw).toBe(status);
      expect(res.body.code, res.raw).toBe(code);
    };
    const mllp = (code: string, settings: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      api('POST', '/api/engine/endpoints', {
        domainId,
        code,
        name: `${code} 接入`,
        protocol: 'mllp',
        settings,
        ...extra,
      });
    const soap = (code: string, settings: Record<string, unknown> = {}) =>
      api('POST', '/api/engine/endpoints', { domainId, code, name: `${code} 服务`, protocol: 'soap', settings });
    const revisionsOf = async (id: string) =>
      (await api('GET', `/api/engine/revisions?entityId=${id}&entityType=endpoint`)).body.items as Json[];

    it('creates an MLLP endpoint with every default filled in, reads, lists, updates and deletes it', async () => {
      const topic = await addTopic(t.hutong, { code: 'PatientAdmit', model: 'HL7V2' });
      const created = await mllp('HIS-ADT', { port: 12575, topicByEvent: { 'ADT^A01': topic.code, ADT: topic.code } });
      expect(created.status, created.raw).toBe(201);
      const ep = created.body;
      expect(ep).toMatchObject({ domainId, code: 'HIS-ADT', protocol: 'mllp', enabled: true });
      expect(ep.settings).toEqual({
        host: '0.0.0.0',
        port: 12575,
        charset: 'UTF-8',
        topicByEvent: { 'ADT^A01': 'PatientAdmit', ADT: 'PatientAdmit' },
        defaultTopic: null,
        ipAllowlist: [],
        systemCode: null,
        allowUnknownSender: false,
        ackMode: 'original',
        tls: null,
        maxMessageBytes: 4 * 1024 * 1024,
        idleTimeoutMs: 600_000,
      });
      expect((await api('GET', `/api/engine/endpoints/${ep.id}`)).body).toEqual(ep);

      await soap('HIP');
      const all = await api('GET', '/api/engine/endpoints');
      expect(all.body.total).toBe(2);
      const onlyMllp = await api('GET', `/api/engine/endpoints?protocol=mllp&domainId=${domainId}`);
      expect(onlyMllp.body.items.map((e: Json) => e.code)).toEqual(['HIS-ADT']);
      expect((await api('GET', '/api/engine/endpoints?domainId=nope')).body.total).toBe(0);

      // Settings given in a PATCH replace those keys only.
      const patched = await api('PATCH', `/api/engine/endpoints/${ep.id}`, {
        name: '住院 ADT',
        settings: { charset: 'GB18030', ipAllowlist: [' 10.1.2.0/24 ', '10.1.2.0/24'] },
      });
      expect(patched.status, patched.raw).toBe(200);
      expect(patched.body.name).toBe('住院 ADT');
      expect(patched.body.settings).toMatchObject({ port: 12575, charset: 'GB18030', ipAllowlist: ['10.1.2.0/24'] });
      expect(patched.body.settings.topicByEvent).toEqual(ep.settings.topicByEvent);

      const status = await api('GET', `/api/engine/endpoints/${ep.id}/status`);
      expect(status.body).toMatchObject({ id: ep.id, state: 'stopped', address: null, received: 0, connections: 0 });

      expect((await api('DELETE', `/api/engine/endpoints/${ep.id}`)).status).toBe(204);
      expectError(await api('GET', `/api/engine/endpoints/${ep.id}`), 404, 'HT_ENGINE_NOT_FOUND');
      expectError(await api('GET', `/api/engine/endpoints/${ep.id}/status`), 404, 'HT_ENGINE_NOT_FOUND');
      expectError(await api('DELETE', `/api/engine/endpoints/${ep.id}`), 404, 'HT_ENGINE_NOT_FOUND');
    });

    it('refuses settings that do not fit the protocol, with the field that is wrong', async () => {
      const wrong = async (settings: Record<string, unknown>, path: string) => {
        const res = await mllp('BAD', settings);
        expectError(res, 400, 'HT_ENGINE_ENDPOINT_SETTINGS_INVALID');
        expect(res.body.errors.map((e: Json) => e.path)).toContain(path);
      };
      await wrong({ port: 70000 }, 'body/settings/port');
      await wrong({}, 'body/settings');
      await wrong({ port: 2600, colour: 'blue' }, 'body/settings');
      await wrong({ port: 2600, topicByEvent: { 'ADT A01': 'x' } }, 'body/settings/topicByEvent');
      await wrong({ port: 2600, charset: 'KLINGON-8' }, 'body/settings/charset');
      await wrong({ port: 2600, maxMessageBytes: 10 }, 'body/settings/maxMessageBytes');
      await wrong(
        { port: 2600, tls: { certFile: '/c.pem', keyFile: '/k.pem', requestClientCert: true } },
        'body/settings/tls/caFile',
      );
      await wrong({ port: 2600, ackMode: 'enhanced' }, 'body/settings/ackMode');
      const soapWrong = await soap('BAD', { path: '/not-under-services' });
      expectError(soapWrong, 400, 'HT_ENGINE_ENDPOINT_SETTINGS_INVALID');
      expectError(await mllp('BAD', { port: 2600, ipAllowlist: ['10.0.0.300'] }), 400, 'HT_ENGINE_ALLOWLIST_INVALID');
      // The protocol is fixed once created; unknown fields are errors.
      const ep = (await mllp('OK', { port: 2600 })).body;
      expectError(
        await api('PATCH', `/api/engine/endpoints/${ep.id}`, { protocol: 'soap' }),
        400,
        'HT_REQUEST_INVALID',
      );
      expectError(
        await api('PATCH', `/api/engine/endpoints/${ep.id}`, { settings: { port: -1 } }),
        400,
        'HT_ENGINE_ENDPOINT_SETTINGS_INVALID',
      );
      expectError(await mllp('BAD', { port: 2600 }, { domainId: 'no-such-domain' }), 404, 'HT_ENGINE_DOMAIN_NOT_FOUND');
    });

    it('checks topics, systems, ports, paths and codes against the configuration', async () => {
      await addTopic(t.hutong, { code: 'PatientAdmit', model: 'HL7V2' });
      await addSystem(t.hutong, { code: 'HIS' });
      const missingTopic = await mllp('A', { port: 2600, topicByEvent: { ADT: 'PatientAdmit', ORU: 'LabResult' } });
      expectError(missingTopic, 400, 'HT_ENGINE_ENDPOINT_REFERENCE_INVALID');
      expect(missingTopic.body.message).toContain('LabResult');
      expectError(await mllp('A', { port: 2600, defaultTopic: 'Nope' }), 400, 'HT_ENGINE_ENDPOINT_REFERENCE_INVALID');
      expectError(await mllp('A', { port: 2600, systemCode: 'NOPE' }), 400, 'HT_ENGINE_ENDPOINT_REFERENCE_INVALID');
      expect((await mllp('A', { port: 2600, systemCode: 'HIS', defaultTopic: 'PatientAdmit' })).status).toBe(201);

      const taken = await mllp('B', { port: 2600 });
      expectError(taken, 409, 'HT_ENGINE_ENDPOINT_PORT_IN_USE');
      expect(taken.body.message).toContain('A');
      // A disabled endpoint may keep the port; enabling it is checked.
      const spare = await mllp('B', { port: 2600 }, { enabled: false });
      expect(spare.status, spare.raw).toBe(201);
      expectError(
        await api('PATCH', `/api/engine/endpoints/${spare.body.id}`, { enabled: true }),
        409,
        'HT_ENGINE_ENDPOINT_PORT_IN_USE',
      );
      // Port 0 (any free port) never collides.
      expect((await mllp('C', { port: 0 })).status).toBe(201);
      expect((await mllp('D', { port: 0 })).status).toBe(201);
      expectError(await mllp('A', { port: 2601 }), 409, 'HT_ENGINE_CONFLICT');

      expect(
        (await soap('HIP', { path: '/services/HIPMessageServer', aliases: { S0001: 'PatientAdmit' } })).status,
      ).toBe(201);
      expectError(await soap('HIP2', { path: '/services/hipmessageserver/' }), 409, 'HT_ENGINE_ENDPOINT_PATH_IN_USE');
      expectError(
        await soap('HIP3', { path: '/services/Other', aliases: { S0002: 'Nope' } }),
        400,
        'HT_ENGINE_ENDPOINT_REFERENCE_INVALID',
      );
    });

    it('writes a revision and an audit entry for every change, and rolls them back (the listener follows)', async () => {
      const runtime = t.hutong.engine.endpoints.runtime;
      await runtime.start();
      const ep = (await mllp('HIS-ADT', { host: '127.0.0.1', port: 0 })).body;
      await waitFor(async () => (await api('GET', `/api/engine/endpoints/${ep.id}/status`)).body.state === 'listening');
      const renamed = await api('PATCH', `/api/engine/endpoints/${ep.id}`, {
        name: '改过的名字',
        settings: { charset: 'GBK' },
      });
      expect(renamed.status).toBe(200);
      await api('PATCH', `/api/engine/endpoints/${ep.id}`, { enabled: false });
      expect((await api('GET', `/api/engine/endpoints/${ep.id}/status`)).body.state).toBe('stopped');

      const revisions = await revisionsOf(ep.id);
      expect(revisions.map((r) => r.action)).toEqual(['update', 'update', 'create']);
      expect(revisions[0]).toMatchObject({ entityType: 'endpoint', domainId, summary: '停用接入端点 HIS-ADT' });
      const audit = await api('GET', `/api/system/audit?objectType=endpoint&objectId=${ep.id}`);
      const actions = audit.body.items.map((a: Json) => a.action).sort();
      expect(actions).toEqual(['engine.endpoint.create', 'engine.endpoint.disable', 'engine.endpoint.update']);

      // Roll back the switch-off: enabled again, and listening again once the cache reloads.
      const [disable, rename] = revisions;
      expect((await api('POST', `/api/engine/revisions/${disable.id}/rollback`)).status).toBe(200);
      expect((await api('GET', `/api/engine/endpoints/${ep.id}`)).body.enabled).toBe(true);
      await waitFor(
        async () => (await api('GET', `/api/engine/endpoints/${ep.id}/status`)).body.state === 'listening',
        5000,
        'listening after rollback',
      );
      // Roll back the rename: name and charset as before.
      expect((await api('POST', `/api/engine/revisions/${rename.id}/rollback`)).status).toBe(200);
      const restored = (await api('GET', `/api/engine/endpoints/${ep.id}`)).body;
      expect(restored.name).toBe('HIS-ADT 接入');
      expect(restored.settings.charset).toBe('UTF-8');

      // Delete → rollback re-creates it with the same id; create → rollback deletes it.
      expect((await api('DELETE', `/api/engine/endpoints/${ep.id}`)).status).toBe(204);
      const [deletion] = await revisionsOf(ep.id);
      expect(deletion.action).toBe('delete');
      expect((await api('POST', `/api/engine/revisions/${deletion.id}/rollback`)).status).toBe(200);
      expect((await api('GET', `/api/engine/endpoints/${ep.id}`)).status).toBe(200);
      await waitFor(
        async () => (await api('GET', `/api/engine/endpoints/${ep.id}/status`)).body.state === 'listening',
        5000,
        'listening after re-creation',
      );
      const creation = (await revisionsOf(ep.id)).find((r) => r.action === 'create');
      expect((await api('POST', `/api/engine/revisions/${creation.id}/rollback`)).status).toBe(200);
      expectError(await api('GET', `/api/engine/endpoints/${ep.id}`), 404, 'HT_ENGINE_NOT_FOUND');
      const rollbacks = await api('GET', '/api/system/audit?action=engine.endpoint.rollback');
      expect(rollbacks.body.total).toBe(4);
    });

    it('writes a rollback revision holding the real rows before and after', async () => {
      const ep = (await mllp('HIS-ADT', { port: 2800 })).body;
      await api('PATCH', `/api/engine/endpoints/${ep.id}`, { name: '第二个名字' });
      await api('PATCH', `/api/engine/endpoints/${ep.id}`, { settings: { charset: 'GBK' } });
      const [, rename] = await revisionsOf(ep.id);
      expect(rename.after.name).toBe('第二个名字');
      // The row now differs from what the rename revision holds (charset, updatedAt): the rollback records the row.
      const current = (await api('GET', `/api/engine/endpoints/${ep.id}`)).body;
      expect(current.settings.charset).toBe('GBK');
      const res = await api('POST', `/api/engine/revisions/${rename.id}/rollback`);
      expect(res.status, res.raw).toBe(200);
      const restored = (await api('GET', `/api/engine/endpoints/${ep.id}`)).body;
      expect(restored).toMatchObject({ name: 'HIS-ADT 接入', settings: { charset: 'UTF-8' } });
      const [rollback] = await revisionsOf(ep.id);
      expect(rollback).toMatchObject({ id: res.body.revisionId, action: 'rollback' });
      expect(rollback.before).toEqual(current);
      expect(rollback.after).toEqual(restored);
      expect(rollback.after.updatedAt).not.toBe(rename.before.updatedAt);

      // Rolling back the creation deletes it: the rollback's after is null, its before the row as it was.
      const creation = (await revisionsOf(ep.id)).find((r) => r.action === 'create');
      expect((await api('POST', `/api/engine/revisions/${creation.id}/rollback`)).status).toBe(200);
      const [removal] = await revisionsOf(ep.id);
      expect(removal).toMatchObject({ action: 'rollback', after: null });
      expect(removal.before).toEqual(restored);
    });

    it('refuses a rollback that would take a port now used by another endpoint', async () => {
      const first = (await mllp('FIRST', { port: 2700 })).body;
      await api('PATCH', `/api/engine/endpoints/${first.id}`, { settings: { port: 2701 } });
      expect((await mllp('SECOND', { port: 2700 })).status).toBe(201);
      const [move] = await revisionsOf(first.id);
      const res = await api('POST', `/api/engine/revisions/${move.id}/rollback`);
      expectError(res, 409, 'HT_ENGINE_REVISION_NOT_REVERTIBLE');
      expect(res.body.message).toContain('2700');
      expect((await api('GET', `/api/engine/endpoints/${first.id}`)).body.settings.port).toBe(2701);
    });

    it('lets readers see endpoints and their status but not change them', async () => {
      const ep = (await mllp('HIS-ADT', { port: 2600 })).body;
      const roles = await api('GET', '/api/system/roles');
      const readonly = roles.body.items.find((r: Json) => r.code === 'readonly').id;
      const username = `ro${Math.random().toString(36).slice(2, 8)}`;
      const password = strongPassword();
      expect(
        (await api('POST', '/api/system/users', { username, displayName: '只读', password, roleIds: [readonly] }))
          .status,
      ).toBe(201);
      const reader = await t.login(username, password);
      const changed = await t.call('POST', '/api/auth/password', {
        cookie: reader,
        body: { currentPassword: password, newPassword: strongPassword() },
      });
      expect(changed.status, changed.raw).toBe(204);
      expect((await api('GET', '/api/engine/endpoints', undefined, reader)).status).toBe(200);
      expect((await api('GET', `/api/engine/endpoints/${ep.id}/status`, undefined, reader)).status).toBe(200);
      expectError(
        await api('PATCH', `/api/engine/endpoints/${ep.id}`, { enabled: false }, reader),
        403,
        'HT_AUTH_FORBIDDEN',
      );
      expectError(await api('DELETE', `/api/engine/endpoints/${ep.id}`, undefined, reader), 403, 'HT_AUTH_FORBIDDEN');
      expectError(await t.call('GET', '/api/engine/endpoints'), 401, 'HT_AUTH_REQUIRED');
    });

    it('lists MLLP and WebService inbound and MLLP outbound in the adapter catalogue, with their schemas', async () => {
      const res = await api('GET', '/api/engine/adapters');
      const find = (direction: string, type: string) =>
        res.body.items.find((a: Json) => a.direction === direction && a.type === type);
      const inboundMllp = find('inbound', 'mllp');
      expect(inboundMllp.className).toBe('MllpListener');
      expect(Object.keys(inboundMllp.configSchema.properties)).toEqual(
        expect.arrayContaining([
          'host',
          'port',
          'charset',
          'topicByEvent',
          'defaultTopic',
          'ipAllowlist',
          'systemCode',
          'allowUnknownSender',
          'ackMode',
          'tls',
          'maxMessageBytes',
          'idleTimeoutMs',
        ]),
      );
      expect(inboundMllp.configSchema.properties.charset.description).toContain('MSH-18');
      expect(Object.keys(find('inbound', 'soap').configSchema.properties).sort()).toEqual([
        'actionParam',
        'aliases',
        'ipAllowlist',
        'messageParam',
        'namespace',
        'operation',
        'path',
      ]);
      expect(find('outbound', 'mllp').configSchema.properties.acceptCodes.default).toEqual(['AA', 'CA']);
    });

    it('serves WebService endpoints to the SOAP handler from memory and keeps their counters', async () => {
      const topic = await addTopic(t.hutong, { code: 'PatientRegistry', model: 'HL7V3' });
      const created = await soap('HIP', { aliases: { S0001: topic.code } });
      expect(created.status, created.raw).toBe(201);
      expect(created.body.settings).toEqual({
        path: '/services/HIPMessageServer',
        operation: 'HIPMessageServer',
        namespace: 'urn:hl7-org:v3',
        actionParam: 'action',
        messageParam: 'message',
        aliases: { S0001: 'PatientRegistry' },
        ipAllowlist: [],
      });
      const runtime = t.hutong.engine.endpoints.runtime;
      const entry = runtime.soapEndpointByPath('/services/hipmessageserver/');
      expect(entry).toEqual({ id: created.body.id, domainCode: 'default', settings: created.body.settings });
      expect(runtime.soapEndpointByPath('/services/Other')).toBeUndefined();

      runtime.record(created.body.id, 'accepted');
      runtime.record(created.body.id, 'rejected', 'HT_SOAP_UNKNOWN_ACTION: 未知服务 S9999');
      const status = (await api('GET', `/api/engine/endpoints/${created.body.id}/status`)).body;
      expect(status).toMatchObject({
        protocol: 'soap',
        state: 'listening',
        address: '/services/HIPMessageServer',
        received: 2,
        accepted: 1,
        rejected: 1,
        lastError: 'HT_SOAP_UNKNOWN_ACTION: 未知服务 S9999',
      });

      await api('PATCH', `/api/engine/endpoints/${created.body.id}`, { enabled: false });
      expect(runtime.soapEndpointByPath('/services/HIPMessageServer')).toBeUndefined();
      expect((await api('GET', `/api/engine/endpoints/${created.body.id}/status`)).body.state).toBe('stopped');
    });
  });
}
