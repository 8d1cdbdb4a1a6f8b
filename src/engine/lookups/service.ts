// 映射表: value ↔ code tables per domain, one-to-one or one-to-many, used by transforms through `$lookup`. Each
// operation checks its permission first, changes data in one transaction with its configuration revision and audit
// entry (and the announcement `lookup:<id>` to the other nodes), then refreshes the in-memory copy the expressions
// read; the other nodes refresh theirs when the announcement arrives.
//
// Revisions (entity type 'lookup') hold the table as it was and became. Entries are part of that state while the
// table is small (≤ SNAPSHOT_LIMIT entries); for a larger table an entry change or import keeps only counts and is
// marked `partial`, and rolling such a revision back is refused rather than done halfway.
import type { RequestContext } from '../../platform/auth/context.js';
import { diff, recordAudit } from '../../platform/audit/index.js';
import { now, toFlag, type Database } from '../../platform/db/index.js';
import { HtError } from '../../platform/errors/index.js';
import { newId } from '../../platform/ids/index.js';
import { scopeOf, type ConfigChanges } from '../config/changes.js';
import {
  recordRevision,
  registerRevertHandler,
  registerStateLoader,
  type ConfigTransaction,
} from '../config/revisions.js';
import { EP } from '../permissions.js';
import type { EngineTables } from '../tables.js';
import type { LookupCache } from './cache.js';
import {
  decodeCsvBytes,
  entriesToCsv,
  entriesToXlsx,
  ImportFileError,
  parseCsv,
  parseXlsx,
  rowsToEntries,
  type ExportEntry,
  type ImportRow,
} from './io.js';
import type {
  CreateEntryBody,
  CreateLookupBody,
  EntryListQuery,
  ImportBody,
  ImportResult,
  Lookup,
  LookupEntry,
  LookupListQuery,
  UpdateEntryBody,
  UpdateLookupBody,
} from './schema.js';
import * as store from './store.js';
import type { LookupExecutor, LookupRow, LookupTables } from './store.js';

/** Tables up to this many entries keep their entries in revisions (and can be rolled back entry by entry). */
export const SNAPSHOT_LIMIT = 1000;
const MAX_PROBLEMS = 100;

/** A lookup table as kept in a configuration revision. */
export interface LookupState {
  id: string;
  domainId: string;
  code: string;
  name: string;
  description: string | null;
  multi: boolean;
  createdAt: string;
  updatedAt: string;
  entryCount: number;
  entries?: ExportEntry[];
  /** The entries changed but were too many to keep: this state cannot be restored. */
  partial?: boolean;
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

export interface ExportFile {
  filename: string;
  contentType: string;
  body: string | Buffer;
}

export class LookupService {
  constructor(
    private readonly db: Database,
    private readonly cache: LookupCache,
    /** Where changes are announced to the other nodes (none: a single node, or a test). */
    private readonly changes?: ConfigChanges,
  ) {}

  private get k(): LookupExecutor {
    return this.db.kysely.withTables<EngineTables & LookupTables>();
  }

  /** One transaction changing table `id`; the other nodes are told to reload it once it commits. */
  private tx<R>(id: string, fn: (trx: Tx, t: LookupExecutor, config: ConfigTransaction) => Promise<R>): Promise<R> {
    return this.db.transaction(async (trx) => {
      const result = await fn(trx, trx.withTables<EngineTables & LookupTables>(), trx.withTables<EngineTables>());
      await this.changes?.announce(trx, [scopeOf('lookup', id)]);
      return result;
    });
  }

  // ---- tables ----------------------------------------------------------------------------------------------------

  async list(ctx: RequestContext, query: LookupListQuery): Promise<{ items: Lookup[] }> {
    ctx.require(EP.configRead);
    return { items: await store.listTables(this.k, query) };
  }

  async get(ctx: RequestContext, id: string): Promise<Lookup> {
    ctx.require(EP.configRead);
    return this.load(id);
  }

