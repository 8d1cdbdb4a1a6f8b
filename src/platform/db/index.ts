// The database: Kysely over embedded SQLite (better-sqlite3, default) or PostgreSQL (pg).
// Every difference between the two dialects — column types, JSON, time, locking, pragmas — is decided in this folder
// and nowhere else; the rest of the code writes one query for both.
import { mkdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type RawBuilder, type SqlBool, type Transaction } from 'kysely';
import pg from 'pg';
import { localNotifier, pgNotifier, type Notifier } from './notify.js';
import type { PlatformTables } from './tables.js';

export type { PlatformTables } from './tables.js';
export type { Notifier, NotificationListener } from './notify.js';
export { sql } from 'kysely';
export type DialectName = 'sqlite' | 'postgres';

/** Any Kysely instance or transaction, whatever its tables (insertMany works on table names). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely's own bound for "a database of any tables"
export type AnyExecutor = Kysely<any> | Transaction<any>;

export interface Database<T = PlatformTables> {
  readonly kysely: Kysely<T>;
  readonly dialect: DialectName;
  /** Where the data is: the SQLite file path, or the PostgreSQL URL with its password masked. */
  readonly location: string;
  readonly durability: 'fsync' | 'process';
  /**
   * Inserts many rows of one table as fast as the dialect allows, inside `executor`'s transaction: SQLite runs one
   * cached prepared statement per row (no SQL building), PostgreSQL sends multi-row INSERTs. Every row must have
   * the same columns.
   */
  insertMany(executor: AnyExecutor, table: string, rows: Record<string, unknown>[]): Promise<void>;
  /** Runs `fn` in one transaction; resolves once the commit is durable. */
  transaction<R>(fn: (trx: Transaction<T>) => Promise<R>): Promise<R>;
  /**
   * Runs `fn` in one transaction and resolves as soon as it has committed, with `durable` settling once the commit is
   * on disk. The group-commit writer starts its next transaction while the previous one is being synced.
   * `durable: false` (only writes whose loss in a power cut is harmless): no fsync is waited for — SQLite skips its WAL
   * sync (the next durable commit's sync covers it), PostgreSQL commits with synchronous_commit off.
   */
  transactionPipelined<R>(
    fn: (trx: Transaction<T>) => Promise<R>,
    options?: { durable?: boolean },
  ): Promise<{ result: R; durable: Promise<void> }>;
  ping(): Promise<void>;
  /**
   * Cross-node notifications (LISTEN/NOTIFY on PostgreSQL; a no-op on SQLite, see notify.ts). Connects on the first
   * `listen`; closed with the database.
   */
  readonly notifier: Notifier;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** `postgres://…` for PostgreSQL; otherwise the SQLite file (or `:memory:`). */
  url?: string;
  sqliteFile?: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** PostgreSQL schema to work in (must exist) — lets tests and several installations share one database. */
  pgSchema?: string;
  /**
   * fsync (default): a commit is on disk before it returns. process: it survives a crash of this process but not a
   * power cut (SQLite synchronous=NORMAL in WAL mode; PostgreSQL synchronous_commit=off).
   */
  durability?: 'fsync' | 'process';
}

export function openDatabase(options: OpenDatabaseOptions): Database {
  if (options.url && /^postgres(ql)?:/.test(options.url)) {
    return openPostgres(options.url, options.poolSize ?? 10, options.pgSchema, options.durability ?? 'fsync');
  }
  return openSqlite(options.sqliteFile ?? ':memory:', options.durability ?? 'fsync');
}

