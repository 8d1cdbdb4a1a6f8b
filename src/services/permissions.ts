// Permissions of the interaction services (交互服务): reading the catalogue is given to the roles that read the
// engine's configuration, since the catalogue is the reference those roles configure topics against. Trying a
// service from the console (试一试) publishes a real message, so it is an operator's act, not a reader's.
import { declarePermissions } from '../platform/permissions/index.js';

export const SP = { catalogueRead: 'services.catalogue.read', try: 'services.try' } as const;

declarePermissions('services', [
  {
    code: SP.catalogueRead,
    name: '查看交互服务目录',
    nameEn: 'View the interaction-service catalogue',
    description: '服务定义、字段、示例消息',
    grantedTo: ['operator', 'readonly'],
  },
  {
    code: SP.try,
    name: '试调用交互服务',
    nameEn: 'Try interaction services',
    description: '在控制台以示例或编辑后的消息调用服务（试一试）；消息经真实管道入库并路由给订阅方',
    grantedTo: ['operator'],
  },
]);