  async create(ctx: RequestContext, input: CreateLookupBody): Promise<Lookup> {
    ctx.require(EP.transformManage);
    const id = newId();
    const at = now();
    await this.tx(id, async (trx, t, config) => {
      const domain = await t.selectFrom('domains').select('id').where('id', '=', input.domainId).executeTakeFirst();
      if (!domain) throw new HtError('HT_ENGINE_DOMAIN_NOT_FOUND', { domain: input.domainId });
      if (await store.findTableByCode(t, input.domainId, input.code)) {
        throw new HtError('HT_ENGINE_CONFLICT', { entity: '映射表 lookup table', code: input.code });
      }
      const row: LookupRow = {
        id,
        domain_id: input.domainId,
        code: input.code,
        name: input.name,
        description: input.description || null,
        multi: toFlag(input.multi ?? false),
        created_at: at,
        updated_at: at,
      };
      await t.insertInto('lookup_tables').values(row).execute();
      await recordRevision(config, ctx, {
        domainId: input.domainId,
        entityType: 'lookup',
        entityId: id,
        action: 'create',
        before: null,
        after: stateOf(row, 0, []),
        summary: `新建映射表 ${input.code}（${input.name}）`,
      });
      await recordAudit(trx, ctx, {
        action: 'engine.lookup.create',
        objectType: 'lookup',
        objectId: id,
        summary: `新建映射表 ${input.code}`,
        changes: { domainId: input.domainId, code: input.code, name: input.name, multi: input.multi ?? false },
      });
    });
    await this.cache.reloadTable(id);
    return this.load(id);
  }

  async update(ctx: RequestContext, id: string, input: UpdateLookupBody): Promise<Lookup> {
    ctx.require(EP.transformManage);
    await this.tx(id, async (trx, t, config) => {
      const before = await store.lockTable(t, id, this.db.dialect === 'postgres');
      if (!before) throw notFound(id);
      if (input.code !== undefined && input.code !== before.code) {
        if (await store.findTableByCode(t, before.domain_id, input.code)) {
          throw new HtError('HT_ENGINE_CONFLICT', { entity: '映射表 lookup table', code: input.code });
        }
      }
      if (input.multi === false && before.multi === 1) {
        const keys = await store.keysWithSeveralValues(t, id);
        if (keys.length > 0) throw new HtError('HT_ENGINE_LOOKUP_KEY_EXISTS', { table: before.code, key: keys[0]! });
      }
      const after: LookupRow = {
        ...before,
        code: input.code ?? before.code,
        name: input.name ?? before.name,
        description: input.description === undefined ? before.description : input.description || null,
        multi: input.multi === undefined ? before.multi : toFlag(input.multi),
        updated_at: now(),
      };
      await t
        .updateTable('lookup_tables')
        .set({
          code: after.code,
          name: after.name,
          description: after.description,
          multi: after.multi,
          updated_at: after.updated_at,
        })
        .where('id', '=', id)
        .execute();
      const count = await store.entryCount(t, id);
      await recordRevision(config, ctx, {
        domainId: before.domain_id,
        entityType: 'lookup',
        entityId: id,
        action: 'update',
        before: stateOf(before, count),
        after: stateOf(after, count),
        summary: `修改映射表 ${before.code}`,
      });
      await recordAudit(trx, ctx, {
        action: 'engine.lookup.update',
        objectType: 'lookup',
        objectId: id,
        summary: `修改映射表 ${before.code}`,
        changes: diff(
          { code: before.code, name: before.name, description: before.description, multi: before.multi === 1 },
          { code: after.code, name: after.name, description: after.description, multi: after.multi === 1 },
        ),
      });
    });
    await this.cache.reloadTable(id);
    return this.load(id);
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    ctx.require(EP.transformManage);
    await this.tx(id, async (trx, t, config) => {
      const before = await store.lockTable(t, id, this.db.dialect === 'postgres');
      if (!before) throw notFound(id);
      const count = await store.entryCount(t, id);
      const entries = count <= SNAPSHOT_LIMIT ? await store.allEntries(t, id) : undefined;
      await t.deleteFrom('lookup_entries').where('table_id', '=', id).execute();
      await t.deleteFrom('lookup_tables').where('id', '=', id).execute();
      await recordRevision(config, ctx, {
        domainId: before.domain_id,
        entityType: 'lookup',
        entityId: id,
        action: 'delete',
        before: entries ? stateOf(before, count, entries) : { ...stateOf(before, count), partial: true },
        after: null,
        summary: `删除映射表 ${before.code}（${count} 项）`,
      });
      await recordAudit(trx, ctx, {
        action: 'engine.lookup.delete',
        objectType: 'lookup',
        objectId: id,
        summary: `删除映射表 ${before.code}（${count} 项）`,
        changes: { code: before.code, name: before.name, entryCount: count },
      });
    });
    await this.cache.reloadTable(id);
  }

  // ---- entries ---------------------------------------------------------------------------------------------------

  async listEntries(ctx: RequestContext, id: string, query: EntryListQuery) {
    ctx.require(EP.configRead);
    const table = await store.findTable(this.k, id);
    if (!table) throw notFound(id);
    return store.searchEntries(this.k, id, query);
  }

