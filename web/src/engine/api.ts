/**
 * Calls of 订阅发布 (the integration engine): domains, systems, topics, subscriptions, adapters, revisions,
 * transforms, lookup tables, message models, messages and monitoring.
 */
import { download, request } from './http';
import type {
  Adapter,
  AdapterTestResult,
  BulkResendMode,
  BulkResendResult,
  ConfigFormat,
  Domain,
  DomainInput,
  ImportResult,
  Lookup,
  LookupEntry,
  LookupEntryInput,
  LookupFileFormat,
  LookupImportResult,
  LookupInput,
  MessageDetail,
  MessageFilter,
  MessagePage,
  MessageQuery,
  Model,
  ModelDetail,
  ModelInput,
  PageQuery,
  Paged,
  PurgeResult,
  Revision,
  RevisionQuery,
  SavedQuery,
  SchemaType,
  Stats,
  Subscription,
  SubscriptionInput,
  SubscriptionQuery,
  System,
  SystemInput,
  SystemQuery,
  Topic,
  TopicInput,
  TopicQuery,
  Transform,
  TransformInput,
  TryRequest,
  TryResult,
  ValidateSampleResult,
} from './types';

export type * from './types';

/** Lists come back as `{ items }` or as a page; pages that show everything at once read the items. */
async function items<T>(call: Promise<{ items: T[] }>): Promise<T[]> {
  return (await call).items;
}

/** Everything of a paged list, as far as one page reaches (the server's largest page is 200 rows). */
const ALL = { page: 1, pageSize: 200 };

// 域管理
export const listDomains = () => items(request<{ items: Domain[] }>('GET', '/api/engine/domains'));
export const createDomain = (body: DomainInput) => request<Domain>('POST', '/api/engine/domains', { body });
export const updateDomain = (id: string, body: DomainInput) =>
  request<Domain>('PATCH', '/api/engine/domains/{id}', { path: { id }, body });
export const deleteDomain = (id: string) => request<unknown>('DELETE', '/api/engine/domains/{id}', { path: { id } });
export const exportDomain = (domain: Domain, format: ConfigFormat) =>
  download(
    '/api/engine/domains/{id}/export',
    { path: { id: domain.id }, query: { format } },
    `${domain.code}.${format === 'yaml' ? 'yaml' : 'json'}`,
  );
export const importDomain = (id: string, body: { content: string; format: ConfigFormat; dryRun?: boolean }) =>
  request<ImportResult>('POST', '/api/engine/domains/{id}/import', { path: { id }, body });

// 订户管理
export const listSystems = (query: SystemQuery) => request<Paged<System>>('GET', '/api/engine/systems', { query });
export const listAllSystems = (domainId: string) => listSystems({ domainId, ...ALL }).then((p) => p.items);
export const createSystem = (body: SystemInput) =>
  request<{ system: System; secret: string }>('POST', '/api/engine/systems', { body });
export const updateSystem = (id: string, body: SystemInput) =>
  request<System>('PATCH', '/api/engine/systems/{id}', { path: { id }, body });
export const deleteSystem = (id: string) => request<unknown>('DELETE', '/api/engine/systems/{id}', { path: { id } });
export const rotateSecret = (id: string) =>
  request<{ secret: string }>('POST', '/api/engine/systems/{id}/rotate-secret', { path: { id } });

// 主题管理
export const listTopics = (query: TopicQuery) => request<Paged<Topic>>('GET', '/api/engine/topics', { query });
export const listAllTopics = (domainId: string) => listTopics({ domainId, ...ALL }).then((p) => p.items);
export const createTopic = (body: TopicInput) => request<Topic>('POST', '/api/engine/topics', { body });
export const updateTopic = (id: string, body: TopicInput) =>
  request<Topic>('PATCH', '/api/engine/topics/{id}', { path: { id }, body });
export const deleteTopic = (id: string) => request<unknown>('DELETE', '/api/engine/topics/{id}', { path: { id } });

// 订阅关系
export const listSubscriptions = (query: SubscriptionQuery) =>
  request<Paged<Subscription>>('GET', '/api/engine/subscriptions', { query });
export const createSubscription = (body: SubscriptionInput) =>
  request<Subscription>('POST', '/api/engine/subscriptions', { body });
export const updateSubscription = (id: string, body: SubscriptionInput) =>
  request<Subscription>('PATCH', '/api/engine/subscriptions/{id}', { path: { id }, body });
export const deleteSubscription = (id: string) =>
  request<unknown>('DELETE', '/api/engine/subscriptions/{id}', { path: { id } });
export const pauseSubscription = (id: string, paused: boolean) =>
  request<unknown>('POST', paused ? '/api/engine/subscriptions/{id}/pause' : '/api/engine/subscriptions/{id}/resume', {
    path: { id },
  });

// 适配器管理
export const listAdapters = () => items(request<{ items: Adapter[] }>('GET', '/api/engine/adapters'));
export const testAdapter = (type: string, config: Record<string, unknown>) =>
  request<AdapterTestResult>('POST', '/api/engine/adapters/{type}/test', { path: { type }, body: { config } });

// 修订历史
export const listRevisions = (query: RevisionQuery) =>
  request<Paged<Revision>>('GET', '/api/engine/revisions', { query });
export const rollbackRevision = (id: number) =>
  request<{ revisionId: number }>('POST', '/api/engine/revisions/{id}/rollback', {
    path: { id: String(id) },
  });

