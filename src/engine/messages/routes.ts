// HTTP routes of message search (消息检索): schema in, one service call, presenter out.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors, IdParams, NoContent } from '../config/http.js';
import { EP } from '../permissions.js';
import * as S from './schema.js';
import type { MessageService } from './service.js';
import { MessageStructureSchema, XmlNodeSchema } from './structure.js';
import { validatorCompiler } from '../../platform/http/validation.js';

const tags = ['engine-messages'];

export interface MessageRouteDeps {
  service: MessageService;
}

export function messageRoutes(app: FastifyInstance, deps: MessageRouteDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { service } = deps;

  r.get(
    '/api/engine/messages',
    {
      config: { permission: EP.messageRead },
      schema: {
        tags,
        summary: '消息检索 Search messages',
        description: S.WINDOW_NOTE,
        querystring: S.MessageSearchQuery,
        response: { 200: S.MessagePage, ...errors },
      },
    },
    async (request) => service.search(request.ctx, request.query),
  );

  r.get(
    '/api/engine/messages/:id',
    {
      config: { permission: EP.messageRead },
      schema: {
        tags,
        summary: '消息详情与轨迹（查看记入审计日志）Message detail and trace (audited)',
        params: IdParams,
        response: { 200: S.MessageDetail, ...errors },
      },
    },
    async (request) => service.detail(request.ctx, request.params.id),
  );

  // The XML tree is recursive, so the answer refers to a shared schema (XmlNode). Adding a shared schema makes
  // Fastify rebuild that context's validator from its default factory, so this route gets a context of its own
  // that sets the TypeBox validator again; the other routes are left as they are.
  void app.register(async (scope) => {
    scope.addSchema(XmlNodeSchema);
    scope.setValidatorCompiler(validatorCompiler);
    scope.withTypeProvider<TypeBoxTypeProvider>().get(
      '/api/engine/messages/:id/structure',
      {
        config: { permission: EP.messageRead },
        schema: {
          tags,
          summary: '消息结构：HL7 v2 段/字段表、XML 元素树（查看记入审计日志）Message structure (audited)',
          params: IdParams,
          response: { 200: MessageStructureSchema, ...errors },
        },
      },
      async (request) => service.structure(request.ctx, request.params.id),
    );
  });

  r.post(
    '/api/engine/messages/:id/resend',
    {
      config: { permission: EP.messageResend },
      schema: {
        tags,
        summary: '整条消息重发（作为新消息重新路由）Resend the whole message as a new one',
        params: IdParams,
        response: { 200: S.ResendResult, ...errors },
      },
    },
    async (request) => service.resendMessage(request.ctx, request.params.id),
  );

  r.post(
    '/api/engine/messages/:id/edit-resend',
    {
      config: { permission: EP.messageEditResend },
      schema: {
        tags,
        summary: '编辑后重发 Edit and resend as a new message',
        params: IdParams,
        body: S.EditResendBody,
        response: { 200: S.ResendResult, ...errors },
      },
    },
    async (request) => service.editResend(request.ctx, request.params.id, request.body),
  );

  r.post(
    '/api/engine/messages/resend',
    {
      config: { permission: EP.messageResend },
      schema: {
        tags,
        summary: '按条件批量重发 Bulk resend by filter',
        body: S.BulkResendBody,
        response: { 200: S.BulkResendResult, ...errors },
      },
    },
    async (request) => service.bulkResend(request.ctx, request.body),
  );

  r.post(
    '/api/engine/deliveries/:id/resend',
    {
      config: { permission: EP.messageResend },
      schema: {
        tags,
        summary: '重发一个投递 Resend one delivery',
        params: IdParams,
        response: { 200: S.DeliveryResendResult, ...errors },
      },
    },
    async (request) => service.resendDelivery(request.ctx, request.params.id),
  );

  // ---- saved searches (收藏) -------------------------------------------------------------------------------------
  r.get(
    '/api/engine/saved-queries',
    {
      config: { permission: EP.messageRead },
      schema: { tags, summary: '我收藏的查询 My saved searches', response: { 200: S.SavedQueryList, ...errors } },
    },
    async (request) => service.listSavedQueries(request.ctx),
  );

  r.post(
    '/api/engine/saved-queries',
    {
      config: { permission: EP.messageRead },
      schema: {
        tags,
        summary: '收藏查询 Save a search',
        body: S.SaveQueryBody,
        response: { 201: S.SavedQuery, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.saveQuery(request.ctx, request.body)),
  );

  r.delete(
    '/api/engine/saved-queries/:id',
    {
      config: { permission: EP.messageRead },
      schema: {
        tags,
        summary: '删除收藏的查询 Delete a saved search',
        params: IdParams,
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      await service.deleteSavedQuery(request.ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
