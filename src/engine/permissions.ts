// Permissions of the integration engine (订阅发布), and which built-in roles hold them.
import { declarePermissions } from '../platform/permissions/index.js';

export const EP = {
  configRead: 'engine.config.read',
  configManage: 'engine.config.manage',
  messageRead: 'engine.message.read',
  messageResend: 'engine.message.resend',
  messageEditResend: 'engine.message.edit-resend',
  transformManage: 'engine.transform.manage',
  monitorRead: 'engine.monitor.read',
  retentionManage: 'engine.retention.manage',
} as const;

declarePermissions('engine', [
  {
    code: EP.configRead,
    name: '查看集成配置',
    nameEn: 'View integration configuration',
    description: '域、订户、主题、订阅关系、适配器、消息模型',
    grantedTo: ['operator', 'readonly'],
  },
  {
    code: EP.configManage,
    name: '管理集成配置',
    nameEn: 'Manage integration configuration',
    description: '新建、修改、启停、回滚、导入导出域的配置',
    grantedTo: [],
  },
  {
    code: EP.messageRead,
    name: '检索与查看消息',
    nameEn: 'Search and view messages',
    description: '消息含患者信息，每次查看消息内容都记入审计日志',
    grantedTo: ['operator'],
  },
  { code: EP.messageResend, name: '重发消息', nameEn: 'Resend messages', grantedTo: ['operator'] },
  {
    code: EP.messageEditResend,
    name: '编辑后重发消息',
    nameEn: 'Edit and resend messages',
    description: '修改消息内容后重发，新消息与原消息关联',
    grantedTo: [],
  },
  {
    code: EP.transformManage,
    name: '管理规则转换与映射表',
    nameEn: 'Manage transforms and lookup tables',
    grantedTo: [],
  },
  { code: EP.monitorRead, name: '查看运行监控', nameEn: 'View engine monitoring', grantedTo: ['operator', 'readonly'] },
  {
    code: EP.retentionManage,
    name: '消息保留与清理',
    nameEn: 'Message retention and purge',
    description: '立即清理过期消息，包括选择清理未投递完成的消息',
    grantedTo: [],
  },
]);
