// 消息保留与清理 as one unit the engine assembly wires: the service (with its daily schedule) and its route.
export { RetentionService, type PurgeOptions, type PurgeResult, type RetentionOptions } from './service.js';
export { retentionRoutes, type RetentionRouteDeps } from './routes.js';
