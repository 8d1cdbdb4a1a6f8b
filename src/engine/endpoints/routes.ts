// HTTP routes of the inbound endpoints (接入端点): schema in, one service call, presenter out.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors, IdParams, NoContent } from '../config/http.js';
import { EP } from '../permissions.js';
import * as S from './schema.js';
import type { EndpointService } from './service.js';

const read = { permission: EP.configRead };
const manage = { permission: EP.configManage };
const tags = ['engine-endpoints'];

export function endpointRoutes(app: FastifyInstance, service: EndpointService): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/engine/endpoints',
    {
      config: read,
      schema: {
        tags,
        summary: '接入端点列表 Inbound endpoints',
        querystring: S.EndpointListQuery,
        response: { 200: S.EndpointPage, ...errors },
      },
    },
    async (request) => service.list(request.ctx, request.query),
  );

  r.post(
    '/api/engine/endpoints',
    {
      config: manage,
      schema: {
        tags,
        summary: '新建接入端点（MLLP 监听或 WebService）',
        description:
          '设置按协议校验（见适配器目录中 mllp / soap 接入适配器的 configSchema）；MLLP 端点保存后立即开始监听（服务已启动时）。',
        body: S.CreateEndpointBody,
        response: { 201: S.Endpoint, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(request.ctx, request.body)),
  );

  r.get(
    '/api/engine/endpoints/:id',
    {
      config: read,
      schema: { tags, summary: '接入端点详情', params: IdParams, response: { 200: S.Endpoint, ...errors } },
    },
    async (request) => service.get(request.ctx, request.params.id),
  );

  r.patch(
    '/api/engine/endpoints/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: '修改接入端点（含启用/停用；设置中给出的键替换原值）',
        description: '监听地址、端口、TLS 或大小限制改变时重启监听；其他设置对下一条消息生效。',
        params: IdParams,
        body: S.UpdateEndpointBody,
        response: { 200: S.Endpoint, ...errors },
      },
    },
    async (request) => service.update(request.ctx, request.params.id, request.body),
  );

  r.delete(
    '/api/engine/endpoints/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: '删除接入端点（MLLP 监听处理完已收到的消息后关闭）',
        params: IdParams,
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      await service.remove(request.ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/api/engine/endpoints/:id/status',
    {
      config: read,
      schema: {
        tags,
        summary: '接入端点运行状态（监听状态、连接数、收到/接受/拒收计数、最近错误）',
        params: IdParams,
        response: { 200: S.EndpointStatus, ...errors },
      },
    },
    async (request) => service.status(request.ctx, request.params.id),
  );
}
