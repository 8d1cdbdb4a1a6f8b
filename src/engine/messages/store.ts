// Queries of message search: the filter on indexed columns only (never bodies), the page with a capped count, the
// rows a detail view and its trace are built from, and saved searches. No rules here: the service decides.
import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely';
import { fromJson, prefixMatch, type DialectName, type PlatformTables } from '../../platform/db/index.js';
import type { EngineConfigCache } from '../config/cache.js';
import type { EngineTables, MessagesTable } from '../tables.js';
import type { MessageSummary, SavedQuery, SavedQueryFields, SearchFilter } from './schema.js';

type DB = PlatformTables & EngineTables;
export type Reader = Kysely<DB> | Transaction<DB>;

/** Counting stops here: beyond it the total is reported as capped (the count stays one index range walk). */
export const COUNT_CAP = 10_000;
/** The window searched when no id or number narrows the search. */
export const DEFAULT_WINDOW_MS = 24 * 3600_000;

export interface TimeWindow {
  from: string | null;
  to: string | null;
}

export const SUMMARY_COLUMNS = [
  'id',
  'domain_id',
  'topic_id',
  'system_id',
  'source_message_id',
  'received_at',
  'status',
  'inbound',
  'content_type',
  'size',
  'patient_id',
  'patient_name',
  'visit_no',
  'order_no',
  'application_no',
  'parent_id',
  'resend_kind',
  'routed_count',
  'error',
] as const;

export type SummaryRow = Pick<MessagesTable, (typeof SUMMARY_COLUMNS)[number]>;

/** Whether the filter names something specific enough (an id or a number) to search without a time window. */
export function hasKeyFilter(f: SearchFilter): boolean {
  return Boolean(
    f.messageId ||
    f.sourceMessageId ||
    f.patientId ||
    (f.patientName && !f.patientName.endsWith('*')) ||
    f.visitNo ||
    f.orderNo ||
    f.applicationNo,
  );
}

/** The time window a search runs in (see the schema's description), as ISO strings comparable with stored times. */
export function searchWindow(f: SearchFilter, nowMs: number): TimeWindow {
  const from = f.from ? new Date(f.from).toISOString() : null;
  const to = f.to ? new Date(f.to).toISOString() : null;
  if (from || hasKeyFilter(f)) return { from, to };
  const end = to ? Date.parse(to) : nowMs;
  return { from: new Date(end - DEFAULT_WINDOW_MS).toISOString(), to };
}

export interface FilterScope {
  dialect: DialectName;
  /** Every system (of the filter's domain): set when the filter has a source message id without a system. */
  sourceSystems?: string[];
}

/** What `filtered` needs besides the filter: the systems a source message id is looked up under. */
export async function filterScope(k: Reader, dialect: DialectName, f: SearchFilter): Promise<FilterScope> {
  if (!f.sourceMessageId || f.systemId) return { dialect };
  let q = k.selectFrom('systems').select('id');
  if (f.domainId) q = q.where('domain_id', '=', f.domainId);
  return { dialect, sourceSystems: (await q.execute()).map((r) => r.id) };
}

/**
 * The messages matching `f` within `window`. Every condition is an equality or a range on an indexed column; a
 * source message id without a system is looked up under every known system (of the domain) so the (system_id,
 * source_message_id) index serves it.
 */
export function filtered(
  k: Reader,
  f: SearchFilter,
  window: TimeWindow,
  scope: FilterScope,
): SelectQueryBuilder<DB, 'messages', object> {
  let q = k.selectFrom('messages');
  if (f.messageId) q = q.where('id', '=', f.messageId);
  if (f.domainId) q = q.where('domain_id', '=', f.domainId);
  if (f.topicId) q = q.where('topic_id', '=', f.topicId);
  if (f.systemId) q = q.where('system_id', '=', f.systemId);
  if (f.sourceMessageId) {
    q = q.where('source_message_id', '=', f.sourceMessageId);
    if (!f.systemId) {
      const systems = scope.sourceSystems ?? [];
      q = systems.length > 0 ? q.where('system_id', 'in', systems) : q.where(sql<boolean>`1 = 0`);
    }
  }
  if (f.patientId) q = q.where('patient_id', '=', f.patientId);
  if (f.patientName) {
    const name = f.patientName;
    if (name.endsWith('*') && name.length > 1)
      q = q.where(prefixMatch(scope.dialect, 'patient_name', name.slice(0, -1)));
    else q = q.where('patient_name', '=', name);
  }
  if (f.visitNo) q = q.where('visit_no', '=', f.visitNo);
  if (f.orderNo) q = q.where('order_no', '=', f.orderNo);
  if (f.applicationNo) q = q.where('application_no', '=', f.applicationNo);
  if (f.status) q = q.where('status', '=', f.status);
  if (window.from) q = q.where('received_at', '>=', window.from);
  if (window.to) q = q.where('received_at', '<', window.to);
  return q;
}

