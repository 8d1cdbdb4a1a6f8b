// The engine end to end through its inbound REST endpoint, on SQLite and (when configured) PostgreSQL: routing with
// filters and transforms, retries with backoff on a fake clock, dead letters, strict FIFO under retries, a crashed
// worker's lease, duplicate suppression, synchronous topics, and the errors callers must get right.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { dialectsUnderTest } from '../../test/support/databases.js';
import { FakeClock, Receiver, addSubscription, addSystem, addTopic, waitFor } from '../../test/support/engine.js';
import { now, sql } from '../platform/db/index.js';
import { newId } from '../platform/ids/index.js';
import type { EngineTables } from './tables.js';

for (const dialect of dialectsUnderTest()) {
  describe(`integration engine on ${dialect.name}`, () => {
    let t: TestApp;
    let clock: FakeClock;
    let receiver: Receiver;
    let other: Receiver;
    beforeEach(async () => {
      clock = new FakeClock();
      t = await startTestApp(dialect, {}, { clock });
      receiver = await new Receiver().start();
      other = await new Receiver().start();
    });
    afterEach(async () => {
      await t.close();
      await receiver.close();
      await other.close();
    });

    const k = () => t.hutong.db.kysely.withTables<EngineTables>();
    const publish = (topic: string, secret: string, body: unknown, headers: Record<string, string> = {}) =>
      t.call('POST', `/api/hip/default/${topic}`, {
        body: typeof body === 'string' ? body : JSON.stringify(body),
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', ...headers },
      });
    const message = (id: string) =>
      k().selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const deliveriesOf = (id: string) =>
      k().selectFrom('deliveries').selectAll().where('message_id', '=', id).orderBy('id').execute();
    const attemptsOf = (deliveryId: string) =>
      k().selectFrom('attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('n').execute();

    async function setup(options: Parameters<typeof addSubscription>[3] extends infer O ? Partial<O> : never = {}) {
      const sender = await addSystem(t.hutong, { code: 'HIS' });
      const target = await addSystem(t.hutong, { code: 'LIS' });
      const topic = await addTopic(t.hutong, { code: 'OutPatientInfoAdd' });
      const sub = await addSubscription(t.hutong, topic.id, target.id, { url: receiver.url, ...options });
      return { sender, target, topic, sub };
    }

    it('answers with the message id after the commit and delivers it to the subscriber', async () => {
      const { sender, topic } = await setup();
      const res = await publish(topic.code, sender.secret, { patientId: 'P001', patientName: '张三', visitNo: 'V9' });
      expect(res.status, res.raw).toBe(202);
      expect(res.body.status).toBe('accepted');
      expect(res.body.routedTo).toBe(1);
      // The reply came after the commit: the message is there the moment we look.
      const row = await message(res.body.messageId);
      expect(row.patient_id).toBe('P001');
      expect(row.patient_name).toBe('张三');
      expect(row.visit_no).toBe('V9');
      expect(row.system_id).toBe(sender.id);

      await waitFor(() => receiver.received.length === 1, 10_000, 'delivery');
      expect(JSON.parse(receiver.received[0]!.body)).toEqual({ patientId: 'P001', patientName: '张三', visitNo: 'V9' });
      expect(receiver.received[0]!.headers['x-hutong-message-id']).toBe(res.body.messageId);
      await waitFor(async () => (await message(res.body.messageId)).status === 'delivered', 5000, 'status delivered');
      const [delivery] = await deliveriesOf(res.body.messageId);
      expect(delivery!.status).toBe('delivered');
      expect(delivery!.open).toBe(0);
      const attempts = await attemptsOf(delivery!.id);
      expect(attempts).toHaveLength(1);
      expect(attempts[0]!.outcome).toBe('ok');
      expect(attempts[0]!.status_code).toBe('200');
    });

    it('hands a fresh delivery to an idle subscription without a claim, and leaves a backlog to the claim loop', async () => {
      const { sender, topic, sub } = await setup();
      // Let the start-up poll find nothing, so the subscription is known to have no backlog.
      await t.hutong.engine.dispatcher.pollNow();
      const writer = t.hutong.engine.writer;
      const kinds: string[] = [];
      const submit = writer.submit.bind(writer);
      writer.submit = ((kind: string, payload: unknown, options?: { durable?: boolean; key?: string }) => {
        kinds.push(kind);
        return submit(kind, payload, options);
      }) as typeof writer.submit;
      // The first claim of an unknown subscription may still run; after it, fresh messages go straight out.
      await publish(topic.code, sender.secret, { patientId: 'H0' });
      await waitFor(() => receiver.received.length === 1, 10_000, 'first delivery');
      await waitFor(async () => (await k().selectFrom('deliveries').select('open').executeTakeFirst())?.open === 0);
      kinds.length = 0;
      for (let i = 1; i <= 5; i++) {
        const res = await publish(topic.code, sender.secret, { patientId: `H${i}` });
        expect(res.status).toBe(202);
        await waitFor(() => receiver.received.length === i + 1, 10_000, `delivery ${i}`);
      }
      await waitFor(
        async () =>
          (await k().selectFrom('deliveries').select('id').where(sql.ref('open'), '=', 1).execute()).length === 0,
      );
      expect(kinds.filter((kind) => kind === 'claim')).toEqual([]);
      expect(kinds.filter((kind) => kind === 'outcome').length).toBeGreaterThanOrEqual(5);
      const rows = await k().selectFrom('deliveries').selectAll().where('subscription_id', '=', sub.id).execute();
      expect(rows.every((r) => r.status === 'delivered' && r.attempts === 1 && r.lease_owner === null)).toBe(true);

      // More at once than the subscription has workers: the rest wait in the outbox and the claim loop takes them.
      receiver.respond(...Array.from({ length: 12 }, () => ({ status: 200, delayMs: 50 })));
      kinds.length = 0;
      const burst = await Promise.all(
        Array.from({ length: 12 }, (_, i) => publish(topic.code, sender.secret, { patientId: `B${i}` })),
      );
      expect(burst.every((r) => r.status === 202)).toBe(true);
      await waitFor(() => receiver.received.length === 18, 10_000, 'burst delivered');
      expect(kinds).toContain('claim');
      expect(receiver.maxConcurrent).toBeLessThanOrEqual(4);
      writer.submit = submit as typeof writer.submit;
    });

    it('settles every message delivered to two subscribers whose outcomes are written side by side', async () => {
      const { sender, topic } = await setup();
      const second = await addSystem(t.hutong, { code: 'EMR' });
      await addSubscription(t.hutong, topic.id, second.id, { url: other.url });
      const sent = await Promise.all(
        Array.from({ length: 40 }, (_, i) => publish(topic.code, sender.secret, { patientId: `S${i}` })),
      );
      expect(sent.every((r) => r.status === 202)).toBe(true);
      await waitFor(() => receiver.received.length === 40 && other.received.length === 40, 15_000, 'both got all');
      const ids = sent.map((r) => r.body.messageId as string);
      await waitFor(
        async () =>
          (await k().selectFrom('messages').select('status').where('id', 'in', ids).execute()).every(
            (m) => m.status === 'delivered',
          ),
        10_000,
        'every message settled as delivered',
      );
    });

    it('routes by each subscription’s filter and transforms per subscription', async () => {
      const { sender, topic } = await setup({ filter: 'age >= 18' });
      const second = await addSystem(t.hutong, { code: 'EMR' });
      await addSubscription(t.hutong, topic.id, second.id, {
        url: other.url,
        transform: '{ "id": patientId, "name": patientName, "adult": age >= 18 }',
      });
      const child = await publish(topic.code, sender.secret, { patientId: 'C1', patientName: '小明', age: 7 });
      const adult = await publish(topic.code, sender.secret, { patientId: 'A1', patientName: '李四', age: 40 });
      expect(child.body.routedTo).toBe(1);
      expect(adult.body.routedTo).toBe(2);
      await waitFor(() => other.received.length === 2 && receiver.received.length === 1, 10_000, 'deliveries');
      expect(JSON.parse(receiver.received[0]!.body).patientId).toBe('A1');
      expect(other.bodies()).toEqual(
        expect.arrayContaining([
          { id: 'C1', name: '小明', adult: false },
          { id: 'A1', name: '李四', adult: true },
        ]),
      );
      expect(other.received[0]!.headers['content-type']).toBe('application/json');
    });

    it('records a broken filter or transform on the delivery, keeps running, and delivers the others', async () => {
      const { sender, topic } = await setup({ filter: 'patientId = ' });
      const second = await addSystem(t.hutong, { code: 'PACS' });
      await addSubscription(t.hutong, topic.id, second.id, { url: other.url, transform: '$notAFunction(patientId)' });
      const third = await addSystem(t.hutong, { code: 'RIS' });
      const good = await new Receiver().start();
      try {
        await addSubscription(t.hutong, topic.id, third.id, { url: good.url });
        const res = await publish(topic.code, sender.secret, { patientId: 'P2' });
        expect(res.status).toBe(202);
        await waitFor(() => good.received.length === 1, 10_000, 'good delivery');
        const deliveries = await waitFor(async () => {
          const rows = await deliveriesOf(res.body.messageId);
          return rows.every((d) => d.open === 0) ? rows : null;
        });
        const dead = deliveries.filter((d) => d.status === 'dead');
        expect(dead).toHaveLength(2);
        const errors = dead.map((d) => d.last_error ?? '');
        expect(errors.some((e) => e.startsWith('filter compile error'))).toBe(true);
        expect(errors.some((e) => e.startsWith('transform evaluate error'))).toBe(true);
        const outcomes = (await Promise.all(dead.map((d) => attemptsOf(d.id)))).flat().map((a) => a.outcome);
        expect(outcomes.sort()).toEqual(['filter_error', 'transform_error']);
        expect(receiver.received).toHaveLength(0);
        expect(other.received).toHaveLength(0);
        expect((await message(res.body.messageId)).status).toBe('failed');
      } finally {
        await good.close();
      }
    });

    it('retries with exponential backoff and jitter, then delivers', async () => {
      const { sender, topic } = await setup({ backoffInitialMs: 1000, backoffMaxMs: 60_000, maxAttempts: 5 });
      receiver.respond({ status: 500, body: 'boom' }, { status: 503, body: 'busy' });
      const res = await publish(topic.code, sender.secret, { patientId: 'P3' });
      const id = res.body.messageId as string;
      const retryAt = async (n: number) =>
        waitFor(
          async () => {
            const [d] = await deliveriesOf(id);
            return d && d.status === 'retry' && d.attempts === n ? d : null;
          },
          10_000,
          `retry ${n}`,
        );

      const first = await retryAt(1);
      // attempt 1 failed: delay = 1000 × 2^0, equal jitter with random 0.5 → 750 ms
      expect(
        Date.parse(first.next_attempt_at) - Date.parse((await attemptsOf(first.id))[0]!.started_at),
      ).toBeGreaterThanOrEqual(740);
      expect(first.last_error).toContain('HTTP 500');
      clock.advance(750);
      await t.hutong.engine.dispatcher.pollNow();
      const second = await retryAt(2);
      const attempts = await attemptsOf(second.id);
      // attempt 2 failed: 1000 × 2^1 = 2000 → 1500 ms
      const delay = Date.parse(second.next_attempt_at) - Date.parse(attempts[1]!.started_at);
      expect(delay).toBeGreaterThanOrEqual(1490);
      expect(delay).toBeLessThan(1600);
      clock.advance(1500);
      await t.hutong.engine.dispatcher.pollNow();
      await waitFor(async () => (await deliveriesOf(id))[0]!.status === 'delivered', 10_000, 'delivered');
      expect((await attemptsOf(second.id)).map((a) => a.outcome)).toEqual(['error', 'error', 'ok']);
      expect(receiver.received).toHaveLength(3);
    });

    it('moves a delivery to the dead letters after its last attempt', async () => {
      const { sender, topic } = await setup({ maxAttempts: 2, backoffInitialMs: 100 });
      receiver.respond({ status: 500 }, { status: 500 });
      const res = await publish(topic.code, sender.secret, { patientId: 'P4' });
      await waitFor(async () => (await deliveriesOf(res.body.messageId))[0]!.status === 'retry');
      clock.advance(1000);
      await t.hutong.engine.dispatcher.pollNow();
      const dead = await waitFor(async () => {
        const [d] = await deliveriesOf(res.body.messageId);
        return d?.status === 'dead' ? d : null;
      });
      expect(dead.open).toBe(0);
      expect(dead.attempts).toBe(2);
      expect((await message(res.body.messageId)).status).toBe('failed');
    });

    it('keeps strict FIFO for a subscriber under retries: a later message never overtakes', async () => {
      const { sender, topic } = await setup({ ordering: 'fifo', backoffInitialMs: 200, maxAttempts: 10 });
      receiver.respond({ status: 500 }, { status: 500 });
      const ids: string[] = [];
      for (let i = 1; i <= 5; i++) ids.push((await publish(topic.code, sender.secret, { seq: i })).body.messageId);
      await waitFor(async () => (await deliveriesOf(ids[0]!))[0]!.attempts === 1);
      // While the head waits for its retry, nothing behind it moves.
      await t.hutong.engine.dispatcher.pollNow();
      await new Promise((r) => setTimeout(r, 100));
      expect(receiver.received).toHaveLength(1);
      for (let round = 0; round < 4 && receiver.received.length < 7; round++) {
        clock.advance(2000);
        await t.hutong.engine.dispatcher.pollNow();
        await new Promise((r) => setTimeout(r, 100));
      }
      await waitFor(() => receiver.received.length === 7, 10_000, 'all delivered');
      expect(receiver.bodies().map((b) => (b as { seq: number }).seq)).toEqual([1, 1, 1, 2, 3, 4, 5]);
    });

    it('delivers in parallel up to the worker count when ordering is parallel', async () => {
      const { sender, topic } = await setup({ workers: 4 });
      receiver.respond(...Array.from({ length: 8 }, () => ({ status: 200, delayMs: 150 })));
      await Promise.all(Array.from({ length: 8 }, (_, i) => publish(topic.code, sender.secret, { n: i })));
      await waitFor(() => receiver.received.length === 8, 10_000, 'deliveries');
      // Each answer takes 150 ms, so deliveries overlap — but never more than the four workers.
      expect(receiver.maxConcurrent).toBeGreaterThan(1);
      expect(receiver.maxConcurrent).toBeLessThanOrEqual(4);
    });

    it('claims again a delivery whose worker died (its lease expired)', async () => {
      const { sender, topic, sub } = await setup();
      await t.hutong.engine.dispatcher.stop();
      const res = await publish(topic.code, sender.secret, { patientId: 'P5' });
      // A worker on another node took it and died: its lease is in the past.
      const past = new Date(Date.now() - 60_000).toISOString();
      await k()
        .updateTable('deliveries')
        .set({ status: 'in_flight', lease_owner: 'node-crashed', lease_until: past, next_attempt_at: past })
        .where('message_id', '=', res.body.messageId)
        .execute();
      expect(receiver.received).toHaveLength(0);
      t.hutong.engine.dispatcher.start();
      await t.hutong.engine.dispatcher.pollNow();
      await waitFor(() => receiver.received.length === 1, 10_000, 'redelivery');
      const [d] = await deliveriesOf(res.body.messageId);
      await waitFor(async () => (await deliveriesOf(res.body.messageId))[0]!.status === 'delivered');
      expect(d!.subscription_id).toBe(sub.id);
    });

    it('does not deliver while a lease is still valid', async () => {
      const { sender, topic } = await setup();
      await t.hutong.engine.dispatcher.stop();
      const res = await publish(topic.code, sender.secret, { patientId: 'P6' });
      const future = new Date(Date.now() + 60_000).toISOString();
      await k()
        .updateTable('deliveries')
        .set({ status: 'in_flight', lease_owner: 'node-alive', lease_until: future, next_attempt_at: future })
        .where('message_id', '=', res.body.messageId)
        .execute();
      t.hutong.engine.dispatcher.start();
      await t.hutong.engine.dispatcher.pollNow();
      await new Promise((r) => setTimeout(r, 200));
      expect(receiver.received).toHaveLength(0);
    });

    it('answers a duplicate with the original result and does not route it again', async () => {
      const { sender, topic } = await setup();
      const first = await publish(topic.code, sender.secret, { patientId: 'P7' }, { 'x-message-id': 'HIS-0001' });
      const again = await publish(topic.code, sender.secret, { patientId: 'P7' }, { 'x-message-id': 'HIS-0001' });
      expect(again.status).toBe(202);
      expect(again.body).toEqual({ messageId: first.body.messageId, status: 'duplicate', routedTo: 0 });
      // Concurrent copies in one group commit: exactly one wins.
      const burst = await Promise.all(
        Array.from({ length: 5 }, () =>
          publish(topic.code, sender.secret, { patientId: 'P8' }, { 'x-message-id': 'HIS-0002' }),
        ),
      );
      expect(new Set(burst.map((r) => r.body.messageId)).size).toBe(1);
      expect(burst.filter((r) => r.body.status === 'accepted')).toHaveLength(1);
      await waitFor(() => receiver.received.length === 2, 10_000, 'two deliveries');
      await new Promise((r) => setTimeout(r, 100));
      expect(receiver.received).toHaveLength(2);
      const rows = await k()
        .selectFrom('messages')
        .select('id')
        .where('source_message_id', 'in', ['HIS-0001', 'HIS-0002'])
        .execute();
      expect(rows).toHaveLength(2);
    });

    it('answers a synchronous topic with the provider’s reply, and a failing provider with 502', async () => {
      const sender = await addSystem(t.hutong, { code: 'SELF' });
      const provider = await addSystem(t.hutong, { code: 'HISQ' });
      const topic = await addTopic(t.hutong, { code: 'PatientInfoQuery', mode: 'sync' });
      await addSubscription(t.hutong, topic.id, provider.id, { url: receiver.url, maxAttempts: 3 });
      receiver.respond(
        { status: 200, body: '{"patients":[{"id":"P9","name":"王五"}]}' },
        { status: 500, body: 'down' },
      );
      const ok = await publish(topic.code, sender.secret, { patientId: 'P9' });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ patients: [{ id: 'P9', name: '王五' }] });
      const messageId = ok.headers['x-hutong-message-id'] as string;
      expect((await message(messageId)).status).toBe('delivered');
      const failed = await publish(topic.code, sender.secret, { patientId: 'P9' });
      expect(failed.status).toBe(502);
      expect(failed.body.code).toBe('HT_ENGINE_PROVIDER_FAILED');
    });

    it('answers callers’ mistakes with the right status and code, and records rejected bodies', async () => {
      const { sender, topic } = await setup();
      const outsider = await addSystem(t.hutong, { code: 'OUT', ipAllowlist: ['10.9.9.9'] });
      const disabled = await addTopic(t.hutong, { code: 'Closed', enabled: false });
      const restricted = await addTopic(t.hutong, { code: 'Restricted', publishers: [outsider.id] });
      const noAuth = await t.call('POST', `/api/hip/default/${topic.code}`, { body: { a: 1 } });
      expect([noAuth.status, noAuth.body.code]).toEqual([401, 'HT_ENGINE_SYSTEM_UNAUTHENTICATED']);
      const wrong = await publish(topic.code, 'not-a-secret', { a: 1 });
      expect([wrong.status, wrong.body.code]).toEqual([401, 'HT_ENGINE_SYSTEM_UNAUTHENTICATED']);
      const ip = await publish(topic.code, outsider.secret, { a: 1 });
      expect([ip.status, ip.body.code]).toEqual([403, 'HT_ENGINE_IP_NOT_ALLOWED']);
      const domain = await t.call('POST', `/api/hip/nowhere/${topic.code}`, {
        body: '{}',
        headers: { authorization: `Bearer ${sender.secret}`, 'content-type': 'application/json' },
      });
      expect([domain.status, domain.body.code]).toEqual([404, 'HT_ENGINE_DOMAIN_NOT_FOUND']);
      const unknown = await publish('NoSuchTopic', sender.secret, { a: 1 });
      expect([unknown.status, unknown.body.code]).toEqual([404, 'HT_ENGINE_TOPIC_NOT_FOUND']);
      const closed = await publish(disabled.code, sender.secret, { a: 1 });
      expect([closed.status, closed.body.code]).toEqual([409, 'HT_ENGINE_TOPIC_DISABLED']);
      const forbidden = await publish(restricted.code, sender.secret, { a: 1 });
      expect([forbidden.status, forbidden.body.code]).toEqual([403, 'HT_ENGINE_PUBLISH_FORBIDDEN']);
      const big = await publish(
        topic.code,
        sender.secret,
        JSON.stringify({ x: 'y'.repeat(t.config.http.bodyLimitBytes) }),
      );
      expect([big.status, big.body.code]).toEqual([413, 'HT_REQUEST_TOO_LARGE']);
      const broken = await publish(topic.code, sender.secret, '{"patientId": ');
      expect([broken.status, broken.body.code]).toEqual([400, 'HT_ENGINE_BODY_INVALID']);
      const rejected = await k().selectFrom('messages').selectAll().where('status', '=', 'rejected').execute();
      expect(rejected).toHaveLength(1);
      expect(rejected[0]!.body).toBe('{"patientId": ');
      expect(rejected[0]!.error).toContain('cannot be parsed');
      const audit = await t.call('GET', '/api/system/audit?action=engine.inbound.auth.failed', {
        cookie: await t.adminCookie(),
      });
      expect(audit.body.total).toBeGreaterThanOrEqual(1);
      // Still running.
      expect((await publish(topic.code, sender.secret, { ok: true })).status).toBe(202);
    });

    it('indexes HL7 v2 and V3 bodies by their own fields, and rejects XML with a DOCTYPE', async () => {
      const sender = await addSystem(t.hutong, { code: 'LIS' });
      const v2 = await addTopic(t.hutong, { code: 'ADT_A01', model: 'HL7V2' });
      const v3 = await addTopic(t.hutong, { code: 'PatientInfoQuery', model: 'HL7V3' });
      const adt =
        'MSH|^~\\&|HIS|H1|LIS|H1|20261125093000||ADT^A01|CTRL-1|P|2.5|||||CHN||UNICODE UTF-8\rPID|1||P900^^^H1^MR||张^三||19800517|M\rPV1|1|O|||||||||||||||||V900\r';
      const res = await publish(v2.code, sender.secret, adt, { 'content-type': 'x-application/hl7-v2+er7' });
      expect(res.status, res.raw).toBe(202);
      const row = await message(res.body.messageId);
      expect([row.patient_id, row.patient_name, row.visit_no, row.source_message_id]).toEqual([
        'P900',
        '张三',
        'V900',
        'CTRL-1',
      ]);
      expect(row.body).toBe(adt);

      const xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>';
      const bad = await publish(v3.code, sender.secret, xxe, { 'content-type': 'application/xml' });
      expect([bad.status, bad.body.code]).toEqual([400, 'HT_ENGINE_BODY_INVALID']);
      expect(bad.body.message).toContain('DOCTYPE');
      const rejected = await k()
        .selectFrom('messages')
        .select(['status', 'error'])
        .where('topic_id', '=', v3.id)
        .execute();
      expect(rejected).toEqual([{ status: 'rejected', error: expect.stringContaining('XML_DOCTYPE_FORBIDDEN') }]);
    });

    it('finishes in-flight deliveries on shutdown, or gives them back', async () => {
      const { sender, topic } = await setup({ workers: 2 });
      receiver.respond({ status: 200, delayMs: 300 }, { status: 200, delayMs: 300 });
      const a = await publish(topic.code, sender.secret, { n: 1 });
      const b = await publish(topic.code, sender.secret, { n: 2 });
      await waitFor(() => receiver.received.length === 2, 5000, 'in flight');
      await t.hutong.engine.dispatcher.stop(5000);
      const statuses = [...(await deliveriesOf(a.body.messageId)), ...(await deliveriesOf(b.body.messageId))].map(
        (d) => d.status,
      );
      expect(statuses).toEqual(['delivered', 'delivered']);
      // Nothing is left claimed by this node.
      const held = await k()
        .selectFrom('deliveries')
        .select('id')
        .where('lease_owner', '=', t.hutong.engine.dispatcher.nodeId)
        .execute();
      expect(held).toHaveLength(0);
    });

    it('exposes per-topic and per-subscription metrics', async () => {
      const { sender, topic } = await setup();
      await publish(topic.code, sender.secret, { patientId: 'M1' });
      await waitFor(() => receiver.received.length === 1);
      await waitFor(async () =>
        (await t.call('GET', '/metrics')).raw.includes('hutong_engine_deliveries_delivered_total{'),
      );
      const metrics = (await t.call('GET', '/metrics')).raw;
      expect(metrics).toMatch(
        /hutong_engine_messages_received_total\{domain="default",topic="OutPatientInfoAdd",outcome="accepted"\} 1/,
      );
      expect(metrics).toContain('hutong_engine_queue_depth');
      expect(metrics).toContain('hutong_engine_delivery_latency_seconds_bucket');
      // The group-commit writer: at least the message and its delivery outcome were written, in at least one commit.
      const counter = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(metrics)?.[1] ?? NaN);
      const transactions = counter('hutong_engine_writer_transactions_total');
      expect(transactions).toBeGreaterThanOrEqual(1);
      expect(counter('hutong_engine_writer_jobs_total')).toBeGreaterThanOrEqual(Math.max(2, transactions));
      expect(counter('hutong_engine_writer_largest_transaction_jobs')).toBeGreaterThanOrEqual(1);
    });

    it('inserts rows written by an outside process too (ids, times)', async () => {
      // A guard on the row shapes the writer relies on: a hand-written delivery with every column is claimable.
      const { sender, topic, sub } = await setup();
      const res = await publish(topic.code, sender.secret, { patientId: 'P10' });
      await waitFor(() => receiver.received.length === 1);
      await k()
        .insertInto('deliveries')
        .values({
          id: newId(),
          message_id: res.body.messageId,
          subscription_id: sub.id,
          status: 'pending',
          open: 1,
          attempts: 0,
          next_attempt_at: now(),
          lease_owner: null,
          lease_until: null,
          last_error: null,
          created_at: now(),
          finished_at: null,
          parent_id: null,
        })
        .execute();
      await t.hutong.engine.dispatcher.pollNow();
      await waitFor(() => receiver.received.length === 2);
    });
  });
}
