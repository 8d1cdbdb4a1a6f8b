// 配置修订: every change to the engine's configuration is kept as a revision — who, when, the row before and after —
// written in the same transaction as the change. Rolling a revision back writes the "before" state again (itself a
// new revision). Each kind of configuration object registers how to put a row back, and may register how to read
// its current state (so the revision a rollback writes holds the real rows before and after).
import type { Kysely, Transaction } from 'kysely';
import type { RequestContext } from '../../platform/auth/context.js';
import { now, toJson, type PlatformTables } from '../../platform/db/index.js';
import type { EngineTables } from '../tables.js';

export type ConfigTransaction = Transaction<PlatformTables & EngineTables>;

export interface RevisionInput {
  domainId: string | null;
  /** domain | system | topic | subscription | transform | lookup | model … */
  entityType: string;
  entityId: string;
  action: 'create' | 'update' | 'delete' | 'rollback' | 'import';
  before: unknown;
  after: unknown;
  summary: string;
}

export async function recordRevision(
  trx: ConfigTransaction,
  ctx: RequestContext,
  input: RevisionInput,
): Promise<number> {
  const user = ctx.user;
  const row = await trx
    .insertInto('config_revisions')
    .values({
      domain_id: input.domainId,
      entity_type: input.entityType,
      entity_id: input.entityId,
      action: input.action,
      before: toJson(input.before),
      after: toJson(input.after),
      user_id: user && user.via !== 'system' ? user.id : null,
      username: user?.username ?? null,
      at: now(),
      summary: input.summary.slice(0, 500),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * Puts an entity back to `state` (a row as stored in a revision's before/after); `state === null` means the entity
 * must not exist. Throws an HtError when that is impossible (e.g. something now depends on it).
 */
export type RevertHandler = (
  trx: ConfigTransaction,
  entityId: string,
  state: Record<string, unknown> | null,
) => Promise<void>;

const revertHandlers = new Map<string, RevertHandler>();

export function registerRevertHandler(entityType: string, handler: RevertHandler): void {
  revertHandlers.set(entityType, handler);
}

export function revertHandlerFor(entityType: string): RevertHandler | undefined {
  return revertHandlers.get(entityType);
}

/**
 * Reads an entity's current state exactly as its revisions keep it (null: it does not exist). Registered by the
 * module that owns the entity, so this folder needs no import of it.
 */
export type StateLoader = (k: Kysely<PlatformTables & EngineTables>, entityId: string) => Promise<unknown>;

const stateLoaders = new Map<string, StateLoader>();

export function registerStateLoader(entityType: string, loader: StateLoader): void {
  stateLoaders.set(entityType, loader);
}

export function stateLoaderFor(entityType: string): StateLoader | undefined {
  return stateLoaders.get(entityType);
}
