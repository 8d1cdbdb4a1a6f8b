// Queries for inbound endpoints (接入端点) and the conversions between rows and the API/revision state.
// No rules here: the service decides, the store reads and writes.
import type { Kysely } from 'kysely';
import { fromFlag, fromJson, toFlag, type PlatformTables } from '../../platform/db/index.js';
import type { EngineTables, InboundEndpointsTable } from '../tables.js';
import type { Endpoint, EndpointListQuery, EndpointState } from './schema.js';
import type { EndpointProtocol } from './settings.js';

export type Executor = Kysely<PlatformTables & EngineTables>;

export function findEndpoint(k: Executor, id: string): Promise<InboundEndpointsTable | undefined> {
  return k.selectFrom('inbound_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findEndpointByCode(
  k: Executor,
  domainId: string,
  code: string,
): Promise<InboundEndpointsTable | undefined> {
  return k
    .selectFrom('inbound_endpoints')
    .selectAll()
    .where('domain_id', '=', domainId)
    .where('code', '=', code)
    .executeTakeFirst();
}

/** Every endpoint of a protocol (there are few: the checks for ports and paths read them all). */
export function endpointsOf(k: Executor, protocol: EndpointProtocol): Promise<InboundEndpointsTable[]> {
  return k.selectFrom('inbound_endpoints').selectAll().where('protocol', '=', protocol).execute();
}

export function allEndpoints(k: Executor): Promise<InboundEndpointsTable[]> {
  return k.selectFrom('inbound_endpoints').selectAll().orderBy('created_at').orderBy('id').execute();
}

export async function findEndpoints(
  k: Executor,
  query: EndpointListQuery,
): Promise<{ items: Endpoint[]; total: number; page: number; pageSize: number }> {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  let q = k.selectFrom('inbound_endpoints');
  if (query.domainId) q = q.where('domain_id', '=', query.domainId);
  if (query.protocol) q = q.where('protocol', '=', query.protocol);
  const [rows, count] = await Promise.all([
    q
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(presentEndpoint), total: Number(count.n), page, pageSize };
}

export function insertEndpoint(k: Executor, row: InboundEndpointsTable): Promise<unknown> {
  return k.insertInto('inbound_endpoints').values(row).execute();
}

export function updateEndpoint(k: Executor, row: InboundEndpointsTable): Promise<unknown> {
  const { id, ...rest } = row;
  return k.updateTable('inbound_endpoints').set(rest).where('id', '=', id).execute();
}

export function deleteEndpoint(k: Executor, id: string): Promise<unknown> {
  return k.deleteFrom('inbound_endpoints').where('id', '=', id).execute();
}

export function presentEndpoint(row: InboundEndpointsTable): Endpoint {
  return {
    id: row.id,
    domainId: row.domain_id,
    code: row.code,
    name: row.name,
    protocol: row.protocol === 'soap' ? 'soap' : 'mllp',
    enabled: fromFlag(row.enabled),
    settings: fromJson<Record<string, unknown>>(row.settings) ?? {},
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function endpointRow(state: EndpointState): InboundEndpointsTable {
  return {
    id: state.id,
    domain_id: state.domainId,
    code: state.code,
    name: state.name,
    protocol: state.protocol,
    enabled: toFlag(state.enabled),
    settings: JSON.stringify(state.settings),
    created_at: state.createdAt,
    updated_at: state.updatedAt,
  };
}

/** System codes of a domain that exist, among `codes`. */
export async function existingSystemCodes(k: Executor, domainId: string, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await k
    .selectFrom('systems')
    .select('code')
    .where('domain_id', '=', domainId)
    .where('code', 'in', codes)
    .execute();
  return new Set(rows.map((r) => r.code));
}

/** Topic codes of a domain that exist, among `codes`. */
export async function existingTopicCodes(k: Executor, domainId: string, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await k
    .selectFrom('topics')
    .select('code')
    .where('domain_id', '=', domainId)
    .where('code', 'in', codes)
    .execute();
  return new Set(rows.map((r) => r.code));
}

/** Whether any endpoint revision was ever written (an administrator has managed endpoints before). */
export async function hasEndpointRevisions(k: Executor): Promise<boolean> {
  const row = await k
    .selectFrom('config_revisions')
    .select('id')
    .where('entity_type', '=', 'endpoint')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function countEndpoints(k: Executor): Promise<number> {
  const row = await k
    .selectFrom('inbound_endpoints')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
