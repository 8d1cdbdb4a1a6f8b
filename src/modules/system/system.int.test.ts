// System administration end to end through the HTTP API, on SQLite and (when configured) PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { ADMIN_PASSWORD, startTestApp, strongPassword, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';

for (const dialect of dialectsUnderTest()) {
  describe(`system administration on ${dialect.name}`, () => {
    let t: TestApp;
    let admin: string;
    beforeEach(async () => {
      t = await startTestApp(dialect);
      admin = await t.adminCookie();
    });
    afterEach(async () => {
      await t.close();
    });

    async function roleId(code: string): Promise<string> {
      const roles = await t.call('GET', '/api/system/roles', { cookie: admin });
      const role = roles.body.items.find((r: { code: string }) => r.code === code);
      expect(role, `role ${code}`).toBeDefined();
      return role.id as string;
    }

    async function createUser(roleCodes: string[], password = strongPassword()) {
      const username = `u${Math.random().toString(36).slice(2, 9)}`;
      const roleIds = await Promise.all(roleCodes.map(roleId));
      const res = await t.call('POST', '/api/system/users', {
        cookie: admin,
        body: { username, displayName: '张三', password, roleIds },
      });
      expect(res.status, res.raw).toBe(201);
      return { id: res.body.id as string, username, password };
    }

    /** Signs in a freshly created user and replaces the administrator-chosen password, as the console does. */
    async function signInAsNewUser(user: { username: string; password: string }) {
      const first = await t.login(user.username, user.password);
      const newPassword = strongPassword();
      const change = await t.call('POST', '/api/auth/password', {
        cookie: first,
        body: { currentPassword: user.password, newPassword },
      });
      expect(change.status, change.raw).toBe(204);
      return first;
    }

    it('signs in, answers /me with roles and permissions, signs out', async () => {
      const me = await t.call('GET', '/api/auth/me', { cookie: admin });
      expect(me.status).toBe(200);
      expect(me.body.username).toBe('admin');
      expect(me.body.roles.map((r: { code: string }) => r.code)).toEqual(['sysadmin']);
      expect(me.body.permissions).toContain('system.user.manage');
      expect(me.body.mustChangePassword).toBe(false);

      const out = await t.call('POST', '/api/auth/logout', { cookie: admin });
      expect(out.status).toBe(204);
      const after = await t.call('GET', '/api/auth/me', { cookie: admin });
      expect(after.status).toBe(401);
      expect(after.body.code).toBe('HT_AUTH_SESSION_EXPIRED');
    });

    it('sets an HttpOnly, SameSite=Strict session cookie', async () => {
      const res = await t.hutong.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'admin', password: ADMIN_PASSWORD },
      });
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/^hutong_session=/);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Strict/i);
    });

    it('answers a wrong password, an unknown user and a locked account with the same generic error', async () => {
      const wrong = await t.call('POST', '/api/auth/login', { body: { username: 'admin', password: 'nope' } });
      const unknown = await t.call('POST', '/api/auth/login', { body: { username: 'ghost', password: 'nope' } });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body.code).toBe('HT_AUTH_INVALID_CREDENTIALS');
      expect(unknown.body.code).toBe('HT_AUTH_INVALID_CREDENTIALS');
      expect(wrong.body.message).toBe(unknown.body.message);
      expect(wrong.raw).not.toMatch(/stack|at \w+ \(/);
    });

    it('locks an account after 5 failed sign-ins for 15 minutes, audits it, and lets an administrator unlock', async () => {
      const user = await createUser(['readonly']);
      for (let i = 0; i < 5; i++) {
        const res = await t.call('POST', '/api/auth/login', {
          body: { username: user.username, password: 'Wrong#pass1' },
        });
        expect(res.status).toBe(401);
      }
      // The right password no longer works, and the answer is the same generic one.
      const locked = await t.call('POST', '/api/auth/login', {
        body: { username: user.username, password: user.password },
      });
      expect(locked.status).toBe(401);
      expect(locked.body.code).toBe('HT_AUTH_INVALID_CREDENTIALS');

      const detail = await t.call('GET', `/api/system/users/${user.id}`, { cookie: admin });
      expect(detail.body.locked).toBe(true);
      const until = Date.parse(detail.body.lockedUntil);
      expect(until - Date.now()).toBeGreaterThan(14 * 60_000);
      expect(until - Date.now()).toBeLessThanOrEqual(15 * 60_000);

      const lockouts = await t.call('GET', `/api/system/audit?action=auth.lockout&objectId=${user.id}`, {
        cookie: admin,
      });
      expect(lockouts.body.total).toBe(1);
      const failures = await t.call('GET', `/api/system/audit?action=auth.login.failed&username=${user.username}`, {
        cookie: admin,
      });
      expect(failures.body.total).toBe(6);

      const lockedList = await t.call('GET', '/api/system/users?status=locked', { cookie: admin });
      expect(lockedList.body.items.map((u: { id: string }) => u.id)).toContain(user.id);

      expect((await t.call('POST', `/api/system/users/${user.id}/unlock`, { cookie: admin })).status).toBe(204);
      await t.login(user.username, user.password);
      const unlocks = await t.call('GET', `/api/system/audit?action=system.user.unlock`, { cookie: admin });
      expect(unlocks.body.items[0].objectId).toBe(user.id);
    });

    it('forces a new user to change the administrator-chosen password before anything else', async () => {
      const user = await createUser(['readonly']);
      const cookie = await t.login(user.username, user.password);
      const me = await t.call('GET', '/api/auth/me', { cookie });
      expect(me.body.mustChangePassword).toBe(true);
      const blocked = await t.call('GET', '/api/meta', { cookie });
      expect(blocked.status).toBe(403);
      expect(blocked.body.code).toBe('HT_AUTH_PASSWORD_CHANGE_REQUIRED');

      const weak = await t.call('POST', '/api/auth/password', {
        cookie,
        body: { currentPassword: user.password, newPassword: 'alllowercase' },
      });
      expect(weak.status).toBe(400);
      expect(weak.body.code).toBe('HT_AUTH_PASSWORD_POLICY');
      const same = await t.call('POST', '/api/auth/password', {
        cookie,
        body: { currentPassword: user.password, newPassword: user.password },
      });
      expect(same.status).toBe(400);
      expect(same.body.code).toBe('HT_AUTH_PASSWORD_REUSED');

      const newPassword = strongPassword();
      const ok = await t.call('POST', '/api/auth/password', {
        cookie,
        body: { currentPassword: user.password, newPassword },
      });
      expect(ok.status).toBe(204);
      expect((await t.call('GET', '/api/meta', { cookie })).status).toBe(200);
    });

    it('refuses any of the last 5 passwords', async () => {
      const passwords = [ADMIN_PASSWORD];
      for (let i = 0; i < 5; i++) {
        const next = strongPassword();
        const res = await t.call('POST', '/api/auth/password', {
          cookie: admin,
          body: { currentPassword: passwords[passwords.length - 1], newPassword: next },
        });
        expect(res.status, res.raw).toBe(204);
        passwords.push(next);
      }
      const current = passwords[passwords.length - 1];
      for (const old of passwords.slice(-5)) {
        const res = await t.call('POST', '/api/auth/password', {
          cookie: admin,
          body: { currentPassword: current, newPassword: old },
        });
        expect(res.body.code).toBe('HT_AUTH_PASSWORD_REUSED');
      }
      // The sixth-last (the original) is allowed again.
      const res = await t.call('POST', '/api/auth/password', {
        cookie: admin,
        body: { currentPassword: current, newPassword: ADMIN_PASSWORD },
      });
      expect(res.status, res.raw).toBe(204);
    });

    it('creates a user with a role, and the audit log shows who did it, from where, and what changed', async () => {
      const user = await createUser(['operator']);
      const list = await t.call('GET', `/api/system/users?q=${user.username}`, { cookie: admin });
      expect(list.body.total).toBe(1);
      expect(list.body.items[0].roles[0].code).toBe('operator');
      expect(list.body.items[0].mustChangePassword).toBe(true);

      const audit = await t.call('GET', `/api/system/audit?action=system.user.create&objectId=${user.id}`, {
        cookie: admin,
      });
      expect(audit.body.total).toBe(1);
      const entry = audit.body.items[0];
      expect(entry.username).toBe('admin');
      expect(entry.outcome).toBe('success');
      expect(entry.ip).toBeTruthy();
      expect(entry.changes.username).toBe(user.username);
      expect(JSON.stringify(entry.changes)).not.toContain(user.password);

      const logins = await t.call('GET', '/api/system/audit?action=auth.login&username=admin', { cookie: admin });
      expect(logins.body.total).toBeGreaterThanOrEqual(1);
      const prefix = await t.call('GET', '/api/system/audit?action=system.user.*', { cookie: admin });
      expect(prefix.body.items.every((e: { action: string }) => e.action.startsWith('system.user.'))).toBe(true);
    });

    it('rejects a duplicate username, unknown roles and two separated administrator roles on one user', async () => {
      const user = await createUser([]);
      const dup = await t.call('POST', '/api/system/users', {
        cookie: admin,
        body: { username: user.username.toUpperCase(), displayName: 'x', password: strongPassword(), roleIds: [] },
      });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('HT_SYSTEM_USER_EXISTS');

      const conflict = await t.call('PATCH', `/api/system/users/${user.id}`, {
        cookie: admin,
        body: { roleIds: [await roleId('secadmin'), await roleId('auditor')] },
      });
      expect(conflict.status).toBe(409);
      expect(conflict.body.code).toBe('HT_SYSTEM_ROLE_CONFLICT');

      const unknown = await t.call('PATCH', `/api/system/users/${user.id}`, {
        cookie: admin,
        body: { roleIds: ['nope'] },
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('HT_SYSTEM_ROLE_NOT_FOUND');
    });

    it('disables a user, ending their sessions, and re-enables them', async () => {
      const user = await createUser(['readonly']);
      const cookie = await signInAsNewUser(user);
      expect((await t.call('GET', '/api/meta', { cookie })).status).toBe(200);
      const off = await t.call('PATCH', `/api/system/users/${user.id}`, { cookie: admin, body: { enabled: false } });
      expect(off.body.enabled).toBe(false);
      expect((await t.call('GET', '/api/meta', { cookie })).status).toBe(401);
      const audit = await t.call('GET', `/api/system/audit?action=system.user.disable&objectId=${user.id}`, {
        cookie: admin,
      });
      expect(audit.body.total).toBe(1);
      const self = await t.call('GET', '/api/auth/me', { cookie: admin });
      const selfOff = await t.call('PATCH', `/api/system/users/${self.body.id}`, {
        cookie: admin,
        body: { enabled: false },
      });
      expect(selfOff.body.code).toBe('HT_SYSTEM_USER_SELF');
    });

    it('resets a password: the user must change it, other sessions end', async () => {
      const user = await createUser(['readonly']);
      const cookie = await signInAsNewUser(user);
      const newPassword = strongPassword();
      const res = await t.call('POST', `/api/system/users/${user.id}/reset-password`, {
        cookie: admin,
        body: { password: newPassword },
      });
      expect(res.status).toBe(204);
      expect((await t.call('GET', '/api/meta', { cookie })).status).toBe(401);
      const again = await t.login(user.username, newPassword);
      expect((await t.call('GET', '/api/auth/me', { cookie: again })).body.mustChangePassword).toBe(true);
    });

    it('enforces permissions: a read-only user cannot manage users or read the audit log', async () => {
      const user = await createUser(['readonly']);
      const cookie = await signInAsNewUser(user);
      const create = await t.call('POST', '/api/system/users', {
        cookie,
        body: { username: 'x1', displayName: 'x', password: strongPassword(), roleIds: [] },
      });
      expect(create.status).toBe(403);
      expect(create.body.code).toBe('HT_AUTH_FORBIDDEN');
      expect((await t.call('GET', '/api/system/audit', { cookie })).status).toBe(403);
      expect((await t.call('GET', '/api/system/users')).status).toBe(401);
    });

    it('gives the audit administrator the audit log and nothing of user management', async () => {
      const user = await createUser(['auditor']);
      const cookie = await signInAsNewUser(user);
      expect((await t.call('GET', '/api/system/audit', { cookie })).status).toBe(200);
      expect((await t.call('GET', '/api/system/users', { cookie })).status).toBe(403);
    });

    it('manages custom roles; built-in roles keep their permissions and cannot be deleted', async () => {
      const created = await t.call('POST', '/api/system/roles', {
        cookie: admin,
        body: { code: 'user-viewer', name: '用户查看', permissions: ['system.user.read'] },
      });
      expect(created.status, created.raw).toBe(201);
      expect(created.body.builtin).toBe(false);
      const bad = await t.call('POST', '/api/system/roles', {
        cookie: admin,
        body: { code: 'bad-role', name: 'x', permissions: ['no.such.permission'] },
      });
      expect(bad.body.code).toBe('HT_SYSTEM_UNKNOWN_PERMISSION');

      const user = await createUser(['user-viewer']);
      const cookie = await signInAsNewUser(user);
      expect((await t.call('GET', '/api/system/users', { cookie })).status).toBe(200);
      expect((await t.call('GET', '/api/system/roles', { cookie })).status).toBe(403);

      const inUse = await t.call('DELETE', `/api/system/roles/${created.body.id}`, { cookie: admin });
      expect(inUse.body.code).toBe('HT_SYSTEM_ROLE_IN_USE');
      await t.call('PATCH', `/api/system/users/${user.id}`, { cookie: admin, body: { roleIds: [] } });
      expect((await t.call('DELETE', `/api/system/roles/${created.body.id}`, { cookie: admin })).status).toBe(204);

      const sysadmin = await roleId('sysadmin');
      const builtinEdit = await t.call('PATCH', `/api/system/roles/${sysadmin}`, {
        cookie: admin,
        body: { permissions: [] },
      });
      expect(builtinEdit.body.code).toBe('HT_SYSTEM_ROLE_BUILTIN');
      const builtinDelete = await t.call('DELETE', `/api/system/roles/${sysadmin}`, { cookie: admin });
      expect(builtinDelete.body.code).toBe('HT_SYSTEM_ROLE_BUILTIN');

      const perms = await t.call('GET', '/api/system/permissions', { cookie: admin });
      expect(perms.body.items.map((p: { code: string }) => p.code)).toContain('system.audit.read');
    });

    it('issues API tokens that authenticate machine clients until revoked', async () => {
      const created = await t.call('POST', '/api/profile/tokens', {
        cookie: admin,
        body: { name: 'monitoring', expiresInDays: 30 },
      });
      expect(created.status).toBe(201);
      const token: string = created.body.token;
      expect(token).toMatch(/^ht_/);
      const bearer = { authorization: `Bearer ${token}` };
      expect((await t.call('GET', '/api/system/users', { headers: bearer })).status).toBe(200);
      const list = await t.call('GET', '/api/profile/tokens', { cookie: admin });
      expect(list.body.items[0].prefix).toBe(token.slice(0, 11));
      expect(JSON.stringify(list.body)).not.toContain(token);

      expect((await t.call('DELETE', `/api/profile/tokens/${created.body.id}`, { cookie: admin })).status).toBe(204);
      const after = await t.call('GET', '/api/system/users', { headers: bearer });
      expect(after.status).toBe(401);
      expect(after.body.code).toBe('HT_AUTH_INVALID_TOKEN');
    });

    it('ends a session idle longer than the idle timeout', async () => {
      const old = new Date(Date.now() - 31 * 60_000).toISOString();
      await t.hutong.db.kysely.updateTable('sessions').set({ last_seen_at: old }).execute();
      const res = await t.call('GET', '/api/auth/me', { cookie: admin });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('HT_AUTH_SESSION_EXPIRED');
    });

    it('ends a session past its absolute lifetime even when active', async () => {
      await t.hutong.db.kysely
        .updateTable('sessions')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .execute();
      expect((await t.call('GET', '/api/auth/me', { cookie: admin })).status).toBe(401);
    });

    it('keeps the audit log insert-only at the database', async () => {
      const k = t.hutong.db.kysely;
      await expect(k.updateTable('audit_log').set({ summary: 'tampered' }).execute()).rejects.toThrow(/insert-only/);
      await expect(k.deleteFrom('audit_log').execute()).rejects.toThrow(/insert-only/);
      const n = await sql<{ n: number }>`select count(*) as n from audit_log`.execute(k);
      expect(Number(n.rows[0]?.n)).toBeGreaterThan(0);
    });

    it('updates the own profile and audits the change', async () => {
      const res = await t.call('PATCH', '/api/profile', {
        cookie: admin,
        body: { displayName: '信息科 王工', email: 'wang@example.org' },
      });
      expect(res.status).toBe(200);
      expect(res.body.displayName).toBe('信息科 王工');
      const audit = await t.call('GET', '/api/system/audit?action=system.profile.update', { cookie: admin });
      expect(audit.body.items[0].changes.displayName).toEqual(['系统管理员', '信息科 王工']);
    });

    it('answers bad requests with stable codes: malformed JSON, unknown fields, oversized bodies, unknown paths', async () => {
      const malformed = await t.call('POST', '/api/system/users', { cookie: admin, body: '{"username": ' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe('HT_REQUEST_MALFORMED_JSON');
      expect(malformed.headers['content-type']).toMatch(/application\/problem\+json/);

      const extra = await t.call('POST', '/api/system/users', {
        cookie: admin,
        body: { username: 'ok-name', displayName: 'x', password: strongPassword(), roleIds: [], isAdmin: true },
      });
      expect(extra.status).toBe(400);
      expect(extra.body.code).toBe('HT_REQUEST_INVALID');
      expect(extra.body.errors).toContainEqual({
        path: 'body/isAdmin',
        message: expect.stringContaining('unknown field'),
      });

      const big = await t.call('PATCH', '/api/profile', {
        cookie: admin,
        body: JSON.stringify({ displayName: 'x'.repeat(t.config.http.bodyLimitBytes + 10) }),
      });
      expect(big.status).toBe(413);
      expect(big.body.code).toBe('HT_REQUEST_TOO_LARGE');

      const missing = await t.call('GET', '/api/no/such/thing', { cookie: admin });
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('HT_NOT_FOUND');

      const english = await t.call('GET', '/api/system/users', { headers: { 'accept-language': 'en-US,en;q=0.9' } });
      expect(english.body.message).toBe('Authentication required');
      const chinese = await t.call('GET', '/api/system/users');
      expect(chinese.body.message).toBe('请先登录');
    });

    it('tells the console which database and durability mode it runs with', async () => {
      const meta = await t.call('GET', '/api/meta', { cookie: admin });
      expect(meta.body).toMatchObject({ name: 'Hutong', database: dialect.name, durability: 'fsync' });
    });

    it('answers health, readiness and metrics without signing in', async () => {
      expect((await t.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
      expect((await t.call('GET', '/readyz')).body).toEqual({ status: 'ready', database: dialect.name });
      const metrics = await t.call('GET', '/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.raw).toContain('hutong_http_requests_total');
    });
  });
}
