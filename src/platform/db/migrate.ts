// Runs the forward-only migrations (one set for both dialects, listed in migrations/index.ts). Each pending migration
// runs in its own transaction together with its bookkeeping row. On PostgreSQL an advisory lock keeps two nodes
// starting at once from migrating twice; SQLite's write lock does the same there. (Kysely's own Migrator introspects
// every schema of the database, which races with other installations or test runs sharing it.)
import { sql, type Kysely } from 'kysely';
import type { Database } from './index.js';
import { migrations } from './migrations/index.js';

export interface MigrationOutcome {
  applied: string[];
}

/** An arbitrary constant: the advisory lock id under which Hutong migrates. */
const MIGRATION_LOCK = 4_852_177_001;

export async function migrateToLatest(db: Database): Promise<MigrationOutcome> {
  const time = db.dialect === 'postgres' ? sql.raw('timestamptz') : sql.raw('text');
  await sql`create table if not exists hutong_migrations (name text primary key, applied_at ${time} not null)`.execute(
    db.kysely,
  );
  const applied: string[] = [];
  for (const [name, migration] of Object.entries(migrations).sort(([a], [b]) => a.localeCompare(b))) {
    const done = await db.transaction(async (trx) => {
      if (db.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
      const row = await sql<{ name: string }>`select name from hutong_migrations where name = ${name}`.execute(trx);
      if (row.rows.length > 0) return false;
      try {
        await migration.up(trx as unknown as Kysely<unknown>, db.dialect);
      } catch (error) {
        throw new Error(`migration ${name} failed: ${(error as Error).message}`, { cause: error });
      }
      await sql`insert into hutong_migrations (name, applied_at) values (${name}, ${new Date().toISOString()})`.execute(
        trx,
      );
      return true;
    });
    if (done) applied.push(name);
  }
  return { applied };
}
