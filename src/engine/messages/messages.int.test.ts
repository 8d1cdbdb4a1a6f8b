// 消息检索 end to end on SQLite and (when configured) PostgreSQL: search on every index field and the time window,
// the detail with its trace and audit entry, resends (message, delivery, bulk, edited) with their lineage, saved
// searches per user — through the service, and through HTTP (the app's own routes once the engine wires them, a
// harness with the platform's auth hook until then).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, strongPassword, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import { Receiver, addSubscription, addSystem, addTopic, waitFor } from '../../../test/support/engine.js';
import type { RequestContext } from '../../platform/auth/context.js';
import { HtError } from '../../platform/errors/index.js';
import { newId } from '../../platform/ids/index.js';
import type { EngineTables } from '../tables.js';
import { MessageService } from './service.js';
import { messageRoutes } from './routes.js';
import { contextFor, injector, routeHarness, type Caller } from './testing.testutil.js';

for (const dialect of dialectsUnderTest()) {
  describe(`message search and resend on ${dialect.name}`, () => {
    let t: TestApp;
    let receiver: Receiver;
    let service: MessageService;
    let admin: RequestContext;
    let adminCookie: string;
    let sender: { id: string; code: string; secret: string };
    let topic: { id: string; code: string };
    let sub: { id: string };

    beforeEach(async () => {
      t = await startTestApp(dialect);
      receiver = await new Receiver().start();
      const e = t.hutong.engine;
      service = new MessageService(t.hutong.db, e.cache, e.writer, e.pipeline, e.dispatcher);
      adminCookie = await t.adminCookie();
      admin = await contextFor(t.hutong.identity, adminCookie);
      sender = await addSystem(t.hutong, { code: 'HIS' });
      const target = await addSystem(t.hutong, { code: 'LIS' });
      topic = await addTopic(t.hutong, { code: 'OutPatientInfoAdd' });
      sub = await addSubscription(t.hutong, topic.id, target.id, { url: receiver.url, backoffInitialMs: 50 });
    });
    afterEach(async () => {
      await t.close();
      await receiver.close();
    });

    const k = () => t.hutong.db.kysely.withTables<EngineTables>();
    const publish = async (body: Record<string, unknown>) => {
      const r = await t.hutong.engine.pipeline.ingest({
        domainCode: 'default',
        topicCode: topic.code,
        system: t.hutong.engine.cache.systemById(sender.id) ?? null,
        body: JSON.stringify(body),
        contentType: 'application/json',
        inbound: 'rest',
      });
      return r.messageId;
    };
    const status = async (id: string) =>
      (await k().selectFrom('messages').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    const settled = (id: string, want = 'delivered') => waitFor(async () => (await status(id)) === want, 10_000, want);
    const deliveredDelivery = (id: string) =>
      waitFor(
        async () =>
          (await k().selectFrom('deliveries').select('status').where('id', '=', id).executeTakeFirstOrThrow())
            .status === 'delivered',
        10_000,
        `delivery ${id} delivered`,
      );
    const audit = (action: string) =>
      k().selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();

    /** A signed-in user holding one built-in role, with the first-login password already changed. */
    async function signIn(role: string): Promise<{ cookie: string; ctx: RequestContext }> {
      const roles = await t.call('GET', '/api/system/roles', { cookie: adminCookie });
      const roleId = roles.body.items.find((r: { code: string }) => r.code === role).id as string;
      const username = `u${Math.random().toString(36).slice(2, 9)}`;
      const password = strongPassword();
      const created = await t.call('POST', '/api/system/users', {
        cookie: adminCookie,
        body: { username, displayName: '运维', password, roleIds: [roleId] },
      });
      expect(created.status, created.raw).toBe(201);
      const cookie = await t.login(username, password);
      const changed = await t.call('POST', '/api/auth/password', {
        cookie,
        body: { currentPassword: password, newPassword: strongPassword() },
      });
      expect(changed.status, changed.raw).toBe(204);
      return { cookie, ctx: await contextFor(t.hutong.identity, cookie) };
    }

    async function expectCode(promise: Promise<unknown>, code: string) {
      const error = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, `expected ${code}`).toBeInstanceOf(HtError);
      expect((error as HtError).code).toBe(code);
    }

    it('searches by each index field and by time, newest first, never returning bodies', async () => {
      const a = await publish({
        messageId: 'SRC-A',
        patientId: 'P001',
        patientName: '张三',
        visitNo: 'V001',
        orderNo: 'O001',
        applicationNo: 'A001',
      });
      const b = await publish({ messageId: 'SRC-B', patientId: 'P002', patientName: '张三丰', visitNo: 'V002' });
      const c = await publish({ messageId: 'SRC-C', patientId: 'P003', patientName: '李四', orderNo: 'O003' });
      await Promise.all([a, b, c].map((id) => settled(id)));
      const ids = async (query: Record<string, unknown>) => (await service.search(admin, query)).items.map((m) => m.id);

      expect(await ids({})).toEqual([c, b, a]);
      expect(await ids({ messageId: b })).toEqual([b]);
      expect(await ids({ sourceMessageId: 'SRC-A' })).toEqual([a]);
      expect(await ids({ sourceMessageId: 'SRC-A', systemId: sender.id })).toEqual([a]);
      expect(await ids({ patientId: 'P002' })).toEqual([b]);
      expect(await ids({ patientName: '张三' })).toEqual([a]);
      expect(await ids({ patientName: '张*' })).toEqual([b, a]);
      expect(await ids({ patientName: '张三*' })).toEqual([b, a]);
      expect(await ids({ patientName: '%*' })).toEqual([]);
      expect(await ids({ visitNo: 'V001' })).toEqual([a]);
      expect(await ids({ orderNo: 'O003' })).toEqual([c]);
      expect(await ids({ applicationNo: 'A001' })).toEqual([a]);
      expect(await ids({ topicId: topic.id })).toEqual([c, b, a]);
      expect(await ids({ topicId: newId() })).toEqual([]);
      expect(await ids({ systemId: sender.id, status: 'delivered' })).toEqual([c, b, a]);
      expect(await ids({ status: 'failed' })).toEqual([]);
      expect(await ids({ domainId: t.hutong.engine.cache.domainByCode('default')!.id, patientId: 'P003' })).toEqual([
        c,
      ]);

      const page = await service.search(admin, { pageSize: 2 });
      expect(page).toMatchObject({ total: 3, totalCapped: false, page: 1, pageSize: 2 });
      expect(page.items).toHaveLength(2);
      expect(page.items[0]).not.toHaveProperty('body');
      expect(page.items[0]).toMatchObject({
        topicCode: topic.code,
        systemCode: 'HIS',
        sourceMessageId: 'SRC-C',
        inbound: 'rest',
        contentType: 'application/json',
        routedCount: 1,
        parentId: null,
      });
      expect((await service.search(admin, { page: 2, pageSize: 2 })).items.map((m) => m.id)).toEqual([a]);

      // Two days old: outside the default window, found by its number or an explicit range.
      const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600_000).toISOString();
      await k().updateTable('messages').set({ received_at: twoDaysAgo }).where('id', '=', a).execute();
      const recent = await service.search(admin, {});
      expect(recent.items.map((m) => m.id)).toEqual([c, b]);
      expect(Date.parse(recent.from!)).toBeGreaterThan(Date.now() - 24 * 3600_000 - 60_000);
      expect(recent.to).toBeNull();
      expect(await ids({ patientId: 'P001' })).toEqual([a]);
      expect(await ids({ patientName: '张*' })).toEqual([b]);
      const threeDaysAgo = new Date(Date.now() - 3 * 24 * 3600_000).toISOString();
      expect(await ids({ from: threeDaysAgo })).toEqual([c, b, a]);
      expect(await ids({ from: threeDaysAgo, to: new Date(Date.now() - 24 * 3600_000).toISOString() })).toEqual([a]);
      // Only `to`: the 24 hours before it.
      expect(await ids({ to: new Date(Date.parse(twoDaysAgo) + 1000).toISOString() })).toEqual([a]);
      // Times in another zone are compared as instants.
      const local = new Date(Date.now() + 8 * 3600_000).toISOString().replace('Z', '+08:00');
      expect(await ids({ from: threeDaysAgo, to: local })).toEqual([c, b, a]);
    });

    it('caps the count beyond 10,000 matches', async () => {
      const domainId = t.hutong.engine.cache.domainByCode('default')!.id;
      const at = Date.now() - 3600_000;
      const rows = Array.from({ length: 10_050 }, (_, i) => ({
        id: newId(),
        domain_id: domainId,
        topic_id: topic.id,
        system_id: sender.id,
        source_message_id: null,
        received_at: new Date(at + i).toISOString(),
        status: 'delivered',
        inbound: 'rest',
        content_type: 'text/plain',
        body: 'x',
        size: 1,
        headers: null,
        patient_id: 'BULK',
        patient_name: null,
        visit_no: null,
        order_no: null,
        application_no: null,
        index_extra: null,
        warnings: null,
        error: null,
        reply: null,
        parent_id: null,
        resend_kind: null,
        routed_count: 0,
        validated: null,
      }));
      for (let i = 0; i < rows.length; i += 500) {
        await k()
          .insertInto('messages')
          .values(rows.slice(i, i + 500))
          .execute();
      }
      const page = await service.search(admin, { patientId: 'BULK', pageSize: 5 });
      expect(page).toMatchObject({ total: 10_000, totalCapped: true });
      expect(page.items[0]!.id).toBe(rows[rows.length - 1]!.id);
      const exact = await service.search(admin, { patientId: 'BULK', from: new Date(at + 10_000).toISOString() });
      expect(exact).toMatchObject({ total: 50, totalCapped: false });
    });

    it('shows a message with its deliveries, attempts and an ordered trace, and audits the view', async () => {
      receiver.respond({ status: 500, body: 'busy' });
      const id = await publish({ patientId: 'P010', patientName: '王五' });
      await settled(id);
      const detail = await service.detail(admin, id);
      expect(JSON.parse(detail.body)).toEqual({ patientId: 'P010', patientName: '王五' });
      expect(detail).toMatchObject({ id, status: 'delivered', warnings: [], children: [], validated: null });
      expect(detail.reply).toEqual({ messageId: id, status: 'accepted' });
      expect(detail.parent).toBeUndefined();
      expect(detail.deliveries).toHaveLength(1);
      const d = detail.deliveries[0]!;
      expect(d).toMatchObject({
        subscriptionId: sub.id,
        systemCode: 'LIS',
        adapter: 'http',
        status: 'delivered',
        attempts: 2,
      });
      expect(d.attemptList.map((a) => [a.n, a.outcome, a.statusCode])).toEqual([
        [1, 'error', '500'],
        [2, 'ok', '200'],
      ]);
      expect(detail.trace.map((e) => e.kind)).toEqual([
        'received',
        'routed',
        'delivery',
        'attempt',
        'attempt',
        'delivered',
      ]);
      const times = detail.trace.map((e) => e.at);
      expect([...times].sort()).toEqual(times);
      expect(detail.trace[3]).toMatchObject({ deliveryId: d.id, status: 'error' });
      expect(detail.trace[0]!.title).toBe('接收消息');

      const english = await service.detail(await contextFor(t.hutong.identity, adminCookie, 'en'), id);
      expect(english.trace[0]!.title).toBe('Received');

      const views = await audit('engine.message.view');
      expect(views).toHaveLength(2);
      expect(views[0]).toMatchObject({ object_type: 'message', object_id: id, username: 'admin', outcome: 'success' });
      await expectCode(service.detail(admin, newId()), 'HT_ENGINE_MESSAGE_NOT_FOUND');
    });

    it('resends a whole message as a new one, linked both ways', async () => {
      const id = await publish({ patientId: 'P020', messageId: 'SRC-20' });
      await settled(id);
      const { messageId } = await service.resendMessage(admin, id);
      expect(messageId).not.toBe(id);
      await settled(messageId);
      await waitFor(() => receiver.received.length === 2, 5000, 'second delivery');
      expect(receiver.received[1]!.body).toBe(receiver.received[0]!.body);

      const copy = await service.detail(admin, messageId);
      expect(copy).toMatchObject({
        parentId: id,
        resendKind: 'message',
        inbound: 'resend',
        systemId: sender.id,
        topicId: topic.id,
        sourceMessageId: 'SRC-20',
      });
      expect(copy.parent).toMatchObject({ id });
      expect(copy.trace[0]!.detail).toContain(id);
      const original = await service.detail(admin, id);
      expect(original.children).toEqual([expect.objectContaining({ id: messageId, resendKind: 'message' })]);
      expect(original.trace.at(-1)).toMatchObject({ kind: 'resent', detail: messageId });
      const resends = await audit('engine.message.resend');
      expect(resends).toHaveLength(1);
      expect(resends[0]).toMatchObject({ object_id: id, outcome: 'success' });
      expect(JSON.parse(resends[0]!.changes!)).toMatchObject({ newMessageId: messageId });
      await expectCode(service.resendMessage(admin, newId()), 'HT_ENGINE_MESSAGE_NOT_FOUND');
    });

    it('resends a dead delivery as a new delivery, and refuses open deliveries and disabled subscriptions', async () => {
      const failing = await new Receiver().start();
      try {
        const lab = await addSystem(t.hutong, { code: 'PACS' });
        const deadSub = await addSubscription(t.hutong, topic.id, lab.id, { url: failing.url, maxAttempts: 1 });
        failing.respond({ status: 500, body: 'down' });
        const id = await publish({ patientId: 'P030' });
        await settled(id, 'failed');
        const dead = (await k().selectFrom('deliveries').selectAll().where('message_id', '=', id).execute()).find(
          (d) => d.subscription_id === deadSub.id,
        )!;
        expect(dead.status).toBe('dead');

        const { deliveryId } = await service.resendDelivery(admin, dead.id);
        expect(deliveryId).not.toBe(dead.id);
        await deliveredDelivery(deliveryId);
        // The dead delivery was resent and the resend arrived: the message is no longer failed.
        await settled(id, 'delivered');
        const detail = await service.detail(admin, id);
        const fresh = detail.deliveries.find((d) => d.id === deliveryId)!;
        expect(fresh).toMatchObject({ parentId: dead.id, status: 'delivered', subscriptionId: deadSub.id });
        expect(detail.trace.filter((e) => e.kind === 'resent')).toEqual([
          expect.objectContaining({ deliveryId, detail: expect.stringContaining(dead.id) }),
        ]);
        expect(failing.received).toHaveLength(2);
        expect((await audit('engine.delivery.resend'))[0]).toMatchObject({ object_id: dead.id });

        // Still open: a paused subscription holds its delivery.
        await k().updateTable('subscriptions').set({ paused: 1 }).where('id', '=', deadSub.id).execute();
        await t.hutong.engine.cache.reload();
        const held = await publish({ patientId: 'P031' });
        const open = await k()
          .selectFrom('deliveries')
          .selectAll()
          .where('message_id', '=', held)
          .where('subscription_id', '=', deadSub.id)
          .executeTakeFirstOrThrow();
        await expectCode(service.resendDelivery(admin, open.id), 'HT_ENGINE_RESEND_REFUSED');

        // A disabled subscription gets nothing more.
        await k().updateTable('subscriptions').set({ enabled: 0 }).where('id', '=', deadSub.id).execute();
        await t.hutong.engine.cache.reload();
        await expectCode(service.resendDelivery(admin, dead.id), 'HT_ENGINE_RESEND_REFUSED');
        await expectCode(service.resendDelivery(admin, newId()), 'HT_ENGINE_DELIVERY_NOT_FOUND');
      } finally {
        await failing.close();
      }
    });

    it('settles a message as delivered once its dead delivery was resent and delivered', async () => {
      const failing = await new Receiver().start();
      try {
        const lab = await addSystem(t.hutong, { code: 'RIS' });
        const sub = await addSubscription(t.hutong, topic.id, lab.id, { url: failing.url, maxAttempts: 1 });
        failing.respond({ status: 500, body: 'down' });
        const id = await publish({ patientId: 'P035' });
        await settled(id, 'failed');
        const dead = (await k().selectFrom('deliveries').selectAll().where('message_id', '=', id).execute()).find(
          (d) => d.subscription_id === sub.id,
        )!;
        const { deliveryId } = await service.resendDelivery(admin, dead.id);
        await deliveredDelivery(deliveryId);
        await settled(id, 'delivered');
      } finally {
        await failing.close();
      }
    });

    it('resends in bulk by filter: whole messages, or the dead deliveries not resent yet', async () => {
      const from = new Date(Date.now() - 60_000).toISOString();
      const mine = [await publish({ patientId: 'P040' }), await publish({ patientId: 'P040' })];
      const other = await publish({ patientId: 'P041' });
      await Promise.all([...mine, other].map((id) => settled(id)));
      const to = new Date(Date.now() + 60_000).toISOString();

      const bulk = await service.bulkResend(admin, { filter: { patientId: 'P040', from, to }, mode: 'message' });
      expect(bulk.count).toBe(2);
      expect(bulk.skipped).toBe(0);
      const copies = await k().selectFrom('messages').selectAll().where('id', 'in', bulk.ids).execute();
      expect(copies.map((m) => m.parent_id).sort()).toEqual([...mine].sort());
      expect(copies.every((m) => m.resend_kind === 'message' && m.inbound === 'resend')).toBe(true);
      // Oldest first: the copies are in the originals' order.
      expect(copies.find((m) => m.id === bulk.ids[0])!.parent_id).toBe(mine[0]);

      const failing = await new Receiver().start();
      try {
        const lab = await addSystem(t.hutong, { code: 'RIS' });
        await addSubscription(t.hutong, topic.id, lab.id, { url: failing.url, maxAttempts: 1 });
        failing.respond({ status: 500 });
        const broken = await publish({ patientId: 'P042' });
        await settled(broken, 'failed');
        const filter = { patientId: 'P042', from, to: new Date(Date.now() + 60_000).toISOString() };
        const redo = await service.bulkResend(admin, { filter, mode: 'failed-deliveries' });
        expect(redo.count).toBe(1);
        await deliveredDelivery(redo.ids[0]!);
        const again = await service.bulkResend(admin, { filter, mode: 'failed-deliveries' });
        expect(again.count).toBe(0);
      } finally {
        await failing.close();
      }
      const entries = await audit('engine.message.bulk-resend');
      expect(entries).toHaveLength(3);
      expect(JSON.parse(entries[0]!.changes!)).toMatchObject({ mode: 'message', matched: 2, count: 2 });
      const limited = await service.bulkResend(admin, {
        filter: { patientId: 'P040', from, to: new Date(Date.now() + 60_000).toISOString() },
        mode: 'message',
        limit: 1,
      });
      expect(limited.count).toBe(1);
    });

    it('lets only holders of the edit permission edit and resend; the audit notes sizes, not bodies', async () => {
      const id = await publish({ patientId: 'P050', patientName: '赵六' });
      await settled(id);
      const operator = await signIn('operator');
      const edited = JSON.stringify({ patientId: 'P050', patientName: '赵六', note: 'corrected' });
      await expectCode(service.editResend(operator.ctx, id, { body: edited }), 'HT_AUTH_FORBIDDEN');
      // The operator may resend unchanged.
      await service.resendMessage(operator.ctx, id);

      const { messageId } = await service.editResend(admin, id, { body: edited });
      await settled(messageId);
      const copy = await service.detail(admin, messageId);
      expect(copy).toMatchObject({ parentId: id, resendKind: 'edit', body: edited, patientId: 'P050' });
      const entry = (await audit('engine.message.edit-resend'))[0]!;
      expect(JSON.parse(entry.changes!)).toMatchObject({
        newMessageId: messageId,
        size: [
          Buffer.byteLength(JSON.stringify({ patientId: 'P050', patientName: '赵六' })),
          Buffer.byteLength(edited),
        ],
        bodyChanged: true,
      });
      expect(entry.changes).not.toContain('corrected');
    });

    it('keeps saved searches per user', async () => {
      const operator = await signIn('operator');
      const saved = await service.saveQuery(admin, {
        name: '张三的消息',
        query: { patientName: '张三', pageSize: 50 },
      });
      expect(saved).toMatchObject({ name: '张三的消息', query: { patientName: '张三', pageSize: 50 } });
      expect((await service.listSavedQueries(operator.ctx)).items).toEqual([]);
      await expectCode(service.deleteSavedQuery(operator.ctx, saved.id), 'HT_ENGINE_NOT_FOUND');
      // The same name replaces.
      await service.saveQuery(admin, { name: '张三的消息', query: { patientName: '张三', status: 'failed' } });
      await service.saveQuery(operator.ctx, { name: '失败', query: { status: 'failed' } });
      const mine = (await service.listSavedQueries(admin)).items;
      expect(mine).toHaveLength(1);
      expect(mine[0]!.query).toEqual({ patientName: '张三', status: 'failed' });
      await service.deleteSavedQuery(admin, mine[0]!.id);
      expect((await service.listSavedQueries(admin)).items).toEqual([]);
      expect((await service.listSavedQueries(operator.ctx)).items.map((q) => q.name)).toEqual(['失败']);
    });

    describe('over HTTP', () => {
      let call: Caller;
      beforeEach(async () => {
        const wired = t.hutong.routes.some((r) => r.url === '/api/engine/messages');
        call = wired
          ? injector(t.hutong.app)
          : (
              await routeHarness(t.hutong.identity, t.config.http.bodyLimitBytes, (app) =>
                messageRoutes(app, { service }),
              )
            ).call;
      });

      it('searches, shows, resends and keeps saved searches', async () => {
        const id = await publish({ patientId: 'P060', patientName: '孙七' });
        await settled(id);
        const list = await call('GET', '/api/engine/messages?patientId=P060&pageSize=10', { cookie: adminCookie });
        expect(list.status, list.raw).toBe(200);
        expect(list.body).toMatchObject({ total: 1, totalCapped: false, page: 1, pageSize: 10, from: null, to: null });
        expect(list.body.items[0].id).toBe(id);
        expect(list.raw).not.toContain('孙七"}'); // the body never travels in a list
        expect(list.body.items[0]).not.toHaveProperty('body');

        const bad = await call('GET', '/api/engine/messages?patient=P060', { cookie: adminCookie });
        expect(bad.status).toBe(400);
        expect(bad.body.code).toBe('HT_REQUEST_INVALID');
        const anonymous = await call('GET', '/api/engine/messages');
        expect(anonymous.status).toBe(401);

        const detail = await call('GET', `/api/engine/messages/${id}`, { cookie: adminCookie });
        expect(detail.status, detail.raw).toBe(200);
        expect(detail.body.body).toBe(JSON.stringify({ patientId: 'P060', patientName: '孙七' }));
        expect(detail.body.trace.map((e: { kind: string }) => e.kind)).toContain('delivered');
        const missing = await call('GET', `/api/engine/messages/${newId()}`, { cookie: adminCookie });
        expect(missing.status).toBe(404);
        expect(missing.body.code).toBe('HT_ENGINE_MESSAGE_NOT_FOUND');

        const resent = await call('POST', `/api/engine/messages/${id}/resend`, { cookie: adminCookie });
        expect(resent.status, resent.raw).toBe(200);
        expect(resent.body.messageId).toEqual(expect.any(String));

        const delivery = detail.body.deliveries[0].id as string;
        const redo = await call('POST', `/api/engine/deliveries/${delivery}/resend`, { cookie: adminCookie });
        expect(redo.status, redo.raw).toBe(200);
        const twice = await call('POST', `/api/engine/deliveries/${redo.body.deliveryId}/resend`, {
          cookie: adminCookie,
        });
        expect([200, 409]).toContain(twice.status);

        const now = Date.now();
        const bulk = await call('POST', '/api/engine/messages/resend', {
          cookie: adminCookie,
          body: {
            filter: {
              patientId: 'P060',
              from: new Date(now - 60_000).toISOString(),
              to: new Date(now + 60_000).toISOString(),
            },
            mode: 'message',
            limit: 10,
          },
        });
        expect(bulk.status, bulk.raw).toBe(200);
        expect(bulk.body.count).toBeGreaterThanOrEqual(2);
        const noRange = await call('POST', '/api/engine/messages/resend', {
          cookie: adminCookie,
          body: { filter: { patientId: 'P060' }, mode: 'message' },
        });
        expect(noRange.status).toBe(400);

        const operator = await signIn('operator');
        const forbidden = await call('POST', `/api/engine/messages/${id}/edit-resend`, {
          cookie: operator.cookie,
          body: { body: '{"patientId":"P060"}' },
        });
        expect(forbidden.status).toBe(403);
        const edited = await call('POST', `/api/engine/messages/${id}/edit-resend`, {
          cookie: adminCookie,
          body: { body: '{"patientId":"P060"}', contentType: 'application/json' },
        });
        expect(edited.status, edited.raw).toBe(200);

        const saved = await call('POST', '/api/engine/saved-queries', {
          cookie: operator.cookie,
          body: { name: '孙七', query: { patientId: 'P060' } },
        });
        expect(saved.status, saved.raw).toBe(201);
        const unknownField = await call('POST', '/api/engine/saved-queries', {
          cookie: operator.cookie,
          body: { name: 'x', query: { body: '%孙%' } },
        });
        expect(unknownField.status).toBe(400);
        const listed = await call('GET', '/api/engine/saved-queries', { cookie: operator.cookie });
        expect(listed.body.items.map((q: { name: string }) => q.name)).toEqual(['孙七']);
        expect((await call('GET', '/api/engine/saved-queries', { cookie: adminCookie })).body.items).toEqual([]);
        const removed = await call('DELETE', `/api/engine/saved-queries/${saved.body.id}`, { cookie: operator.cookie });
        expect(removed.status).toBe(204);
      });
    });

    it('refuses to search without the read permission', async () => {
      const readonly = await signIn('readonly');
      await expectCode(service.search(readonly.ctx, {}), 'HT_AUTH_FORBIDDEN');
      await expectCode(service.detail(readonly.ctx, newId()), 'HT_AUTH_FORBIDDEN');
    });
  });
}