// 规则转换
export const listTransforms = (domainId: string) =>
  items(request<{ items: Transform[] }>('GET', '/api/engine/transforms', { query: { domainId } }));
export const createTransform = (body: TransformInput) => request<Transform>('POST', '/api/engine/transforms', { body });
export const updateTransform = (id: string, body: TransformInput) =>
  request<Transform>('PATCH', '/api/engine/transforms/{id}', { path: { id }, body });
export const deleteTransform = (id: string) =>
  request<unknown>('DELETE', '/api/engine/transforms/{id}', { path: { id } });
export const tryTransform = (body: TryRequest) => request<TryResult>('POST', '/api/engine/transforms/try', { body });

// 映射表
export const listLookups = (domainId: string, q?: string) =>
  items(request<{ items: Lookup[] }>('GET', '/api/engine/lookups', { query: { domainId, q } }));
export const createLookup = (body: LookupInput) => request<Lookup>('POST', '/api/engine/lookups', { body });
export const updateLookup = (id: string, body: LookupInput) =>
  request<Lookup>('PATCH', '/api/engine/lookups/{id}', { path: { id }, body });
export const deleteLookup = (id: string) => request<unknown>('DELETE', '/api/engine/lookups/{id}', { path: { id } });
export const listLookupEntries = (id: string, query: { q?: string } & PageQuery) =>
  request<Paged<LookupEntry>>('GET', '/api/engine/lookups/{id}/entries', { path: { id }, query });
export const createLookupEntry = (id: string, body: LookupEntryInput) =>
  request<LookupEntry>('POST', '/api/engine/lookups/{id}/entries', { path: { id }, body });
export const updateLookupEntry = (id: string, entryId: string, body: LookupEntryInput) =>
  request<LookupEntry>('PATCH', '/api/engine/lookups/{id}/entries/{entryId}', { path: { id, entryId }, body });
export const deleteLookupEntry = (id: string, entryId: string) =>
  request<unknown>('DELETE', '/api/engine/lookups/{id}/entries/{entryId}', { path: { id, entryId } });
export const importLookup = (
  id: string,
  body: { format: LookupFileFormat; content: string; mode: 'merge' | 'replace'; encoding?: 'text' | 'base64' },
) => request<LookupImportResult>('POST', '/api/engine/lookups/{id}/import', { path: { id }, body });
export const exportLookup = (lookup: Lookup, format: LookupFileFormat) =>
  download(
    '/api/engine/lookups/{id}/export',
    { path: { id: lookup.id }, query: { format } },
    `${lookup.code}.${format}`,
  );

// 消息模型管理
export const listModels = () => items(request<{ items: Model[] }>('GET', '/api/engine/models'));
export const getModel = (code: string) =>
  request<ModelDetail>('GET', '/api/engine/models/{code}', { path: { code } });
export const validateSample = (code: string, body: { body: string; contentType?: string }) =>
  request<ValidateSampleResult>('POST', '/api/engine/models/{code}/validate', { path: { code }, body });
export const createModel = (body: ModelInput) => request<Model>('POST', '/api/engine/models', { body });
export const updateModel = (code: string, body: ModelInput) =>
  request<Model>('PATCH', '/api/engine/models/{code}', { path: { code }, body });
export const deleteModel = (code: string) =>
  request<unknown>('DELETE', '/api/engine/models/{code}', { path: { code } });
export const putModelSchema = (code: string, body: { schemaType: SchemaType; schema: string }) =>
  request<Model>('PUT', '/api/engine/models/{code}/schema', { path: { code }, body });
export const deleteModelSchema = (code: string) =>
  request<unknown>('DELETE', '/api/engine/models/{code}/schema', { path: { code } });

// 消息检索
export const searchMessages = (query: MessageQuery) =>
  request<MessagePage>('GET', '/api/engine/messages', { query });
export const getMessage = (id: string) => request<MessageDetail>('GET', '/api/engine/messages/{id}', { path: { id } });
export const resendMessage = (id: string) =>
  request<{ messageId: string }>('POST', '/api/engine/messages/{id}/resend', { path: { id } });
export const resendDelivery = (id: string) =>
  request<{ deliveryId: string }>('POST', '/api/engine/deliveries/{id}/resend', { path: { id } });
export const editResend = (id: string, body: { body: string; contentType?: string }) =>
  request<{ messageId: string }>('POST', '/api/engine/messages/{id}/edit-resend', { path: { id }, body });
export const bulkResend = (body: { filter: MessageFilter; mode: BulkResendMode; limit?: number }) =>
  request<BulkResendResult>('POST', '/api/engine/messages/resend', { body });
export const listSavedQueries = () => items(request<{ items: SavedQuery[] }>('GET', '/api/engine/saved-queries'));
export const saveQuery = (body: { name: string; query: MessageFilter }) =>
  request<SavedQuery>('POST', '/api/engine/saved-queries', { body });
export const deleteSavedQuery = (id: string) =>
  request<unknown>('DELETE', '/api/engine/saved-queries/{id}', { path: { id } });

// 运行监控
export const fetchStats = (domainId: string, minutes: number) =>
  request<Stats>('GET', '/api/engine/stats', { query: { domainId, minutes } });

// 消息保留与清理
export const purgeExpired = (body: { domainId?: string; includeUndelivered?: boolean }) =>
  request<PurgeResult>('POST', '/api/engine/retention/purge', { body });
