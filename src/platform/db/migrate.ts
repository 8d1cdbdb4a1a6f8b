// Runs the forward-only migrations (one set for both dialects, listed in migrations/index.ts).
import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './index.js';
import { migrations } from './migrations/index.js';

export interface MigrationOutcome {
  applied: string[];
}

export async function migrateToLatest(db: Database): Promise<MigrationOutcome> {
  const provider: MigrationProvider = {
    getMigrations: async () => {
      const bound: Record<string, Migration> = {};
      for (const [name, migration] of Object.entries(migrations)) {
        bound[name] = { up: (k) => migration.up(k, db.dialect) };
      }
      return bound;
    },
  };
  // On PostgreSQL the migration tables live in the current schema: Kysely looks for them in every schema otherwise,
  // and several installations (or test runs) sharing one database would see each other's tables.
  const schema =
    db.dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db: db.kysely,
    provider,
    migrationTableName: 'hutong_migrations',
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
