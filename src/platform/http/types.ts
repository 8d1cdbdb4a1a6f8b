// What every route declares, and what every request carries.
import type { RequestContext } from '../auth/context.js';

/**
 * `public`: no sign-in (must also be listed in PUBLIC_ROUTES); `authenticated`: any signed-in user; `inbound`: a
 * business system calling in, authenticated by the engine with the system's own credentials and IP allowlist (must
 * also be listed in INBOUND_ROUTES); anything else is a permission code.
 */
export type RoutePermission = 'public' | 'authenticated' | 'inbound' | (string & {});

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: RoutePermission;
    /** Reachable while the user must still change a first-login or reset password. */
    allowDuringPasswordChange?: boolean;
  }
  interface FastifyRequest {
    ctx: RequestContext;
  }
}