  async addEntry(ctx: RequestContext, id: string, input: CreateEntryBody): Promise<LookupEntry> {
    ctx.require(EP.transformManage);
    const key = input.key.trim();
    const value = input.value.trim();
    checkEntryText(key, value);
    const entryId = newId();
    let created: LookupEntry | undefined;
    await this.changeEntries(ctx, id, 'engine.lookup.entry.create', async (t, table) => {
      await this.checkUnique(t, table, key, value, undefined);
      const position = await store.nextPosition(t, id);
      const row = {
        id: entryId,
        table_id: id,
        key,
        value,
        description: input.description?.trim() || null,
        position,
      };
      await t.insertInto('lookup_entries').values(row).execute();
      created = store.presentEntry(row);
      return { summary: `映射表 ${table.code} 新增 ${key} → ${value}`, changes: { added: { key, value } } };
    });
    return created!;
  }

  async updateEntry(ctx: RequestContext, id: string, entryId: string, input: UpdateEntryBody): Promise<LookupEntry> {
    ctx.require(EP.transformManage);
    let updated: LookupEntry | undefined;
    await this.changeEntries(ctx, id, 'engine.lookup.entry.update', async (t, table) => {
      const before = await store.findEntry(t, id, entryId);
      if (!before) throw new HtError('HT_ENGINE_NOT_FOUND', { entity: '映射表项 lookup entry', id: entryId });
      const key = input.key === undefined ? before.key : input.key.trim();
      const value = input.value === undefined ? before.value : input.value.trim();
      checkEntryText(key, value);
      const description = input.description === undefined ? before.description : input.description.trim() || null;
      await this.checkUnique(t, table, key, value, entryId);
      await t.updateTable('lookup_entries').set({ key, value, description }).where('id', '=', entryId).execute();
      updated = store.presentEntry({ ...before, key, value, description });
      return {
        summary: `映射表 ${table.code} 修改 ${before.key} → ${before.value}`,
        changes: diff(
          { key: before.key, value: before.value, description: before.description },
          { key, value, description },
        ),
      };
    });
    return updated!;
  }

  async removeEntry(ctx: RequestContext, id: string, entryId: string): Promise<void> {
    ctx.require(EP.transformManage);
    await this.changeEntries(ctx, id, 'engine.lookup.entry.delete', async (t, table) => {
      const before = await store.findEntry(t, id, entryId);
      if (!before) throw new HtError('HT_ENGINE_NOT_FOUND', { entity: '映射表项 lookup entry', id: entryId });
      await t.deleteFrom('lookup_entries').where('id', '=', entryId).execute();
      return {
        summary: `映射表 ${table.code} 删除 ${before.key} → ${before.value}`,
        changes: { removed: { key: before.key, value: before.value } },
      };
    });
  }

  async importEntries(ctx: RequestContext, id: string, input: ImportBody): Promise<ImportResult> {
    ctx.require(EP.transformManage);
    const read = await readImport(input);
    const problems = [...read.problems];
    let skipped = read.skipped;
    let imported = 0;
    await this.changeEntries(ctx, id, 'engine.lookup.import', async (t, table) => {
      const multi = table.multi === 1;
      const seen = new Set<string>();
      const fresh: ImportRow[] = [];
      const pairKey = (r: { key: string; value: string }) => (multi ? `${r.key}\u0000${r.value}` : r.key);
      for (const row of read.rows) {
        const k = pairKey(row);
        if (seen.has(k)) {
          skipped++;
          problems.push(
            multi
              ? `第 ${row.line} 行：重复的 ${row.key} → ${row.value} (line ${row.line}: duplicate)`
              : `第 ${row.line} 行：键 ${row.key} 重复，一对一映射表只保留第一行 (line ${row.line}: duplicate key)`,
          );
          continue;
        }
        seen.add(k);
        fresh.push(row);
      }
      if (input.mode === 'replace') {
        await t.deleteFrom('lookup_entries').where('table_id', '=', id).execute();
        await store.insertEntries(t, id, fresh, 1);
        imported = fresh.length;
      } else {
        const existing = new Map((await store.allEntries(t, id)).map((e) => [pairKey(e), e]));
        const inserts: ImportRow[] = [];
        for (const row of fresh) {
          const match = existing.get(pairKey(row));
          if (!match) {
            inserts.push(row);
          } else if (match.value !== row.value || match.description !== row.description) {
            await t
              .updateTable('lookup_entries')
              .set({ value: row.value, description: row.description })
              .where('id', '=', match.id)
              .execute();
          }
          imported++;
        }
        await store.insertEntries(t, id, inserts, await store.nextPosition(t, id));
      }
      return {
        summary: `导入映射表 ${table.code}（${input.mode === 'replace' ? '替换' : '合并'}，${imported} 行，跳过 ${skipped} 行）`,
        changes: { format: input.format, mode: input.mode, imported, skipped },
        action: 'import',
      };
    });
    return {
      imported,
      skipped,
      problems:
        problems.length > MAX_PROBLEMS
          ? [
              ...problems.slice(0, MAX_PROBLEMS),
              `…… 另有 ${problems.length - MAX_PROBLEMS} 条 (and ${problems.length - MAX_PROBLEMS} more)`,
            ]
          : problems,
    };
  }

