// The integration engine (订阅发布): domains, systems, topics, publishers, subscriptions, configuration revisions,
// messages with their index fields, deliveries (the transactional outbox), attempts, and saved searches.
import { sql, type Kysely } from 'kysely';
import { autoIncrementType, columnTypes } from '../columns.js';
import type { DialectName } from '../index.js';

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);

  // 域
  await db.schema
    .createTable('domains')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('enabled', t.flag, (c) => c.notNull().defaultTo(1))
    .addColumn('retention_days', 'integer', (c) => c.notNull().defaultTo(30))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();

  // 订户 / 接入系统
  await db.schema
    .createTable('systems')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('domain_id', 'text', (c) => c.notNull().references('domains.id').onDelete('restrict'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('vendor', 'text')
    .addColumn('contact', 'text')
    .addColumn('description', 'text')
    .addColumn('enabled', t.flag, (c) => c.notNull().defaultTo(1))
    .addColumn('auth_type', 'text', (c) => c.notNull().defaultTo('token'))
    .addColumn('auth_username', 'text')
    .addColumn('secret_hash', 'text')
    .addColumn('ip_allowlist', t.json, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addUniqueConstraint('systems_domain_code', ['domain_id', 'code'])
    .execute();
  await db.schema.createIndex('systems_secret').on('systems').column('secret_hash').execute();

  // 主题
  await db.schema
    .createTable('topics')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('domain_id', 'text', (c) => c.notNull().references('domains.id').onDelete('restrict'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('description', 'text')
    .addColumn('model', 'text', (c) => c.notNull().defaultTo('JSON'))
    .addColumn('mode', 'text', (c) => c.notNull().defaultTo('async'))
    .addColumn('validate', t.flag, (c) => c.notNull().defaultTo(0))
    .addColumn('index_fields', t.json)
    .addColumn('enabled', t.flag, (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addUniqueConstraint('topics_domain_code', ['domain_id', 'code'])
    .execute();

  // 发布关系: which systems may publish a topic
  await db.schema
    .createTable('topic_publishers')
    .addColumn('topic_id', 'text', (c) => c.notNull().references('topics.id').onDelete('cascade'))
    .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('topic_publishers_pk', ['topic_id', 'system_id'])
    .execute();

  // 订阅关系
  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('domain_id', 'text', (c) => c.notNull().references('domains.id').onDelete('restrict'))
    .addColumn('topic_id', 'text', (c) => c.notNull().references('topics.id').onDelete('restrict'))
    .addColumn('system_id', 'text', (c) => c.notNull().references('systems.id').onDelete('restrict'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('adapter', 'text', (c) => c.notNull())
    .addColumn('adapter_config', t.json, (c) => c.notNull())
    .addColumn('filter', 'text')
    .addColumn('transform', 'text')
    .addColumn('transform_ref', 'text')
    .addColumn('max_attempts', 'integer', (c) => c.notNull().defaultTo(10))
    .addColumn('backoff_initial_ms', 'integer', (c) => c.notNull().defaultTo(1000))
    .addColumn('backoff_max_ms', 'integer', (c) => c.notNull().defaultTo(300000))
    .addColumn('ordering', 'text', (c) => c.notNull().defaultTo('parallel'))
    .addColumn('workers', 'integer', (c) => c.notNull().defaultTo(4))
    .addColumn('paused', t.flag, (c) => c.notNull().defaultTo(0))
    .addColumn('enabled', t.flag, (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('subscriptions_topic').on('subscriptions').column('topic_id').execute();

  // 配置修订: every configuration change, viewable and revertible
  await db.schema
    .createTable('config_revisions')
    .addColumn('id', autoIncrementType(dialect), (c) => c.primaryKey())
    .addColumn('domain_id', 'text')
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('before', t.json)
    .addColumn('after', t.json)
    .addColumn('user_id', 'text')
    .addColumn('username', 'text')
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('summary', 'text')
    .execute();
  await db.schema
    .createIndex('config_revisions_entity')
    .on('config_revisions')
    .columns(['entity_type', 'entity_id', 'id'])
    .execute();
  await db.schema.createIndex('config_revisions_domain').on('config_revisions').columns(['domain_id', 'id']).execute();

  // 消息: what arrived, with the fields search uses extracted at ingest (bodies are never scanned)
  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('domain_id', 'text', (c) => c.notNull())
    .addColumn('topic_id', 'text', (c) => c.notNull())
    .addColumn('system_id', 'text')
    .addColumn('source_message_id', 'text')
    .addColumn('received_at', t.time, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('inbound', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('body', t.text, (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('headers', t.json)
    .addColumn('patient_id', 'text')
    .addColumn('patient_name', 'text')
    .addColumn('visit_no', 'text')
    .addColumn('order_no', 'text')
    .addColumn('application_no', 'text')
    .addColumn('index_extra', t.json)
    .addColumn('warnings', t.json)
    .addColumn('error', 'text')
    .addColumn('reply', t.json)
    .addColumn('parent_id', 'text')
    .addColumn('resend_kind', 'text')
    .addColumn('routed_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('validated', t.flag)
    .execute();
  await db.schema.createIndex('messages_received').on('messages').columns(['received_at']).execute();
  await db.schema.createIndex('messages_topic_received').on('messages').columns(['topic_id', 'received_at']).execute();
  await db.schema
    .createIndex('messages_system_received')
    .on('messages')
    .columns(['system_id', 'received_at'])
    .execute();
  await db.schema.createIndex('messages_status_received').on('messages').columns(['status', 'received_at']).execute();
  await db.schema
    .createIndex('messages_source_id')
    .on('messages')
    .columns(['system_id', 'source_message_id'])
    .execute();
  for (const field of ['patient_id', 'patient_name', 'visit_no', 'order_no', 'application_no', 'parent_id']) {
    await db.schema.createIndex(`messages_${field}`).on('messages').columns([field, 'received_at']).execute();
  }

  // 投递: one row per (message × matching subscription) — the transactional outbox
  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('open', t.flag, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', t.time, (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', t.time)
    .addColumn('last_error', 'text')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('finished_at', t.time)
    .addColumn('parent_id', 'text')
    .execute();
  await db.schema.createIndex('deliveries_message').on('deliveries').column('message_id').execute();
  // Open deliveries only: what the dispatcher claims, oldest first per subscription (strict FIFO needs the head).
  await db.schema
    .createIndex('deliveries_open_sub')
    .on('deliveries')
    .columns(['subscription_id', 'id'])
    .where(sql.ref('open'), '=', 1)
    .execute();
  await db.schema
    .createIndex('deliveries_open_due')
    .on('deliveries')
    .columns(['next_attempt_at'])
    .where(sql.ref('open'), '=', 1)
    .execute();
  await db.schema
    .createIndex('deliveries_finished')
    .on('deliveries')
    .columns(['subscription_id', 'finished_at'])
    .execute();

  // 尝试: every try of a delivery
  await db.schema
    .createTable('attempts')
    .addColumn('id', autoIncrementType(dialect), (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('started_at', t.time, (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('status_code', 'text')
    .addColumn('response_excerpt', 'text')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('attempts_delivery').on('attempts').columns(['delivery_id', 'n']).execute();
  await db.schema.createIndex('attempts_message').on('attempts').column('message_id').execute();

  // 收藏: saved message searches
  await db.schema
    .createTable('saved_queries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('query', t.json, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('saved_queries_user').on('saved_queries').column('user_id').execute();
}
