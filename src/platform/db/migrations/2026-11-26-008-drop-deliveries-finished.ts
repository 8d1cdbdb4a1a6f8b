// deliveries (subscription_id, finished_at) served no query: every question about finished deliveries asks for the
// delivered ones (the partial index deliveries_delivered of 004 answers those) or reaches dead letters through their
// failed attempts. Yet it was written on every delivery's insert and again when it finished.
import type { Kysely } from 'kysely';
import type { DialectName } from '../index.js';

export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.dropIndex('deliveries_finished').execute();
}
