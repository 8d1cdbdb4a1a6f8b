// HTTP route of engine monitoring (运行监控 / 消息监控).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { EP } from '../permissions.js';
import * as S from './schema.js';
import type { MonitoringService } from './service.js';

const Problem = Type.Ref('Problem');
const errors = { 400: Problem, 401: Problem, 403: Problem };

export interface MonitoringRouteDeps {
  service: MonitoringService;
}

export function monitoringRoutes(app: FastifyInstance, deps: MonitoringRouteDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get(
    '/api/engine/stats',
    {
      config: { permission: EP.monitorRead },
      schema: {
        tags: ['engine-monitoring'],
        summary: '运行监控统计 Engine statistics of the last N minutes',
        description:
          '每分钟接收、投递成功、失败尝试；主题及其发布方、订阅方；各订阅队列；投递延迟 p50/p95；主题排行；最近错误；合计。' +
          '结果缓存 5 秒。Per-minute received, delivered and failed attempts; topics with publishers and subscribers; ' +
          'queues; delivery latency; topic ranking; recent errors; totals. Results are cached for 5 seconds.',
        querystring: S.StatsQuery,
        response: { 200: S.Stats, ...errors },
      },
    },
    async (request) => deps.service.stats(request.ctx, request.query),
  );
}
