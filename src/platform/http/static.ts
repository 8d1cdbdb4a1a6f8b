// Serves the built console (web/dist) and falls back to its index.html for client-side routes; API paths that
// match nothing get a JSON 404 instead.
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { apiNotFound } from './errors.js';

const API_PREFIXES = ['/api/', '/services/', '/metrics', '/healthz', '/readyz'];

export async function registerConsole(app: FastifyInstance, webDist: string): Promise<void> {
  const index = path.join(webDist, 'index.html');
  const built = existsSync(index);
  if (built) {
    await app.register(fastifyStatic, {
      root: webDist,
      prefix: '/',
      wildcard: true,
      index: ['index.html'],
      maxAge: '1h',
      setHeaders: (res, file) => {
        if (file.endsWith('index.html')) res.setHeader('cache-control', 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0] ?? '/';
    if (request.method !== 'GET' || API_PREFIXES.some((p) => url === p.replace(/\/$/, '') || url.startsWith(p))) {
      return apiNotFound(request, reply);
    }
    if (!built) {
      return reply
        .type('text/plain; charset=utf-8')
        .send('互通 Hutong: the console is not built. Run `npm run build` (npm start does this for you).');
    }
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').sendFile('index.html');
  });
}