export async function searchMessages(
  k: Reader,
  f: SearchFilter,
  window: TimeWindow,
  scope: FilterScope,
  page: number,
  pageSize: number,
): Promise<{ rows: SummaryRow[]; total: number; capped: boolean }> {
  const base = filtered(k, f, window, scope);
  const [rows, count] = await Promise.all([
    base
      .select([...SUMMARY_COLUMNS])
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    k
      .selectFrom(
        base
          .select(sql<number>`1`.as('one'))
          .limit(COUNT_CAP + 1)
          .as('m'),
      )
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  const n = Number(count.n);
  return { rows, total: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
}

/** Ids of matching messages, oldest first (a bulk resend keeps the original order). */
export async function matchingIds(
  k: Reader,
  f: SearchFilter,
  window: TimeWindow,
  scope: FilterScope,
  limit: number,
): Promise<string[]> {
  const rows = await filtered(k, f, window, scope)
    .select('id')
    .orderBy('received_at', 'asc')
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export function presentSummary(row: SummaryRow, cache: EngineConfigCache): MessageSummary {
  return {
    id: row.id,
    domainId: row.domain_id,
    topicId: row.topic_id,
    topicCode: cache.topicById(row.topic_id)?.code ?? null,
    systemId: row.system_id,
    systemCode: row.system_id ? (cache.systemById(row.system_id)?.code ?? null) : null,
    sourceMessageId: row.source_message_id,
    receivedAt: row.received_at,
    status: row.status,
    inbound: row.inbound,
    contentType: row.content_type,
    size: Number(row.size),
    patientId: row.patient_id,
    patientName: row.patient_name,
    visitNo: row.visit_no,
    orderNo: row.order_no,
    applicationNo: row.application_no,
    parentId: row.parent_id,
    resendKind: row.resend_kind,
    routedCount: Number(row.routed_count),
    error: row.error,
  };
}

// ---- one message and what happened to it ---------------------------------------------------------------------

export function findMessage(k: Reader, id: string) {
  return k.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findMessages(k: Reader, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return k.selectFrom('messages').selectAll().where('id', 'in', ids).execute();
}

export function findParent(k: Reader, id: string) {
  return k.selectFrom('messages').select(['id', 'received_at']).where('id', '=', id).executeTakeFirst();
}

export function childrenOf(k: Reader, id: string) {
  return k
    .selectFrom('messages')
    .select(['id', 'resend_kind', 'received_at', 'status'])
    .where('parent_id', '=', id)
    .orderBy('received_at')
    .orderBy('id')
    .limit(1000)
    .execute();
}

export function deliveriesOf(k: Reader, messageId: string) {
  return k
    .selectFrom('deliveries')
    .selectAll()
    .where('message_id', '=', messageId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Every attempt of the message's deliveries, found through them (by delivery id: attempts_delivery). */
export function attemptsOf(k: Reader, messageId: string) {
  return k
    .selectFrom('attempts')
    .selectAll()
    .where('delivery_id', 'in', (q) =>
      q.selectFrom('deliveries').select('deliveries.id').where('deliveries.message_id', '=', messageId),
    )
    .orderBy('delivery_id')
    .orderBy('n')
    .execute();
}

export function findDelivery(k: Reader, id: string) {
  return k.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A resend of this delivery that is still under way, if any. */
export function openResendOf(k: Reader, messageId: string, deliveryId: string) {
  return k
    .selectFrom('deliveries')
    .select('id')
    .where('message_id', '=', messageId)
    .where('parent_id', '=', deliveryId)
    .where('open', '=', 1)
    .executeTakeFirst();
}

/** Dead deliveries of these messages that were never resent (a resend's own failure is resent, not its parent). */
export function deadDeliveriesNotResent(k: Reader, messageIds: string[]) {
  if (messageIds.length === 0) return Promise.resolve([]);
  return k
    .selectFrom('deliveries as d')
    .select(['d.id', 'd.message_id', 'd.subscription_id'])
    .where('d.message_id', 'in', messageIds)
    .where('d.status', '=', 'dead')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('deliveries as c')
            .select(sql<number>`1`.as('one'))
            .whereRef('c.message_id', '=', 'd.message_id')
            .whereRef('c.parent_id', '=', 'd.id'),
        ),
      ),
    )
    .orderBy('d.id')
    .execute();
}

// ---- saved searches (收藏) -------------------------------------------------------------------------------------

export async function savedQueriesOf(k: Reader, userId: string): Promise<SavedQuery[]> {
  const rows = await k
    .selectFrom('saved_queries')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(presentSavedQuery);
}

export function presentSavedQuery(row: EngineTables['saved_queries']): SavedQuery {
  return {
    id: row.id,
    name: row.name,
    query: fromJson<SavedQueryFields>(row.query) ?? {},
    createdAt: row.created_at,
  };
}
