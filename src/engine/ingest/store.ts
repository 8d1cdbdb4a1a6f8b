// Writing what arrived: one batch handler for the group-commit writer that checks duplicates for the whole batch
// with one query, then inserts all messages and all their deliveries (and any attempts recorded at routing time,
// e.g. a filter that failed) with one multi-row statement each.
import type { Insertable } from 'kysely';
import { insertChunkSize } from '../../platform/db/index.js';
import type { AttemptsTable, DeliveriesTable, MessagesTable } from '../tables.js';
import type { EngineTransaction } from '../writer.js';

export interface IngestWrite {
  message: Insertable<MessagesTable>;
  deliveries: Insertable<DeliveriesTable>[];
  attempts: Insertable<AttemptsTable>[];
  /** Suppress when the same system sent the same source message id since this time. */
  dedup?: { systemId: string; sourceMessageId: string; since: string };
}

export type IngestWriteResult =
  { duplicate: false } | { duplicate: true; originalId: string; originalReply: string | null; originalStatus: string };

export async function writeIngestBatch(trx: EngineTransaction, writes: IngestWrite[]): Promise<IngestWriteResult[]> {
  const results: IngestWriteResult[] = writes.map(() => ({ duplicate: false }));
  const withKey = writes.filter((w) => w.dedup);
  const seen = new Map<string, { id: string; reply: string | null; status: string; receivedAt: string }>();
  if (withKey.length > 0) {
    const since = withKey.reduce((min, w) => (w.dedup!.since < min ? w.dedup!.since : min), withKey[0]!.dedup!.since);
    const rows = await trx
      .selectFrom('messages')
      .select(['id', 'system_id', 'source_message_id', 'reply', 'status', 'received_at'])
      .where('system_id', 'in', [...new Set(withKey.map((w) => w.dedup!.systemId))])
      .where('source_message_id', 'in', [...new Set(withKey.map((w) => w.dedup!.sourceMessageId))])
      .where('received_at', '>=', since)
      .where('parent_id', 'is', null)
      .orderBy('received_at')
      .execute();
    for (const r of rows) {
      const key = `${r.system_id}\u0000${r.source_message_id}`;
      if (!seen.has(key)) seen.set(key, { id: r.id, reply: r.reply, status: r.status, receivedAt: r.received_at });
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
      // The first of several copies in one batch wins; the later ones are duplicates of it.
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
  await insertChunked(trx, 'messages', messages, 26);
  await insertChunked(trx, 'deliveries', deliveries, 13);
  await insertChunked(trx, 'attempts', attempts, 10);
  return results;
}

async function insertChunked<T extends 'messages' | 'deliveries' | 'attempts'>(
  trx: EngineTransaction,
  table: T,
  rows: Insertable<EngineTransactionTables[T]>[],
  columns: number,
): Promise<void> {
  const size = insertChunkSize(columns);
  for (let i = 0; i < rows.length; i += size) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + size) as never)
      .execute();
  }
}

type EngineTransactionTables = {
  messages: MessagesTable;
  deliveries: DeliveriesTable;
  attempts: AttemptsTable;
};
