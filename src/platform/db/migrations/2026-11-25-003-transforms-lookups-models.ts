// 规则转换, 映射表, 消息模型: named JSONata transforms per domain, lookup tables (value ↔ code, 1:1 or 1:n) with
// their entries, and the message models topics declare (built-in kinds plus registered JSON/XML models with an
// optional JSON Schema or XSD).
import type { Kysely } from 'kysely';
import { columnTypes } from '../columns.js';
import type { DialectName } from '../index.js';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);

  // 规则转换
  await db.schema
    .createTable('transforms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('domain_id', 'text', (c) => c.notNull().references('domains.id').onDelete('restrict'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('expression', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addUniqueConstraint('transforms_domain_code', ['domain_id', 'code'])
    .execute();

  // 映射表
  await db.schema
    .createTable('lookup_tables')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('domain_id', 'text', (c) => c.notNull().references('domains.id').onDelete('restrict'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    // 1: one key may have several values (一对多); 0: one value per key (一对一, enforced by the service).
    .addColumn('multi', t.flag, (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addUniqueConstraint('lookup_tables_domain_code', ['domain_id', 'code'])
    .execute();

  await db.schema
    .createTable('lookup_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('table_id', 'text', (c) => c.notNull().references('lookup_tables.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lookup_entries_key').on('lookup_entries').columns(['table_id', 'key']).execute();
  await db.schema.createIndex('lookup_entries_value').on('lookup_entries').columns(['table_id', 'value']).execute();
  await db.schema
    .createIndex('lookup_entries_position')
    .on('lookup_entries')
    .columns(['table_id', 'position'])
    .execute();

  // 消息模型: code is what topics.model holds
  await db.schema
    .createTable('models')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('builtin', t.flag, (c) => c.notNull().defaultTo(0))
    .addColumn('schema_type', 'text')
    .addColumn('schema', t.text)
    .addColumn('description', 'text')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
}
