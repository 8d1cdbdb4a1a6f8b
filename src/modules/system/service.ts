// System administration (系统管理): users, roles and permissions, the audit log, and the signed-in user's own
// profile. Each operation checks its permission first, changes data in one transaction and audits the change there.
import type { Config } from '../../platform/config/index.js';
import type { RequestContext } from '../../platform/auth/context.js';
import type { Identity } from '../../platform/auth/identity.js';
import { hashPassword } from '../../platform/auth/passwords.js';
import { diff, recordAudit } from '../../platform/audit/index.js';
import { now, toFlag, type Database } from '../../platform/db/index.js';
import { HtError } from '../../platform/errors/index.js';
import { newId } from '../../platform/ids/index.js';
import { SEPARATED_ROLES, allPermissions, isKnownPermission } from '../../platform/permissions/index.js';
import { P } from './permissions.js';
import type {
  AuditQuery,
  CreateRoleBody,
  CreateUserBody,
  Me,
  Role,
  UpdateRoleBody,
  UpdateUserBody,
  User,
  UserListQuery,
} from './schema.js';
import * as store from './store.js';

export class SystemService {
  constructor(
    private readonly db: Database,
    private readonly identity: Identity,
    private readonly config: Config,
  ) {}

  // ---- the signed-in user ---------------------------------------------------------------------------------------

  async me(ctx: RequestContext): Promise<Me> {
    const me = ctx.requireUser();
    const row = await store.findUser(this.db.kysely, me.id);
    if (!row) throw new HtError('HT_AUTH_REQUIRED');
    const roles = (await store.rolesOfUsers(this.db.kysely, [me.id])).get(me.id) ?? [];
    return {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      email: row.email,
      phone: row.phone,
      roles,
      permissions: [...me.permissions].sort(),
      mustChangePassword: me.mustChangePassword,
      lastLoginAt: row.last_login_at,
    };
  }

  async updateProfile(
    ctx: RequestContext,
    input: { displayName?: string; email?: string; phone?: string },
  ): Promise<Me> {
    const me = ctx.requireUser();
    await this.db.transaction(async (trx) => {
      const before = await store.findUser(trx, me.id);
      if (!before) throw new HtError('HT_AUTH_REQUIRED');
      const patch = {
        display_name: input.displayName ?? before.display_name,
        email: input.email === undefined ? before.email : input.email || null,
        phone: input.phone === undefined ? before.phone : input.phone || null,
      };
      await trx
        .updateTable('users')
        .set({ ...patch, updated_at: now() })
        .where('id', '=', me.id)
        .execute();
      await recordAudit(trx, ctx, {
        action: 'system.profile.update',
        objectType: 'user',
        objectId: me.id,
        summary: '修改个人资料',
        changes: diff(
          { displayName: before.display_name, email: before.email, phone: before.phone },
          { displayName: patch.display_name, email: patch.email, phone: patch.phone },
        ),
      });
    });
    return this.me(ctx);
  }

  // ---- users -----------------------------------------------------------------------------------------------------

  async listUsers(ctx: RequestContext, query: UserListQuery) {
    ctx.require(P.userRead);
    const { rows, total } = await store.findUsers(this.db.kysely, query);
    const roles = await store.rolesOfUsers(
      this.db.kysely,
      rows.map((r) => r.id),
    );
    return {
      items: rows.map((r) => store.presentUser(r, roles.get(r.id) ?? [])),
      total,
      page: query.page ?? 1,
      pageSize: query.pageSize ?? 20,
    };
  }

  async getUser(ctx: RequestContext, id: string): Promise<User> {
    ctx.require(P.userRead);
    return this.loadUser(id);
  }