function openSqlite(file: string, durability: 'fsync' | 'process'): Database {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const native = new SQLite(file);
  cachePreparedStatements(native);
  // auto_vacuum must be chosen before the first table exists; INCREMENTAL lets retention give space back.
  native.pragma('auto_vacuum = INCREMENTAL');
  native.pragma('journal_mode = WAL');
  // Durability. In WAL mode, NORMAL writes each commit to the WAL without fsync: a crash of the process loses
  // nothing, a power cut may lose the last commits. That is all the opt-in "process" mode does. For "fsync" (the
  // default) we keep NORMAL on the connection but fsync the WAL file ourselves after every transaction commits and
  // before the transaction's caller continues — the same guarantee as synchronous=FULL, but the fsync runs on
  // libuv's thread pool instead of blocking the event loop, and commits that happen while one fsync is running share
  // the next one (group commit). Statements run outside a transaction are made durable by the next fsync or by the
  // checkpointer within half a second.
  native.pragma('synchronous = NORMAL');
  const walSync = durability === 'fsync' && file !== ':memory:' ? new WalSync(`${file}-wal`) : undefined;
  native.pragma('foreign_keys = ON');
  native.pragma('busy_timeout = 5000');
  // SQLite's temporary files (statement journals, sorting) stay in memory. By default each is a file created,
  // written and unlinked in /var/tmp: about 30 a second under the end-to-end bench, 3–6 % of the event loop's time
  // per message (bench/README.md, session 8).
  native.pragma('temp_store = MEMORY');
  const checkpointer = file === ':memory:' ? undefined : startCheckpointer(native, file);
  const kysely = new Kysely<PlatformTables>({ dialect: new SqliteDialect({ database: native }) });
  return {
    kysely,
    dialect: 'sqlite',
    location: file,
    durability,
    insertMany: async (_executor, table, rows) => {
      if (rows.length === 0) return;
      const columns = Object.keys(rows[0]!);
      const stmt = native.prepare(
        `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`,
      );
      for (const row of rows) stmt.run(columns.map((c) => row[c] ?? null));
    },
    transaction: async (fn) => {
      const result = await kysely.transaction().execute(fn);
      await walSync?.sync();
      return result;
    },
    transactionPipelined: async (fn, options) => {
      const result = await kysely.transaction().execute(fn);
      const durable = walSync && options?.durable !== false ? walSync.sync() : Promise.resolve();
      return { result, durable };
    },
    ping: async () => {
      await sql`select 1`.execute(kysely);
    },
    notifier: localNotifier(),
    close: async () => {
      await checkpointer?.stop();
      await kysely.destroy();
      await walSync?.close();
    },
  };
}

/** fsync of the WAL file, shared: callers arriving while one runs wait for the next, which covers them all. */
class WalSync {
  private handle: FileHandle | undefined;
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly path: string) {}

  sync(): Promise<void> {
    if (!this.running) {
      this.running = this.fsync().finally(() => (this.running = undefined));
      return this.running;
    }
    // A commit made after the running fsync began may not be covered by it: join the one after it.
    this.next ??= this.running.then(() => {
      this.next = undefined;
      return this.sync();
    });
    return this.next;
  }

  private async fsync(): Promise<void> {
    try {
      this.handle ??= await open(this.path, 'r');
      // fdatasync, as SQLite itself uses on Linux: the data and the file size, not the timestamps.
      await this.handle.datasync();
    } catch (error) {
      // The WAL was removed and recreated (e.g. after a TRUNCATE): reopen once.
      await this.handle?.close().catch(() => undefined);
      this.handle = await open(this.path, 'r');
      await this.handle.datasync();
      void error;
    }
  }

  async close(): Promise<void> {
    await this.running?.catch(() => undefined);
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
  }
}

/**
 * WAL checkpoints copy committed pages into the database file and fsync it. Left to SQLite they run inside whichever
 * commit crosses the threshold, blocking the event loop for tens of milliseconds. Instead a worker thread with its
 * own connection runs PASSIVE checkpoints (which never block writers) every 500 ms; the main connection only falls
 * back to checkpointing itself if the WAL grows past 64 MiB (the worker is stuck or gone).
 */
