// Test-only helpers shared by the transform, lookup and model tests: the request context of a user with given
// permissions, and the error a service call fails with. Not exported from index.ts.
import { createContext, type RequestContext } from '../../platform/auth/context.js';
import { HtError } from '../../platform/errors/index.js';

/** The request context of a signed-in user who has exactly `permissions`. */
export function ctxWith(...permissions: string[]): RequestContext {
  return createContext({
    requestId: 'test',
    ip: '127.0.0.1',
    lang: 'zh-CN',
    user: {
      id: 'u-test',
      username: 'tester',
      displayName: 'Tester',
      permissions: new Set(permissions),
      mustChangePassword: false,
      via: 'session',
    },
  });
}

/** The HtError `promise` rejects with; any other outcome fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<HtError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HtError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
