// 消息保留与清理 on SQLite and (when configured) PostgreSQL: expired delivered messages go with their deliveries and
// attempts, unfinished ones stay unless asked, counts are right, space is given back, the daily schedule runs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, strongPassword, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import { Receiver, addSubscription, addSystem, addTopic, waitFor } from '../../../test/support/engine.js';
import type { RequestContext } from '../../platform/auth/context.js';
import { contextFor, injector, routeHarness, type Caller } from '../messages/testing.testutil.js';
import type { EngineTables } from '../tables.js';
import { retentionRoutes } from './routes.js';
import { RetentionService } from './service.js';

const DAY = 24 * 3600_000;

describe('retention schedule', () => {
  it('runs daily at 03:30 Asia/Shanghai (19:30 UTC)', () => {
    expect(new Date(RetentionService.nextRunAfter(Date.parse('2026-11-25T10:00:00Z'))).toISOString()).toBe(
      '2026-11-25T19:30:00.000Z',
    );
    expect(new Date(RetentionService.nextRunAfter(Date.parse('2026-11-25T19:30:00Z'))).toISOString()).toBe(
      '2026-11-26T19:30:00.000Z',
    );
    expect(new Date(RetentionService.nextRunAfter(Date.parse('2026-11-25T23:59:00Z'))).toISOString()).toBe(
      '2026-11-26T19:30:00.000Z',
    );
  });
});