function startCheckpointer(native: SQLite.Database, file: string): { stop(): Promise<void> } | undefined {
  const modulePath = createRequire(import.meta.url).resolve('better-sqlite3');
  let worker: Worker;
  try {
    worker = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const Database = require(workerData.modulePath);
       const db = new Database(workerData.file);
       db.pragma('busy_timeout = 1000');
       const timer = setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} }, 500);
       parentPort.on('message', () => { clearInterval(timer); try { db.pragma('wal_checkpoint(TRUNCATE)'); } catch {} db.close(); parentPort.postMessage('closed'); });`,
      { eval: true, workerData: { file, modulePath } },
    );
  } catch {
    return undefined;
  }
  worker.unref();
  worker.on('error', () => native.pragma('wal_autocheckpoint = 1000'));
  native.pragma('wal_autocheckpoint = 16384');
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          void worker.terminate().finally(resolve);
        };
        worker.once('message', done);
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
        setTimeout(done, 2000).unref();
      }),
  };
}

/**
 * Kysely's SQLite driver prepares every statement anew; preparing is a large share of a small query's cost. Statements
 * of the same SQL text are reused instead (better-sqlite3 statements are reusable; the driver is synchronous, so no
 * statement is used by two queries at once). Bounded, so ad-hoc SQL cannot grow it without limit.
 */
function cachePreparedStatements(native: SQLite.Database): void {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = native.prepare.bind(native);
  native.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (!stmt) {
      stmt = prepare(source);
      if (cache.size >= 500) cache.delete(cache.keys().next().value as string);
      cache.set(source, stmt);
    }
    return stmt;
  }) as typeof native.prepare;
}

// Values come back from PostgreSQL in the same shapes SQLite gives: times as ISO-8601 strings, JSON as text,
// 64-bit counts as numbers.
const PG_TIMESTAMPTZ = 1184;
const PG_TIMESTAMP = 1114;
const PG_INT8 = 20;
const PG_JSON = 114;
const PG_JSONB = 3802;
const PG_NUMERIC = 1700;

function pgTypeParser(oid: number, format?: string): (value: string) => unknown {
  if (format === 'binary') return pg.types.getTypeParser(oid, 'binary') as (value: string) => unknown;
  switch (oid) {
    case PG_TIMESTAMPTZ:
    case PG_TIMESTAMP:
      return pgTimeToIso;
    case PG_INT8:
    case PG_NUMERIC:
      return Number;
    case PG_JSON:
    case PG_JSONB:
      return (value: string) => value;
    default:
      return pg.types.getTypeParser(oid, 'text') as (value: string) => unknown;
  }
}

/** '2026-11-25 12:30:00.123+00' (session time zone UTC) → '2026-11-25T12:30:00.123Z'. */
export function pgTimeToIso(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?([+-]\d{2}(?::?\d{2})?)?$/.exec(value);
  if (!m) return new Date(value).toISOString();
  const [, date, time, frac = '', zone = '+00'] = m;
  const z = zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return new Date(`${date}T${time}${frac.slice(0, 4)}${z}`).toISOString();
}

function openPostgres(
  url: string,
  poolSize: number,
  schema: string | undefined,
  durability: 'fsync' | 'process',
): Database {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const newPool = (max: number, synchronousCommit: boolean) => {
    const pool = new pg.Pool({
      connectionString: url,
      max,
      types: { getTypeParser: pgTypeParser as typeof pg.types.getTypeParser },
      options: `-c TimeZone=UTC -c synchronous_commit=${synchronousCommit ? 'on' : 'off'}${schema ? ` -c search_path=${schema}` : ''}`,
    });
    // A pool error (e.g. the server restarted) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    return pool;
  };
  // synchronous_commit=on: a commit is flushed to the WAL on disk before we acknowledge anything.
  const kysely = new Kysely<PlatformTables>({
    dialect: new PostgresDialect({ pool: newPool(poolSize, durability === 'fsync') }),
  });
  // Transactions that need not wait for the WAL flush (`durable: false`: the dispatcher's claims and outcomes) run on
  // a small pool of their own whose sessions commit with synchronous_commit=off, rather than paying a round trip for
  // `set local synchronous_commit = off` in every one of them.
  const asyncKysely =
    durability === 'fsync'
      ? new Kysely<PlatformTables>({
          dialect: new PostgresDialect({ pool: newPool(Math.max(2, Math.ceil(poolSize / 4)), false) }),
        })
      : kysely;
  const notifier = pgNotifier({ url, schema, executor: kysely });
  return {
    kysely,
    dialect: 'postgres',
    durability,
    insertMany: async (executor, table, rows) => {
      if (rows.length === 0) return;
      const size = insertChunkSize(Object.keys(rows[0]!).length);
      for (let i = 0; i < rows.length; i += size) {
        await executor
          .insertInto(table)
          .values(rows.slice(i, i + size))
          .execute();
      }
    },
    location: url.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:****@'),
    transaction: (fn) => kysely.transaction().execute(fn),
    // synchronous_commit=on: the commit is durable when it returns.
    transactionPipelined: async (fn, options) => ({
      result: await (options?.durable === false ? asyncKysely : kysely).transaction().execute(fn),
      durable: Promise.resolve(),
    }),
    ping: async () => {
      await sql`select 1`.execute(kysely);
    },
    notifier,
    close: async () => {
      await notifier.close();
      if (asyncKysely !== kysely) await asyncKysely.destroy();
      await kysely.destroy();
    },
  };
}

/** Current time as stored in every `*_at` column. */
export function now(): string {
  return new Date().toISOString();
}

/** Booleans are stored as 0/1 in both dialects (better-sqlite3 cannot bind booleans). */
export function toFlag(value: boolean): number {
  return value ? 1 : 0;
}

export function fromFlag(value: number | boolean | null | undefined): boolean {
  return value === 1 || value === true;
}

/** JSON columns hold text in both dialects; these are the only two places that convert. */
export function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

export function fromJson<T = unknown>(value: string | null | undefined): T | null {
  if (value === null || value === undefined) return null;
  return JSON.parse(value) as T;
}

/** Case-insensitive "contains" for search boxes, the same on both dialects (wildcards in `text` are literal). */
export function containsText(column: string, text: string): RawBuilder<SqlBool> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}

/** "Starts with" on an indexed column, wildcards in `prefix` literal. */
export function startsWithText(column: string, prefix: string): RawBuilder<SqlBool> {
  const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`;
}

