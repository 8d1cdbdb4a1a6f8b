// attempts (message_id) was written on every attempt of every delivery, for two readers: a message's trace and the
// retention purge. Both now reach the attempts through the message's deliveries (deliveries_message, then
// attempts_delivery), which they read anyway.
import type { Kysely } from 'kysely';
import type { DialectName } from '../index.js';

export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.dropIndex('attempts_message').execute();
}
