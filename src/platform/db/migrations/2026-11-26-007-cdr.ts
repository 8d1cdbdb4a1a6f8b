// 临床数据中心 (CDR): the current state and the full history of every entity the interaction services carry.
// One row per entity instance (entity + key) with its merged business JSON and state; one history row per change
// (which service, which message, the JSON it carried); identifiers the queries filter by (card no., id-card no.,
// staff no. …) in a narrow table so no query scans the JSON. States a hospital adds to a state machine are kept in
// cdr_state_machines.
import { sql, type Kysely } from 'kysely';
import { autoIncrementType, columnTypes } from '../columns.js';
import type { DialectName } from '../index.js';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);

  await db.schema
    .createTable('cdr_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('entity', 'text', (c) => c.notNull())
    // The entity's key fields joined with '|' (e.g. an application number; visit no.|diagnosis no.).
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('state', 'text')
    .addColumn('patient_id', 'text')
    .addColumn('patient_name', 'text')
    .addColumn('visit_no', 'text')
    .addColumn('order_no', 'text')
    .addColumn('application_no', 'text')
    // The business time of the entity (its first date/time field), for the queries' time ranges.
    .addColumn('event_time', 'text')
    .addColumn('data', t.json, (c) => c.notNull())
    // The latest status message of the entity (检查状态, 手术状态 …), answered by the status queries.
    .addColumn('status_data', t.json)
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addColumn('last_service', 'text', (c) => c.notNull())
    .addColumn('last_message_id', 'text', (c) => c.notNull())
    // The system whose message created the record (医嘱执行状态 goes back to the system that placed the order).
    .addColumn('source_system', 'text')
    .addUniqueConstraint('cdr_records_entity_key', ['entity', 'key'])
    .execute();
  for (const column of ['patient_id', 'visit_no', 'order_no', 'application_no'] as const) {
    await db.schema
      .createIndex(`cdr_records_${column}`)
      .on('cdr_records')
      .columns([column, 'entity'])
      .where(sql.ref(column), 'is not', null)
      .execute();
  }
  await db.schema
    .createIndex('cdr_records_entity_updated')
    .on('cdr_records')
    .columns(['entity', 'updated_at'])
    .execute();

  await db.schema
    .createTable('cdr_history')
    .addColumn('id', autoIncrementType(dialect), (c) => c.primaryKey())
    .addColumn('record_id', 'text', (c) => c.notNull().references('cdr_records.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    // add | update | status | cancel | delete | publish | merge
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('state', 'text')
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('data', t.json, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cdr_history_record').on('cdr_history').columns(['record_id', 'version']).execute();

  await db.schema
    .createTable('cdr_identifiers')
    .addColumn('record_id', 'text', (c) => c.notNull().references('cdr_records.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('cdr_identifiers_pk', ['record_id', 'name', 'value'])
    .execute();
  await db.schema.createIndex('cdr_identifiers_lookup').on('cdr_identifiers').columns(['name', 'value']).execute();

  await db.schema
    .createTable('cdr_state_machines')
    .addColumn('entity', 'text', (c) => c.primaryKey())
    // JSON: { states: [{ code, name, nameEn, next }], transitions: [{ from, to }] } added to the catalogue's machine
    .addColumn('extra', t.json, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();
}
