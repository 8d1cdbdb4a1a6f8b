// 消息检索 as one unit the engine assembly wires: the service and its routes.
export { MessageService } from './service.js';
export { messageRoutes, type MessageRouteDeps } from './routes.js';
export type { MessageDetail, MessageSummary, SavedQuery } from './schema.js';