/**
 * Row locking for work queues: on PostgreSQL the selected rows are locked and rows another node holds are skipped
 * (`FOR UPDATE SKIP LOCKED`); SQLite has one writer at a time, so nothing is needed there.
 */
export function skipLocked<QB extends { forUpdate(): QB; skipLocked(): QB }>(dialect: DialectName, qb: QB): QB {
  return dialect === 'postgres' ? qb.forUpdate().skipLocked() : qb;
}

/** Largest number of rows per multi-row INSERT for a table of `columns` columns (both dialects' parameter limits). */
export function insertChunkSize(columns: number): number {
  return Math.max(1, Math.floor(30_000 / Math.max(1, columns)));
}

/**
 * "Starts with" for search on an indexed text column, exact in both dialects (wildcards in `prefix` are literal).
 * SQLite: a range on the column (`>= prefix` and `<` the prefix with its last character incremented), which BINARY
 * collation makes an exact prefix test and which the column's ordinary index serves — LIKE is case-insensitive on
 * SQLite and never uses that index. PostgreSQL: LIKE, which is exact under every collation; an index with
 * `text_pattern_ops` (or a "C" collation database) serves it.
 */
export function prefixMatch(dialect: DialectName, column: string, prefix: string): RawBuilder<SqlBool> {
  if (dialect === 'postgres' || prefix === '') return startsWithText(column, prefix);
  const chars = [...prefix];
  const last = chars.pop()!.codePointAt(0)!;
  const upper = chars.join('') + String.fromCodePoint(Math.min(last + 1, 0x10ffff));
  return sql<SqlBool>`(${sql.ref(column)} >= ${prefix} and ${sql.ref(column)} < ${upper})`;
}

/**
 * Gives the space of deleted rows back after a large purge. SQLite (auto_vacuum=INCREMENTAL): `PRAGMA
 * incremental_vacuum` in steps of `stepPages`, on a second connection to the same file, because a prepared
 * statement (the only way through Kysely) frees a single page per step; between steps the event loop runs, and a
 * step that finds the database busy (a group commit in progress) is retried shortly after instead of waiting, so the
 * hot path is never held up for more than one step. PostgreSQL: a plain `VACUUM (ANALYZE)` of `tables`, outside any
 * transaction — it does not shrink the files but makes the space reusable and refreshes the planner's statistics.
 * Returns what was done: the number of SQLite pages freed, or the tables vacuumed.
 */
export async function reclaimSpace(
  db: Database,
  tables: string[],
  stepPages = 256,
): Promise<{ kind: 'incremental_vacuum' | 'vacuum' | 'none'; pages: number }> {
  if (db.dialect === 'postgres') {
    if (tables.length === 0) return { kind: 'none', pages: 0 };
    await sql`vacuum (analyze) ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db.kysely);
    return { kind: 'vacuum', pages: 0 };
  }
  if (db.location === ':memory:' || db.location === '') return { kind: 'none', pages: 0 };
  const native = new SQLite(db.location, { timeout: 0 });
  try {
    let freed = 0;
    let busy = 0;
    for (;;) {
      const free = Number(native.pragma('freelist_count', { simple: true }));
      if (free === 0) break;
      try {
        native.exec(`pragma incremental_vacuum(${Math.max(1, Math.floor(stepPages))})`);
        freed += Math.min(free, stepPages);
        busy = 0;
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        if (!/^SQLITE_(BUSY|LOCKED)/.test(code) || ++busy > 500) throw error;
        await new Promise((resolve) => setTimeout(resolve, 10));
        continue;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { kind: 'incremental_vacuum', pages: freed };
  } finally {
    native.close();
  }
}
