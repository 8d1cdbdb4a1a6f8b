// The Notifier on a real PostgreSQL (skipped without HUTONG_TEST_PG_URL): notifications arrive on commit only,
// channels are scoped by schema, and a killed listening connection comes back by itself with a "resync".
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialectsUnderTest, PG_URL, type TestDatabase } from '../../../test/support/databases.js';
import { waitFor } from '../../../test/support/engine.js';
import { sql } from './index.js';
import type { NotificationListener } from './notify.js';

const postgres = dialectsUnderTest().find((d) => d.name === 'postgres');

describe.skipIf(!postgres)('Notifier on PostgreSQL', () => {
  let one: TestDatabase;
  let two: TestDatabase;
  beforeEach(async () => {
    one = await postgres!.open();
    two = await postgres!.open();
  });
  afterEach(async () => {
    await one.cleanup();
    await two.cleanup();
  });

  const collect = () => {
    const events: Parameters<NotificationListener>[0][] = [];
    return { events, listener: ((e) => events.push(e)) satisfies NotificationListener };
  };

  it('delivers on commit only, and only within its own schema', async () => {
    expect(one.db.notifier.distributed).toBe(true);
    const a = collect();
    const b = collect();
    await one.db.notifier.listen('chan', a.listener);
    await two.db.notifier.listen('chan', b.listener);
    await one.db.kysely
      .transaction()
      .execute(async (trx) => {
        await one.db.notifier.notify('chan', 'rolled back', trx);
        throw new Error('rollback');
      })
      .catch(() => undefined);
    await one.db.kysely.transaction().execute((trx) => one.db.notifier.notify('chan', 'committed', trx));
    await two.db.notifier.notify('chan', 'other schema');
    await waitFor(() => a.events.length >= 1 && b.events.length >= 1, 5000, 'both notifications');
    // Notifications of one session arrive in order: once "committed" is here, the rolled-back one never will be.
    expect(a.events).toEqual([{ payload: 'committed', resync: false }]);
    expect(b.events).toEqual([{ payload: 'other schema', resync: false }]);
  });

  it('reconnects after its connection is killed, tells listeners to resync, and listens again', async () => {
    const a = collect();
    const errors: Error[] = [];
    one.db.notifier.onError((e) => errors.push(e));
    await one.db.notifier.listen('chan', a.listener);
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      const killed = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
          where application_name = 'hutong-notify' and query like $1`,
        [`%chan__${(await sql<{ s: string }>`select current_schema() as s`.execute(one.db.kysely)).rows[0]!.s}%`],
      );
      expect(killed.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    await waitFor(() => a.events.some((e) => e.resync), 10_000, 'resync after reconnect');
    expect(errors.length).toBeGreaterThan(0);
    await one.db.notifier.notify('chan', 'after');
    await waitFor(() => a.events.some((e) => e.payload === 'after'), 5000, 'notification after reconnect');
  });
});