  async exportEntries(ctx: RequestContext, id: string, format: 'csv' | 'xlsx'): Promise<ExportFile> {
    ctx.require(EP.configRead);
    const table = await store.findTable(this.k, id);
    if (!table) throw notFound(id);
    const entries = (await store.allEntries(this.k, id)).map(toExport);
    if (format === 'xlsx') {
      return {
        filename: `${table.code}.xlsx`,
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        body: await entriesToXlsx(entries, table.code),
      };
    }
    return { filename: `${table.code}.csv`, contentType: 'text/csv; charset=utf-8', body: entriesToCsv(entries) };
  }

  // ---- internals -------------------------------------------------------------------------------------------------

  /**
   * One entry operation: lock the table, apply `change`, write one revision (the table before/after, entries
   * included while small) and one audit entry, then refresh the cache.
   */
  private async changeEntries(
    ctx: RequestContext,
    id: string,
    auditAction: string,
    change: (
      t: LookupExecutor,
      table: LookupRow,
    ) => Promise<{ summary: string; changes: unknown; action?: 'update' | 'import' }>,
  ): Promise<void> {
    await this.tx(id, async (trx, t, config) => {
      const table = await store.lockTable(t, id, this.db.dialect === 'postgres');
      if (!table) throw notFound(id);
      const beforeCount = await store.entryCount(t, id);
      const beforeEntries = beforeCount <= SNAPSHOT_LIMIT ? await store.allEntries(t, id) : undefined;
      const result = await change(t, table);
      const at = now();
      await t.updateTable('lookup_tables').set({ updated_at: at }).where('id', '=', id).execute();
      const afterCount = await store.entryCount(t, id);
      const afterEntries = beforeEntries && afterCount <= SNAPSHOT_LIMIT ? await store.allEntries(t, id) : undefined;
      const full = beforeEntries !== undefined && afterEntries !== undefined;
      await recordRevision(config, ctx, {
        domainId: table.domain_id,
        entityType: 'lookup',
        entityId: id,
        action: result.action ?? 'update',
        before: full ? stateOf(table, beforeCount, beforeEntries) : { ...stateOf(table, beforeCount), partial: true },
        after: full
          ? stateOf({ ...table, updated_at: at }, afterCount, afterEntries)
          : { ...stateOf({ ...table, updated_at: at }, afterCount), partial: true },
        summary: result.summary,
      });
      await recordAudit(trx, ctx, {
        action: auditAction,
        objectType: 'lookup',
        objectId: id,
        summary: result.summary,
        changes: result.changes,
      });
    });
    await this.cache.reloadTable(id);
  }

  /** One-to-one: a key has one value. One-to-many: a key may repeat, but not with the same value. */
  private async checkUnique(
    t: LookupExecutor,
    table: LookupRow,
    key: string,
    value: string,
    exceptEntryId: string | undefined,
  ): Promise<void> {
    const sameKey = (await store.entriesWithKey(t, table.id, key)).filter((e) => e.id !== exceptEntryId);
    if (table.multi !== 1) {
      if (sameKey.length > 0) throw new HtError('HT_ENGINE_LOOKUP_KEY_EXISTS', { table: table.code, key });
    } else if (sameKey.some((e) => e.value === value)) {
      throw new HtError('HT_ENGINE_LOOKUP_ENTRY_EXISTS', { table: table.code, key, value });
    }
  }

  private async load(id: string): Promise<Lookup> {
    const row = await store.findTable(this.k, id);
    if (!row) throw notFound(id);
    return store.presentTable(row, await store.entryCount(this.k, id));
  }

