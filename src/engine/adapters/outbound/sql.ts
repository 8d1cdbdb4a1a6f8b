// SQL 网关: writes each delivery into a hospital database (PostgreSQL, or MySQL/MariaDB) by running the
// subscription's parameterised statement — an INSERT/UPDATE/… or a stored-procedure call — in one transaction per
// delivery. Values come from the message through `params` (see sql-params.ts) and are always bound by the driver.
// A database error (constraint violation, refused connection, bad credentials, timeout) is a failed attempt with the
// database's own message; a duplicate key may count as delivered, so at-least-once delivery stays idempotent.
// One connection pool per set of connection settings; a timed-out or aborted delivery destroys its connection, so
// the server rolls the transaction back and the pool hands out a fresh one next time.
import { createPool as createMysqlPool, type Pool as MysqlPool } from 'mysql2/promise';
import pg from 'pg';
import Type, { type Static } from 'typebox';
import { registerMessageHelpers } from '../../transforms/helpers.js';
import { Transforms } from '../../transforms/index.js';
import type { AdapterDescriptor, OutboundAdapter, OutboundRequest, OutboundResult } from '../types.js';
import {
  compileStatement,
  parseParamSource,
  ParamReader,
  type CompiledStatement,
  type ParamSource,
  type RequestMetaExtras,
  type SqlDialect,
  type SqlValue,
} from './sql-params.js';

