// Liveness (/healthz: the process answers) and readiness (/readyz: the database answers too).
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Database } from '../db/index.js';
import { HtError } from '../errors/index.js';

export function registerHealth(app: FastifyInstance, db: Database): void {
  app.get(
    '/healthz',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['health'],
        summary: '存活检查 Liveness',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['health'],
        summary: '就绪检查 Readiness (database reachable)',
        response: {
          200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }),
          503: Type.Ref('Problem'),
        },
      },
    },
    async (request) => {
      try {
        await db.ping();
      } catch (error) {
        request.log.warn({ err: error }, 'readiness: database unreachable');
        throw new HtError('HT_UNAVAILABLE', { reason: 'database unreachable' });
      }
      return { status: 'ready' as const, database: db.dialect };
    },
  );
}
