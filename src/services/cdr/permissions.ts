// Permissions of the clinical data repository (临床数据中心): reading records and their history is patient data, so it
// is its own permission; changing a state machine is administration.
import { declarePermissions } from '../../platform/permissions/index.js';

export const CP = { read: 'services.cdr.read', manage: 'services.cdr.manage' } as const;

declarePermissions('services', [
  {
    code: CP.read,
    name: '查看临床数据中心',
    nameEn: 'View the clinical data repository',
    description: '按患者、就诊、单号查看业务实体的当前状态与变更历史',
    grantedTo: ['operator', 'readonly'],
  },
  {
    code: CP.manage,
    name: '配置临床数据中心状态机',
    nameEn: 'Configure the repository state machines',
    description: '为预约等实体增加医院自定义的状态与流转',
    grantedTo: [],
  },
]);
