// The database: Kysely over embedded SQLite (better-sqlite3, default) or PostgreSQL (pg).
// Every difference between the two dialects — column types, JSON, time, locking, pragmas — is decided in this folder
// and nowhere else; the rest of the code writes one query for both.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type RawBuilder, type SqlBool, type Transaction } from 'kysely';
import pg from 'pg';
import type { PlatformTables } from './tables.js';

export type { PlatformTables } from './tables.js';
export { sql } from 'kysely';
export type DialectName = 'sqlite' | 'postgres';

export interface Database<T = PlatformTables> {
  readonly kysely: Kysely<T>;
  readonly dialect: DialectName;
  /** Where the data is: the SQLite file path, or the PostgreSQL URL with its password masked. */
  readonly location: string;
  readonly durability: 'fsync' | 'process';
  /** Runs `fn` in one transaction. */
  transaction<R>(fn: (trx: Transaction<T>) => Promise<R>): Promise<R>;
  ping(): Promise<void>;
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
  // auto_vacuum must be chosen before the first table exists; INCREMENTAL lets retention give space back.
  native.pragma('auto_vacuum = INCREMENTAL');
  native.pragma('journal_mode = WAL');
  // FULL: a commit is on disk (fsync) before we acknowledge anything. NORMAL (opt-in): the WAL is synced only at
  // checkpoints, so a power cut may lose the last commits, a process crash does not.
  native.pragma(durability === 'fsync' ? 'synchronous = FULL' : 'synchronous = NORMAL');
  native.pragma('foreign_keys = ON');
  native.pragma('busy_timeout = 5000');
  const kysely = new Kysely<PlatformTables>({ dialect: new SqliteDialect({ database: native }) });
  return {
    kysely,
    dialect: 'sqlite',
    location: file,
    durability,
    transaction: (fn) => kysely.transaction().execute(fn),
    ping: async () => {
      await sql`select 1`.execute(kysely);
    },
    close: () => kysely.destroy(),
  };
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

function openPostgres(url: string, poolSize: number, schema: string | undefined, durability: 'fsync' | 'process'): Database {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: { getTypeParser: pgTypeParser as typeof pg.types.getTypeParser },
    // synchronous_commit=on: a commit is flushed to the WAL on disk before we acknowledge anything.
    options: `-c TimeZone=UTC -c synchronous_commit=${durability === 'fsync' ? 'on' : 'off'}${schema ? ` -c search_path=${schema}` : ''}`,
  });
  // A pool error (e.g. the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const kysely = new Kysely<PlatformTables>({ dialect: new PostgresDialect({ pool }) });
  return {
    kysely,
    dialect: 'postgres',
    durability,
    location: url.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:****@'),
    transaction: (fn) => kysely.transaction().execute(fn),
    ping: async () => {
      await sql`select 1`.execute(kysely);
    },
    close: () => kysely.destroy(),
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
