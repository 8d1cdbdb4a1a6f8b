// Queries for users, roles and the audit log. No rules here: the service decides, the store reads and writes.
import type { Kysely, Transaction } from 'kysely';
import { containsText, fromFlag, fromJson, now, startsWithText, type PlatformTables } from '../../platform/db/index.js';
import type { AuditQuery, Role, User, UserListQuery } from './schema.js';

type Executor = Kysely<PlatformTables> | Transaction<PlatformTables>;
type UserRow = PlatformTables['users'];
type RoleRef = { id: string; code: string; name: string; nameEn: string };

export async function findUsers(k: Executor, query: UserListQuery): Promise<{ rows: UserRow[]; total: number }> {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  let base = k.selectFrom('users');
  if (query.q) {
    const q = query.q;
    base = base.where((eb) =>
      eb.or([containsText('username', q), containsText('display_name', q), containsText('email', q)]),
    );
  }
  const at = now();
  if (query.status === 'enabled') base = base.where('enabled', '=', 1);
  if (query.status === 'disabled') base = base.where('enabled', '=', 0);
  if (query.status === 'locked') base = base.where('locked_until', '>', at);
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy('created_at', 'asc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export function findUser(k: Executor, id: string): Promise<UserRow | undefined> {
  return k.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByName(k: Executor, username: string): Promise<UserRow | undefined> {
  return k.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function rolesOfUsers(k: Executor, userIds: string[]): Promise<Map<string, RoleRef[]>> {
  const out = new Map<string, RoleRef[]>();
  if (userIds.length === 0) return out;
  const rows = await k
    .selectFrom('user_roles')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .select(['user_roles.user_id', 'roles.id', 'roles.code', 'roles.name', 'roles.name_en'])
    .where('user_roles.user_id', 'in', userIds)
    .orderBy('roles.code')
    .execute();
  for (const r of rows) {
    const list = out.get(r.user_id) ?? [];
    list.push({ id: r.id, code: r.code, name: r.name, nameEn: r.name_en });
    out.set(r.user_id, list);
  }
  return out;
}

export function presentUser(row: UserRow, roles: RoleRef[]): User {
  const locked = row.locked_until !== null && row.locked_until > now();
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    phone: row.phone,
    enabled: fromFlag(row.enabled),
    locked,
    lockedUntil: locked ? row.locked_until : null,
    mustChangePassword: fromFlag(row.must_change_password),
    roles,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function replaceUserRoles(k: Executor, userId: string, roleIds: string[]): Promise<void> {
  await k.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  if (roleIds.length > 0) {
    await k
      .insertInto('user_roles')
      .values(roleIds.map((role_id) => ({ user_id: userId, role_id })))
      .execute();
  }
}

export function findRolesByIds(k: Executor, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return k.selectFrom('roles').selectAll().where('id', 'in', ids).execute();
}

export async function listRoles(k: Executor, id?: string): Promise<Role[]> {
  let q = k.selectFrom('roles').selectAll();
  if (id) q = q.where('id', '=', id);
  const roles = await q.orderBy('builtin', 'desc').orderBy('created_at').execute();
  if (roles.length === 0) return [];
  const ids = roles.map((r) => r.id);
  const [perms, counts] = await Promise.all([
    k.selectFrom('role_permissions').selectAll().where('role_id', 'in', ids).orderBy('permission').execute(),
    k
      .selectFrom('user_roles')
      .select(['role_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('role_id', 'in', ids)
      .groupBy('role_id')
      .execute(),
  ]);
  return roles.map((r) => ({
    id: r.id,
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    description: r.description,
    builtin: fromFlag(r.builtin),
    permissions: perms.filter((p) => p.role_id === r.id).map((p) => p.permission),
    userCount: Number(counts.find((c) => c.role_id === r.id)?.n ?? 0),
  }));
}

export async function replaceRolePermissions(k: Executor, roleId: string, permissions: string[]): Promise<void> {
  await k.deleteFrom('role_permissions').where('role_id', '=', roleId).execute();
  if (permissions.length > 0) {
    await k
      .insertInto('role_permissions')
      .values([...new Set(permissions)].map((permission) => ({ role_id: roleId, permission })))
      .execute();
  }
}

export async function searchAudit(k: Executor, query: AuditQuery) {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  let base = k.selectFrom('audit_log');
  if (query.from) base = base.where('at', '>=', query.from);
  if (query.to) base = base.where('at', '<=', query.to);
  if (query.username) base = base.where('username', '=', query.username.toLowerCase());
  if (query.action) {
    base = query.action.endsWith('*')
      ? base.where(startsWithText('action', query.action.slice(0, -1)))
      : base.where('action', '=', query.action);
  }
  if (query.objectType) base = base.where('object_type', '=', query.objectType);
  if (query.objectId) base = base.where('object_id', '=', query.objectId);
  if (query.outcome) base = base.where('outcome', '=', query.outcome);
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy('id', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      id: Number(r.id),
      at: r.at,
      userId: r.user_id,
      username: r.username,
      ip: r.ip,
      action: r.action,
      objectType: r.object_type,
      objectId: r.object_id,
      outcome: r.outcome,
      summary: r.summary,
      changes: fromJson(r.changes),
    })),
    total: Number(count.n),
    page,
    pageSize,
  };
}
