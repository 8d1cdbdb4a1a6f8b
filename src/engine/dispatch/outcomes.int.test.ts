// Recording delivery outcomes (writeOutcomes) on SQLite and, when configured, PostgreSQL — where a batch is written as
// a lock and one statement of data-modifying CTEs instead of a statement per kind: the same batch must leave the same
// rows on both. A stale worker's outcome is ignored, a second outcome for one delivery in a batch is not applied, and
// a message is settled only once nothing of it is open (failed when a delivery died and was not resent).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import { newId } from '../../platform/ids/index.js';
import type { EngineTables } from '../tables.js';
import { writeOutcomes, type DeliveryOutcome } from './store.js';

const AT = '2026-11-26T08:00:00.000Z';
const LATER = '2026-11-26T08:05:00.000Z';

for (const dialect of dialectsUnderTest()) {
  describe(`delivery outcomes on ${dialect.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await startTestApp(dialect);
    });
    afterEach(async () => {
      await t.close();
    });

    const k = () => t.hutong.db.kysely.withTables<EngineTables>();

    async function message(): Promise<string> {
      const id = newId();
      await k()
        .insertInto('messages')
        .values({
          id,
          domain_id: 'd',
          topic_id: 't',
          received_at: AT,
          status: 'pending',
          inbound: 'rest',
          content_type: 'application/json',
          body: '{}',
          size: 2,
          routed_count: 2,
        })
        .execute();
      return id;
    }

    async function delivery(
      messageId: string,
      fields: { status?: string; open?: number; owner?: string | null; parent?: string } = {},
    ): Promise<string> {
      const id = newId();
      await k()
        .insertInto('deliveries')
        .values({
          id,
          message_id: messageId,
          subscription_id: newId(),
          status: fields.status ?? 'in_flight',
          open: fields.open ?? 1,
          attempts: 0,
          next_attempt_at: LATER,
          lease_owner: fields.owner === undefined ? 'node-a' : fields.owner,
          lease_until: LATER,
          created_at: AT,
          parent_id: fields.parent ?? null,
        })
        .execute();
      return id;
    }

    const outcome = (
      deliveryId: string,
      messageId: string,
      result: DeliveryOutcome['result'],
      extra: Partial<DeliveryOutcome> = {},
    ): DeliveryOutcome => ({
      deliveryId,
      messageId,
      result,
      attempts: 1,
      at: AT,
      owner: 'node-a',
      attempt: {
        delivery_id: deliveryId,
        message_id: messageId,
        n: 1,
        started_at: AT,
        duration_ms: 3,
        outcome: result === 'delivered' ? 'ok' : 'error',
        status_code: result === 'delivered' ? '200' : '500',
        response_excerpt: null,
        error: result === 'delivered' ? null : 'HTTP 500',
      },
      ...extra,
    });

    const write = (outcomes: DeliveryOutcome[]) =>
      t.hutong.db.transaction((trx) => writeOutcomes(t.hutong.db, trx, outcomes));
    const row = (id: string) => k().selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const status = async (id: string) =>
      (await k().selectFrom('messages').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

    it('applies each kind of outcome, ignores a stale worker, and settles only what is closed', async () => {
      const done = await message(); // both deliveries delivered → delivered
      const doneA = await delivery(done);
      const doneB = await delivery(done);
      const half = await message(); // one delivered, one retried → stays pending
      const halfA = await delivery(half);
      const halfB = await delivery(half);
      const dead = await message(); // a dead letter → failed
      const deadA = await delivery(dead);
      const stale = await message(); // the lease was taken over by node-b: node-a's outcome must not land
      const staleA = await delivery(stale, { owner: 'node-b' });

      const applied = await write([
        outcome(doneA, done, 'delivered'),
        outcome(doneB, done, 'delivered'),
        outcome(halfA, half, 'delivered'),
        outcome(halfB, half, 'retry', { nextAttemptAt: LATER, error: 'HTTP 500' }),
        outcome(deadA, dead, 'dead', { error: 'HTTP 500' }),
        outcome(staleA, stale, 'delivered'),
        // A second outcome for a delivery already in this batch: its lease is gone by then.
        outcome(doneA, done, 'dead', { error: 'late' }),
      ]);
      expect(applied).toEqual([true, true, true, true, true, false, false]);

      expect(await row(doneA)).toMatchObject({
        status: 'delivered',
        open: 0,
        attempts: 1,
        lease_owner: null,
        last_error: null,
      });
      expect((await row(doneA)).finished_at).not.toBeNull();
      expect(await row(halfB)).toMatchObject({ status: 'retry', open: 1, attempts: 1, last_error: 'HTTP 500' });
      expect(await row(halfB)).toMatchObject({ lease_owner: null, finished_at: null });
      expect(await row(deadA)).toMatchObject({ status: 'dead', open: 0, last_error: 'HTTP 500' });
      expect(await row(staleA)).toMatchObject({ status: 'in_flight', open: 1, lease_owner: 'node-b' });

      expect(await status(done)).toBe('delivered');
      expect(await status(half)).toBe('pending');
      expect(await status(dead)).toBe('failed');
      expect(await status(stale)).toBe('pending');

      // Every attempt is recorded, the stale worker's too (it did call the subscriber).
      const attempts = await k().selectFrom('attempts').select('delivery_id').execute();
      expect(attempts).toHaveLength(7);
    });

    it('does not count a dead delivery that was resent against its message', async () => {
      const m = await message();
      const original = await delivery(m, { status: 'dead', open: 0, owner: null });
      const resend = await delivery(m, { parent: original });
      expect(await write([outcome(resend, m, 'delivered')])).toEqual([true]);
      expect(await status(m)).toBe('delivered');
    });

    it('gives a released delivery back as pending or retry, without settling its message', async () => {
      const m = await message();
      const fresh = await delivery(m);
      const tried = await delivery(m);
      await write([
        { deliveryId: fresh, messageId: m, result: 'released', attempts: 0, at: AT, owner: 'node-a' },
        { deliveryId: tried, messageId: m, result: 'released', attempts: 2, at: AT, owner: 'node-a' },
      ]);
      expect(await row(fresh)).toMatchObject({ status: 'pending', open: 1, attempts: 0, lease_owner: null });
      expect(await row(tried)).toMatchObject({ status: 'retry', open: 1, attempts: 2, lease_owner: null });
      expect((await row(tried)).next_attempt_at).toBe(AT);
      expect(await status(m)).toBe('pending');
    });
  });
}