  async createUser(ctx: RequestContext, input: CreateUserBody): Promise<User> {
    ctx.require(P.userManage);
    const username = input.username.toLowerCase();
    const k = this.db.kysely;
    if (await store.findUserByName(k, username)) throw new HtError('HT_SYSTEM_USER_EXISTS', { username });
    await this.identity.checkNewPassword(k, null, input.password);
    const roleIds = await this.checkRoles(input.roleIds);
    const id = newId();
    const at = now();
    const passwordHash = await hashPassword(input.password);
    await this.db.transaction(async (trx) => {
      if (await store.findUserByName(trx, username)) throw new HtError('HT_SYSTEM_USER_EXISTS', { username });
      await trx
        .insertInto('users')
        .values({
          id,
          username,
          display_name: input.displayName,
          email: input.email || null,
          phone: input.phone || null,
          password_hash: passwordHash,
          enabled: 1,
          // An administrator chose this password: the user replaces it at first sign-in.
          must_change_password: 1,
          failed_logins: 0,
          locked_until: null,
          last_login_at: null,
          password_changed_at: at,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await trx
        .insertInto('password_history')
        .values({ user_id: id, password_hash: passwordHash, created_at: at })
        .execute();
      await store.replaceUserRoles(trx, id, roleIds);
      await recordAudit(trx, ctx, {
        action: 'system.user.create',
        objectType: 'user',
        objectId: id,
        summary: `新建用户 ${username}`,
        changes: { username, displayName: input.displayName, email: input.email ?? null, roleIds },
      });
    });
    return this.loadUser(id);
  }

  async updateUser(ctx: RequestContext, id: string, input: UpdateUserBody): Promise<User> {
    const actor = ctx.require(P.userManage);
    if (input.enabled === false && id === actor.id) throw new HtError('HT_SYSTEM_USER_SELF', { action: 'disable' });
    const roleIds = input.roleIds ? await this.checkRoles(input.roleIds) : undefined;
    await this.db.transaction(async (trx) => {
      const before = await store.findUser(trx, id);
      if (!before) throw new HtError('HT_SYSTEM_USER_NOT_FOUND', { id });
      const beforeRoles = ((await store.rolesOfUsers(trx, [id])).get(id) ?? []).map((r) => r.id).sort();
      const patch = {
        display_name: input.displayName ?? before.display_name,
        email: input.email === undefined ? before.email : input.email || null,
        phone: input.phone === undefined ? before.phone : input.phone || null,
        enabled: input.enabled === undefined ? before.enabled : toFlag(input.enabled),
      };
      await trx
        .updateTable('users')
        .set({ ...patch, updated_at: now() })
        .where('id', '=', id)
        .execute();
      if (roleIds) await store.replaceUserRoles(trx, id, roleIds);
      // A disabled user is signed out everywhere at once.
      if (input.enabled === false) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
      const changes = diff(
        {
          displayName: before.display_name,
          email: before.email,
          phone: before.phone,
          enabled: before.enabled === 1,
          roleIds: beforeRoles,
        },
        {
          displayName: patch.display_name,
          email: patch.email,
          phone: patch.phone,
          enabled: patch.enabled === 1,
          roleIds: roleIds ? [...roleIds].sort() : beforeRoles,
        },
      );
      const action =
        input.enabled !== undefined && Object.keys(changes).length === 1 && changes.enabled
          ? input.enabled
            ? 'system.user.enable'
            : 'system.user.disable'
          : 'system.user.update';
      await recordAudit(trx, ctx, {
        action,
        objectType: 'user',
        objectId: id,
        summary: `修改用户 ${before.username}`,
        changes,
      });
    });
    return this.loadUser(id);
  }

  async resetPassword(ctx: RequestContext, id: string, password: string): Promise<void> {
    ctx.require(P.userManage);
    const k = this.db.kysely;
    const user = await store.findUser(k, id);
    if (!user) throw new HtError('HT_SYSTEM_USER_NOT_FOUND', { id });
    await this.identity.checkNewPassword(k, id, password);
    await this.db.transaction(async (trx) => {
      await this.identity.setPassword(trx, id, password, { mustChange: true });
      await trx.updateTable('users').set({ locked_until: null }).where('id', '=', id).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
      await recordAudit(trx, ctx, {
        action: 'system.user.reset-password',
        objectType: 'user',
        objectId: id,
        summary: `重置用户 ${user.username} 的密码`,
      });
    });
  }

  async unlockUser(ctx: RequestContext, id: string): Promise<void> {
    ctx.require(P.userManage);
    await this.db.transaction(async (trx) => {
      const user = await store.findUser(trx, id);
      if (!user) throw new HtError('HT_SYSTEM_USER_NOT_FOUND', { id });
      await trx
        .updateTable('users')
        .set({ locked_until: null, failed_logins: 0, updated_at: now() })
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, ctx, {
        action: 'system.user.unlock',
        objectType: 'user',
        objectId: id,
        summary: `解锁用户 ${user.username}`,
        changes: { lockedUntil: [user.locked_until, null] },
      });
    });
  }

  private async loadUser(id: string): Promise<User> {
    const row = await store.findUser(this.db.kysely, id);
    if (!row) throw new HtError('HT_SYSTEM_USER_NOT_FOUND', { id });
    const roles = await store.rolesOfUsers(this.db.kysely, [id]);
    return store.presentUser(row, roles.get(id) ?? []);
  }

  /** Roles must exist, and one user holds at most one of the three separated administrator roles (三员分立). */
  private async checkRoles(roleIds: string[]): Promise<string[]> {
    const unique = [...new Set(roleIds)];
    const roles = await store.findRolesByIds(this.db.kysely, unique);
    for (const id of unique) {
      if (!roles.some((r) => r.id === id)) throw new HtError('HT_SYSTEM_ROLE_NOT_FOUND', { id });
    }
    const separated = roles.filter((r) => (SEPARATED_ROLES as string[]).includes(r.code));
    if (separated.length > 1) throw new HtError('HT_SYSTEM_ROLE_CONFLICT');
    return unique;
  }

  // ---- roles -----------------------------------------------------------------------------------------------------

  async listRoles(ctx: RequestContext): Promise<{ items: Role[] }> {
    ctx.require(P.roleRead);
    return { items: await store.listRoles(this.db.kysely) };
  }

  listPermissions(ctx: RequestContext) {
    ctx.require(P.roleRead);
    return {
      items: allPermissions().map((p) => ({
        code: p.code,
        module: p.module,
        name: p.name,
        nameEn: p.nameEn,
        description: p.description ?? null,
      })),
    };
  }

  async createRole(ctx: RequestContext, input: CreateRoleBody): Promise<Role> {
    ctx.require(P.roleManage);
    checkPermissionCodes(input.permissions);
    const id = newId();
    const at = now();
    await this.db.transaction(async (trx) => {
      const existing = await trx.selectFrom('roles').select('id').where('code', '=', input.code).executeTakeFirst();
      if (existing) throw new HtError('HT_SYSTEM_ROLE_EXISTS', { code: input.code });
      await trx
        .insertInto('roles')
        .values({
          id,
          code: input.code,
          name: input.name,
          name_en: input.nameEn ?? input.name,
          description: input.description ?? null,
          builtin: 0,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await store.replaceRolePermissions(trx, id, input.permissions);
      await recordAudit(trx, ctx, {
        action: 'system.role.create',
        objectType: 'role',
        objectId: id,
        summary: `新建角色 ${input.code}（${input.name}）`,
        changes: { code: input.code, name: input.name, permissions: input.permissions },
      });
    });
    return this.loadRole(id);
  }

  async updateRole(ctx: RequestContext, id: string, input: UpdateRoleBody): Promise<Role> {
    ctx.require(P.roleManage);
    if (input.permissions) checkPermissionCodes(input.permissions);
    await this.db.transaction(async (trx) => {
      const [before] = await store.listRoles(trx, id);
      if (!before) throw new HtError('HT_SYSTEM_ROLE_NOT_FOUND', { id });
      if (before.builtin && input.permissions) throw new HtError('HT_SYSTEM_ROLE_BUILTIN', { code: before.code });
      const after = {
        name: input.name ?? before.name,
        nameEn: input.nameEn ?? before.nameEn,
        description: input.description === undefined ? before.description : input.description || null,
        permissions: input.permissions ? [...new Set(input.permissions)].sort() : before.permissions,
      };
      await trx
        .updateTable('roles')
        .set({ name: after.name, name_en: after.nameEn, description: after.description, updated_at: now() })
        .where('id', '=', id)
        .execute();
      if (input.permissions) await store.replaceRolePermissions(trx, id, after.permissions);
      await recordAudit(trx, ctx, {
        action: 'system.role.update',
        objectType: 'role',
        objectId: id,
        summary: `修改角色 ${before.code}`,
        changes: diff(
          {
            name: before.name,
            nameEn: before.nameEn,
            description: before.description,
            permissions: before.permissions,
          },
          after,
        ),
      });
    });
    return this.loadRole(id);
  }

  async deleteRole(ctx: RequestContext, id: string): Promise<void> {
    ctx.require(P.roleManage);
    await this.db.transaction(async (trx) => {
      const [role] = await store.listRoles(trx, id);
      if (!role) throw new HtError('HT_SYSTEM_ROLE_NOT_FOUND', { id });
      if (role.builtin) throw new HtError('HT_SYSTEM_ROLE_BUILTIN', { code: role.code });
      if (role.userCount > 0) throw new HtError('HT_SYSTEM_ROLE_IN_USE', { count: role.userCount });
      await trx.deleteFrom('roles').where('id', '=', id).execute();
      await recordAudit(trx, ctx, {
        action: 'system.role.delete',
        objectType: 'role',
        objectId: id,
        summary: `删除角色 ${role.code}`,
        changes: { code: role.code, permissions: role.permissions },
      });
    });
  }

  private async loadRole(id: string): Promise<Role> {
    const [role] = await store.listRoles(this.db.kysely, id);
    if (!role) throw new HtError('HT_SYSTEM_ROLE_NOT_FOUND', { id });
    return role;
  }

  // ---- audit log -------------------------------------------------------------------------------------------------

  searchAudit(ctx: RequestContext, query: AuditQuery) {
    ctx.require(P.auditRead);
    return store.searchAudit(this.db.kysely, query);
  }

  // ---- about -----------------------------------------------------------------------------------------------------

  meta(ctx: RequestContext, version: string, startedAt: string) {
    ctx.requireUser();
    return { name: 'Hutong', version, database: this.db.dialect, durability: this.db.durability, startedAt };
  }

  /** Used by `hutong admin reset-password`: sets a password the user must change at next sign-in, and unlocks. */
  async resetPasswordFromCli(ctx: RequestContext, username: string, password: string): Promise<void> {
    const user = await store.findUserByName(this.db.kysely, username.toLowerCase());
    if (!user) throw new HtError('HT_SYSTEM_USER_NOT_FOUND', { id: username });
    await this.resetPassword(ctx, user.id, password);
  }

  get sessionConfig() {
    return this.config.session;
  }
}

function checkPermissionCodes(codes: string[]): void {
  for (const permission of codes) {
    if (!isKnownPermission(permission)) throw new HtError('HT_SYSTEM_UNKNOWN_PERMISSION', { permission });
  }
}
