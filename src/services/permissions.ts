// Permission of the interaction-service catalogue (交互服务目录): reading it is given to the roles that read the
// engine's configuration, since the catalogue is the reference those roles configure topics against.
import { declarePermissions } from '../platform/permissions/index.js';

export const SP = { catalogueRead: 'services.catalogue.read' } as const;

declarePermissions('services', [
  {
    code: SP.catalogueRead,
    name: '查看交互服务目录',
    nameEn: 'View the interaction-service catalogue',
    description: '服务定义、字段、示例消息',
    grantedTo: ['operator', 'readonly'],
  },
]);
