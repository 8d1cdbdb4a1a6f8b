// Builds a whole Hutong on a test database and drives it with fastify.inject (no sockets), with small helpers for
// signing in and calling the API as a given user.
import { createHutong, type Hutong } from '../../src/app.js';
import type { Clock } from '../../src/engine/dispatch/backoff.js';
import { loadConfig, type Config } from '../../src/platform/config/index.js';
import type { DialectUnderTest, TestDatabase } from './databases.js';

/** A parsed JSON response body (tests read into it freely). */
export type Json = ReturnType<typeof JSON.parse>;

export const ADMIN_PASSWORD = 'Admin#2026pass';

export interface TestApp {
  hutong: Hutong;
  database: TestDatabase;
  config: Config;
  close(): Promise<void>;
  /** Signs in and returns a cookie header value. */
  login(username: string, password: string): Promise<string>;
  /** Signs in as the first administrator. */
  adminCookie(): Promise<string>;
  call(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    options?: { cookie?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: Json; headers: Record<string, unknown>; raw: string }>;
}

export async function startTestApp(
  dialect: DialectUnderTest,
  overrides: Record<string, unknown> = {},
  options: { clock?: Clock } = {},
): Promise<TestApp> {
  return startTestAppOn(await dialect.open(), overrides, options);
}

/**
 * A second node of a cluster: another Hutong with its own connection pool on the first app's database and schema
 * (`first.database.reopen()`). Closing it closes only its own connections; the first app drops the schema.
 */
export async function startSecondTestApp(
  first: TestApp,
  overrides: Record<string, unknown> = {},
  options: { clock?: Clock } = {},
): Promise<TestApp> {
  const db = first.database.reopen();
  return startTestAppOn({ db, reopen: () => first.database.reopen(), cleanup: () => db.close() }, overrides, options);
}

async function startTestAppOn(
  database: TestDatabase,
  overrides: Record<string, unknown>,
  options: { clock?: Clock },
): Promise<TestApp> {
  const config = loadConfig({
    env: {},
    file: '/dev/null',
    // The catalogue's 130 service topics are left out unless a test asks for them (services: { seedTopics: true }).
    overrides: {
      adminPassword: ADMIN_PASSWORD,
      logLevel: 'silent',
      port: 0,
      host: '127.0.0.1',
      services: { seedTopics: false },
      ...overrides,
    },
  });
  const hutong = await createHutong(config, {
    db: database.db,
    logger: false,
    webDist: '/nonexistent',
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await hutong.app.ready();
  const call: TestApp['call'] = async (method, url, options = {}) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.cookie) headers.cookie = options.cookie;
    let payload: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const res = await hutong.app.inject({ method, url, headers, payload });
    let body: Json;
    try {
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      body = res.body;
    }
    return { status: res.statusCode, body, headers: res.headers, raw: res.body };
  };
  const login = async (username: string, password: string) => {
    const res = await hutong.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
    const setCookie = res.headers['set-cookie'];
    const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
    return (first ?? '').split(';')[0] ?? '';
  };
  return {
    hutong,
    database,
    config,
    call,
    login,
    adminCookie: () => login('admin', ADMIN_PASSWORD),
    close: async () => {
      await hutong.stop();
      await database.cleanup();
    },
  };
}

/** A password that meets the policy and differs on every call. */
export function strongPassword(): string {
  return `Pw#${Math.random().toString(36).slice(2, 10)}A9`;
}
