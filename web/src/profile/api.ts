import { api, unwrap } from '../api/client';
import type { BodyOf, ItemOf, Me, ResponseOf } from '../api/types';

/** Calls of 个人资料 (own details and API tokens). */

export type ProfileUpdate = BodyOf<'/api/profile', 'patch'>;
export type ApiToken = ItemOf<ResponseOf<'/api/profile/tokens', 'get'>>;
export type CreatedToken = ResponseOf<'/api/profile/tokens', 'post'>;

export function updateProfile(body: ProfileUpdate): Promise<Me> {
  return unwrap(api.PATCH('/api/profile', { body }));
}

export async function listTokens(): Promise<ApiToken[]> {
  return (await unwrap(api.GET('/api/profile/tokens'))).items;
}

export function createToken(name: string, expiresInDays?: number): Promise<CreatedToken> {
  return unwrap(api.POST('/api/profile/tokens', { body: { name, ...(expiresInDays ? { expiresInDays } : {}) } }));
}

export async function revokeToken(id: string): Promise<void> {
  await unwrap(api.DELETE('/api/profile/tokens/{id}', { params: { path: { id } } }));
}
