// Indexes for the monitoring statistics and patient-name prefix search: only what those queries read, and partial
// where the rows they need are few (delivered deliveries, failed attempts).
import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../index.js';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  // delivered per minute and delivery latency
  await db.schema
    .createIndex('deliveries_delivered')
    .on('deliveries')
    .columns(['subscription_id', 'finished_at'])
    .where(sql.ref('status'), '=', 'delivered')
    .execute();
  // failed attempts per minute, dead letters, recent errors
  await db.schema
    .createIndex('attempts_failed')
    .on('attempts')
    .column('started_at')
    .where(sql.ref('outcome'), '<>', 'ok')
    .execute();
  // LIKE 'prefix%' on PostgreSQL needs pattern ops unless the collation is "C"
  if (dialect === 'postgres') {
    await sql`create index messages_patient_name_prefix on messages (patient_name text_pattern_ops, received_at)`.execute(
      db,
    );
  }
}
