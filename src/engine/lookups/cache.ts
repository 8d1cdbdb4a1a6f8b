// Lookup tables held in memory, so `$lookup(...)` in a transform is a map read: expressions call it synchronously for
// every message. Loaded at start; one table is reloaded after each committed change to it.
//
// $lookup(table, value[, default])  one-to-one table: the value for `value` (or `default`, or nothing);
//                                   one-to-many table: an array of the values (nothing when there are none).
//                                   An array of values is looked up element by element.
// $lookupReverse(table, value)      the key(s) mapping to `value`: one-to-one table → the first key (by position);
//                                   one-to-many table → an array of keys.
// The table is found in the domain of the message being handled ($message.domain); without a message (the try-it
// panel with no domain) a table code that exists in exactly one domain is used. An unknown table fails the expression.
import type { Database } from '../../platform/db/index.js';
import type { EngineConfigCache } from '../config/cache.js';
import type { EngineTables } from '../tables.js';
import type { ExpressionFocus, MessageMeta, Transforms } from '../transforms/index.js';
import type { LookupTables } from './store.js';

export interface CachedLookup {
  id: string;
  domainId: string;
  code: string;
  multi: boolean;
  byKey: Map<string, string[]>;
  byValue: Map<string, string[]>;
}

export class LookupCache {
  private byId = new Map<string, CachedLookup>();
  private byDomainCode = new Map<string, string>();
  private readonly tablesByCode = new Map<string, Set<string>>();
  // Reloads run one after another, so an older read can never overwrite a newer one.
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly db: Database) {}

  private get k() {
    return this.db.kysely.withTables<EngineTables & LookupTables>();
  }

  reloadAll(): Promise<void> {
    return this.enqueue(() => this.loadAll());
  }

  /** Reloads one table after a change (or forgets it when it no longer exists). */
  reloadTable(id: string): Promise<void> {
    return this.enqueue(() => this.loadTable(id));
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async loadAll(): Promise<void> {
    const [tables, entries] = await Promise.all([
      this.k.selectFrom('lookup_tables').selectAll().execute(),
      this.k
        .selectFrom('lookup_entries')
        .select(['table_id', 'key', 'value'])
        .orderBy('table_id')
        .orderBy('position')
        .orderBy('id')
        .execute(),
    ]);
    const byId = new Map<string, CachedLookup>();
    for (const t of tables) {
      byId.set(t.id, {
        id: t.id,
        domainId: t.domain_id,
        code: t.code,
        multi: t.multi === 1,
        byKey: new Map(),
        byValue: new Map(),
      });
    }
    for (const e of entries) {
      const table = byId.get(e.table_id);
      if (table) addEntry(table, e.key, e.value);
    }
    this.byId = byId;
    this.reindex();
  }

  private async loadTable(id: string): Promise<void> {
    const row = await this.k.selectFrom('lookup_tables').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) {
      this.byId.delete(id);
      this.reindex();
      return;
    }
    const entries = await this.k
      .selectFrom('lookup_entries')
      .select(['key', 'value'])
      .where('table_id', '=', id)
      .orderBy('position')
      .orderBy('id')
      .execute();
    const table: CachedLookup = {
      id: row.id,
      domainId: row.domain_id,
      code: row.code,
      multi: row.multi === 1,
      byKey: new Map(),
      byValue: new Map(),
    };
    for (const e of entries) addEntry(table, e.key, e.value);
    this.byId.set(id, table);
    this.reindex();
  }

  get(domainId: string, code: string): CachedLookup | undefined {
    const id = this.byDomainCode.get(`${domainId}\u0000${code}`);
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** The table with this code when exactly one domain has one. */
  only(code: string): CachedLookup | undefined {
    const ids = this.tablesByCode.get(code);
    if (!ids || ids.size !== 1) return undefined;
    const [id] = ids;
    return id === undefined ? undefined : this.byId.get(id);
  }

  private reindex(): void {
    this.byDomainCode = new Map();
    this.tablesByCode.clear();
    for (const t of this.byId.values()) {
      this.byDomainCode.set(`${t.domainId}\u0000${t.code}`, t.id);
      const set = this.tablesByCode.get(t.code) ?? new Set<string>();
      set.add(t.id);
      this.tablesByCode.set(t.code, set);
    }
  }
}

function addEntry(table: CachedLookup, key: string, value: string): void {
  const values = table.byKey.get(key);
  if (values) values.push(value);
  else table.byKey.set(key, [value]);
  const keys = table.byValue.get(value);
  if (keys) keys.push(key);
  else table.byValue.set(value, [key]);
}

function keyText(fn: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`${fn}: cannot look up ${value === null ? 'null' : typeof value}`);
}

/** Registers `$lookup` and `$lookupReverse` on the engine's Transforms (see the file header). */
export function registerLookupHelpers(transforms: Transforms, lookups: LookupCache, config: EngineConfigCache): void {
  const tableFor = (fn: string, focus: ExpressionFocus, code: unknown): CachedLookup => {
    if (typeof code !== 'string' || code === '') throw new Error(`${fn}: the table code is missing`);
    const message = focus.environment.lookup('message') as Partial<MessageMeta> | undefined;
    const domainCode = typeof message?.domain === 'string' && message.domain !== '' ? message.domain : undefined;
    if (domainCode !== undefined) {
      const domain = config.domainByCode(domainCode);
      const table = domain ? lookups.get(domain.id, code) : undefined;
      if (!table) throw new Error(`${fn}: lookup table "${code}" does not exist in domain ${domainCode}`);
      return table;
    }
    const table = lookups.only(code);
    if (!table) throw new Error(`${fn}: lookup table "${code}" is unknown or exists in several domains`);
    return table;
  };

  transforms.register('lookup', function (this: ExpressionFocus, code: unknown, value: unknown, fallback?: unknown) {
    const table = tableFor('$lookup', this, code);
    const one = (v: unknown): string | string[] | undefined => {
      if (v === undefined || v === null) return undefined;
      const values = table.byKey.get(keyText('$lookup', v));
      if (!values || values.length === 0) return undefined;
      return table.multi ? [...values] : values[0];
    };
    if (Array.isArray(value)) {
      const out = value.map((v) => one(v) ?? fallback);
      return (table.multi ? out.flat() : out).filter((v) => v !== undefined);
    }
    return one(value) ?? fallback;
  });

  transforms.register('lookupReverse', function (this: ExpressionFocus, code: unknown, value: unknown) {
    const table = tableFor('$lookupReverse', this, code);
    const one = (v: unknown): string | string[] | undefined => {
      if (v === undefined || v === null) return undefined;
      const keys = table.byValue.get(keyText('$lookupReverse', v));
      if (!keys || keys.length === 0) return undefined;
      return table.multi ? [...keys] : keys[0];
    };
    if (Array.isArray(value)) {
      const out = value.map(one);
      return (table.multi ? out.flat() : out).filter((v) => v !== undefined);
    }
    return one(value);
  });
}
