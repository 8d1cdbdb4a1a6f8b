// Writing what arrived: one batch handler for the group-commit writer that checks duplicates for the whole batch
// with one query, lets a transactional subscriber (the CDR) do its work for each message in turn — a message it
// refuses is written as rejected, without deliveries — then inserts all messages and all their deliveries (and any
// attempts recorded at routing time, e.g. a filter that failed) with one multi-row statement each.
import type { Insertable } from 'kysely';
import type { Database } from '../../platform/db/index.js';
import { HtError } from '../../platform/errors/index.js';
import type { AttemptsTable, DeliveriesTable, MessagesTable } from '../tables.js';
import type { EngineTransaction } from '../writer.js';
import { recordedReason, type TransactionalWork } from './pipeline.js';

export interface IngestWrite {
  message: Insertable<MessagesTable>;
  deliveries: Insertable<DeliveriesTable>[];
  attempts: Insertable<AttemptsTable>[];
  /** Suppress when the same system sent the same source message id since this time. */
  dedup?: { systemId: string; sourceMessageId: string; since: string };
  /** A transactional subscriber's work for this message, done in the same transaction. */
  work?: TransactionalWork;
}

export type IngestWriteResult =
  | { duplicate: false; refused?: HtError }
  | { duplicate: true; originalId: string; originalReply: string | null; originalStatus: string };

export function ingestBatchHandler(db: Database) {
  return (trx: EngineTransaction, writes: IngestWrite[]) => writeIngestBatch(db, trx, writes);
}

export async function writeIngestBatch(
  db: Database,
  trx: EngineTransaction,
  writes: IngestWrite[],
): Promise<IngestWriteResult[]> {
  const results: IngestWriteResult[] = writes.map(() => ({ duplicate: false }));
  const withKey = writes.filter((w) => w.dedup);
  const seen = new Map<string, { id: string; reply: string | null; status: string; receivedAt: string }>();
  // One lookup per sending system by (system_id, source_message_id) — exactly the index messages_source_id; the
  // window and "not a resend" are checked here, not in SQL, so the planner cannot pick a time or parent index and scan.
  const bySystem = new Map<string, Set<string>>();
  for (const w of withKey) {
    const ids = bySystem.get(w.dedup!.systemId) ?? new Set<string>();
    ids.add(w.dedup!.sourceMessageId);
    bySystem.set(w.dedup!.systemId, ids);
  }
  for (const [systemId, ids] of bySystem) {
    const rows = await trx
      .selectFrom('messages')
      .select(['id', 'source_message_id', 'reply', 'status', 'received_at', 'parent_id'])
      .where('system_id', '=', systemId)
      .where('source_message_id', 'in', [...ids])
      .execute();
    for (const r of rows) {
      // A resend is not an original; a rejected copy was never taken, so sending it again is not a duplicate.
      if (r.parent_id !== null || r.status === 'rejected') continue;
      const key = `${systemId}\u0000${r.source_message_id}`;
      const known = seen.get(key);
      if (!known || r.received_at < known.receivedAt) {
        seen.set(key, { id: r.id, reply: r.reply, status: r.status, receivedAt: r.received_at });
      }
    }
  }

  const messages: Insertable<MessagesTable>[] = [];
  const deliveries: Insertable<DeliveriesTable>[] = [];
  const attempts: Insertable<AttemptsTable>[] = [];
  for (const [i, w] of writes.entries()) {
    if (w.dedup) {
      const key = `${w.dedup.systemId}\u0000${w.dedup.sourceMessageId}`;
      const original = seen.get(key);
      if (original && original.receivedAt >= w.dedup.since) {
        results[i] = {
          duplicate: true,
          originalId: original.id,
          originalReply: original.reply,
          originalStatus: original.status,
        };
        continue;
      }
    }
    if (w.work) {
      try {
        await w.work.apply(trx, { id: w.message.id, receivedAt: w.message.received_at });
      } catch (error) {
        if (!(error instanceof HtError)) throw error;
        w.message.status = 'rejected';
        w.message.error = recordedReason(error).slice(0, 2000);
        w.message.routed_count = 0;
        w.message.reply = null;
        messages.push(w.message);
        results[i] = { duplicate: false, refused: error };
        continue;
      }
    }
    if (w.dedup) {
      // The first of several copies in one batch wins; the later ones are duplicates of it.
      const key = `${w.dedup.systemId}\u0000${w.dedup.sourceMessageId}`;
      seen.set(key, {
        id: w.message.id,
        reply: w.message.reply ?? null,
        status: w.message.status,
        receivedAt: w.message.received_at,
      });
    }
    messages.push(w.message);
    deliveries.push(...w.deliveries);
    attempts.push(...w.attempts);
  }
  await insertMessages(db, trx, messages, deliveries);
  await db.insertMany(trx, 'attempts', attempts);
  return results;
}

/** Parameters PostgreSQL takes in one statement (65,535), with room to spare. */
const PG_MAX_PARAMETERS = 30_000;

/**
 * The messages and their deliveries. On PostgreSQL, where each statement is a round trip, both go in one statement
 * (the messages in a data-modifying CTE) when the batch fits in one; SQLite inserts row by row with cached statements.
 */
async function insertMessages(
  db: Database,
  trx: EngineTransaction,
  messages: Insertable<MessagesTable>[],
  deliveries: Insertable<DeliveriesTable>[],
): Promise<void> {
  const parameters =
    messages.length * Object.keys(messages[0] ?? {}).length +
    deliveries.length * Object.keys(deliveries[0] ?? {}).length;
  if (db.dialect === 'postgres' && messages.length > 0 && deliveries.length > 0 && parameters <= PG_MAX_PARAMETERS) {
    await trx
      .with('new_messages', (q) => q.insertInto('messages').values(messages))
      .insertInto('deliveries')
      .values(deliveries)
      .execute();
    return;
  }
  await db.insertMany(trx, 'messages', messages);
  await db.insertMany(trx, 'deliveries', deliveries);
}
