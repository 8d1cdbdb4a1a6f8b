// The message search indexes cover only the rows that have a value. Most messages carry no order number, no
// application number, no parent (they are not resends) and many no visit number; an index entry for NULL is never
// searched but costs a B-tree write on every ingest. "column = ?", "IN", LIKE 'x%' and range searches imply
// "column IS NOT NULL", so SQLite and PostgreSQL both still use these indexes for every search the console makes.
import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../index.js';

const FIELDS = ['patient_id', 'patient_name', 'visit_no', 'order_no', 'application_no', 'parent_id'] as const;

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  for (const field of FIELDS) {
    await db.schema.dropIndex(`messages_${field}`).execute();
    await db.schema
      .createIndex(`messages_${field}`)
      .on('messages')
      .columns([field, 'received_at'])
      .where(sql.ref(field), 'is not', null)
      .execute();
  }
  // Duplicate suppression looks up (system, source message id); messages without a source id need no entry.
  await db.schema.dropIndex('messages_source_id').execute();
  await db.schema
    .createIndex('messages_source_id')
    .on('messages')
    .columns(['system_id', 'source_message_id'])
    .where(sql.ref('source_message_id'), 'is not', null)
    .execute();
  if (dialect === 'postgres') {
    await sql`drop index messages_patient_name_prefix`.execute(db);
    await sql`create index messages_patient_name_prefix on messages (patient_name text_pattern_ops, received_at) where patient_name is not null`.execute(
      db,
    );
  }
}
