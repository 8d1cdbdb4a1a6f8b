import { api, unwrap } from '../api/client';
import type { Me } from '../api/types';

/** Session calls used by the shell (login, logout, current user, password change). */
export function fetchMe(): Promise<Me> {
  return unwrap(api.GET('/api/auth/me'));
}

export function login(username: string, password: string): Promise<Me> {
  return unwrap(api.POST('/api/auth/login', { body: { username, password } }));
}

export async function logout(): Promise<void> {
  await unwrap(api.POST('/api/auth/logout'));
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  await unwrap(api.POST('/api/auth/password', { body: { currentPassword, newPassword } }));
}
