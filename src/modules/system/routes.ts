// HTTP routes of system administration: schema in, one service call, presenter out.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { withUser } from '../../platform/auth/context.js';
import { SESSION_COOKIE, type Identity } from '../../platform/auth/identity.js';
import type { Config } from '../../platform/config/index.js';
import { P } from './permissions.js';
import * as S from './schema.js';
import type { SystemService } from './service.js';

const Problem = Type.Ref('Problem');
const NoContent = Type.Null({ description: 'No content' });
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };

export interface SystemRouteDeps {
  service: SystemService;
  identity: Identity;
  config: Config;
  version: string;
  startedAt: string;
}

export function systemRoutes(app: FastifyInstance, deps: SystemRouteDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { service, identity, config } = deps;

  const setSessionCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: config.session.cookieSecure,
      maxAge: config.session.absoluteHours * 3600,
    });

  // ---- sign-in ---------------------------------------------------------------------------------------------------
  r.post(
    '/api/auth/login',
    {
      config: { permission: 'public' },
      schema: { tags: ['auth'], summary: '登录 Sign in', body: S.LoginBody, response: { 200: S.Me, ...errors } },
    },
    async (request, reply) => {
      const result = await identity.login(request.ctx, request.body.username, request.body.password);
      setSessionCookie(reply, result.sessionToken);
      return service.me(withUser(request.ctx, result.user));
    },
  );

  r.post(
    '/api/auth/logout',
    {
      config: { permission: 'authenticated', allowDuringPasswordChange: true },
      schema: { tags: ['auth'], summary: '退出登录 Sign out', response: { 204: NoContent, ...errors } },
    },
    async (request, reply) => {
      await identity.logout(request.ctx);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/api/auth/me',
    {
      config: { permission: 'authenticated', allowDuringPasswordChange: true },
      schema: { tags: ['auth'], summary: '当前用户 The signed-in user', response: { 200: S.Me, ...errors } },
    },
    async (request) => service.me(request.ctx),
  );

  r.post(
    '/api/auth/password',
    {
      config: { permission: 'authenticated', allowDuringPasswordChange: true },
      schema: {
        tags: ['auth'],
        summary: '修改本人密码 Change own password',
        body: S.ChangePasswordBody,
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      await identity.changeOwnPassword(request.ctx, request.body.currentPassword, request.body.newPassword);
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/api/meta',
    {
      config: { permission: 'authenticated' },
      schema: { tags: ['auth'], summary: '产品信息 About this installation', response: { 200: S.Meta, ...errors } },
    },
    async (request) => service.meta(request.ctx, deps.version, deps.startedAt),
  );

  // ---- own profile -----------------------------------------------------------------------------------------------
  r.patch(
    '/api/profile',
    {
      config: { permission: 'authenticated' },
      schema: { tags: ['profile'], summary: '修改个人资料', body: S.ProfileBody, response: { 200: S.Me, ...errors } },
    },
    async (request) => service.updateProfile(request.ctx, request.body),
  );

  r.get(
    '/api/profile/tokens',
    {
      config: { permission: 'authenticated' },
      schema: { tags: ['profile'], summary: '我的 API 令牌', response: { 200: S.ApiTokenList, ...errors } },
    },
    async (request) => ({ items: await identity.listTokens(request.ctx) }),
  );

  r.post(
    '/api/profile/tokens',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['profile'],
        summary: '创建 API 令牌（只显示一次）',
        body: S.CreateTokenBody,
        response: { 201: S.NewApiToken, ...errors },
      },
    },
    async (request, reply) => {
      const token = await identity.createToken(request.ctx, request.body.name, request.body.expiresInDays);
      return reply.status(201).send(token);
    },
  );

  r.delete(
    '/api/profile/tokens/:id',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['profile'],
        summary: '吊销 API 令牌',
        params: S.IdParams,
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      await identity.revokeToken(request.ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );

  // ---- users (用户管理) ------------------------------------------------------------------------------------------
  r.get(
    '/api/system/users',
    {
      config: { permission: P.userRead },
      schema: {
        tags: ['system'],
        summary: '用户列表',
        querystring: S.UserListQuery,
        response: { 200: S.UserPage, ...errors },
      },
    },
    async (request) => service.listUsers(request.ctx, request.query),
  );

  r.post(
    '/api/system/users',
    {
      config: { permission: P.userManage },
      schema: { tags: ['system'], summary: '新建用户', body: S.CreateUserBody, response: { 201: S.User, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await service.createUser(request.ctx, request.body)),
  );

  r.get(
    '/api/system/users/:id',
    {
      config: { permission: P.userRead },
      schema: { tags: ['system'], summary: '用户详情', params: S.IdParams, response: { 200: S.User, ...errors } },
    },
    async (request) => service.getUser(request.ctx, request.params.id),
  );

  r.patch(
    '/api/system/users/:id',
    {
      config: { permission: P.userManage },
      schema: {
        tags: ['system'],
        summary: '修改用户（含启用/停用、角色）',
        params: S.IdParams,
        body: S.UpdateUserBody,
        response: { 200: S.User, ...errors },
      },
    },
    async (request) => service.updateUser(request.ctx, request.params.id, request.body),
  );

  r.post(
    '/api/system/users/:id/reset-password',
    {
      config: { permission: P.userManage },
      schema: {
        tags: ['system'],
        summary: '重置密码（下次登录须修改）',
        params: S.IdParams,
        body: S.ResetPasswordBody,
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      await service.resetPassword(request.ctx, request.params.id, request.body.password);
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/api/system/users/:id/unlock',
    {
      config: { permission: P.userManage },
      schema: { tags: ['system'], summary: '解锁用户', params: S.IdParams, response: { 204: NoContent, ...errors } },
    },
    async (request, reply) => {
      await service.unlockUser(request.ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );

  // ---- roles and permissions (角色与权限) -------------------------------------------------------------------------
  r.get(
    '/api/system/roles',
    {
      config: { permission: P.roleRead },
      schema: { tags: ['system'], summary: '角色列表', response: { 200: S.RoleList, ...errors } },
    },
    async (request) => service.listRoles(request.ctx),
  );

  r.post(
    '/api/system/roles',
    {
      config: { permission: P.roleManage },
      schema: { tags: ['system'], summary: '新建角色', body: S.CreateRoleBody, response: { 201: S.Role, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await service.createRole(request.ctx, request.body)),
  );

  r.patch(
    '/api/system/roles/:id',
    {
      config: { permission: P.roleManage },
      schema: {
        tags: ['system'],
        summary: '修改角色',
        params: S.IdParams,
        body: S.UpdateRoleBody,
        response: { 200: S.Role, ...errors },
      },
    },
    async (request) => service.updateRole(request.ctx, request.params.id, request.body),
  );

  r.delete(
    '/api/system/roles/:id',
    {
      config: { permission: P.roleManage },
      schema: { tags: ['system'], summary: '删除角色', params: S.IdParams, response: { 204: NoContent, ...errors } },
    },
    async (request, reply) => {
      await service.deleteRole(request.ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/api/system/permissions',
    {
      config: { permission: P.roleRead },
      schema: { tags: ['system'], summary: '权限目录', response: { 200: S.PermissionList, ...errors } },
    },
    async (request) => service.listPermissions(request.ctx),
  );

  // ---- audit log (审计日志) ---------------------------------------------------------------------------------------
  r.get(
    '/api/system/audit',
    {
      config: { permission: P.auditRead },
      schema: {
        tags: ['system'],
        summary: '审计日志检索',
        querystring: S.AuditQuery,
        response: { 200: S.AuditPage, ...errors },
      },
    },
    async (request) => service.searchAudit(request.ctx, request.query),
  );
}
