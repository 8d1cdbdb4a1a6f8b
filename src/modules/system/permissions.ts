// Permissions of the system administration module (系统管理), and which built-in roles hold them.
import { declarePermissions } from '../../platform/permissions/index.js';

export const P = {
  userRead: 'system.user.read',
  userManage: 'system.user.manage',
  roleRead: 'system.role.read',
  roleManage: 'system.role.manage',
  auditRead: 'system.audit.read',
} as const;

declarePermissions('system', [
  { code: P.userRead, name: '查看用户', nameEn: 'View users', grantedTo: ['secadmin'] },
  {
    code: P.userManage,
    name: '管理用户',
    nameEn: 'Manage users',
    description: '新建、编辑、停用用户，重置密码，解锁',
    grantedTo: ['secadmin'],
  },
  { code: P.roleRead, name: '查看角色与权限', nameEn: 'View roles and permissions', grantedTo: ['secadmin'] },
  { code: P.roleManage, name: '管理角色与权限', nameEn: 'Manage roles and permissions', grantedTo: ['secadmin'] },
  { code: P.auditRead, name: '查阅审计日志', nameEn: 'Read the audit log', grantedTo: ['auditor'] },
]);
