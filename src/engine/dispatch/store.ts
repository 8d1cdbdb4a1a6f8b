// The dispatcher's writes, as group-commit batch handlers: claiming due deliveries with a lease, and recording what
// happened to them (attempt rows, delivery state, and the message's overall status once nothing is left open).
import type { Insertable } from 'kysely';
import { sql } from 'kysely';
import { skipLocked, type Database, type DialectName } from '../../platform/db/index.js';
import type { AttemptsTable } from '../tables.js';
import type { EngineTransaction } from '../writer.js';

export interface ClaimRequest {
  subscriptionId: string;
  limit: number;
  fifo: boolean;
  owner: string;
  /** ISO time the lease ends; also becomes next_attempt_at, so an expired lease makes the delivery due again. */
  leaseUntil: string;
  now: string;
}

export interface ClaimedDelivery {
  id: string;
  message_id: string;
  subscription_id: string;
  attempts: number;
}

export function claimHandler(dialect: DialectName) {
  return async (trx: EngineTransaction, requests: ClaimRequest[]): Promise<ClaimedDelivery[][]> => {
    const out: ClaimedDelivery[][] = [];
    for (const r of requests) {
      if (r.fifo) {
        // Strict FIFO: only the oldest open delivery may go, and only when it is due; a later one never overtakes.
        const head = await trx
          .selectFrom('deliveries')
          .select(['id', 'next_attempt_at'])
          .where('subscription_id', '=', r.subscriptionId)
          .where(sql.ref('open'), '=', 1)
          .orderBy('id')
          .limit(1)
          .executeTakeFirst();
        if (!head || head.next_attempt_at > r.now) {
          out.push([]);
          continue;
        }
        const rows = await trx
          .updateTable('deliveries')
          .set({ status: 'in_flight', lease_owner: r.owner, lease_until: r.leaseUntil, next_attempt_at: r.leaseUntil })
          .where('id', '=', head.id)
          .where('next_attempt_at', '<=', r.now)
          .returning(['id', 'message_id', 'subscription_id', 'attempts'])
          .execute();
        out.push(rows);
        continue;
      }
      const due = skipLocked(
        dialect,
        trx
          .selectFrom('deliveries')
          .select('id')
          .where('subscription_id', '=', r.subscriptionId)
          .where(sql.ref('open'), '=', 1)
          .where('next_attempt_at', '<=', r.now)
          .orderBy('id')
          .limit(r.limit),
      );
      const rows = await trx
        .updateTable('deliveries')
        .set({ status: 'in_flight', lease_owner: r.owner, lease_until: r.leaseUntil, next_attempt_at: r.leaseUntil })
        .where('id', 'in', due)
        .returning(['id', 'message_id', 'subscription_id', 'attempts'])
        .execute();
      rows.sort((a, b) => (a.id < b.id ? -1 : 1));
      out.push(rows);
    }
    return out;
  };
}

export interface DeliveryOutcome {
  deliveryId: string;
  messageId: string;
  /** delivered: done; retry: try again at nextAttemptAt; dead: no more tries; released: give back unattempted. */
  result: 'delivered' | 'retry' | 'dead' | 'released' | 'cancelled';
  attempts: number;
  nextAttemptAt?: string;
  error?: string | null;
  at: string;
  attempt?: Insertable<AttemptsTable>;
  /** The lease this outcome belongs to: a stale worker whose lease was taken over must not overwrite. */
  owner: string;
}

export function outcomeHandler(db: Database) {
  return (trx: EngineTransaction, outcomes: DeliveryOutcome[]) => writeOutcomes(db, trx, outcomes);
}

