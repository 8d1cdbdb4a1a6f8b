// Queries for named transforms. No rules here: the service decides, the store reads and writes.
import type { Kysely, Transaction } from 'kysely';
import type { PlatformTables } from '../../platform/db/index.js';
import type { EngineTables } from '../tables.js';
import type { NamedTransform } from './schema.js';

export interface TransformsTable {
  id: string;
  domain_id: string;
  code: string;
  name: string;
  description: string | null;
  expression: string;
  created_at: string;
  updated_at: string;
}

// A type alias (not an interface) so Kysely's withTables<…>() accepts it.
export type TransformTables = { transforms: TransformsTable };

type All = PlatformTables & EngineTables & TransformTables;
export type TransformExecutor = Kysely<All> | Transaction<All>;

export function findTransform(k: TransformExecutor, id: string): Promise<TransformsTable | undefined> {
  return k.selectFrom('transforms').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findTransformByCode(
  k: TransformExecutor,
  domainId: string,
  code: string,
): Promise<TransformsTable | undefined> {
  return k
    .selectFrom('transforms')
    .selectAll()
    .where('domain_id', '=', domainId)
    .where('code', '=', code)
    .executeTakeFirst();
}

export function listTransforms(k: TransformExecutor, domainId: string | undefined): Promise<TransformsTable[]> {
  let q = k.selectFrom('transforms').selectAll();
  if (domainId) q = q.where('domain_id', '=', domainId);
  return q.orderBy('code').execute();
}

/** Names of the subscriptions that use the transform `code` of a domain by reference. */
export async function subscriptionsUsing(k: TransformExecutor, domainId: string, code: string): Promise<string[]> {
  const rows = await k
    .selectFrom('subscriptions')
    .select('name')
    .where('domain_id', '=', domainId)
    .where('transform_ref', '=', code)
    .limit(5)
    .execute();
  return rows.map((r) => r.name);
}

export function presentTransform(row: TransformsTable): NamedTransform {
  return {
    id: row.id,
    domainId: row.domain_id,
    code: row.code,
    name: row.name,
    description: row.description,
    expression: row.expression,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
