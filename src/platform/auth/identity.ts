// Identity: sign-in with lockout, server-side sessions with idle and absolute timeouts, API tokens for machine
// clients, password changes under the policy, and the built-in roles and first administrator created at boot.
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../audit/index.js';
import type { Config } from '../config/index.js';
import { fromFlag, now, toFlag, type Database } from '../db/index.js';
import type { PlatformTables } from '../db/tables.js';
import { HtError } from '../errors/index.js';
import { hashSecret, newId, newSecret } from '../ids/index.js';
import { BUILTIN_ROLES, builtinRolePermissions } from '../permissions/index.js';
import type { AuthUser, RequestContext } from './context.js';
import { decoyPasswordHash, hashPassword, meetsPolicy, verifyPassword } from './passwords.js';

type Executor = Kysely<PlatformTables> | Transaction<PlatformTables>;

export const SESSION_COOKIE = 'hutong_session';
export const TOKEN_PREFIX = 'ht_';

/** Session `last_seen_at` is written at most this often, so reads don't turn into writes on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export interface LoginResult {
  sessionToken: string;
  user: AuthUser;
  expiresAt: string;
}

export interface NewApiToken {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  token: string;
}

export class Identity {
  constructor(
    private readonly db: Database,
    private readonly config: Config,
  ) {}

  // ---- sign-in ------------------------------------------------------------------------------------------------

  /**
   * Checks the password and opens a session. Unknown user, wrong password, disabled or locked account all answer
   * the same HT_AUTH_INVALID_CREDENTIALS, so the answer tells an attacker nothing; the audit log says which it was.
   */
  async login(ctx: RequestContext, username: string, password: string): Promise<LoginResult> {
    const k = this.db.kysely;
    const name = username.trim().toLowerCase();
    const user = await k.selectFrom('users').selectAll().where('username', '=', name).executeTakeFirst();
    const at = now();
    const fail = async (reason: string, userId: string | null): Promise<never> => {
      await recordAudit(k, ctx, {
        action: 'auth.login.failed',
        objectType: 'user',
        objectId: userId,
        outcome: 'failure',
        summary: `登录失败：${reason}`,
        username: name.slice(0, 64),
        userId,
      });
      throw new HtError('HT_AUTH_INVALID_CREDENTIALS');
    };

    if (!user) {
      await verifyPassword(await decoyPasswordHash(), password);
      return fail('用户不存在', null);
    }
    if (user.locked_until && user.locked_until > at) {
      await verifyPassword(await decoyPasswordHash(), password);
      return fail('账号已锁定', user.id);
    }
    const ok = await verifyPassword(user.password_hash, password);
    if (!ok) {
      const failures = user.failed_logins + 1;
      const { lockoutThreshold, lockoutMinutes } = this.config.security;
      if (failures >= lockoutThreshold) {
        const lockedUntil = new Date(Date.now() + lockoutMinutes * 60_000).toISOString();
        await this.db.transaction(async (trx) => {
          await trx
            .updateTable('users')
            .set({ failed_logins: 0, locked_until: lockedUntil, updated_at: at })
            .where('id', '=', user.id)
            .execute();
          await recordAudit(trx, ctx, {
            action: 'auth.lockout',
            objectType: 'user',
            objectId: user.id,
            outcome: 'failure',
            summary: `连续 ${failures} 次登录失败，账号锁定至 ${lockedUntil}`,
            username: user.username,
            userId: user.id,
          });
        });
      } else {
        await k.updateTable('users').set({ failed_logins: failures }).where('id', '=', user.id).execute();
      }
      return fail(`密码错误（第 ${failures} 次）`, user.id);
    }
    if (!fromFlag(user.enabled)) return fail('账号已停用', user.id);

    const sessionToken = newSecret(32);
    const expiresAt = new Date(Date.now() + this.config.session.absoluteHours * 3_600_000).toISOString();
    await this.db.transaction(async (trx) => {
      await trx
        .updateTable('users')
        .set({ failed_logins: 0, locked_until: null, last_login_at: at })
        .where('id', '=', user.id)
        .execute();
      await trx
        .insertInto('sessions')
        .values({
          id: hashSecret(sessionToken),
          user_id: user.id,
          created_at: at,
          last_seen_at: at,
          expires_at: expiresAt,
          ip: ctx.ip,
          user_agent: ctx.userAgent?.slice(0, 300) ?? null,
        })
        .execute();
      await recordAudit(trx, ctx, {
        action: 'auth.login',
        objectType: 'user',
        objectId: user.id,
        summary: '登录成功',
        username: user.username,
        userId: user.id,
      });
    });
    const authUser = await this.loadAuthUser(k, user.id, 'session');
    if (!authUser) throw new HtError('HT_AUTH_INVALID_CREDENTIALS');
    return { sessionToken, user: { ...authUser, sessionId: hashSecret(sessionToken) }, expiresAt };
  }

  async logout(ctx: RequestContext): Promise<void> {
    const user = ctx.requireUser();
    await this.db.transaction(async (trx) => {
      if (user.sessionId) await trx.deleteFrom('sessions').where('id', '=', user.sessionId).execute();
      await recordAudit(trx, ctx, {
        action: 'auth.logout',
        objectType: 'user',
        objectId: user.id,
        summary: '退出登录',
      });
    });
  }

  // ---- resolving credentials on each request ---------------------------------------------------------------------

  /** The signed-in user of a session cookie, or null when missing, unknown, idle too long or past its absolute end. */
  async resolveSession(token: string): Promise<AuthUser | null> {
    const k = this.db.kysely;
    const id = hashSecret(token);
    const session = await k.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!session) return null;
    const nowMs = Date.now();
    const idleLimit = Date.parse(session.last_seen_at) + this.config.session.idleMinutes * 60_000;
    if (Date.parse(session.expires_at) <= nowMs || idleLimit <= nowMs) {
      await k.deleteFrom('sessions').where('id', '=', id).execute();
      return null;
    }
    const user = await this.loadAuthUser(k, session.user_id, 'session');
    if (!user) return null;
    if (nowMs - Date.parse(session.last_seen_at) > TOUCH_INTERVAL_MS) {
      await k
        .updateTable('sessions')
        .set({ last_seen_at: new Date(nowMs).toISOString() })
        .where('id', '=', id)
        .execute();
    }
    return { ...user, sessionId: id };
  }

  /** The owner of an API token (`Authorization: Bearer ht_…`), or null. */
  async resolveToken(token: string): Promise<AuthUser | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const k = this.db.kysely;
    const row = await k
      .selectFrom('api_tokens')
      .selectAll()
      .where('token_hash', '=', hashSecret(token))
      .executeTakeFirst();
    const at = now();
    if (!row || row.revoked_at || (row.expires_at && row.expires_at <= at)) return null;
    const user = await this.loadAuthUser(k, row.user_id, 'token');
    if (!user) return null;
    if (!row.last_used_at || Date.now() - Date.parse(row.last_used_at) > TOUCH_INTERVAL_MS) {
      await k.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', row.id).execute();
    }
    return { ...user, tokenId: row.id };
  }

  /** An enabled, unlocked user with the union of their roles' permissions. */
  async loadAuthUser(k: Executor, userId: string, via: AuthUser['via']): Promise<AuthUser | null> {
    const user = await k.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    if (!user || !fromFlag(user.enabled) || (user.locked_until && user.locked_until > now())) return null;
    const perms = await k
      .selectFrom('user_roles')
      .innerJoin('role_permissions', 'role_permissions.role_id', 'user_roles.role_id')
      .select('role_permissions.permission')
      .where('user_roles.user_id', '=', userId)
      .execute();
    return {
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      permissions: new Set(perms.map((p) => p.permission)),
      mustChangePassword: fromFlag(user.must_change_password),
      via,
    };
  }

  // ---- passwords -------------------------------------------------------------------------------------------------

  /** Throws HT_AUTH_PASSWORD_POLICY / HT_AUTH_PASSWORD_REUSED when `password` may not become `userId`'s password. */
  async checkNewPassword(k: Executor, userId: string | null, password: string): Promise<void> {
    const { passwordMinLength, passwordHistory } = this.config.security;
    if (!meetsPolicy(password, passwordMinLength)) {
      throw new HtError('HT_AUTH_PASSWORD_POLICY', { minLength: passwordMinLength });
    }
    if (!userId || passwordHistory === 0) return;
    const recent = await k
      .selectFrom('password_history')
      .select('password_hash')
      .where('user_id', '=', userId)
      .orderBy('id', 'desc')
      .limit(passwordHistory)
      .execute();
    for (const r of recent) {
      if (await verifyPassword(r.password_hash, password)) {
        throw new HtError('HT_AUTH_PASSWORD_REUSED', { count: passwordHistory });
      }
    }
  }

  /** Stores a new password hash and remembers it in the history. */
  async setPassword(trx: Executor, userId: string, password: string, options: { mustChange: boolean }): Promise<void> {
    const hashed = await hashPassword(password);
    const at = now();
    await trx
      .updateTable('users')
      .set({
        password_hash: hashed,
        must_change_password: toFlag(options.mustChange),
        password_changed_at: at,
        failed_logins: 0,
        updated_at: at,
      })
      .where('id', '=', userId)
      .execute();
    await trx
      .insertInto('password_history')
      .values({ user_id: userId, password_hash: hashed, created_at: at })
      .execute();
    const keep = Math.max(this.config.security.passwordHistory, 1);
    const old = await trx
      .selectFrom('password_history')
      .select('id')
      .where('user_id', '=', userId)
      .orderBy('id', 'desc')
      .offset(keep)
      .limit(1000)
      .execute();
    if (old.length > 0) {
      await trx
        .deleteFrom('password_history')
        .where(
          'id',
          'in',
          old.map((o) => o.id),
        )
        .execute();
    }
  }

  /** The signed-in user changes their own password (also how a first-login or reset password is replaced). */
  async changeOwnPassword(ctx: RequestContext, currentPassword: string, newPassword: string): Promise<void> {
    const me = ctx.requireUser();
    const k = this.db.kysely;
    const row = await k.selectFrom('users').select('password_hash').where('id', '=', me.id).executeTakeFirstOrThrow();
    if (!(await verifyPassword(row.password_hash, currentPassword))) {
      await recordAudit(k, ctx, {
        action: 'auth.password.change',
        objectType: 'user',
        objectId: me.id,
        outcome: 'failure',
        summary: '修改密码失败：当前密码错误',
      });
      throw new HtError('HT_AUTH_INVALID_CREDENTIALS');
    }
    await this.checkNewPassword(k, me.id, newPassword);
    await this.db.transaction(async (trx) => {
      await this.setPassword(trx, me.id, newPassword, { mustChange: false });
      // Other sessions of this user end: whoever knew the old password is signed out.
      let others = trx.deleteFrom('sessions').where('user_id', '=', me.id);
      if (me.sessionId) others = others.where('id', '!=', me.sessionId);
      await others.execute();
      await recordAudit(trx, ctx, {
        action: 'auth.password.change',
        objectType: 'user',
        objectId: me.id,
        summary: '修改本人密码',
      });
    });
  }

  // ---- API tokens ------------------------------------------------------------------------------------------------

  async createToken(ctx: RequestContext, name: string, expiresInDays?: number): Promise<NewApiToken> {
    const me = ctx.requireUser();
    const secret = newSecret(24);
    const prefix = secret.slice(0, 8);
    const token = `${TOKEN_PREFIX}${secret}`;
    const at = now();
    const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000).toISOString() : null;
    const id = newId();
    await this.db.transaction(async (trx) => {
      await trx
        .insertInto('api_tokens')
        .values({
          id,
          user_id: me.id,
          name,
          prefix,
          token_hash: hashSecret(token),
          created_at: at,
          last_used_at: null,
          expires_at: expiresAt,
          revoked_at: null,
        })
        .execute();
      await recordAudit(trx, ctx, {
        action: 'auth.token.create',
        objectType: 'api_token',
        objectId: id,
        summary: `创建 API 令牌「${name}」`,
        changes: { name, expiresAt },
      });
    });
    return { id, name, prefix: `${TOKEN_PREFIX}${prefix}`, createdAt: at, expiresAt, token };
  }

  async listTokens(ctx: RequestContext) {
    const me = ctx.requireUser();
    const rows = await this.db.kysely
      .selectFrom('api_tokens')
      .selectAll()
      .where('user_id', '=', me.id)
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      prefix: `${TOKEN_PREFIX}${r.prefix}`,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      expiresAt: r.expires_at,
    }));
  }

  async revokeToken(ctx: RequestContext, tokenId: string): Promise<void> {
    const me = ctx.requireUser();
    await this.db.transaction(async (trx) => {
      const result = await trx
        .updateTable('api_tokens')
        .set({ revoked_at: now() })
        .where('id', '=', tokenId)
        .where('user_id', '=', me.id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new HtError('HT_SYSTEM_TOKEN_NOT_FOUND', { id: tokenId });
      await recordAudit(trx, ctx, {
        action: 'auth.token.revoke',
        objectType: 'api_token',
        objectId: tokenId,
        summary: '吊销 API 令牌',
      });
    });
  }

  // ---- boot ------------------------------------------------------------------------------------------------------

  /** Creates the built-in roles and brings their permissions in line with the code. */
  async syncBuiltinRoles(): Promise<void> {
    const at = now();
    await this.db.transaction(async (trx) => {
      for (const role of BUILTIN_ROLES) {
        let row = await trx.selectFrom('roles').select('id').where('code', '=', role.code).executeTakeFirst();
        if (!row) {
          row = { id: newId() };
          await trx
            .insertInto('roles')
            .values({
              id: row.id,
              code: role.code,
              name: role.name,
              name_en: role.nameEn,
              description: role.description,
              builtin: 1,
              created_at: at,
              updated_at: at,
            })
            .execute();
        }
        const wanted = builtinRolePermissions(role.code, this.config.security.strictSeparation);
        await trx.deleteFrom('role_permissions').where('role_id', '=', row.id).execute();
        if (wanted.length > 0) {
          await trx
            .insertInto('role_permissions')
            .values(wanted.map((permission) => ({ role_id: row.id, permission })))
            .execute();
        }
      }
    });
  }

  /**
   * Creates the first administrator when there is no user at all. Returns the generated password when none was
   * configured (printed once by the caller; it must be changed at first sign-in).
   */
  async ensureFirstAdmin(): Promise<{ created: boolean; username: string; generatedPassword?: string }> {
    const k = this.db.kysely;
    const username = this.config.adminUsername.toLowerCase();
    const any = await k.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (any) return { created: false, username };
    const configured = this.config.adminPassword;
    const password = configured ?? generatePassword();
    if (configured && !meetsPolicy(configured, this.config.security.passwordMinLength)) {
      throw new HtError('HT_AUTH_PASSWORD_POLICY', { minLength: this.config.security.passwordMinLength });
    }
    const role = await k.selectFrom('roles').select('id').where('code', '=', 'sysadmin').executeTakeFirstOrThrow();
    const id = newId();
    const at = now();
    await this.db.transaction(async (trx) => {
      await trx
        .insertInto('users')
        .values({
          id,
          username,
          display_name: '系统管理员',
          email: null,
          phone: null,
          password_hash: await hashPassword(password),
          enabled: 1,
          must_change_password: toFlag(!configured),
          failed_logins: 0,
          locked_until: null,
          last_login_at: null,
          password_changed_at: at,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await trx.insertInto('user_roles').values({ user_id: id, role_id: role.id }).execute();
      await recordAudit(trx, null, {
        action: 'system.user.create',
        objectType: 'user',
        objectId: id,
        summary: `创建首个管理员 ${username}`,
        username: 'system',
        userId: null,
      });
    });
    return configured ? { created: true, username } : { created: true, username, generatedPassword: password };
  }
}

/** 16 characters from four classes, without look-alikes. */
export function generatePassword(): string {
  const sets = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789', '#%+-=@^_'];
  const all = sets.join('');
  const bytes = crypto.getRandomValues(new Uint32Array(16));
  const chars = [...bytes].map((b, i) => {
    const set = i < sets.length ? (sets[i] as string) : all;
    return set[b % set.length] as string;
  });
  // Shuffle so the class-guaranteeing characters are not always first.
  const order = crypto.getRandomValues(new Uint32Array(chars.length));
  return chars
    .map((c, i) => [order[i] ?? 0, c] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, c]) => c)
    .join('');
}
