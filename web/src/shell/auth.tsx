import { App } from 'antd';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { onSessionEvent } from '../api/client';
import { ApiError, ProblemCode } from '../api/errors';
import type { Me } from '../api/types';
import * as session from './api';

export type AuthState =
  | { status: 'loading' }
  | { status: 'anonymous' }
  /** Signed in, but the server lets nothing else happen until the password is changed. */
  | { status: 'password-change'; me: Me | null }
  | { status: 'ready'; me: Me };

interface AuthValue {
  state: AuthState;
  /** The signed-in user, once the session is usable. */
  me: Me | null;
  login(username: string, password: string): Promise<Me>;
  logout(): Promise<void>;
  /** Re-reads the current user from the server. */
  refresh(): Promise<void>;
  /** Replaces the current user after a call that returned it (e.g. profile update). */
  setMe(me: Me): void;
  can(permission: string | undefined): boolean;
}

const AuthContext = createContext<AuthValue | null>(null);

function stateFor(me: Me): AuthState {
  return me.mustChangePassword ? { status: 'password-change', me } : { status: 'ready', me };
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const { message } = App.useApp();
  const { t } = useTranslation();
  const [state, setState] = useState<AuthState>({ status: 'loading' });
  const stateRef = useRef(state);
  useEffect(() => {
    stateRef.current = state;
  }, [state]);

  const refresh = useCallback(async () => {
    try {
      setState(stateFor(await session.fetchMe()));
    } catch (err) {
      if (err instanceof ApiError && err.code === ProblemCode.passwordChangeRequired) {
        setState((s) => ({ status: 'password-change', me: 'me' in s ? s.me : null }));
      } else {
        setState({ status: 'anonymous' });
      }
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(
    () =>
      onSessionEvent((event) => {
        const previous = stateRef.current;
        if (event === 'unauthenticated') {
          if (previous.status === 'ready' || previous.status === 'password-change') {
            void message.warning(t('errors.sessionExpired'));
          }
          setState({ status: 'anonymous' });
        } else if (previous.status === 'ready') {
          setState({ status: 'password-change', me: { ...previous.me, mustChangePassword: true } });
        }
      }),
    [message, t],
  );

  const value = useMemo<AuthValue>(() => {
    const me = state.status === 'ready' ? state.me : null;
    return {
      state,
      me,
      async login(username, password) {
        const signedIn = await session.login(username, password);
        setState(stateFor(signedIn));
        return signedIn;
      },
      async logout() {
        try {
          await session.logout();
        } finally {
          setState({ status: 'anonymous' });
        }
      },
      refresh,
      setMe(next) {
        setState(stateFor(next));
      },
      can(permission) {
        if (!permission) return true;
        return !!me && (me.permissions.includes(permission) || me.permissions.includes('*'));
      },
    };
  }, [state, refresh]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside <AuthProvider>');
  return value;
}

/** A same-site path from `?next=`, or undefined. */
export function safeNext(next: string | null): string | undefined {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return undefined;
  return next.startsWith('/login') || next.startsWith('/change-password') ? undefined : next;
}