export async function writeOutcomes(
  db: Database,
  trx: EngineTransaction,
  outcomes: DeliveryOutcome[],
): Promise<boolean[]> {
  await db.insertMany(
    trx,
    'attempts',
    outcomes.flatMap((o) => (o.attempt ? [o.attempt] : [])),
  );

  const applied = new Set<string>();
  // All deliveries that succeeded in this batch: one statement per lease owner (normally one).
  const deliveredByOwner = new Map<string, DeliveryOutcome[]>();
  for (const o of outcomes) {
    if (o.result !== 'delivered') continue;
    const list = deliveredByOwner.get(o.owner) ?? [];
    list.push(o);
    deliveredByOwner.set(o.owner, list);
  }
  for (const [owner, delivered] of deliveredByOwner)
    for (let i = 0; i < delivered.length; i += 500) {
      const chunk = delivered.slice(i, i + 500);
      const at = chunk[chunk.length - 1]!.at;
      const rows = await trx
        .updateTable('deliveries')
        .set((eb) => ({
          status: 'delivered',
          open: 0,
          attempts: eb('attempts', '+', 1),
          lease_owner: null,
          lease_until: null,
          last_error: null,
          finished_at: at,
        }))
        .where(
          'id',
          'in',
          chunk.map((o) => o.deliveryId),
        )
        .where(sql.ref('open'), '=', 1)
        // A worker whose lease expired and was taken over must not overwrite the new holder's work.
        .where('lease_owner', '=', owner)
        .returning('id')
        .execute();
      for (const r of rows) applied.add(r.id);
    }
  // Retries, dead letters, releases: rarer, one statement each.
  for (const o of outcomes) {
    if (o.result === 'delivered') continue;
    const closed = o.result === 'dead' || o.result === 'cancelled';
    const rows = await trx
      .updateTable('deliveries')
      .set({
        status: o.result === 'released' ? (o.attempts > 0 ? 'retry' : 'pending') : o.result,
        open: closed ? 0 : 1,
        attempts: o.attempts,
        lease_owner: null,
        lease_until: null,
        next_attempt_at: o.nextAttemptAt ?? o.at,
        last_error: o.error ?? null,
        finished_at: closed ? o.at : null,
      })
      .where('id', '=', o.deliveryId)
      .where(sql.ref('open'), '=', 1)
      .where('lease_owner', '=', o.owner)
      .returning('id')
      .execute();
    for (const r of rows) applied.add(r.id);
  }

  await settleMessages(
    trx,
    outcomes.filter((o) => o.result !== 'retry' && o.result !== 'released').map((o) => o.messageId),
    db.dialect,
  );
  return outcomes.map((o) => applied.has(o.deliveryId));
}

/**
 * Messages with nothing left open get their final status: failed when any delivery died, else delivered.
 * Done as one indexed read of the messages' deliveries (by message id) and at most two updates by primary key, so the
 * planner never has a reason to walk the status index of a large backlog.
 */
export async function settleMessages(
  trx: EngineTransaction,
  messageIds: string[],
  dialect: DialectName = 'sqlite',
): Promise<void> {
  const ids = [...new Set(messageIds)].sort();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    if (dialect === 'postgres') {
      // Outcomes of the same message may be written by two transactions at once (two subscribers in two dispatch
      // lanes): each would see the other's delivery still open and neither would settle the message. Locking the
      // message rows first (in id order, so two settlers never deadlock) makes the second wait and then see the
      // first one's commit.
      await trx.selectFrom('messages').select('id').where('id', 'in', chunk).orderBy('id').forUpdate().execute();
    }
    // Every delivery of these messages (one per subscription, plus resends) in one indexed read; what is open and what
    // died is worked out here. A dead delivery that was resent (a delivery of the same message names it as parent)
    // no longer makes the message failed.
    const rows = await trx
      .selectFrom('deliveries')
      .select(['id', 'message_id', 'status', 'open', 'parent_id'])
      .where('message_id', 'in', chunk)
      .execute();
    const stillOpen = new Set<string>();
    const resent = new Set<string>();
    for (const r of rows) {
      if (r.open === 1) stillOpen.add(r.message_id);
      if (r.parent_id) resent.add(r.parent_id);
    }
    const settled = chunk.filter((id) => !stillOpen.has(id));
    if (settled.length === 0) continue;
    const failed = new Set(
      rows
        .filter((r) => r.status === 'dead' && !resent.has(r.id) && !stillOpen.has(r.message_id))
        .map((r) => r.message_id),
    );
    const delivered = settled.filter((id) => !failed.has(id));
    if (delivered.length > 0) {
      await trx.updateTable('messages').set({ status: 'delivered' }).where('id', 'in', delivered).execute();
    }
    if (failed.size > 0) {
      await trx
        .updateTable('messages')
        .set({ status: 'failed' })
        .where('id', 'in', [...failed])
        .execute();
    }
  }
}
