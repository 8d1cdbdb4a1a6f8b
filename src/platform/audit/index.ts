// The audit log (审计日志): every change, login, logout, failed login and lockout, written in the same transaction
// as the change it records. The application only ever inserts; the database refuses updates and deletes.
import type { Kysely, Transaction } from 'kysely';
import type { RequestContext } from '../auth/context.js';
import { now, toJson } from '../db/index.js';
import type { PlatformTables } from '../db/tables.js';

export interface AuditEntry {
  action: string;
  objectType?: string | null;
  objectId?: string | null;
  outcome?: 'success' | 'failure';
  summary: string;
  /** What changed: `{ field: [before, after] }`, or any small JSON value. Never passwords or secrets. */
  changes?: unknown;
  /** Overrides the context's user (e.g. a failed login names the username that was tried). */
  username?: string | null;
  userId?: string | null;
}

type Executor = Kysely<PlatformTables> | Transaction<PlatformTables>;

export async function recordAudit(db: Executor, ctx: RequestContext | null, entry: AuditEntry): Promise<void> {
  const user = ctx?.user;
  await db
    .insertInto('audit_log')
    .values({
      at: now(),
      user_id: entry.userId !== undefined ? entry.userId : user && user.via !== 'system' ? user.id : null,
      username: entry.username !== undefined ? entry.username : (user?.username ?? null),
      ip: ctx?.ip ?? null,
      action: entry.action,
      object_type: entry.objectType ?? null,
      object_id: entry.objectId ?? null,
      outcome: entry.outcome ?? 'success',
      summary: entry.summary.slice(0, 1000),
      changes: toJson(entry.changes),
    })
    .execute();
}

/** `{ field: [before, after] }` for the fields that differ; secrets must not be passed in. */
export function diff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key];
    const b = after[key];
    if (JSON.stringify(a) !== JSON.stringify(b)) out[key] = [a ?? null, b ?? null];
  }
  return out;
}
