// Queries for the engine's configuration: domains, systems, topics with their publishers, subscriptions and
// configuration revisions, and the conversions between rows, API objects and the states kept in revisions.
// No rules here: the service decides, the store reads and writes.
import type { Kysely } from 'kysely';
import { containsText, fromFlag, fromJson, sql, toFlag, toJson, type PlatformTables } from '../../platform/db/index.js';
import type { DomainsTable, EngineTables, SubscriptionsTable, SystemsTable, TopicsTable } from '../tables.js';
import type {
  Domain,
  DomainState,
  IndexFields,
  Revision,
  RevisionListQuery,
  Subscription,
  SubscriptionListQuery,
  System,
  SystemListQuery,
  Topic,
  TopicListQuery,
  TopicState,
} from './schema.js';

/** The database or a transaction, with the engine's tables. */
export type Executor = Kysely<PlatformTables & EngineTables>;

export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

function paging(query: { page?: number | undefined; pageSize?: number | undefined }) {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  return { page, pageSize, offset: (page - 1) * pageSize };
}

/** Whether a database error is a foreign-key violation (something else still refers to the row). */
export function isForeignKeyViolation(error: unknown): boolean {
  const e = error as { code?: unknown };
  return e?.code === '23503' || e?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Whether a database error is a unique-constraint violation (two writers raced for the same code). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

// ---- domains -----------------------------------------------------------------------------------------------------

export function findDomains(k: Executor): Promise<DomainsTable[]> {
  return k.selectFrom('domains').selectAll().orderBy('created_at').orderBy('code').execute();
}

export function findDomain(k: Executor, id: string): Promise<DomainsTable | undefined> {
  return k.selectFrom('domains').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findDomainByCode(k: Executor, code: string): Promise<DomainsTable | undefined> {
  return k.selectFrom('domains').selectAll().where('code', '=', code).executeTakeFirst();
}

export interface DomainCounts {
  topics: number;
  systems: number;
  subscriptions: number;
}

export async function domainCounts(k: Executor, domainId?: string): Promise<Map<string, DomainCounts>> {
  const count = (table: 'topics' | 'systems' | 'subscriptions') => {
    let q = k.selectFrom(table).select(['domain_id', (eb) => eb.fn.countAll<number>().as('n')]);
    if (domainId) q = q.where('domain_id', '=', domainId);
    return q.groupBy('domain_id').execute();
  };
  const [topics, systems, subscriptions] = await Promise.all([
    count('topics'),
    count('systems'),
    count('subscriptions'),
  ]);
  const out = new Map<string, DomainCounts>();
  const entry = (id: string) => {
    let c = out.get(id);
    if (!c) {
      c = { topics: 0, systems: 0, subscriptions: 0 };
      out.set(id, c);
    }
    return c;
  };
  for (const r of topics) entry(r.domain_id).topics = Number(r.n);
  for (const r of systems) entry(r.domain_id).systems = Number(r.n);
  for (const r of subscriptions) entry(r.domain_id).subscriptions = Number(r.n);
  return out;
}

export function domainState(row: DomainsTable): DomainState {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    description: row.description,
    enabled: fromFlag(row.enabled),
    retentionDays: row.retention_days,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function presentDomain(row: DomainsTable, counts: DomainCounts | undefined): Domain {
  return {
    ...domainState(row),
    topicCount: counts?.topics ?? 0,
    systemCount: counts?.systems ?? 0,
    subscriptionCount: counts?.subscriptions ?? 0,
  };
}

export function domainRow(state: DomainState): DomainsTable {
  return {
    id: state.id,
    code: state.code,
    name: state.name,
    description: state.description,
    enabled: toFlag(state.enabled),
    retention_days: state.retentionDays,
    created_at: state.createdAt,
    updated_at: state.updatedAt,
  };
}

export async function insertDomain(k: Executor, row: DomainsTable): Promise<void> {
  await k.insertInto('domains').values(row).execute();
}

export async function updateDomain(k: Executor, row: DomainsTable): Promise<void> {
  const { id, created_at: _created, ...rest } = row;
  await k.updateTable('domains').set(rest).where('id', '=', id).execute();
}

// ---- systems -----------------------------------------------------------------------------------------------------

export async function findSystems(k: Executor, query: SystemListQuery): Promise<Paged<System>> {
  const { page, pageSize, offset } = paging(query);
  let base = k.selectFrom('systems');
  if (query.domainId) base = base.where('domain_id', '=', query.domainId);
  if (query.enabled !== undefined) base = base.where('enabled', '=', toFlag(query.enabled));
  if (query.q) {
    const q = query.q;
    base = base.where((eb) =>
      eb.or([containsText('code', q), containsText('name', q), containsText('vendor', q), containsText('contact', q)]),
    );
  }
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('code').orderBy('id').limit(pageSize).offset(offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(presentSystem), total: Number(count.n), page, pageSize };
}

export function findSystem(k: Executor, id: string): Promise<SystemsTable | undefined> {
  return k.selectFrom('systems').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findSystemsByIds(k: Executor, ids: string[]): Promise<SystemsTable[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return k.selectFrom('systems').selectAll().where('id', 'in', ids).execute();
}

export function findSystemByCode(k: Executor, domainId: string, code: string): Promise<SystemsTable | undefined> {
  return k
    .selectFrom('systems')
    .selectAll()
    .where('domain_id', '=', domainId)
    .where('code', '=', code)
    .executeTakeFirst();
}

export function systemsOfDomain(k: Executor, domainId: string): Promise<SystemsTable[]> {
  return k.selectFrom('systems').selectAll().where('domain_id', '=', domainId).orderBy('code').execute();
}

export function presentSystem(row: SystemsTable): System {
  return {
    id: row.id,
    domainId: row.domain_id,
    code: row.code,
    name: row.name,
    vendor: row.vendor,
    contact: row.contact,
    description: row.description,
    enabled: fromFlag(row.enabled),
    authType: row.auth_type === 'basic' ? 'basic' : 'token',
    authUsername: row.auth_username,
    // The hash never leaves the server, not even into a configuration revision.
    hasSecret: row.secret_hash !== null,
    ipAllowlist: fromJson<string[]>(row.ip_allowlist) ?? [],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A row from a revision's state; the secret is not in the state, so the caller says which hash to keep. */
export function systemRow(state: System, secretHash: string | null): SystemsTable {
  return {
    id: state.id,
    domain_id: state.domainId,
    code: state.code,
    name: state.name,
    vendor: state.vendor,
    contact: state.contact,
    description: state.description,
    enabled: toFlag(state.enabled),
    auth_type: state.authType,
    auth_username: state.authUsername,
    secret_hash: secretHash,
    ip_allowlist: toJson(state.ipAllowlist) ?? '[]',
    created_at: state.createdAt,
    updated_at: state.updatedAt,
  };
}

export async function insertSystem(k: Executor, row: SystemsTable): Promise<void> {
  await k.insertInto('systems').values(row).execute();
}

/** Writes a system's configuration; its secret is left as it is (rotating is the only way to change it). */
export async function updateSystem(k: Executor, row: SystemsTable): Promise<void> {
  const { id, created_at: _created, secret_hash: _secret, ...rest } = row;
  await k.updateTable('systems').set(rest).where('id', '=', id).execute();
}

export async function setSystemSecret(k: Executor, id: string, secretHash: string, at: string): Promise<void> {
  await k.updateTable('systems').set({ secret_hash: secretHash, updated_at: at }).where('id', '=', id).execute();
}

/** What still refers to a system: subscriptions delivering to it, topics naming it as a publisher. */
export async function systemDependents(k: Executor, id: string): Promise<{ subscriptions: number; topics: string[] }> {
  const [subs, topics] = await Promise.all([
    k
      .selectFrom('subscriptions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('system_id', '=', id)
      .executeTakeFirstOrThrow(),
    k
      .selectFrom('topic_publishers')
      .innerJoin('topics', 'topics.id', 'topic_publishers.topic_id')
      .select('topics.code')
      .where('topic_publishers.system_id', '=', id)
      .orderBy('topics.code')
      .execute(),
  ]);
  return { subscriptions: Number(subs.n), topics: topics.map((t) => t.code) };
}

// ---- topics ------------------------------------------------------------------------------------------------------

export async function findTopics(k: Executor, query: TopicListQuery): Promise<Paged<Topic>> {
  const { page, pageSize, offset } = paging(query);
  let base = k.selectFrom('topics');
  if (query.domainId) base = base.where('domain_id', '=', query.domainId);
  if (query.category) base = base.where('category', '=', query.category);
  if (query.enabled !== undefined) base = base.where('enabled', '=', toFlag(query.enabled));
  if (query.q) {
    const q = query.q;
    base = base.where((eb) => eb.or([containsText('code', q), containsText('name', q)]));
  }
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('code').orderBy('id').limit(pageSize).offset(offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: await presentTopics(k, rows), total: Number(count.n), page, pageSize };
}

export function findTopic(k: Executor, id: string): Promise<TopicsTable | undefined> {
  return k.selectFrom('topics').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findTopicByCode(k: Executor, domainId: string, code: string): Promise<TopicsTable | undefined> {
  return k
    .selectFrom('topics')
    .selectAll()
    .where('domain_id', '=', domainId)
    .where('code', '=', code)
    .executeTakeFirst();
}

export function topicsOfDomain(k: Executor, domainId: string): Promise<TopicsTable[]> {
  return k.selectFrom('topics').selectAll().where('domain_id', '=', domainId).orderBy('code').execute();
}

export async function publishersOf(k: Executor, topicIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (topicIds.length === 0) return out;
  const rows = await k
    .selectFrom('topic_publishers')
    .selectAll()
    .where('topic_id', 'in', topicIds)
    .orderBy('system_id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.topic_id) ?? [];
    list.push(r.system_id);
    out.set(r.topic_id, list);
  }
  return out;
}

export async function subscriptionCountsOf(k: Executor, topicIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (topicIds.length === 0) return out;
  const rows = await k
    .selectFrom('subscriptions')
    .select(['topic_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('topic_id', 'in', topicIds)
    .groupBy('topic_id')
    .execute();
  for (const r of rows) out.set(r.topic_id, Number(r.n));
  return out;
}

export async function presentTopics(k: Executor, rows: TopicsTable[]): Promise<Topic[]> {
  const ids = rows.map((r) => r.id);
  const [publishers, counts] = await Promise.all([publishersOf(k, ids), subscriptionCountsOf(k, ids)]);
  return rows.map((r) => ({
    ...topicState(r, publishers.get(r.id) ?? []),
    subscriptionCount: counts.get(r.id) ?? 0,
  }));
}

export function topicState(row: TopicsTable, publisherIds: string[]): TopicState {
  return {
    id: row.id,
    domainId: row.domain_id,
    code: row.code,
    name: row.name,
    category: row.category,
    description: row.description,
    model: row.model,
    mode: row.mode === 'sync' ? 'sync' : 'async',
    validate: fromFlag(row.validate),
    enabled: fromFlag(row.enabled),
    indexFields: fromJson<IndexFields>(row.index_fields) ?? {},
    publisherIds: [...publisherIds].sort(),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function topicRow(state: TopicState): TopicsTable {
  return {
    id: state.id,
    domain_id: state.domainId,
    code: state.code,
    name: state.name,
    category: state.category,
    description: state.description,
    model: state.model,
    mode: state.mode,
    validate: toFlag(state.validate),
    index_fields: Object.keys(state.indexFields).length > 0 ? toJson(state.indexFields) : null,
    enabled: toFlag(state.enabled),
    created_at: state.createdAt,
    updated_at: state.updatedAt,
  };
}

export async function insertTopic(k: Executor, row: TopicsTable): Promise<void> {
  await k.insertInto('topics').values(row).execute();
}

export async function updateTopic(k: Executor, row: TopicsTable): Promise<void> {
  const { id, created_at: _created, ...rest } = row;
  await k.updateTable('topics').set(rest).where('id', '=', id).execute();
}

export async function replacePublishers(k: Executor, topicId: string, systemIds: string[]): Promise<void> {
  await k.deleteFrom('topic_publishers').where('topic_id', '=', topicId).execute();
  const unique = [...new Set(systemIds)];
  if (unique.length > 0) {
    await k
      .insertInto('topic_publishers')
      .values(unique.map((system_id) => ({ topic_id: topicId, system_id })))
      .execute();
  }
}

// ---- subscriptions -----------------------------------------------------------------------------------------------

export async function findSubscriptions(k: Executor, query: SubscriptionListQuery): Promise<Paged<Subscription>> {
  const { page, pageSize, offset } = paging(query);
  let base = k.selectFrom('subscriptions');
  if (query.domainId) base = base.where('domain_id', '=', query.domainId);
  if (query.topicId) base = base.where('topic_id', '=', query.topicId);
  if (query.systemId) base = base.where('system_id', '=', query.systemId);
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('created_at').orderBy('id').limit(pageSize).offset(offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(presentSubscription), total: Number(count.n), page, pageSize };
}

export function findSubscription(k: Executor, id: string): Promise<SubscriptionsTable | undefined> {
  return k.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
}

export function subscriptionsOfDomain(k: Executor, domainId: string): Promise<SubscriptionsTable[]> {
  return k
    .selectFrom('subscriptions')
    .selectAll()
    .where('domain_id', '=', domainId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function presentSubscription(row: SubscriptionsTable): Subscription {
  return {
    id: row.id,
    domainId: row.domain_id,
    topicId: row.topic_id,
    systemId: row.system_id,
    name: row.name,
    adapter: row.adapter,
    adapterConfig: fromJson<Record<string, unknown>>(row.adapter_config) ?? {},
    filter: row.filter,
    transform: row.transform,
    transformRef: row.transform_ref,
    maxAttempts: row.max_attempts,
    backoffInitialMs: row.backoff_initial_ms,
    backoffMaxMs: row.backoff_max_ms,
    ordering: row.ordering === 'fifo' ? 'fifo' : 'parallel',
    workers: row.workers,
    paused: fromFlag(row.paused),
    enabled: fromFlag(row.enabled),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function subscriptionRow(state: Subscription): SubscriptionsTable {
  return {
    id: state.id,
    domain_id: state.domainId,
    topic_id: state.topicId,
    system_id: state.systemId,
    name: state.name,
    adapter: state.adapter,
    adapter_config: toJson(state.adapterConfig) ?? '{}',
    filter: state.filter,
    transform: state.transform,
    transform_ref: state.transformRef,
    max_attempts: state.maxAttempts,
    backoff_initial_ms: state.backoffInitialMs,
    backoff_max_ms: state.backoffMaxMs,
    ordering: state.ordering,
    workers: state.workers,
    paused: toFlag(state.paused),
    enabled: toFlag(state.enabled),
    created_at: state.createdAt,
    updated_at: state.updatedAt,
  };
}

export async function insertSubscription(k: Executor, row: SubscriptionsTable): Promise<void> {
  await k.insertInto('subscriptions').values(row).execute();
}

export async function updateSubscription(k: Executor, row: SubscriptionsTable): Promise<void> {
  const { id, created_at: _created, ...rest } = row;
  await k.updateTable('subscriptions').set(rest).where('id', '=', id).execute();
}

/** Deliveries of a subscription still to be made (pending, in flight or waiting for a retry). */
export async function openDeliveries(k: Executor, subscriptionId: string): Promise<number> {
  const row = await k
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('subscription_id', '=', subscriptionId)
    .where(sql.ref('open'), '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---- revisions ---------------------------------------------------------------------------------------------------

export async function findRevisions(k: Executor, query: RevisionListQuery): Promise<Paged<Revision>> {
  const { page, pageSize, offset } = paging(query);
  let base = k.selectFrom('config_revisions');
  if (query.domainId) base = base.where('domain_id', '=', query.domainId);
  if (query.entityType) base = base.where('entity_type', '=', query.entityType);
  if (query.entityId) base = base.where('entity_id', '=', query.entityId);
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('id', 'desc').limit(pageSize).offset(offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: Number(r.id),
      domainId: r.domain_id,
      entityType: r.entity_type,
      entityId: r.entity_id,
      action: r.action,
      before: fromJson(r.before),
      after: fromJson(r.after),
      username: r.username,
      at: r.at,
      summary: r.summary,
    })),
    total: Number(count.n),
    page,
    pageSize,
  };
}

export function findRevision(k: Executor, id: number) {
  return k.selectFrom('config_revisions').selectAll().where('id', '=', id).executeTakeFirst();
}
