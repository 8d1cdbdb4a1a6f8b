// Inbound over HTTP: POST /api/hip/{domain}/{topic} (REST: JSON answers) and POST /http/{domain}/{topic} (plain HTTP:
// async answers 202 with X-Hutong-Message-Id; sync topics pass the provider's answer through unchanged). Bodies are
// kept as sent — JSON, XML or text — and the caller is a business system, not a console user.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { HtError } from '../../platform/errors/index.js';
import type { EngineConfigCache } from '../config/cache.js';
import type { IngestPipeline, IngestResult } from './pipeline.js';
import { authenticateSystem } from './system-auth.js';

const Params = Type.Object(
  { domain: Type.String({ maxLength: 64 }), topic: Type.String({ maxLength: 128 }) },
  { additionalProperties: false },
);
const Paging = Type.Object(
  {
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: '查询结果页码（平台应答的查询）' })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: '每页条数（平台应答的查询）' })),
  },
  { additionalProperties: false },
);
const Accepted = Type.Object({
  messageId: Type.String(),
  status: Type.Union([Type.Literal('accepted'), Type.Literal('duplicate')]),
  routedTo: Type.Integer({ description: 'deliveries created (0 for a duplicate)' }),
});
const Problem = Type.Ref('Problem');

export interface InboundRouteDeps {
  cache: EngineConfigCache;
  pipeline: IngestPipeline;
  onAuthFailure(request: FastifyRequest, error: HtError): void;
}

export function inboundRoutes(app: FastifyInstance, deps: InboundRouteDeps): void {
  // Inside this plugin every body arrives as text: it is stored byte for byte and decoded by the topic's model.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  const handle = async (
    request: FastifyRequest<{
      Params: { domain: string; topic: string };
      Querystring: { page?: number; pageSize?: number };
    }>,
    kind: 'rest' | 'http',
  ) => {
    let system;
    try {
      system = authenticateSystem(deps.cache, request.headers.authorization, request.ip);
    } catch (error) {
      if (error instanceof HtError) deps.onAuthFailure(request, error);
      throw error;
    }
    const body = typeof request.body === 'string' ? request.body : '';
    const contentType = request.headers['content-type'] ?? 'application/octet-stream';
    const sourceId = request.headers['x-message-id'] ?? request.headers['x-hutong-source-message-id'];
    return deps.pipeline.ingest({
      domainCode: request.params.domain,
      topicCode: request.params.topic,
      system,
      body,
      contentType: String(contentType),
      inbound: kind,
      sourceMessageId: typeof sourceId === 'string' && sourceId ? sourceId.slice(0, 128) : null,
      ...(kind === 'rest' && request.headers.accept ? { accept: request.headers.accept } : {}),
      ...(request.query.page || request.query.pageSize
        ? { paging: { page: request.query.page ?? 1, pageSize: request.query.pageSize ?? 20 } }
        : {}),
    });
  };

  const answerSync = (reply: FastifyReply, result: IngestResult) =>
    reply
      .status(result.sync!.statusCode)
      .header('x-hutong-message-id', result.messageId)
      .type(result.sync!.contentType)
      .serializer((payload: unknown) => payload as string)
      .send(result.sync!.body);

  r.post(
    '/api/hip/:domain/:topic',
    {
      config: { permission: 'inbound' },
      schema: {
        tags: ['inbound'],
        summary: '发布消息（REST）Publish a message',
        description:
          '接入系统以 API 令牌（Authorization: Bearer）或 HTTP Basic 认证。异步主题在消息落盘后返回消息 ID；同步主题返回服务提供方的应答。' +
          '可用 X-Message-Id 头传递发送方消息 ID，用于重复消息抑制。',
        params: Params,
        querystring: Paging,
        response: { 202: Accepted, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 413: Problem },
      },
    },
    async (request, reply) => {
      const result = await handle(request, 'rest');
      if (result.outcome === 'sync') return answerSync(reply, result);
      return reply.status(202).send({
        messageId: result.messageId,
        status: result.outcome === 'duplicate' ? 'duplicate' : 'accepted',
        routedTo: result.routedTo,
      });
    },
  );

  r.post(
    '/http/:domain/:topic',
    {
      config: { permission: 'inbound' },
      schema: {
        tags: ['inbound'],
        summary: '发布消息（纯 HTTP）Publish over plain HTTP',
        params: Params,
        querystring: Paging,
      },
    },
    async (request, reply) => {
      const result = await handle(request, 'http');
      if (result.outcome === 'sync') return answerSync(reply, result);
      return reply.status(202).header('x-hutong-message-id', result.messageId).send();
    },
  );
}
