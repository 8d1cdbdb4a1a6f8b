// Who is asking, from where, in which language — passed to every service operation, whose first line checks the
// permission it needs (`ctx.require('system.user.manage')`).
import { HtError, type Lang } from '../errors/index.js';

export interface AuthUser {
  id: string;
  username: string;
  displayName: string;
  permissions: ReadonlySet<string>;
  mustChangePassword: boolean;
  via: 'session' | 'token' | 'system';
  sessionId?: string;
  tokenId?: string;
}

export interface RequestContext {
  readonly requestId: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly lang: Lang;
  readonly user: AuthUser | null;
  /** Throws HT_AUTH_REQUIRED / HT_AUTH_FORBIDDEN unless the caller holds `permission`; returns the caller. */
  require(permission: string): AuthUser;
  /** Throws HT_AUTH_REQUIRED unless someone is signed in. */
  requireUser(): AuthUser;
}

export function createContext(init: {
  requestId: string;
  ip: string | null;
  userAgent?: string | null;
  lang: Lang;
  user: AuthUser | null;
}): RequestContext {
  const { user } = init;
  const requireUser = (): AuthUser => {
    if (!user) throw new HtError('HT_AUTH_REQUIRED');
    return user;
  };
  return {
    requestId: init.requestId,
    ip: init.ip,
    userAgent: init.userAgent ?? null,
    lang: init.lang,
    user,
    requireUser,
    require(permission: string) {
      const u = requireUser();
      if (!u.permissions.has(permission)) throw new HtError('HT_AUTH_FORBIDDEN', { permission });
      return u;
    },
  };
}

/** The platform acting on its own behalf (boot, CLI, scheduled jobs): holds every permission. */
export function systemContext(permissions: Iterable<string>, lang: Lang = 'zh-CN'): RequestContext {
  return createContext({
    requestId: 'system',
    ip: null,
    lang,
    user: {
      id: 'system',
      username: 'system',
      displayName: 'Hutong',
      permissions: new Set(permissions),
      mustChangePassword: false,
      via: 'system',
    },
  });
}

/** The same request, now acting as `user` (right after sign-in). */
export function withUser(ctx: RequestContext, user: AuthUser): RequestContext {
  return createContext({ requestId: ctx.requestId, ip: ctx.ip, userAgent: ctx.userAgent, lang: ctx.lang, user });
}
