// Runs the forward-only migrations (one set for both dialects, listed in migrations/index.ts).
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
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
  const migrator = new Migrator({ db: db.kysely, provider, migrationTableName: 'hutong_migrations' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
