// Queries for lookup tables and their entries. No rules here: the service decides, the store reads and writes.
import type { Kysely, Transaction } from 'kysely';
import { containsText, fromFlag, insertChunkSize, type PlatformTables } from '../../platform/db/index.js';
import { newId } from '../../platform/ids/index.js';
import type { EngineTables } from '../tables.js';
import type { Lookup, LookupEntry } from './schema.js';

export interface LookupTablesTable {
  id: string;
  domain_id: string;
  code: string;
  name: string;
  description: string | null;
  multi: number;
  created_at: string;
  updated_at: string;
}

export interface LookupEntriesTable {
  id: string;
  table_id: string;
  key: string;
  value: string;
  description: string | null;
  position: number;
}

// A type alias (not an interface) so Kysely's withTables<…>() accepts it.
export type LookupTables = {
  lookup_tables: LookupTablesTable;
  lookup_entries: LookupEntriesTable;
};

type All = PlatformTables & EngineTables & LookupTables;
export type LookupExecutor = Kysely<All> | Transaction<All>;
export type LookupRow = LookupTablesTable;
export type EntryRow = LookupEntriesTable;

export function findTable(k: LookupExecutor, id: string): Promise<LookupRow | undefined> {
  return k.selectFrom('lookup_tables').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The table row, locked for the rest of the transaction on PostgreSQL (entry changes of one table queue up). */
export function lockTable(k: LookupExecutor, id: string, postgres: boolean): Promise<LookupRow | undefined> {
  const q = k.selectFrom('lookup_tables').selectAll().where('id', '=', id);
  return (postgres ? q.forUpdate() : q).executeTakeFirst();
}

export function findTableByCode(k: LookupExecutor, domainId: string, code: string): Promise<LookupRow | undefined> {
  return k
    .selectFrom('lookup_tables')
    .selectAll()
    .where('domain_id', '=', domainId)
    .where('code', '=', code)
    .executeTakeFirst();
}

export async function listTables(
  k: LookupExecutor,
  query: { domainId?: string | undefined; q?: string | undefined },
): Promise<Lookup[]> {
  let q = k.selectFrom('lookup_tables').selectAll();
  if (query.domainId) q = q.where('domain_id', '=', query.domainId);
  if (query.q) {
    const text = query.q;
    q = q.where((eb) => eb.or([containsText('code', text), containsText('name', text)]));
  }
  const rows = await q.orderBy('code').execute();
  const counts = await entryCounts(
    k,
    rows.map((r) => r.id),
  );
  return rows.map((r) => presentTable(r, counts.get(r.id) ?? 0));
}

export async function entryCounts(k: LookupExecutor, tableIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (tableIds.length === 0) return out;
  const rows = await k
    .selectFrom('lookup_entries')
    .select(['table_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('table_id', 'in', tableIds)
    .groupBy('table_id')
    .execute();
  for (const r of rows) out.set(r.table_id, Number(r.n));
  return out;
}

export async function entryCount(k: LookupExecutor, tableId: string): Promise<number> {
  return (await entryCounts(k, [tableId])).get(tableId) ?? 0;
}

export function presentTable(row: LookupRow, entryCount: number): Lookup {
  return {
    id: row.id,
    domainId: row.domain_id,
    code: row.code,
    name: row.name,
    description: row.description,
    multi: fromFlag(row.multi),
    entryCount,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function presentEntry(row: EntryRow): LookupEntry {
  return { id: row.id, key: row.key, value: row.value, description: row.description, position: row.position };
}

export async function searchEntries(
  k: LookupExecutor,
  tableId: string,
  query: { q?: string | undefined; page?: number | undefined; pageSize?: number | undefined },
): Promise<{ items: LookupEntry[]; total: number; page: number; pageSize: number }> {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 50;
  let base = k.selectFrom('lookup_entries').where('table_id', '=', tableId);
  if (query.q) {
    const text = query.q;
    base = base.where((eb) => eb.or([containsText('key', text), containsText('value', text)]));
  }
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy('position')
      .orderBy('id')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(presentEntry), total: Number(count.n), page, pageSize };
}

export function allEntries(k: LookupExecutor, tableId: string): Promise<EntryRow[]> {
  return k
    .selectFrom('lookup_entries')
    .selectAll()
    .where('table_id', '=', tableId)
    .orderBy('position')
    .orderBy('id')
    .execute();
}

export function findEntry(k: LookupExecutor, tableId: string, entryId: string): Promise<EntryRow | undefined> {
  return k
    .selectFrom('lookup_entries')
    .selectAll()
    .where('table_id', '=', tableId)
    .where('id', '=', entryId)
    .executeTakeFirst();
}

export function entriesWithKey(k: LookupExecutor, tableId: string, key: string): Promise<EntryRow[]> {
  return k.selectFrom('lookup_entries').selectAll().where('table_id', '=', tableId).where('key', '=', key).execute();
}

/** Keys holding more than one value (a table cannot become one-to-one while there are any). */
export async function keysWithSeveralValues(k: LookupExecutor, tableId: string): Promise<string[]> {
  const rows = await k
    .selectFrom('lookup_entries')
    .select(['key', (eb) => eb.fn.countAll<number>().as('n')])
    .where('table_id', '=', tableId)
    .groupBy('key')
    .having((eb) => eb.fn.countAll(), '>', 1)
    .limit(5)
    .execute();
  return rows.map((r) => r.key);
}

export async function nextPosition(k: LookupExecutor, tableId: string): Promise<number> {
  const row = await k
    .selectFrom('lookup_entries')
    .select((eb) => eb.fn.max('position').as('p'))
    .where('table_id', '=', tableId)
    .executeTakeFirst();
  const p = row?.p;
  return p === null || p === undefined ? 1 : Number(p) + 1;
}

/** Inserts entries in order from `firstPosition`, in chunks both dialects accept. */
export async function insertEntries(
  k: LookupExecutor,
  tableId: string,
  entries: { key: string; value: string; description: string | null }[],
  firstPosition: number,
): Promise<void> {
  const chunk = insertChunkSize(6);
  for (let i = 0; i < entries.length; i += chunk) {
    const values = entries.slice(i, i + chunk).map((e, j) => ({
      id: newId(),
      table_id: tableId,
      key: e.key,
      value: e.value,
      description: e.description,
      position: firstPosition + i + j,
    }));
    await k.insertInto('lookup_entries').values(values).execute();
  }
}
