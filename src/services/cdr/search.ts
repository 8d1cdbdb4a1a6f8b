// Reading the repository: the search behind the service queries and the console's CDR browser. Every filter is a
// column or an identifier row (cdr_identifiers), so a search never reads the JSON of records it does not return.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/db/index.js';
import { fromJson } from '../../platform/db/index.js';
import type { CdrRecordsTable, CdrTables } from './tables.js';

export interface CdrFilter {
  entity: string;
  patientId?: string;
  visitNo?: string;
  applicationNo?: string;
  orderNo?: string;
  state?: string;
  /** Matches the key, the application number, the order number or the visit number. */
  number?: string;
  /** (name, value) identifier rows the record must have. */
  identifiers?: Array<[string, string]>;
  /** Business time range, 14 digits each. */
  timeFrom?: string;
  timeTo?: string;
  /** Leave out records in these states (deleted, merged …). */
  excludeStates?: string[];
}

export interface CdrRecord {
  id: string;
  entity: string;
  key: string;
  state: string | null;
  patientId: string | null;
  patientName: string | null;
  visitNo: string | null;
  orderNo: string | null;
  applicationNo: string | null;
  eventTime: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  lastService: string;
  lastMessageId: string;
  sourceSystem: string | null;
  data: Record<string, unknown>;
  statusData: Record<string, unknown> | null;
}

export function presentRecord(r: CdrRecordsTable): CdrRecord {
  return {
    id: r.id,
    entity: r.entity,
    key: r.key,
    state: r.state,
    patientId: r.patient_id,
    patientName: r.patient_name,
    visitNo: r.visit_no,
    orderNo: r.order_no,
    applicationNo: r.application_no,
    eventTime: r.event_time,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastService: r.last_service,
    lastMessageId: r.last_message_id,
    sourceSystem: r.source_system,
    data: fromJson<Record<string, unknown>>(r.data) ?? {},
    statusData: fromJson<Record<string, unknown>>(r.status_data),
  };
}

export function cdrKysely(db: Database): Kysely<CdrTables> {
  return db.kysely.withTables<CdrTables>() as unknown as Kysely<CdrTables>;
}

/** One page of records matching `filter`, newest change first, with the total count. */
export async function searchRecords(
  db: Database,
  filter: CdrFilter,
  page: number,
  pageSize: number,
): Promise<{ items: CdrRecord[]; total: number }> {
  const k = cdrKysely(db);
  let q = k.selectFrom('cdr_records').where('entity', '=', filter.entity);
  if (filter.patientId) q = q.where('patient_id', '=', filter.patientId);
  if (filter.visitNo) q = q.where('visit_no', '=', filter.visitNo);
  if (filter.applicationNo) q = q.where('application_no', '=', filter.applicationNo);
  if (filter.orderNo) q = q.where('order_no', '=', filter.orderNo);
  if (filter.state) q = q.where('state', '=', filter.state);
  if (filter.excludeStates && filter.excludeStates.length > 0) {
    const excluded = filter.excludeStates;
    q = q.where((eb) => eb.or([eb('state', 'is', null), eb('state', 'not in', excluded)]));
  }
  if (filter.number) {
    const n = filter.number;
    q = q.where((eb) =>
      eb.or([eb('key', '=', n), eb('application_no', '=', n), eb('order_no', '=', n), eb('visit_no', '=', n)]),
    );
  }
  if (filter.timeFrom) q = q.where('event_time', '>=', filter.timeFrom);
  if (filter.timeTo) q = q.where('event_time', '<=', filter.timeTo);
  for (const [name, value] of filter.identifiers ?? []) {
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('cdr_identifiers')
          .select(sql<number>`1`.as('one'))
          .whereRef('cdr_identifiers.record_id', '=', 'cdr_records.id')
          .where('cdr_identifiers.name', '=', name)
          .where('cdr_identifiers.value', '=', value),
      ),
    );
  }
  const count = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst();
  const total = Number(count?.n ?? 0);
  if (total === 0) return { items: [], total };
  const rows = await q
    .selectAll('cdr_records')
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return { items: rows.map(presentRecord), total };
}

export async function recordCounts(db: Database): Promise<Map<string, number>> {
  const rows = await cdrKysely(db)
    .selectFrom('cdr_records')
    .select(['entity', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy('entity')
    .execute();
  return new Map(rows.map((r) => [r.entity, Number(r.n)]));
}

export interface CdrHistoryEntry {
  version: number;
  service: string;
  operation: string;
  state: string | null;
  messageId: string;
  at: string;
  data: Record<string, unknown>;
}

export async function recordWithHistory(
  db: Database,
  id: string,
): Promise<{ record: CdrRecord; history: CdrHistoryEntry[] } | undefined> {
  const k = cdrKysely(db);
  const row = await k.selectFrom('cdr_records').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const history = await k
    .selectFrom('cdr_history')
    .selectAll()
    .where('record_id', '=', id)
    .orderBy('version', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return {
    record: presentRecord(row),
    history: history.map((h) => ({
      version: h.version,
      service: h.service,
      operation: h.operation,
      state: h.state,
      messageId: h.message_id,
      at: h.at,
      data: fromJson<Record<string, unknown>>(h.data) ?? {},
    })),
  };
}
