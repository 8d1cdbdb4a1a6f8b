/**
 * Calls of 交互服务目录 (the interaction-service catalogue): the list with its filters, one service's full
 * definition, 试一试 and a service's activity (订阅方, 最近消息), through the typed client. Pages take their types from
 * here only.
 */
import { api, unwrap } from '../api/client';
import type { BodyOf, QueryOf, ResponseOf } from '../api/types';
import { listDomains, listTopics } from '../engine/api';

export type ServiceQuery = QueryOf<'/api/services', 'get'>;
export type ServiceSummary = ResponseOf<'/api/services', 'get'>['items'][number];
export type ServiceDefinition = ResponseOf<'/api/services/{action}', 'get'>;
export type ServiceOperation = ServiceSummary['operation'];
export type ServiceField = ServiceDefinition['fields'][number];
export type FieldType = ServiceField['type'];
export type ServiceState = NonNullable<ServiceDefinition['states']>[number];

/** In the order the filter offers them. */
export const OPERATIONS: readonly ServiceOperation[] = ['add', 'update', 'query', 'cancel', 'delete', 'publish'];

export const listServices = async (query: ServiceQuery = {}): Promise<ServiceSummary[]> =>
  (await unwrap(api.GET('/api/services', { params: { query } }))).items;

/** By action code (`OutPatientInfoAdd`) or S code (`S0023`). */
export const getService = (action: string) =>
  unwrap(api.GET('/api/services/{action}', { params: { path: { action } } }));

export interface ServiceTopic {
  domainId: string;
  topicId: string;
}

/**
 * The topic carrying a service's messages: the one whose code is the action code (see src/services/topics.ts),
 * looked for in the default domain first, then in the others. Undefined when no domain has one.
 */
export async function findServiceTopic(action: string): Promise<ServiceTopic | undefined> {
  const domains = await listDomains();
  const ordered = [...domains].sort((a, b) => Number(b.code === 'default') - Number(a.code === 'default'));
  for (const d of ordered) {
    const page = await listTopics({ domainId: d.id, q: action, page: 1, pageSize: 50 });
    const topic = page.items.find((x) => x.code === action);
    if (topic) return { domainId: d.id, topicId: topic.id };
  }
  return undefined;
}

// ---- 试一试 and a service's activity (订阅方, 最近消息) ----------------------------------------------------------------

export type TryBody = BodyOf<'/api/services/{action}/try', 'post'>;
export type TryFormat = TryBody['format'];
export type TryResult = ResponseOf<'/api/services/{action}/try', 'post'>;
export type ServiceActivity = ResponseOf<'/api/services/{action}/activity', 'get'>;
export type ActivitySubscription = ServiceActivity['subscriptions'][number];
export type RecentMessage = ServiceActivity['recent'][number];

/** Publishes `body` (absent: the service's example) on the service's topic, answered as a REST caller would be. */
export const tryService = (action: string, body: TryBody) =>
  unwrap(api.POST('/api/services/{action}/try', { params: { path: { action } }, body }));

export const getServiceActivity = (action: string, limit = 20) =>
  unwrap(api.GET('/api/services/{action}/activity', { params: { path: { action }, query: { limit } } }));
