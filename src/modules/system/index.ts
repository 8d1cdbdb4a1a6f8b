// System administration module (系统管理): users, roles and permissions, audit log, own profile, sign-in routes.
import type { FastifyInstance } from 'fastify';
import type { Identity } from '../../platform/auth/identity.js';
import type { Config } from '../../platform/config/index.js';
import type { Database } from '../../platform/db/index.js';
import './permissions.js';
import { systemRoutes } from './routes.js';
import { SystemService } from './service.js';

export { P as SystemPermissions } from './permissions.js';
export { SystemService } from './service.js';

export interface SystemModuleOptions {
  db: Database;
  identity: Identity;
  config: Config;
  version: string;
  startedAt: string;
}

export function createSystemModule(options: SystemModuleOptions) {
  const service = new SystemService(options.db, options.identity, options.config);
  return {
    service,
    routes: async (app: FastifyInstance) => systemRoutes(app, { ...options, service }),
  };
}
