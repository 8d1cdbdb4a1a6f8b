// 接入端点: the inbound endpoints configured in the console — MLLP listeners (HL7 v2 over TCP) and the HIPMessageServer
// WebService endpoints. One row per endpoint; its protocol's settings are one JSON document, validated by the
// service against the protocol's schema. Codes are unique within a domain.
import type { Kysely } from 'kysely';
import { columnTypes } from '../columns.js';
import type { DialectName } from '../index.js';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);

  await db.schema
    .createTable('inbound_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('domain_id', 'text', (c) => c.notNull().references('domains.id').onDelete('restrict'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // mllp | soap
    .addColumn('protocol', 'text', (c) => c.notNull())
    .addColumn('enabled', t.flag, (c) => c.notNull().defaultTo(1))
    .addColumn('settings', t.json, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addUniqueConstraint('inbound_endpoints_domain_code', ['domain_id', 'code'])
    .execute();
  await db.schema.createIndex('inbound_endpoints_protocol').on('inbound_endpoints').column('protocol').execute();
}
