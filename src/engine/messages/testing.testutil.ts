// Test-only helpers shared by the message, monitoring and retention tests: request contexts for signed-in users,
// and an HTTP harness that serves routes with the platform's auth hook and error handling until the engine assembly
// registers them in the app itself. Not exported from index.ts.
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { createContext, type RequestContext } from '../../platform/auth/context.js';
import type { Identity } from '../../platform/auth/identity.js';
import { registerAuthHook } from '../../platform/http/auth-hook.js';
import { registerErrorHandling } from '../../platform/http/errors.js';
import '../../platform/http/types.js';
import { validatorCompiler } from '../../platform/http/validation.js';

/** The request context of the user signed in with `cookieHeader` ("hutong_session=…"). */
export async function contextFor(
  identity: Identity,
  cookieHeader: string,
  lang: 'zh-CN' | 'en' = 'zh-CN',
): Promise<RequestContext> {
  const token = cookieHeader.slice(cookieHeader.indexOf('=') + 1);
  const user = await identity.resolveSession(token);
  if (!user) throw new Error('no session for cookie');
  return createContext({ requestId: 'test', ip: '127.0.0.1', lang, user });
}

export interface Caller {
  (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    options?: { cookie?: string; body?: unknown },
  ): Promise<{ status: number; body: ReturnType<typeof JSON.parse>; raw: string }>;
}

/** A Fastify app with the platform's auth hook and problem answers, serving the routes `register` adds. */
export async function routeHarness(
  identity: Identity,
  bodyLimit: number,
  register: (app: FastifyInstance) => void,
): Promise<{ app: FastifyInstance; call: Caller }> {
  const app = Fastify({ logger: false, bodyLimit });
  app.setValidatorCompiler(validatorCompiler);
  registerErrorHandling(app, bodyLimit);
  await app.register(cookie);
  registerAuthHook(app, identity);
  register(app);
  await app.ready();
  return { app, call: injector(app) };
}

export function injector(app: FastifyInstance): Caller {
  return async (method, url, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.cookie) headers.cookie = options.cookie;
    let payload: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(options.body);
    }
    const res = await app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
    let body: ReturnType<typeof JSON.parse>;
    try {
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      body = res.body;
    }
    return { status: res.statusCode, body, raw: res.body };
  };
}
