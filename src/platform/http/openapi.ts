// The OpenAPI document, generated from the routes' TypeBox schemas, served at /api/openapi.json with Swagger UI at
// /api/docs. The console's typed API client is generated from the same document (npm run gen:api).
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: '互通 Hutong API',
        version,
        description:
          '医院集成平台 API。认证：会话 Cookie（hutong_session，由 /api/auth/login 设置）或 API 令牌（Authorization: Bearer ht_…）。' +
          '错误为 application/problem+json，带稳定错误码 HT_…。',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'hutong_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
}

export async function registerOpenApiUi(app: FastifyInstance): Promise<void> {
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
  app.get('/api/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, async () => app.swagger());
}