for (const dialect of dialectsUnderTest()) {
  describe(`message retention on ${dialect.name}`, () => {
    let t: TestApp;
    let receiver: Receiver;
    let service: RetentionService;
    let admin: RequestContext;
    let adminCookie: string;
    let topic: { id: string; code: string };
    let held: { id: string };
    let senderId: string;

    beforeEach(async () => {
      t = await startTestApp(dialect);
      receiver = await new Receiver().start();
      service = new RetentionService(t.hutong.db, t.hutong.engine.writer);
      adminCookie = await t.adminCookie();
      admin = await contextFor(t.hutong.identity, adminCookie);
      const sender = await addSystem(t.hutong, { code: 'HIS' });
      senderId = sender.id;
      const target = await addSystem(t.hutong, { code: 'LIS' });
      topic = await addTopic(t.hutong, { code: 'ADT' });
      await addSubscription(t.hutong, topic.id, target.id, { url: receiver.url });
      const slow = await addTopic(t.hutong, { code: 'Held' });
      held = await addSubscription(t.hutong, slow.id, target.id, { url: receiver.url, paused: true });
    });
    afterEach(async () => {
      await service.stop();
      await t.close();
      await receiver.close();
    });

    const k = () => t.hutong.db.kysely.withTables<EngineTables>();
    const publish = async (topicCode: string, body: unknown) =>
      (
        await t.hutong.engine.pipeline.ingest({
          domainCode: 'default',
          topicCode,
          system: t.hutong.engine.cache.systemById(senderId) ?? null,
          body: JSON.stringify(body),
          contentType: 'application/json',
          inbound: 'rest',
        })
      ).messageId;
    const settle = (ids: string[]) =>
      waitFor(
        async () =>
          (await k().selectFrom('messages').select('status').where('id', 'in', ids).execute()).every(
            (r) => r.status === 'delivered',
          ),
        10_000,
        'delivered',
      );
    const age = (ids: string[], days: number) =>
      k()
        .updateTable('messages')
        .set({ received_at: new Date(Date.now() - days * DAY).toISOString() })
        .where('id', 'in', ids)
        .execute();
    const remaining = async () =>
      (await k().selectFrom('messages').select('id').orderBy('id').execute()).map((r) => r.id);
    const count = async (table: 'deliveries' | 'attempts') =>
      Number(
        (
          await k()
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('deletes expired delivered messages with their deliveries and attempts, keeping unfinished ones unless asked', async () => {
      const oldA = await publish('ADT', { patientId: 'A' });
      const oldB = await publish('ADT', { patientId: 'B' });
      const fresh = await publish('ADT', { patientId: 'C' });
      await settle([oldA, oldB, fresh]);
      const waiting = await publish('Held', { patientId: 'D' });
      await age([oldA, oldB, waiting], 40); // the default domain keeps 30 days
      expect(await count('attempts')).toBe(3);

      const first = await service.purge(admin, { batchSize: 1 });
      expect(first).toMatchObject({ deletedMessages: 2, deletedDeliveries: 2, deletedAttempts: 2, keptUndelivered: 1 });
      expect(await remaining()).toEqual([fresh, waiting].sort());
      expect(await count('deliveries')).toBe(2);
      expect(await count('attempts')).toBe(1);
      const entries = await k()
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'engine.retention.purge')
        .execute();
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ username: 'admin', outcome: 'success' });
      expect(JSON.parse(entries[0]!.changes!)).toMatchObject({
        deletedMessages: 2,
        keptUndelivered: 1,
        includeUndelivered: false,
      });

      const second = await service.purge(admin, { includeUndelivered: true });
      expect(second).toMatchObject({
        deletedMessages: 1,
        deletedDeliveries: 1,
        deletedAttempts: 0,
        keptUndelivered: 0,
      });
      expect(await remaining()).toEqual([fresh]);
      const nothing = await service.purge(admin, {});
      expect(nothing).toMatchObject({ deletedMessages: 0, reclaim: 'none' });
      void held;
    });

    it('follows each domain’s retention days and an explicit age', async () => {
      const domainId = t.hutong.engine.cache.domainByCode('default')!.id;
      const a = await publish('ADT', { patientId: 'A' });
      const b = await publish('ADT', { patientId: 'B' });
      await settle([a, b]);
      await age([a], 2);
      await k().updateTable('domains').set({ retention_days: 0 }).where('id', '=', domainId).execute();
      expect((await service.purge(admin, {})).deletedMessages).toBe(0); // 0 keeps forever
      await k().updateTable('domains').set({ retention_days: 1 }).where('id', '=', domainId).execute();
      expect((await service.purge(admin, { domainId })).deletedMessages).toBe(1);
      expect(await remaining()).toEqual([b]);
      expect((await service.purge(admin, { olderThanDays: 0 })).deletedMessages).toBe(1);
      await expect(service.purge(admin, { domainId: 'nope' })).rejects.toMatchObject({
        code: 'HT_ENGINE_DOMAIN_NOT_FOUND',
      });
    });

    it('gives the space back after a purge', async () => {
      const big = 'x'.repeat(20_000);
      const ids: string[] = [];
      for (let i = 0; i < 60; i++) ids.push(await publish('ADT', { patientId: `P${i}`, big }));
      await settle(ids);
      await age(ids, 100);
      const logged: Record<string, unknown>[] = [];
      const log = { info: (obj: object) => logged.push(obj as Record<string, unknown>), error: () => undefined };
      const purging = new RetentionService(t.hutong.db, t.hutong.engine.writer, { vacuumThreshold: 1, log });
      const result = await purging.purge(admin, {});
      expect(result.deletedMessages).toBe(60);
      expect(result.reclaim).toBe(dialect.name === 'sqlite' ? 'incremental_vacuum' : 'vacuum');
      await purging.idle();
      if (dialect.name === 'sqlite') {
        const free = await sql<{ freelist_count: number }>`pragma freelist_count`.execute(t.hutong.db.kysely);
        expect(Number(free.rows[0]!.freelist_count)).toBe(0);
        expect(logged.find((l) => l.kind === 'incremental_vacuum')!.pages).toBeGreaterThan(200);
      } else {
        expect(logged.find((l) => l.kind === 'vacuum')).toBeDefined();
      }
      await purging.stop();
    });

    it('runs on its schedule as the platform', async () => {
      const a = await publish('ADT', { patientId: 'A' });
      await settle([a]);
      await age([a], 40);
      const next = RetentionService.nextRunAfter(Date.now());
      const shift = next - Date.now() - 300; // the next run is due 300 ms from now (at least a second: the floor)
      const scheduled = new RetentionService(t.hutong.db, t.hutong.engine.writer, { now: () => Date.now() + shift });
      scheduled.startSchedule();
      try {
        await waitFor(async () => (await remaining()).length === 0, 5000, 'scheduled purge');
        const entry = await waitFor(() =>
          k().selectFrom('audit_log').selectAll().where('action', '=', 'engine.retention.purge').executeTakeFirst(),
        );
        expect(entry).toMatchObject({ username: 'system', user_id: null });
      } finally {
        await scheduled.stop();
      }
    });

    it('purges over HTTP for holders of the retention permission only', async () => {
      const a = await publish('ADT', { patientId: 'A' });
      await settle([a]);
      await age([a], 40);
      const wired = t.hutong.routes.some((r) => r.url === '/api/engine/retention/purge');
      const call: Caller = wired
        ? injector(t.hutong.app)
        : (
            await routeHarness(t.hutong.identity, t.config.http.bodyLimitBytes, (app) =>
              retentionRoutes(app, { service }),
            )
          ).call;

      const roles = await t.call('GET', '/api/system/roles', { cookie: adminCookie });
      const operatorRole = roles.body.items.find((r: { code: string }) => r.code === 'operator').id as string;
      const username = `u${Math.random().toString(36).slice(2, 9)}`;
      const password = strongPassword();
      await t.call('POST', '/api/system/users', {
        cookie: adminCookie,
        body: { username, displayName: '运维', password, roleIds: [operatorRole] },
      });
      const operator = await t.login(username, password);
      await t.call('POST', '/api/auth/password', {
        cookie: operator,
        body: { currentPassword: password, newPassword: strongPassword() },
      });
      expect((await call('POST', '/api/engine/retention/purge', { cookie: operator, body: {} })).status).toBe(403);
      expect(
        (await call('POST', '/api/engine/retention/purge', { cookie: adminCookie, body: { days: 1 } })).status,
      ).toBe(400);
      const missing = await call('POST', '/api/engine/retention/purge', {
        cookie: adminCookie,
        body: { domainId: 'nope' },
      });
      expect(missing.status).toBe(404);
      const res = await call('POST', '/api/engine/retention/purge', { cookie: adminCookie, body: {} });
      expect(res.status, res.raw).toBe(200);
      expect(res.body).toMatchObject({
        deletedMessages: 1,
        deletedDeliveries: 1,
        deletedAttempts: 1,
        keptUndelivered: 0,
      });
    });
  });
}
