// HTTP route of message retention (消息保留与清理): purge now.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { EP } from '../permissions.js';
import * as S from './schema.js';
import type { RetentionService } from './service.js';

const Problem = Type.Ref('Problem');
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };

export interface RetentionRouteDeps {
  service: RetentionService;
}

export function retentionRoutes(app: FastifyInstance, deps: RetentionRouteDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post(
    '/api/engine/retention/purge',
    {
      config: { permission: EP.retentionManage },
      schema: {
        tags: ['engine-retention'],
        summary: '立即清理过期消息 Purge expired messages now',
        description:
          '删除接收时间早于所在域保留天数的消息及其投递、尝试记录；仍有未完成投递的消息默认保留。每天 03:30（北京时间）自动执行。' +
          'Deletes messages older than their domain’s retention with their deliveries and attempts; messages with ' +
          'unfinished deliveries are kept unless includeUndelivered. Also runs daily at 03:30 Asia/Shanghai.',
        body: S.PurgeBody,
        response: { 200: S.PurgeResult, ...errors },
      },
    },
    async (request) =>
      deps.service.purge(request.ctx, {
        ...(request.body.domainId ? { domainId: request.body.domainId } : {}),
        includeUndelivered: request.body.includeUndelivered === true,
      }),
  );
}
