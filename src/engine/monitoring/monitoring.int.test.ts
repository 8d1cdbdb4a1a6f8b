// 运行监控 end to end on SQLite and (when configured) PostgreSQL: after real traffic — delivered, dead letters,
// rejections, a paused queue — the statistics carry the right numbers in every section.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, strongPassword, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import { Receiver, addSubscription, addSystem, addTopic, waitFor } from '../../../test/support/engine.js';
import type { RequestContext } from '../../platform/auth/context.js';
import { now } from '../../platform/db/index.js';
import { HtError } from '../../platform/errors/index.js';
import { newId } from '../../platform/ids/index.js';
import { contextFor, injector, routeHarness, type Caller } from '../messages/testing.testutil.js';
import type { EngineTables } from '../tables.js';
import { monitoringRoutes } from './routes.js';
import { MonitoringService, percentile } from './service.js';

describe('percentile', () => {
  it('uses the nearest rank', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.95,
      ),
    ).toBe(95);
  });
});

for (const dialect of dialectsUnderTest()) {
  describe(`engine monitoring on ${dialect.name}`, () => {
    let t: TestApp;
    let ok: Receiver;
    let failing: Receiver;
    let service: MonitoringService;
    let admin: RequestContext;
    let adminCookie: string;

    beforeEach(async () => {
      t = await startTestApp(dialect);
      ok = await new Receiver().start();
      failing = await new Receiver().start();
      service = new MonitoringService(t.hutong.db, t.hutong.engine.cache, t.hutong.engine.dispatcher, { cacheMs: 0 });
      adminCookie = await t.adminCookie();
      admin = await contextFor(t.hutong.identity, adminCookie);
    });
    afterEach(async () => {
      await t.close();
      await ok.close();
      await failing.close();
    });

    const k = () => t.hutong.db.kysely.withTables<EngineTables>();

    async function traffic() {
      const his = await addSystem(t.hutong, { code: 'HIS' });
      const lis = await addSystem(t.hutong, { code: 'LIS' });
      const pacs = await addSystem(t.hutong, { code: 'PACS' });
      const adt = await addTopic(t.hutong, { code: 'ADT', publishers: [his.id] });
      const lab = await addTopic(t.hutong, { code: 'LabOrder' });
      const good = await addSubscription(t.hutong, adt.id, lis.id, { url: ok.url });
      const bad = await addSubscription(t.hutong, adt.id, pacs.id, { url: failing.url, maxAttempts: 1 });
      const labSub = await addSubscription(t.hutong, lab.id, lis.id, { url: ok.url });
      failing.respond(...Array.from({ length: 10 }, () => ({ status: 503, body: 'down' })));
      const system = t.hutong.engine.cache.systemById(his.id)!;
      const publish = (topicCode: string, body: string) =>
        t.hutong.engine.pipeline.ingest({
          domainCode: 'default',
          topicCode,
          system,
          body,
          contentType: 'application/json',
          inbound: 'rest',
        });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await publish('ADT', JSON.stringify({ patientId: `P${i}` }))).messageId);
      for (let i = 0; i < 2; i++) ids.push((await publish('LabOrder', JSON.stringify({ orderNo: `O${i}` }))).messageId);
      await expect(publish('LabOrder', '{not json')).rejects.toBeInstanceOf(HtError);
      await waitFor(
        async () => {
          const rows = await k().selectFrom('messages').select('status').where('id', 'in', ids).execute();
          return rows.every((r) => r.status !== 'pending');
        },
        10_000,
        'settled',
      );
      return { his, lis, pacs, adt, lab, good, bad, labSub, publish };
    }

    it('counts traffic per minute, per topic and per queue, with latency, ranking, errors and totals', async () => {
      const { his, lis, pacs, adt, lab, good, bad, labSub, publish } = await traffic();
      const stats = await service.stats(admin, { minutes: 10 });

      expect(stats.perMinute).toHaveLength(10);
      expect(Date.parse(stats.perMinute[9]!.minute)).toBe(Math.floor(Date.now() / 60_000) * 60_000);
      expect(stats.from).toBe(stats.perMinute[0]!.minute);
      const sum = (key: 'received' | 'delivered' | 'failed') => stats.perMinute.reduce((n, m) => n + m[key], 0);
      expect(sum('received')).toBe(8); // 5 + 2 + the rejected one
      expect(sum('delivered')).toBe(7);
      expect(sum('failed')).toBe(5);

      const adtRow = stats.topics.find((x) => x.topicId === adt.id)!;
      expect(adtRow).toMatchObject({ code: 'ADT', received: 5, failed: 5 });
      expect(adtRow.publishers).toEqual([{ systemId: his.id, code: 'HIS', name: 'HIS 系统' }]);
      expect(adtRow.subscribers.map((s) => [s.code, s.subscriptionId]).sort()).toEqual(
        [
          ['LIS', good.id],
          ['PACS', bad.id],
        ].sort(),
      );
      expect(stats.topics.find((x) => x.topicId === lab.id)).toMatchObject({ received: 3, failed: 1, publishers: [] });
      expect(stats.ranking.map((r) => [r.code, r.count])).toEqual([
        ['ADT', 5],
        ['LabOrder', 3],
      ]);

      expect(stats.queues).toHaveLength(3);
      expect(stats.queues.find((q) => q.subscriptionId === bad.id)).toMatchObject({
        topicCode: 'ADT',
        systemCode: 'PACS',
        depth: 0,
        oldestAgeSeconds: null,
        paused: false,
        enabled: true,
      });
      expect(stats.latency.samples).toBe(7);
      expect(stats.latency.p50Ms).toBeGreaterThanOrEqual(0);
      expect(stats.latency.p95Ms).toBeGreaterThanOrEqual(stats.latency.p50Ms!);

      expect(stats.recentErrors).toHaveLength(6);
      const times = stats.recentErrors.map((e) => e.at);
      expect([...times].sort().reverse()).toEqual(times);
      expect(stats.recentErrors.filter((e) => e.deliveryId !== null)).toHaveLength(5);
      expect(stats.recentErrors.find((e) => e.deliveryId !== null)).toMatchObject({
        topicCode: 'ADT',
        subscriptionName: t.hutong.engine.cache.subscription(bad.id)!.name,
      });
      expect(stats.recentErrors.find((e) => e.deliveryId === null)).toMatchObject({
        topicCode: 'LabOrder',
        subscriptionName: null,
      });

      expect(stats.totals).toMatchObject({
        received: 8,
        delivered: 7,
        failed: 5,
        pending: 0,
        dead: 5,
        systems: 3,
        topics: 2,
        subscriptions: 3,
        vendors: [{ vendor: 'Test Vendor', systems: 3 }],
      });

      // A paused subscription holds its deliveries: the queue shows depth and age.
      await k().updateTable('subscriptions').set({ paused: 1 }).where('id', '=', labSub.id).execute();
      await t.hutong.engine.cache.reload();
      await publish('LabOrder', JSON.stringify({ orderNo: 'held' }));
      await k()
        .updateTable('deliveries')
        .set({ created_at: new Date(Date.now() - 90_000).toISOString() })
        .where('subscription_id', '=', labSub.id)
        .where('open', '=', 1)
        .execute();
      const later = await service.stats(admin, { minutes: 10 });
      expect(later.queues.find((q) => q.subscriptionId === labSub.id)).toMatchObject({ depth: 1, paused: true });
      expect(later.queues.find((q) => q.subscriptionId === labSub.id)!.oldestAgeSeconds).toBeGreaterThanOrEqual(89);
      expect(later.totals.pending).toBe(1);
      void lis;
      void pacs;
    });

    it('limits everything to one domain when asked', async () => {
      await traffic();
      const at = now();
      const other = newId();
      await k()
        .insertInto('domains')
        .values({
          id: other,
          code: 'test',
          name: '测试域',
          description: null,
          enabled: 1,
          retention_days: 7,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await t.hutong.engine.cache.reload();
      const empty = await service.stats(admin, { domainId: other, minutes: 5 });
      expect(empty.perMinute).toHaveLength(5);
      expect(empty.perMinute.every((m) => m.received === 0 && m.delivered === 0 && m.failed === 0)).toBe(true);
      expect(empty).toMatchObject({ topics: [], queues: [], ranking: [], recentErrors: [] });
      expect(empty.totals).toMatchObject({ received: 0, delivered: 0, failed: 0, dead: 0, systems: 0, topics: 0 });
      const main = t.hutong.engine.cache.domainByCode('default')!.id;
      const mine = await service.stats(admin, { domainId: main, minutes: 5 });
      expect(mine.totals).toMatchObject({ received: 8, delivered: 7, failed: 5, dead: 5, systems: 3, topics: 2 });
      expect(mine.recentErrors).toHaveLength(6);
    });

    it('serves a result again for a few seconds, and only to holders of the permission', async () => {
      let clock = Date.now();
      const cached = new MonitoringService(t.hutong.db, t.hutong.engine.cache, t.hutong.engine.dispatcher, {
        now: () => clock,
      });
      const first = await cached.stats(admin, {});
      expect(first.perMinute).toHaveLength(60);
      expect(await cached.stats(admin, {})).toBe(first);
      clock += 6000;
      expect(await cached.stats(admin, {})).not.toBe(first);

      const roles = await t.call('GET', '/api/system/roles', { cookie: adminCookie });
      const auditor = roles.body.items.find((r: { code: string }) => r.code === 'auditor').id as string;
      const username = `u${Math.random().toString(36).slice(2, 9)}`;
      const password = strongPassword();
      await t.call('POST', '/api/system/users', {
        cookie: adminCookie,
        body: { username, displayName: '审计', password, roleIds: [auditor] },
      });
      const ctx = await contextFor(t.hutong.identity, await t.login(username, password));
      await expect(service.stats(ctx, {})).rejects.toMatchObject({ code: 'HT_AUTH_FORBIDDEN' });
    });

    it('answers over HTTP with the documented shape', async () => {
      await traffic();
      const wired = t.hutong.routes.some((r) => r.url === '/api/engine/stats');
      const call: Caller = wired
        ? injector(t.hutong.app)
        : (
            await routeHarness(t.hutong.identity, t.config.http.bodyLimitBytes, (app) =>
              monitoringRoutes(app, { service }),
            )
          ).call;
      const res = await call('GET', '/api/engine/stats?minutes=3', { cookie: adminCookie });
      expect(res.status, res.raw).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(
        ['from', 'to', 'perMinute', 'topics', 'queues', 'latency', 'ranking', 'recentErrors', 'totals'].sort(),
      );
      expect(res.body.perMinute).toHaveLength(3);
      expect(res.body.totals.received).toBe(8);
      expect((await call('GET', '/api/engine/stats?minutes=0', { cookie: adminCookie })).status).toBe(400);
      expect((await call('GET', '/api/engine/stats?minutes=361', { cookie: adminCookie })).status).toBe(400);
      expect((await call('GET', '/api/engine/stats?window=1', { cookie: adminCookie })).status).toBe(400);
      expect((await call('GET', '/api/engine/stats')).status).toBe(401);
    });
  });
}
