// Queries for message models. No rules here: the service decides, the store reads and writes.
import type { Kysely, Transaction } from 'kysely';
import { fromFlag, type PlatformTables } from '../../platform/db/index.js';
import type { EngineTables } from '../tables.js';
import type { Model, ModelDetail, SchemaType } from './schema.js';

export interface ModelsTable {
  code: string;
  name: string;
  /** JSON | XML | HL7V2 | HL7V3 | CDA | TEXT */
  kind: string;
  builtin: number;
  /** 'json-schema' | 'xsd' | null */
  schema_type: string | null;
  schema: string | null;
  description: string | null;
  created_at: string;
  updated_at: string;
}

// A type alias (not an interface) so Kysely's withTables<…>() accepts it.
export type ModelTables = { models: ModelsTable };

type All = PlatformTables & EngineTables & ModelTables;
export type ModelExecutor = Kysely<All> | Transaction<All>;

export function findModel(k: ModelExecutor, code: string): Promise<ModelsTable | undefined> {
  return k.selectFrom('models').selectAll().where('code', '=', code).executeTakeFirst();
}

export function allModels(k: ModelExecutor): Promise<ModelsTable[]> {
  return k.selectFrom('models').selectAll().orderBy('builtin', 'desc').orderBy('code').execute();
}

export async function topicCounts(k: ModelExecutor): Promise<Map<string, number>> {
  const rows = await k
    .selectFrom('topics')
    .select(['model', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('model')
    .execute();
  return new Map(rows.map((r) => [r.model, Number(r.n)]));
}

/** Codes of topics (any domain) whose model is `code`. */
export async function topicsUsing(k: ModelExecutor, code: string): Promise<string[]> {
  const rows = await k.selectFrom('topics').select('code').where('model', '=', code).limit(5).execute();
  return rows.map((r) => r.code);
}

export function presentModel(row: ModelsTable, topicCount: number): Model {
  return {
    code: row.code,
    name: row.name,
    kind: row.kind,
    builtin: fromFlag(row.builtin),
    schemaType: row.schema_type === 'json-schema' || row.schema_type === 'xsd' ? (row.schema_type as SchemaType) : null,
    description: row.description,
    topicCount,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function presentDetail(row: ModelsTable, topicCount: number): ModelDetail {
  return { ...presentModel(row, topicCount), schema: row.schema };
}
