// Permissions are declared in code by the module that checks them, and granted to built-in roles by that same
// declaration. Custom roles pick from the same catalogue. Built-in roles cannot be edited: what they may do is
// part of the product and changes with it on upgrade.
export type BuiltinRoleCode = 'sysadmin' | 'secadmin' | 'auditor' | 'operator' | 'readonly';

export interface PermissionDefinition {
  code: string;
  module: string;
  name: string;
  nameEn: string;
  description?: string;
  /** Built-in roles that hold this permission, besides sysadmin (who holds everything unless strict separation). */
  grantedTo: BuiltinRoleCode[];
}

export interface BuiltinRole {
  code: BuiltinRoleCode;
  name: string;
  nameEn: string;
  description: string;
}

/** 三员分立: one user holds at most one of these. */
export const SEPARATED_ROLES: BuiltinRoleCode[] = ['sysadmin', 'secadmin', 'auditor'];

export const BUILTIN_ROLES: BuiltinRole[] = [
  {
    code: 'sysadmin',
    name: '系统管理员',
    nameEn: 'System administrator',
    description: '平台配置与运行管理；未开启严格三员分立时拥有全部权限',
  },
  { code: 'secadmin', name: '安全管理员', nameEn: 'Security administrator', description: '用户、角色与权限管理' },
  { code: 'auditor', name: '审计管理员', nameEn: 'Audit administrator', description: '审计日志查阅' },
  { code: 'operator', name: '运维人员', nameEn: 'Operator', description: '日常运维：查看、重发消息，处理告警' },
  { code: 'readonly', name: '只读用户', nameEn: 'Read-only user', description: '只读查看' },
];

const registry = new Map<string, PermissionDefinition>();

/** Called once per module at import time. Re-declaring a code with a different module is a programming error. */
export function declarePermissions(module: string, list: Omit<PermissionDefinition, 'module'>[]): void {
  for (const p of list) {
    const existing = registry.get(p.code);
    if (existing && existing.module !== module) {
      throw new Error(`permission ${p.code} declared by both ${existing.module} and ${module}`);
    }
    registry.set(p.code, { ...p, module });
  }
}

export function allPermissions(): PermissionDefinition[] {
  return [...registry.values()].sort((a, b) => a.code.localeCompare(b.code));
}

export function isKnownPermission(code: string): boolean {
  return registry.has(code);
}

/**
 * What a built-in role holds. With strict separation (等保 三员分立), the system administrator loses what the
 * security and audit administrators hold.
 */
export function builtinRolePermissions(role: BuiltinRoleCode, strictSeparation: boolean): string[] {
  const all = allPermissions();
  if (role === 'sysadmin') {
    return all
      .filter((p) => !strictSeparation || !(p.grantedTo.includes('secadmin') || p.grantedTo.includes('auditor')))
      .map((p) => p.code);
  }
  return all.filter((p) => p.grantedTo.includes(role)).map((p) => p.code);
}
