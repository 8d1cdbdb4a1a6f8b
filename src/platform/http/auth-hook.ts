// Runs first on every request: who is calling (session cookie or API token), in which language, from where — and
// whether the route they reached allows it. Deny by default: a route that declares no permission answers 403.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createContext, type AuthUser } from '../auth/context.js';
import { SESSION_COOKIE, type Identity } from '../auth/identity.js';
import { HtError, pickLang } from '../errors/index.js';
import { sendProblem } from './errors.js';
import { isInboundRoute, isPublicRoute } from './public-routes.js';

export function registerAuthHook(app: FastifyInstance, identity: Identity): void {
  app.decorateRequest('ctx', null as never);
  app.addHook('onRequest', async (request, reply) => {
    const lang = pickLang(request.headers['accept-language']);
    const config = request.routeOptions.config;
    const permission = config?.permission;
    const url = request.routeOptions.url;
    // No route matched: the not-found handler answers (a JSON 404, or the console's index.html).
    if (url === undefined) {
      request.ctx = makeCtx(request, lang, null);
      return;
    }
    const isPublic = permission === 'public' || (!permission && isPublicRoute(request.method, url));
    // Business systems authenticate with their own credentials in the engine's inbound handler.
    if (permission === 'inbound' && isInboundRoute(request.method, url)) {
      request.ctx = makeCtx(request, lang, null);
      return;
    }

    let user: AuthUser | null = null;
    let presented = false;
    try {
      const auth = request.headers.authorization;
      if (auth?.startsWith('Bearer ')) {
        presented = true;
        user = await identity.resolveToken(auth.slice(7).trim());
        if (!user && !isPublic) {
          request.ctx = makeCtx(request, lang, null);
          return sendProblem(reply, request, new HtError('HT_AUTH_INVALID_TOKEN'));
        }
      } else {
        const cookie = request.cookies?.[SESSION_COOKIE];
        if (cookie) {
          presented = true;
          user = await identity.resolveSession(cookie);
        }
      }
    } catch (error) {
      request.log.error({ err: error }, 'credential check failed');
      request.ctx = makeCtx(request, lang, null);
      return sendProblem(reply, request, new HtError('HT_UNAVAILABLE', { reason: 'database' }));
    }
    request.ctx = makeCtx(request, lang, user);
    if (isPublic) return;
    if (!permission) {
      return sendProblem(reply, request, new HtError('HT_AUTH_FORBIDDEN', { permission: '(undeclared)' }));
    }
    if (!user)
      return sendProblem(reply, request, new HtError(presented ? 'HT_AUTH_SESSION_EXPIRED' : 'HT_AUTH_REQUIRED'));
    if (user.mustChangePassword && !config?.allowDuringPasswordChange) {
      return sendProblem(reply, request, new HtError('HT_AUTH_PASSWORD_CHANGE_REQUIRED'));
    }
    if (permission !== 'authenticated' && !user.permissions.has(permission)) {
      return sendProblem(reply, request, new HtError('HT_AUTH_FORBIDDEN', { permission }));
    }
    return;
  });
}

function makeCtx(request: FastifyRequest, lang: 'zh-CN' | 'en', user: AuthUser | null) {
  return createContext({
    requestId: request.id,
    ip: request.ip ?? null,
    userAgent: request.headers['user-agent'] ?? null,
    lang,
    user,
  });
}
