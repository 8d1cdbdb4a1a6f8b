// HTTP routes of the message models (消息模型管理): schema in, one service call, presenter out.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors, NoContent } from '../config/http.js';
import { EP } from '../permissions.js';
import * as S from './schema.js';
import type { ModelService } from './service.js';

const tags = ['engine-models'];

export function modelRoutes(app: FastifyInstance, service: ModelService): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/engine/models',
    {
      config: { permission: EP.configRead },
      schema: { tags, summary: '消息模型列表 Message models', response: { 200: S.ModelList, ...errors } },
    },
    async (request) => service.list(request.ctx),
  );

  r.post(
    '/api/engine/models',
    {
      config: { permission: EP.configManage },
      schema: {
        tags,
        summary: '注册消息模型（JSON / XML）',
        body: S.CreateModelBody,
        response: { 201: S.ModelDetail, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(request.ctx, request.body)),
  );

  r.get(
    '/api/engine/models/:code',
    {
      config: { permission: EP.configRead },
      schema: {
        tags,
        summary: '消息模型详情（含结构定义）',
        params: S.ModelParams,
        response: { 200: S.ModelDetail, ...errors },
      },
    },
    async (request) => service.get(request.ctx, request.params.code),
  );

  r.patch(
    '/api/engine/models/:code',
    {
      config: { permission: EP.configManage },
      schema: {
        tags,
        summary: '修改消息模型',
        params: S.ModelParams,
        body: S.UpdateModelBody,
        response: { 200: S.ModelDetail, ...errors },
      },
    },
    async (request) => service.update(request.ctx, request.params.code, request.body),
  );

  r.delete(
    '/api/engine/models/:code',
    {
      config: { permission: EP.configManage },
      schema: {
        tags,
        summary: '删除消息模型（非内置、无主题使用时）',
        params: S.ModelParams,
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      await service.remove(request.ctx, request.params.code);
      return reply.status(204).send(null);
    },
  );

  r.put(
    '/api/engine/models/:code/schema',
    {
      config: { permission: EP.configManage },
      schema: {
        tags,
        summary: '上传结构定义（JSON Schema / XSD）',
        params: S.ModelParams,
        body: S.PutSchemaBody,
        response: { 200: S.ModelDetail, ...errors },
      },
    },
    async (request) => service.putSchema(request.ctx, request.params.code, request.body),
  );

  r.delete(
    '/api/engine/models/:code/schema',
    {
      config: { permission: EP.configManage },
      schema: {
        tags,
        summary: '删除结构定义',
        params: S.ModelParams,
        response: { 200: S.ModelDetail, ...errors },
      },
    },
    async (request) => service.deleteSchema(request.ctx, request.params.code),
  );

  r.post(
    '/api/engine/models/:code/validate',
    {
      config: { permission: EP.configRead },
      schema: {
        tags,
        summary: '用样例消息试校验（不保存）',
        params: S.ModelParams,
        body: S.ValidateSampleBody,
        response: { 200: S.ValidateSampleResult, ...errors },
      },
    },
    async (request) => service.validateSample(request.ctx, request.params.code, request.body),
  );
}
