import { api, unwrap } from '../api/client';
import type { BodyOf, ItemOf, QueryOf, ResponseOf } from '../api/types';

/** Calls of 系统管理 (users, roles, permissions, audit log). */

export type UserPage = ResponseOf<'/api/system/users', 'get'>;
export type User = ItemOf<UserPage>;
export type UserQuery = QueryOf<'/api/system/users', 'get'>;
export type UserCreate = BodyOf<'/api/system/users', 'post'>;
export type UserUpdate = BodyOf<'/api/system/users/{id}', 'patch'>;

export type Role = ItemOf<ResponseOf<'/api/system/roles', 'get'>>;
export type RoleCreate = BodyOf<'/api/system/roles', 'post'>;
export type RoleUpdate = BodyOf<'/api/system/roles/{id}', 'patch'>;
export type Permission = ItemOf<ResponseOf<'/api/system/permissions', 'get'>>;

export type AuditPage = ResponseOf<'/api/system/audit', 'get'>;
export type AuditEntry = ItemOf<AuditPage>;
export type AuditQuery = QueryOf<'/api/system/audit', 'get'>;

export function listUsers(query: UserQuery): Promise<UserPage> {
  return unwrap(api.GET('/api/system/users', { params: { query } }));
}

export function createUser(body: UserCreate): Promise<User> {
  return unwrap(api.POST('/api/system/users', { body }));
}

export function updateUser(id: string, body: UserUpdate): Promise<User> {
  return unwrap(api.PATCH('/api/system/users/{id}', { params: { path: { id } }, body }));
}

export async function resetUserPassword(id: string, password: string): Promise<void> {
  await unwrap(api.POST('/api/system/users/{id}/reset-password', { params: { path: { id } }, body: { password } }));
}

export async function unlockUser(id: string): Promise<void> {
  await unwrap(api.POST('/api/system/users/{id}/unlock', { params: { path: { id } } }));
}

export async function listRoles(): Promise<Role[]> {
  return (await unwrap(api.GET('/api/system/roles'))).items;
}

export function createRole(body: RoleCreate): Promise<Role> {
  return unwrap(api.POST('/api/system/roles', { body }));
}

export function updateRole(id: string, body: RoleUpdate): Promise<Role> {
  return unwrap(api.PATCH('/api/system/roles/{id}', { params: { path: { id } }, body }));
}

export async function deleteRole(id: string): Promise<void> {
  await unwrap(api.DELETE('/api/system/roles/{id}', { params: { path: { id } } }));
}

export async function listPermissions(): Promise<Permission[]> {
  return (await unwrap(api.GET('/api/system/permissions'))).items;
}

export function searchAudit(query: AuditQuery): Promise<AuditPage> {
  return unwrap(api.GET('/api/system/audit', { params: { query } }));
}
