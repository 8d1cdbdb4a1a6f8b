// 运行监控 as one unit the engine assembly wires: the service and its route.
export { MonitoringService, type MonitoringOptions } from './service.js';
export { monitoringRoutes, type MonitoringRouteDeps } from './routes.js';
export type { Stats } from './schema.js';
