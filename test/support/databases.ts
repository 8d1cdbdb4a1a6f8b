// Test databases: SQLite always (a fresh file per test), PostgreSQL too when HUTONG_TEST_PG_URL is set (a fresh
// schema per test, dropped afterwards), so integration tests run the same assertions on both dialects.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database, type DialectName } from '../../src/platform/db/index.js';

export interface TestDatabase {
  db: Database;
  cleanup(): Promise<void>;
  /** Another connection (pool) to the same database and schema — a second node of a cluster. Caller closes it. */
  reopen(): Database;
}

export interface DialectUnderTest {
  name: DialectName;
  open(): Promise<TestDatabase>;
}

export const PG_URL = process.env.HUTONG_TEST_PG_URL;

export function dialectsUnderTest(): DialectUnderTest[] {
  const list: DialectUnderTest[] = [{ name: 'sqlite', open: openSqliteForTest }];
  if (PG_URL) list.push({ name: 'postgres', open: () => openPostgresForTest(PG_URL) });
  return list;
}

async function openSqliteForTest(): Promise<TestDatabase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hutong-test-'));
  const db = openDatabase({ sqliteFile: path.join(dir, 'hutong.db') });
  return {
    db,
    reopen: () => openDatabase({ sqliteFile: path.join(dir, 'hutong.db') }),
    cleanup: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgresForTest(url: string): Promise<TestDatabase> {
  const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = openDatabase({ url, pgSchema: schema, poolSize: 5 });
  return {
    db,
    reopen: () => openDatabase({ url, pgSchema: schema, poolSize: 5 }),
    cleanup: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}