export const SqlAdapterConfig = Type.Object(
  {
    dialect: Type.Union([Type.Literal('postgres'), Type.Literal('mysql')], {
      description: '数据库类型：postgres = PostgreSQL，mysql = MySQL / MariaDB · Database type',
    }),
    host: Type.String({ minLength: 1, description: '数据库主机名或 IP · Database host' }),
    port: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 65535,
        description: '端口，默认 PostgreSQL 5432、MySQL 3306 · Port (default 5432 / 3306)',
      }),
    ),
    database: Type.String({ minLength: 1, description: '数据库名 · Database name' }),
    user: Type.String({ minLength: 1, description: '用户名 · User' }),
    password: Type.Optional(
      Type.String({
        writeOnly: true,
        description: '密码（无管理权限的用户看到 ******）· Password (masked for readers)',
      }),
    ),
    mode: Type.Optional(
      Type.Union([Type.Literal('execute'), Type.Literal('call')], {
        default: 'execute',
        description:
          'execute：执行 INSERT/UPDATE/DELETE 等语句，应答为影响行数；call：调用存储过程或函数，应答另含其返回的行 · ' +
          'execute a DML statement (answer: rows affected) or call a procedure/function (answer also holds its rows)',
      }),
    ),
    statement: Type.String({
      minLength: 1,
      maxLength: 20_000,
      description:
        '参数化 SQL，用命名占位符引用参数，如 insert into adt(patient_id, name) values (:patientId, :name)；' +
        '调用过程：PostgreSQL select * from f(:id) 或 call p(:id)，MySQL call p(:id)。值一律绑定，不拼接 · ' +
        'Parameterised SQL with named placeholders (:name); values are always bound',
    }),
    params: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String({ minLength: 1 }), {
        additionalProperties: false,
        description:
          '占位符 → 取值位置：$.patient.id（JSON）、PID-3.1（HL7 v2）、/a/b/@c（XPath）、jsonata:表达式、' +
          'meta.messageId / meta.topic / meta.domain / meta.deliveryId / meta.attempt · Placeholder → where its value is read',
      }),
    ),
    duplicateKeyIsSuccess: Type.Optional(
      Type.Boolean({
        default: false,
        description: '唯一键冲突视为已送达（重复投递时保持幂等）· Treat a duplicate key as delivered (idempotency)',
      }),
    ),
    requireRowsAffected: Type.Optional(
      Type.Boolean({
        default: false,
        description: '影响 0 行视为失败并重试（如要更新的记录尚不存在）· Zero rows affected is a failed attempt',
      }),
    ),
    poolSize: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 64, default: 4, description: '连接池大小 · Connection pool size' }),
    ),
    timeoutMs: Type.Optional(
      Type.Integer({
        minimum: 100,
        maximum: 600_000,
        default: 30_000,
        description: '单次投递超时（毫秒），含取连接与执行 · Timeout of one attempt (ms)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SqlAdapterConfig = Static<typeof SqlAdapterConfig>;

export const sqlAdapterDescriptor: AdapterDescriptor = {
  type: 'sql',
  name: 'SQL 网关',
  nameEn: 'SQL gateway',
  className: 'SqlOutboundAdapter',
  direction: 'outbound',
  protocol: 'PostgreSQL / MySQL / MariaDB',
  description:
    '把消息写入订阅方数据库：执行参数化 SQL 或调用存储过程，参数取自消息（JSON 路径、HL7 v2 路径、XPath、JSONata、消息属性）；' +
    '每次投递一个事务，唯一键冲突可视为已送达',
  configSchema: SqlAdapterConfig,
};

const DEFAULT_TIMEOUT = 30_000;
const MAX_ROWS_IN_RESPONSE = 100;
const ERROR_EXCERPT = 2000;

interface Prepared {
  statement: CompiledStatement;
  sources: Map<string, ParamSource>;
}

interface Executed {
  rowsAffected: number;
  rows: unknown[];
}

export interface SqlOutboundAdapterOptions {
  /** Evaluates `jsonata:` parameters; by default a private instance with the message helpers ($hl7, $xpath …). */
  transforms?: Transforms;
}

export class SqlOutboundAdapter implements OutboundAdapter {
  private readonly databases = new Map<string, SqlDatabase>();
  private readonly prepared = new Map<string, Prepared>();
  private readonly transforms: Transforms;

  constructor(options: SqlOutboundAdapterOptions = {}) {
    if (options.transforms) {
      this.transforms = options.transforms;
    } else {
      this.transforms = new Transforms({ timeoutMs: 2000 });
      registerMessageHelpers(this.transforms);
    }
  }

  timeoutMs(config: Record<string, unknown>): number {
    return (config as SqlAdapterConfig).timeoutMs ?? DEFAULT_TIMEOUT;
  }

  async send(raw: Record<string, unknown>, request: OutboundRequest, signal: AbortSignal): Promise<OutboundResult> {
    const config = raw as SqlAdapterConfig;
    let prepared: Prepared;
    let values: SqlValue[];
    try {
      prepared = this.prepare(config);
      values = await this.values(prepared, request);
    } catch (error) {
      return { ok: false, error: (error as Error).message.slice(0, ERROR_EXCERPT) };
    }
    const timeout = this.timeoutMs(raw);
    try {
      const done = await this.database(config).execute(prepared.statement.text, values, timeout, signal);
      if (config.requireRowsAffected && done.rowsAffected === 0) {
        return {
          ok: false,
          statusCode: '02000',
          response: JSON.stringify({ rowsAffected: 0 }),
          responseContentType: 'application/json',
          error: '影响 0 行 · no rows affected (requireRowsAffected)',
        };
      }
      const answer: Record<string, unknown> = { rowsAffected: done.rowsAffected };
      if (config.mode === 'call') answer.rows = done.rows.slice(0, MAX_ROWS_IN_RESPONSE);
      return {
        ok: true,
        statusCode: '00000',
        response: JSON.stringify(answer),
        responseContentType: 'application/json',
      };
    } catch (error) {
      if (error instanceof DeadlineError) {
        return { ok: false, timedOut: error.reason === 'timeout', error: error.message };
      }
      const failure = describeDbError(error);
      if (config.duplicateKeyIsSuccess && isDuplicateKey(config.dialect, error)) {
        return {
          ok: true,
          ...(failure.state ? { statusCode: failure.state } : {}),
          response: JSON.stringify({ rowsAffected: 0, duplicateKey: true, message: failure.message }),
          responseContentType: 'application/json',
        };
      }
      return {
        ok: false,
        ...(failure.state ? { statusCode: failure.state } : {}),
        ...(failure.state === '57014' || failure.state === '70100' ? { timedOut: true } : {}),
        error: failure.message,
      };
    }
  }

  /** Connects, runs `select 1`, and has the database check the statement (prepared, never executed). */
  async test(raw: Record<string, unknown>): Promise<{ ok: boolean; message: string }> {
    const config = raw as SqlAdapterConfig;
    const where = `${config.dialect === 'mysql' ? 'MySQL/MariaDB' : 'PostgreSQL'} ${config.host}:${portOf(config)}/${config.database}`;
    let prepared: Prepared;
    try {
      prepared = this.prepare(config);
    } catch (error) {
      return { ok: false, message: `配置有误 · invalid configuration: ${(error as Error).message}` };
    }
    // A pool of its own, closed afterwards: trying out settings must not leave pools behind.
    const db = openDatabase({ ...config, poolSize: 1 });
    const limit = Math.min(this.timeoutMs(raw), 10_000);
    let version: string;
    let checked: boolean;
    try {
      version = await db.ping(limit);
      checked = await db.check(prepared.statement.text, limit).catch((error: unknown) => {
        throw new StatementRejected(error);
      });
    } catch (error) {
      if (error instanceof StatementRejected) {
        return {
          ok: false,
          message: `已连接 ${where}，但语句未通过数据库检查 · connected, but the statement was rejected: ${messageOf(error.cause)}`,
        };
      }
      return { ok: false, message: `${where}: ${messageOf(error)}` };
    } finally {
      void db.close().catch(() => undefined);
    }
    const unused = Object.keys(config.params ?? {}).filter((p) => !prepared.statement.names.includes(p));
    return {
      ok: true,
      message:
        `已连接 ${where}（${version}），select 1 成功` +
        (checked
          ? '，语句已通过数据库检查 · connected, statement accepted'
          : '；CALL 语句无法不执行而预检，请用一条测试消息验证 · connected; a CALL cannot be checked without running it') +
        (unused.length ? `；未使用的参数 unused params: ${unused.join(', ')}` : ''),
    };
  }

  async close(): Promise<void> {
    const all = [...this.databases.values()];
    this.databases.clear();
    await Promise.all(all.map((d) => d.close().catch(() => undefined)));
  }

  /** The statement with positional placeholders and each placeholder's parsed source, cached per config. */
  private prepare(config: SqlAdapterConfig): Prepared {
    const key = JSON.stringify([config.dialect, config.statement, config.params ?? {}]);
    const hit = this.prepared.get(key);
    if (hit) return hit;
    const statement = compileStatement(config.statement, config.dialect);
    const sources = new Map<string, ParamSource>();
    for (const name of new Set(statement.names)) {
      const source = config.params?.[name];
      if (source === undefined) {
        throw new Error(`语句中的 :${name} 没有在 params 中配置取值 · :${name} has no entry in params`);
      }
      try {
        sources.set(name, parseParamSource(source));
      } catch (error) {
        throw new Error(`params.${name}: ${(error as Error).message}`, { cause: error });
      }
    }
    if (this.prepared.size >= 500) this.prepared.clear();
    const prepared = { statement, sources };
    this.prepared.set(key, prepared);
    return prepared;
  }

  private async values(prepared: Prepared, request: OutboundRequest & RequestMetaExtras): Promise<SqlValue[]> {
    const reader = new ParamReader(request, this.transforms);
    const byName = new Map<string, SqlValue>();
    for (const [name, source] of prepared.sources) {
      try {
        byName.set(name, await reader.read(source));
      } catch (error) {
        throw new Error(`参数 :${name} 取值失败 · param :${name}: ${(error as Error).message}`, { cause: error });
      }
    }
    return prepared.statement.names.map((name) => byName.get(name) ?? null);
  }

  private database(config: SqlAdapterConfig): SqlDatabase {
    const key = JSON.stringify([
      config.dialect,
      config.host,
      portOf(config),
      config.database,
      config.user,
      config.password ?? '',
      config.poolSize ?? 4,
      config.timeoutMs ?? DEFAULT_TIMEOUT,
    ]);
    let db = this.databases.get(key);
    if (!db) {
      db = openDatabase(config);
      this.databases.set(key, db);
    }
    return db;
  }
}

function openDatabase(config: SqlAdapterConfig): SqlDatabase {
  return config.dialect === 'mysql' ? new MysqlDatabase(config) : new PostgresDatabase(config);
}

/** The server refused the statement (as opposed to the connection failing). */
class StatementRejected extends Error {
  constructor(override readonly cause: unknown) {
    super('statement rejected');
  }
}

function portOf(config: SqlAdapterConfig): number {
  return config.port ?? (config.dialect === 'mysql' ? 3306 : 5432);
}

// ---- the two drivers -------------------------------------------------------------------------------------------

interface SqlDatabase {
  /** Runs one statement in its own transaction; rejects with the driver's error or a DeadlineError. */
  execute(text: string, values: SqlValue[], timeoutMs: number, signal: AbortSignal): Promise<Executed>;
  /** `select 1` and the server's version. */
  ping(timeoutMs: number): Promise<string>;
  /** Has the server parse and plan the statement without running it; false when it cannot be checked so. */
  check(text: string, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

class PostgresDatabase implements SqlDatabase {
  private readonly pool: pg.Pool;

  constructor(config: SqlAdapterConfig) {
    const timeout = config.timeoutMs ?? DEFAULT_TIMEOUT;
    this.pool = new pg.Pool({
      host: config.host,
      port: portOf(config),
      database: config.database,
      user: config.user,
      ...(config.password !== undefined ? { password: config.password } : {}),
      max: config.poolSize ?? 4,
      connectionTimeoutMillis: Math.min(timeout, 10_000),
      idleTimeoutMillis: 30_000,
      // The server stops a statement that outlives the attempt even if our socket is already gone.
      statement_timeout: timeout + 1000,
      application_name: 'hutong',
    });
    // An idle connection that breaks (server restart) is dropped by the pool; without a listener it would crash us.
    this.pool.on('error', () => undefined);
  }

  execute(text: string, values: SqlValue[], timeoutMs: number, signal: AbortSignal): Promise<Executed> {
    return withDeadline(timeoutMs, signal, async (deadline) => {
      const client = await this.pool.connect();
      let released = false;
      const release = (destroy?: Error) => {
        if (released) return;
        released = true;
        client.release(destroy);
      };
      if (deadline.expired) {
        release();
        throw new Error('expired');
      }
      // Destroying the connection is the only way to stop a running statement; the server then rolls back.
      deadline.onExpire(() => release(new Error('delivery timed out or was aborted')));
      try {
        await client.query('BEGIN');
        const result = await client.query({ text, values });
        await client.query('COMMIT');
        const last = Array.isArray(result) ? (result[result.length - 1] as pg.QueryResult) : result;
        return { rowsAffected: last.rowCount ?? 0, rows: last.rows ?? [] };
      } catch (error) {
        if (!released) {
          try {
            await client.query('ROLLBACK');
          } catch {
            release(error as Error);
          }
        }
        throw error;
      } finally {
        release();
      }
    });
  }

  async ping(timeoutMs: number): Promise<string> {
    return withDeadline(timeoutMs, new AbortController().signal, async () => {
      const result = await this.pool.query<{ ok: number; version: string }>(
        'select 1 as ok, current_setting($1) as version',
        ['server_version'],
      );
      return `PostgreSQL ${result.rows[0]?.version ?? '?'}`;
    });
  }

  async check(text: string, timeoutMs: number): Promise<boolean> {
    // PREPARE accepts SELECT, INSERT, UPDATE, DELETE, MERGE and VALUES; a CALL can only be checked by running it.
    if (!/^\s*(with|select|insert|update|delete|merge|values)\b/i.test(stripLeadingComments(text))) return false;
    const name = `hutong_check_${Math.random().toString(36).slice(2, 10)}`;
    await withDeadline(timeoutMs, new AbortController().signal, async () => {
      const client = await this.pool.connect();
      try {
        await client.query(`PREPARE ${name} AS ${text}`);
        await client.query(`DEALLOCATE ${name}`);
      } finally {
        client.release();
      }
    });
    return true;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

class MysqlDatabase implements SqlDatabase {
  private readonly pool: MysqlPool;

  constructor(config: SqlAdapterConfig) {
    const timeout = config.timeoutMs ?? DEFAULT_TIMEOUT;
    this.pool = createMysqlPool({
      host: config.host,
      port: portOf(config),
      database: config.database,
      user: config.user,
      ...(config.password !== undefined ? { password: config.password } : {}),
      connectionLimit: config.poolSize ?? 4,
      maxIdle: config.poolSize ?? 4,
      idleTimeout: 30_000,
      connectTimeout: Math.min(timeout, 10_000),
      charset: 'utf8mb4',
      // One statement per call: a value can never smuggle a second statement in (it is bound anyway).
      multipleStatements: false,
      enableKeepAlive: true,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
  }

  execute(text: string, values: SqlValue[], timeoutMs: number, signal: AbortSignal): Promise<Executed> {
    return withDeadline(timeoutMs, signal, async (deadline) => {
      const conn = await this.pool.getConnection();
      let released = false;
      const release = (destroy: boolean) => {
        if (released) return;
        released = true;
        if (destroy) conn.destroy();
        else conn.release();
      };
      if (deadline.expired) {
        release(false);
        throw new Error('expired');
      }
      deadline.onExpire(() => release(true));
      try {
        await conn.beginTransaction();
        const [result] = await conn.execute(text, values);
        await conn.commit();
        return mysqlOutcome(result);
      } catch (error) {
        if (!released) {
          try {
            await conn.rollback();
          } catch {
            release(true);
          }
        }
        throw error;
      } finally {
        release(false);
      }
    });
  }

  async ping(timeoutMs: number): Promise<string> {
    return withDeadline(timeoutMs, new AbortController().signal, async () => {
      const [rows] = await this.pool.query('select 1 as ok, version() as version');
      const version = (rows as { version?: string }[])[0]?.version ?? '?';
      return `${/mariadb/i.test(version) ? 'MariaDB' : 'MySQL'} ${version}`;
    });
  }

  async check(text: string, timeoutMs: number): Promise<boolean> {
    await withDeadline(timeoutMs, new AbortController().signal, async () => {
      const conn = await this.pool.getConnection();
      try {
        await conn.prepare(text);
        conn.unprepare(text);
      } finally {
        conn.release();
      }
    });
    return true;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

interface ResultHeader {
  affectedRows: number;
}

function isHeader(value: unknown): value is ResultHeader {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'affectedRows' in value;
}

/** DML → a header; SELECT → rows; CALL → its result sets followed by a header. */
function mysqlOutcome(result: unknown): Executed {
  if (isHeader(result)) return { rowsAffected: result.affectedRows, rows: [] };
  if (!Array.isArray(result)) return { rowsAffected: 0, rows: [] };
  const sets = result.filter((r): r is unknown[] => Array.isArray(r));
  const header = result.find(isHeader);
  if (sets.length > 0 || header) return { rowsAffected: header?.affectedRows ?? 0, rows: sets.flat() };
  return { rowsAffected: 0, rows: result };
}

function stripLeadingComments(text: string): string {
  let s = text;
  for (;;) {
    const t = s.replace(/^\s+/, '');
    if (t.startsWith('--')) s = t.slice(t.indexOf('\n') < 0 ? t.length : t.indexOf('\n'));
    else if (t.startsWith('/*')) s = t.slice(t.indexOf('*/') < 0 ? t.length : t.indexOf('*/') + 2);
    else return t;
  }
}

// ---- errors and deadlines ---------------------------------------------------------------------------------------

interface DbErrorShape {
  message?: string;
  code?: string;
  errno?: number;
  sqlState?: string;
  detail?: string;
}

/** The database's own words, with its SQLSTATE (or the socket error code) as the attempt's status. */
function describeDbError(error: unknown): { state?: string; message: string } {
  const e = error as DbErrorShape;
  // pg: code is the SQLSTATE; mysql2: code is the symbolic name, sqlState the SQLSTATE; sockets: ECONNREFUSED …
  const state = e.sqlState ?? e.code;
  return { ...(state ? { state } : {}), message: messageOf(error) };
}

function messageOf(error: unknown): string {
  const e = error as DbErrorShape;
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  const parts = [e.code, e.errno && e.code !== String(e.errno) ? String(e.errno) : undefined].filter(Boolean);
  const head = parts.length ? `${parts.join(' ')}: ` : '';
  const text = `${head}${e.message || String(error)}${e.detail ? ` (${e.detail})` : ''}`;
  return text.slice(0, ERROR_EXCERPT);
}

function isDuplicateKey(dialect: SqlDialect, error: unknown): boolean {
  const e = error as DbErrorShape;
  if (dialect === 'postgres') return e.code === '23505';
  return e.errno === 1062 || e.errno === 1586 || e.code === 'ER_DUP_ENTRY';
}

class DeadlineError extends Error {
  constructor(
    readonly reason: 'timeout' | 'aborted',
    timeoutMs: number,
  ) {
    super(reason === 'timeout' ? `timeout after ${timeoutMs} ms` : 'aborted (Hutong is stopping)');
    this.name = 'DeadlineError';
  }
}

class Deadline {
  expired = false;
  private readonly hooks: (() => void)[] = [];

  onExpire(hook: () => void): void {
    if (this.expired) hook();
    else this.hooks.push(hook);
  }

  expire(): void {
    this.expired = true;
    for (const hook of this.hooks.splice(0)) hook();
  }
}

/**
 * Runs `work` with a time limit and the dispatcher's abort signal. When either fires first, the caller gets a
 * DeadlineError at once and the work's expiry hooks run (they destroy the connection); whatever the work does
 * afterwards is ignored.
 */
function withDeadline<T>(timeoutMs: number, signal: AbortSignal, work: (deadline: Deadline) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const deadline = new Deadline();
    let settled = false;
    const expire = (reason: 'timeout' | 'aborted') => {
      if (settled) return;
      settled = true;
      cleanup();
      deadline.expire();
      reject(new DeadlineError(reason, timeoutMs));
    };
    const onAbort = () => expire('aborted');
    const timer = setTimeout(() => expire('timeout'), timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    if (signal.aborted) {
      expire('aborted');
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    work(deadline).then(
      (value) => {
        if (settled) return;
        settled = true;
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        cleanup();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
