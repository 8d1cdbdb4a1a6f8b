import createClient, { type Middleware } from 'openapi-fetch';
import i18n from '../i18n';
import { ApiError, ProblemCode } from './errors';
import type { paths } from './schema';

/** Session problems any call can reveal; the auth provider listens and routes accordingly. */
export type SessionEvent = 'unauthenticated' | 'password-change-required';
type SessionListener = (event: SessionEvent) => void;
const listeners = new Set<SessionListener>();

export function onSessionEvent(listener: SessionListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function emit(event: SessionEvent): void {
  for (const l of listeners) l(event);
}

async function problemCode(response: Response): Promise<string | undefined> {
  try {
    const body: unknown = await response.clone().json();
    if (body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'string') {
      return (body as { code: string }).code;
    }
  } catch {
    // not JSON
  }
  return undefined;
}

const middleware: Middleware = {
  onRequest({ request }) {
    // Server error messages come back in the console's language.
    request.headers.set('Accept-Language', i18n.language === 'en' ? 'en' : 'zh-CN');
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status === 401) {
      const code = await problemCode(response);
      // A wrong password (login, change password) is not a lost session.
      if (code !== ProblemCode.invalidCredentials && !new URL(request.url).pathname.endsWith('/api/auth/login')) {
        emit('unauthenticated');
      }
    } else if (response.status === 403) {
      if ((await problemCode(response)) === ProblemCode.passwordChangeRequired) emit('password-change-required');
    }
    return undefined;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(middleware);

/**
 * Awaits an openapi-fetch call and returns its data, or throws an {@link ApiError} carrying the
 * server's problem details (code, localized message, field errors).
 */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw new ApiError(0, 'HT_NETWORK', i18n.t('errors.network'), []);
  }
  const { data, error, response } = result;
  if (!response.ok) {
    throw ApiError.fromProblem(response.status, error, i18n.t('errors.http', { status: response.status }));
  }
  return data as T;
}