  /** Puts a table back to a revision's state (rollback); `null` removes it. */
  async revert(trx: ConfigTransaction, id: string, state: Record<string, unknown> | null): Promise<void> {
    const t = trx.withTables<LookupTables>();
    const current = await store.findTable(t, id);
    if (state === null) {
      if (current) {
        await t.deleteFrom('lookup_entries').where('table_id', '=', id).execute();
        await t.deleteFrom('lookup_tables').where('id', '=', id).execute();
      }
      return;
    }
    const s = state as unknown as LookupState;
    if (s.partial) {
      throw new HtError('HT_ENGINE_REVISION_NOT_REVERTIBLE', {
        reason: `映射表 ${s.code} 条目过多（${s.entryCount} 项），修订中未保存条目 (too many entries to keep in revisions)`,
      });
    }
    if (!current && !s.entries && s.entryCount > 0) {
      throw new HtError('HT_ENGINE_REVISION_NOT_REVERTIBLE', {
        reason: `映射表 ${s.code} 已删除，修订中没有它的条目 (the table was deleted and this revision has no entries)`,
      });
    }
    const clash = await store.findTableByCode(t, s.domainId, s.code);
    if (clash && clash.id !== id) {
      throw new HtError('HT_ENGINE_REVISION_NOT_REVERTIBLE', {
        reason: `映射表编码 ${s.code} 已被另一张表使用 (code in use by another table)`,
      });
    }
    const at = now();
    if (current) {
      await t
        .updateTable('lookup_tables')
        .set({ code: s.code, name: s.name, description: s.description, multi: toFlag(s.multi), updated_at: at })
        .where('id', '=', id)
        .execute();
    } else {
      await t
        .insertInto('lookup_tables')
        .values({
          id,
          domain_id: s.domainId,
          code: s.code,
          name: s.name,
          description: s.description,
          multi: toFlag(s.multi),
          created_at: s.createdAt,
          updated_at: at,
        })
        .execute();
    }
    if (s.entries) {
      await t.deleteFrom('lookup_entries').where('table_id', '=', id).execute();
      await store.insertEntries(t, id, s.entries, 1);
    } else if (!s.multi && current) {
      const keys = await store.keysWithSeveralValues(t, id);
      if (keys.length > 0) throw new HtError('HT_ENGINE_LOOKUP_KEY_EXISTS', { table: s.code, key: keys[0]! });
    }
  }
}

/**
 * Registers the rollback of 'lookup' revisions (run by the configuration API inside its transaction; it reloads the
 * scope `lookup:<id>` after the commit, here and on the other nodes).
 */
export function registerLookupRevert(service: LookupService): void {
  registerRevertHandler('lookup', (trx, id, state) => service.revert(trx, id, state));
}

/** A table's current state as its revisions keep it: with its entries while small, else counts only (partial). */
export async function lookupState(k: LookupExecutor, id: string): Promise<LookupState | null> {
  const row = await store.findTable(k, id);
  if (!row) return null;
  const count = await store.entryCount(k, id);
  if (count > SNAPSHOT_LIMIT) return { ...stateOf(row, count), partial: true };
  return stateOf(row, count, await store.allEntries(k, id));
}

// For the revision a rollback writes: the table as it really is before and after.
registerStateLoader('lookup', (k, id) => lookupState(k.withTables<LookupTables>(), id));

function notFound(id: string): HtError {
  return new HtError('HT_ENGINE_NOT_FOUND', { entity: '映射表 lookup table', id });
}

function checkEntryText(key: string, value: string): void {
  if (key === '') throw new HtError('HT_REQUEST_INVALID', {}, { errors: [{ path: '/key', message: 'empty' }] });
  if (value === '') throw new HtError('HT_REQUEST_INVALID', {}, { errors: [{ path: '/value', message: 'empty' }] });
}

function toExport(e: { key: string; value: string; description: string | null }): ExportEntry {
  return { key: e.key, value: e.value, description: e.description };
}

export function stateOf(row: LookupRow, entryCount: number, entries?: ExportEntry[]): LookupState {
  return {
    id: row.id,
    domainId: row.domain_id,
    code: row.code,
    name: row.name,
    description: row.description,
    multi: row.multi === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    entryCount,
    ...(entries ? { entries: entries.map(toExport) } : {}),
  };
}

async function readImport(input: ImportBody): Promise<ReturnType<typeof rowsToEntries>> {
  const encoding = input.encoding ?? (input.format === 'xlsx' ? 'base64' : 'text');
  try {
    if (input.format === 'xlsx') {
      if (encoding !== 'base64') throw new ImportFileError('xlsx content must be base64');
      return rowsToEntries(await parseXlsx(Buffer.from(input.content, 'base64')));
    }
    const text = encoding === 'base64' ? decodeCsvBytes(Buffer.from(input.content, 'base64')).text : input.content;
    return rowsToEntries(parseCsv(text));
  } catch (error) {
    if (error instanceof ImportFileError) throw new HtError('HT_ENGINE_IMPORT_INVALID', { reason: error.message });
    throw error;
  }
}
