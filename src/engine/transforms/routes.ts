// HTTP routes of the named transforms (规则转换) and the try-it endpoint: schema in, one service call, presenter out.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors, IdParams, NoContent } from '../config/http.js';
import { EP } from '../permissions.js';
import * as S from './schema.js';
import type { TransformService } from './service.js';

const tags = ['engine-transforms'];

export function transformRoutes(app: FastifyInstance, service: TransformService): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/engine/transforms',
    {
      config: { permission: EP.configRead },
      schema: {
        tags,
        summary: '规则转换列表 Named transforms',
        querystring: S.TransformListQuery,
        response: { 200: S.NamedTransformList, ...errors },
      },
    },
    async (request) => service.list(request.ctx, request.query),
  );

  r.post(
    '/api/engine/transforms',
    {
      config: { permission: EP.transformManage },
      schema: {
        tags,
        summary: '新建规则转换（表达式须能编译）',
        body: S.CreateTransformBody,
        response: { 201: S.NamedTransform, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(request.ctx, request.body)),
  );

  // Declared as `authenticated`: the service asks for transform or configuration management, and additionally for
  // reading messages when a stored message is used.
  r.post(
    '/api/engine/transforms/try',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags,
        summary: '试运行过滤条件或转换（不保存）Try a filter or transform',
        body: S.TryBody,
        response: { 200: S.TryResult, ...errors },
      },
    },
    async (request) => service.tryExpression(request.ctx, request.body),
  );

  r.get(
    '/api/engine/transforms/:id',
    {
      config: { permission: EP.configRead },
      schema: {
        tags,
        summary: '规则转换详情',
        params: IdParams,
        response: { 200: S.NamedTransform, ...errors },
      },
    },
    async (request) => service.get(request.ctx, request.params.id),
  );

  r.patch(
    '/api/engine/transforms/:id',
    {
      config: { permission: EP.transformManage },
      schema: {
        tags,
        summary: '修改规则转换',
        params: IdParams,
        body: S.UpdateTransformBody,
        response: { 200: S.NamedTransform, ...errors },
      },
    },
    async (request) => service.update(request.ctx, request.params.id, request.body),
  );

  r.delete(
    '/api/engine/transforms/:id',
    {
      config: { permission: EP.transformManage },
      schema: {
        tags,
        summary: '删除规则转换（未被订阅关系引用时）',
        params: IdParams,
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      await service.remove(request.ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
