// HTTP routes of the interaction-service catalogue (交互服务目录): read-only, schema in, catalogue call, out; then the
// console's try-it and activity routes (console-routes.ts), which need the engine.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { HtError } from '../platform/errors/index.js';
import { getServiceDefinition, searchServices } from './catalogue/catalogue.js';
import { serviceJsonSchema } from './catalogue/json-schema.js';
import type { ServiceDefinition as Definition } from './catalogue/types.js';
import { serviceConsoleRoutes, type ServiceConsoleDeps } from './console-routes.js';
import { SP } from './permissions.js';
import * as S from './schema.js';

const Problem = Type.Ref('Problem');
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };
const read = { permission: SP.catalogueRead };
const tags = ['services'];

/** The API shape: the definition without the mapper's template (internal). */
function present(d: Definition): Omit<Definition, 'v3Template'> {
  const { v3Template: _template, ...rest } = d;
  return rest;
}

export function serviceRoutes(app: FastifyInstance, consoleDeps: ServiceConsoleDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/services',
    {
      config: read,
      schema: {
        tags,
        summary: '交互服务目录 Interaction-service catalogue',
        querystring: S.ServiceListQuery,
        response: { 200: S.ServiceList, ...errors },
      },
    },
    async (request) => {
      request.ctx.require(SP.catalogueRead);
      return { items: searchServices(request.query) };
    },
  );

  r.get(
    '/api/services/:action',
    {
      config: read,
      schema: {
        tags,
        summary: '交互服务定义（action 或 S 编码）',
        params: S.ServiceParams,
        response: { 200: S.ServiceDefinition, ...errors },
      },
    },
    async (request) => {
      request.ctx.require(SP.catalogueRead);
      const def = getServiceDefinition(request.params.action);
      if (!def) throw new HtError('HT_SERVICE_NOT_FOUND', { service: request.params.action });
      return present(def);
    },
  );

  r.get(
    '/api/services/:action/schema',
    {
      config: read,
      schema: {
        tags,
        summary: '交互服务 JSON 结构（JSON Schema）',
        description: 'REST 调用（POST /api/hip/{domain}/{service}，application/json）时请求体须符合的 JSON Schema。',
        params: S.ServiceParams,
        response: { 200: S.ServiceJsonSchema, ...errors },
      },
    },
    async (request) => {
      request.ctx.require(SP.catalogueRead);
      const def = getServiceDefinition(request.params.action);
      if (!def) throw new HtError('HT_SERVICE_NOT_FOUND', { service: request.params.action });
      return serviceJsonSchema(def);
    },
  );

  serviceConsoleRoutes(app, consoleDeps);
}
