/**
 * Calls of 订阅发布 (the integration engine): domains, systems, topics, subscriptions, adapters, revisions,
 * transforms, lookup tables, message models, messages, monitoring and retention — all through the typed client and
 * the schema generated from the server (`npm run gen:api`). Pages take their types from here only.
 */
import { api, unwrap } from '../api/client';
import type { BodyOf, ItemOf, QueryOf, ResponseOf } from '../api/types';
import { saveDownload } from './download';
import type { ConfigFormat, JsonSchema } from './types';

export type { ConfigFormat, IndexField, JsonSchema, RevisionEntity } from './types';

/** Everything of a paged list, as far as one page reaches (the server's largest page is 200 rows). */
const ALL = { page: 1, pageSize: 200 };

export type Domain = ItemOf<ResponseOf<'/api/engine/domains', 'get'>>;
export type DomainCreate = BodyOf<'/api/engine/domains', 'post'>;
export type DomainUpdate = BodyOf<'/api/engine/domains/{id}', 'patch'>;
export type ImportResult = ResponseOf<'/api/engine/domains/{id}/import', 'post'>;
export type SystemPage = ResponseOf<'/api/engine/systems', 'get'>;
export type System = ItemOf<SystemPage>;
export type SystemQuery = QueryOf<'/api/engine/systems', 'get'>;
export type SystemCreate = BodyOf<'/api/engine/systems', 'post'>;
export type SystemUpdate = BodyOf<'/api/engine/systems/{id}', 'patch'>;
export type AuthType = System['authType'];
export type TopicPage = ResponseOf<'/api/engine/topics', 'get'>;
export type Topic = ItemOf<TopicPage>;
export type TopicQuery = QueryOf<'/api/engine/topics', 'get'>;
export type TopicCreate = BodyOf<'/api/engine/topics', 'post'>;
export type TopicUpdate = BodyOf<'/api/engine/topics/{id}', 'patch'>;
export type TopicMode = Topic['mode'];
export type IndexFields = Topic['indexFields'];
export type SubscriptionPage = ResponseOf<'/api/engine/subscriptions', 'get'>;
export type Subscription = ItemOf<SubscriptionPage>;
export type SubscriptionQuery = QueryOf<'/api/engine/subscriptions', 'get'>;
export type SubscriptionCreate = BodyOf<'/api/engine/subscriptions', 'post'>;
export type SubscriptionUpdate = BodyOf<'/api/engine/subscriptions/{id}', 'patch'>;
export type Ordering = Subscription['ordering'];
/** The catalogue entry, its config schema read as JSON Schema (the server sends it untyped). */
export type Adapter = Omit<ItemOf<ResponseOf<'/api/engine/adapters', 'get'>>, 'configSchema'> & {
  configSchema: JsonSchema;
};
export type AdapterTestResult = ResponseOf<'/api/engine/adapters/{type}/test', 'post'>;
export type RevisionPage = ResponseOf<'/api/engine/revisions', 'get'>;
export type Revision = ItemOf<RevisionPage>;
export type RevisionQuery = QueryOf<'/api/engine/revisions', 'get'>;

// 域管理
export const listDomains = async (): Promise<Domain[]> => (await unwrap(api.GET('/api/engine/domains'))).items;
export const createDomain = (body: DomainCreate) => unwrap(api.POST('/api/engine/domains', { body }));
export const updateDomain = (id: string, body: DomainUpdate) =>
  unwrap(api.PATCH('/api/engine/domains/{id}', { params: { path: { id } }, body }));
export const deleteDomain = (id: string) =>
  unwrap(api.DELETE('/api/engine/domains/{id}', { params: { path: { id } } }));
export const exportDomain = (domain: Domain, format: ConfigFormat) =>
  saveDownload(
    api.GET('/api/engine/domains/{id}/export', {
      params: { path: { id: domain.id }, query: { format } },
      parseAs: 'blob',
    }),
    `${domain.code}.${format}`,
  );
export const importDomain = (id: string, body: BodyOf<'/api/engine/domains/{id}/import', 'post'>) =>
  unwrap(api.POST('/api/engine/domains/{id}/import', { params: { path: { id } }, body }));

// 订户管理
export const listSystems = (query: SystemQuery) => unwrap(api.GET('/api/engine/systems', { params: { query } }));
export const listAllSystems = async (domainId: string) => (await listSystems({ domainId, ...ALL })).items;
export const createSystem = (body: SystemCreate) => unwrap(api.POST('/api/engine/systems', { body }));
export const updateSystem = (id: string, body: SystemUpdate) =>
  unwrap(api.PATCH('/api/engine/systems/{id}', { params: { path: { id } }, body }));
export const deleteSystem = (id: string) =>
  unwrap(api.DELETE('/api/engine/systems/{id}', { params: { path: { id } } }));
export const rotateSecret = (id: string) =>
  unwrap(api.POST('/api/engine/systems/{id}/rotate-secret', { params: { path: { id } } }));

// 主题管理
export const listTopics = (query: TopicQuery) => unwrap(api.GET('/api/engine/topics', { params: { query } }));
export const listAllTopics = async (domainId: string) => (await listTopics({ domainId, ...ALL })).items;
export const createTopic = (body: TopicCreate) => unwrap(api.POST('/api/engine/topics', { body }));
export const updateTopic = (id: string, body: TopicUpdate) =>
  unwrap(api.PATCH('/api/engine/topics/{id}', { params: { path: { id } }, body }));
export const deleteTopic = (id: string) => unwrap(api.DELETE('/api/engine/topics/{id}', { params: { path: { id } } }));

// 订阅关系
export const listSubscriptions = (query: SubscriptionQuery) =>
  unwrap(api.GET('/api/engine/subscriptions', { params: { query } }));
export const createSubscription = (body: SubscriptionCreate) => unwrap(api.POST('/api/engine/subscriptions', { body }));
export const updateSubscription = (id: string, body: SubscriptionUpdate) =>
  unwrap(api.PATCH('/api/engine/subscriptions/{id}', { params: { path: { id } }, body }));
export const deleteSubscription = (id: string) =>
  unwrap(api.DELETE('/api/engine/subscriptions/{id}', { params: { path: { id } } }));
export const pauseSubscription = (id: string, paused: boolean) =>
  paused
    ? unwrap(api.POST('/api/engine/subscriptions/{id}/pause', { params: { path: { id } } }))
    : unwrap(api.POST('/api/engine/subscriptions/{id}/resume', { params: { path: { id } } }));

// 适配器管理
export const listAdapters = async (): Promise<Adapter[]> =>
  (await unwrap(api.GET('/api/engine/adapters'))).items.map((a) => ({
    ...a,
    configSchema: a.configSchema as JsonSchema,
  }));
export const testAdapter = (type: string, config: Record<string, unknown>) =>
  unwrap(api.POST('/api/engine/adapters/{type}/test', { params: { path: { type } }, body: { config } }));

// 接入端点 (MLLP listeners, WebService endpoints)
export type EndpointPage = ResponseOf<'/api/engine/endpoints', 'get'>;
export type Endpoint = ItemOf<EndpointPage>;
export type EndpointQuery = QueryOf<'/api/engine/endpoints', 'get'>;
export type EndpointCreate = BodyOf<'/api/engine/endpoints', 'post'>;
export type EndpointUpdate = BodyOf<'/api/engine/endpoints/{id}', 'patch'>;
export type EndpointProtocol = Endpoint['protocol'];
export type EndpointStatus = ResponseOf<'/api/engine/endpoints/{id}/status', 'get'>;

export const listEndpoints = (query: EndpointQuery) => unwrap(api.GET('/api/engine/endpoints', { params: { query } }));
export const getEndpointStatus = (id: string) =>
  unwrap(api.GET('/api/engine/endpoints/{id}/status', { params: { path: { id } } }));
export const createEndpoint = (body: EndpointCreate) => unwrap(api.POST('/api/engine/endpoints', { body }));
export const updateEndpoint = (id: string, body: EndpointUpdate) =>
  unwrap(api.PATCH('/api/engine/endpoints/{id}', { params: { path: { id } }, body }));
export const deleteEndpoint = (id: string) =>
  unwrap(api.DELETE('/api/engine/endpoints/{id}', { params: { path: { id } } }));

// 修订历史
export const listRevisions = (query: RevisionQuery) => unwrap(api.GET('/api/engine/revisions', { params: { query } }));
export const rollbackRevision = (id: number) =>
  unwrap(api.POST('/api/engine/revisions/{id}/rollback', { params: { path: { id } } }));

// 规则转换
export type Transform = ItemOf<ResponseOf<'/api/engine/transforms', 'get'>>;
export type TransformCreate = BodyOf<'/api/engine/transforms', 'post'>;
export type TransformUpdate = BodyOf<'/api/engine/transforms/{id}', 'patch'>;
export type TryRequest = BodyOf<'/api/engine/transforms/try', 'post'>;
export type TryResult = ResponseOf<'/api/engine/transforms/try', 'post'>;
export type TryKind = TryRequest['kind'];

export const listTransforms = async (domainId: string): Promise<Transform[]> =>
  (await unwrap(api.GET('/api/engine/transforms', { params: { query: { domainId } } }))).items;
export const createTransform = (body: TransformCreate) => unwrap(api.POST('/api/engine/transforms', { body }));
export const updateTransform = (id: string, body: TransformUpdate) =>
  unwrap(api.PATCH('/api/engine/transforms/{id}', { params: { path: { id } }, body }));
export const deleteTransform = (id: string) =>
  unwrap(api.DELETE('/api/engine/transforms/{id}', { params: { path: { id } } }));
export const tryTransform = (body: TryRequest) => unwrap(api.POST('/api/engine/transforms/try', { body }));

// 映射表
export type Lookup = ItemOf<ResponseOf<'/api/engine/lookups', 'get'>>;
export type LookupCreate = BodyOf<'/api/engine/lookups', 'post'>;
export type LookupUpdate = BodyOf<'/api/engine/lookups/{id}', 'patch'>;
export type LookupEntryPage = ResponseOf<'/api/engine/lookups/{id}/entries', 'get'>;
export type LookupEntry = ItemOf<LookupEntryPage>;
export type LookupEntryQuery = QueryOf<'/api/engine/lookups/{id}/entries', 'get'>;
export type LookupEntryCreate = BodyOf<'/api/engine/lookups/{id}/entries', 'post'>;
export type LookupEntryUpdate = BodyOf<'/api/engine/lookups/{id}/entries/{entryId}', 'patch'>;
export type LookupImport = BodyOf<'/api/engine/lookups/{id}/import', 'post'>;
export type LookupImportResult = ResponseOf<'/api/engine/lookups/{id}/import', 'post'>;
export type LookupFileFormat = LookupImport['format'];

export const listLookups = async (domainId: string, q?: string): Promise<Lookup[]> =>
  (await unwrap(api.GET('/api/engine/lookups', { params: { query: { domainId, q } } }))).items;
export const createLookup = (body: LookupCreate) => unwrap(api.POST('/api/engine/lookups', { body }));
export const updateLookup = (id: string, body: LookupUpdate) =>
  unwrap(api.PATCH('/api/engine/lookups/{id}', { params: { path: { id } }, body }));
export const deleteLookup = (id: string) =>
  unwrap(api.DELETE('/api/engine/lookups/{id}', { params: { path: { id } } }));
export const listLookupEntries = (id: string, query: LookupEntryQuery) =>
  unwrap(api.GET('/api/engine/lookups/{id}/entries', { params: { path: { id }, query } }));
export const createLookupEntry = (id: string, body: LookupEntryCreate) =>
  unwrap(api.POST('/api/engine/lookups/{id}/entries', { params: { path: { id } }, body }));
export const updateLookupEntry = (id: string, entryId: string, body: LookupEntryUpdate) =>
  unwrap(api.PATCH('/api/engine/lookups/{id}/entries/{entryId}', { params: { path: { id, entryId } }, body }));
export const deleteLookupEntry = (id: string, entryId: string) =>
  unwrap(api.DELETE('/api/engine/lookups/{id}/entries/{entryId}', { params: { path: { id, entryId } } }));
export const importLookup = (id: string, body: LookupImport) =>
  unwrap(api.POST('/api/engine/lookups/{id}/import', { params: { path: { id } }, body }));
export const exportLookup = (lookup: Lookup, format: LookupFileFormat) =>
  saveDownload(
    api.GET('/api/engine/lookups/{id}/export', {
      params: { path: { id: lookup.id }, query: { format } },
      parseAs: 'blob',
    }),
    `${lookup.code}.${format}`,
  );

// 消息模型管理
export type Model = ItemOf<ResponseOf<'/api/engine/models', 'get'>>;
export type ModelDetail = ResponseOf<'/api/engine/models/{code}', 'get'>;
export type ModelCreate = BodyOf<'/api/engine/models', 'post'>;
export type ModelUpdate = BodyOf<'/api/engine/models/{code}', 'patch'>;
export type SchemaType = BodyOf<'/api/engine/models/{code}/schema', 'put'>['schemaType'];
export type ValidateSampleResult = ResponseOf<'/api/engine/models/{code}/validate', 'post'>;

export const listModels = async (): Promise<Model[]> => (await unwrap(api.GET('/api/engine/models'))).items;
export const getModel = (code: string) => unwrap(api.GET('/api/engine/models/{code}', { params: { path: { code } } }));
export const validateSample = (code: string, body: BodyOf<'/api/engine/models/{code}/validate', 'post'>) =>
  unwrap(api.POST('/api/engine/models/{code}/validate', { params: { path: { code } }, body }));
export const createModel = (body: ModelCreate) => unwrap(api.POST('/api/engine/models', { body }));
export const updateModel = (code: string, body: ModelUpdate) =>
  unwrap(api.PATCH('/api/engine/models/{code}', { params: { path: { code } }, body }));
export const deleteModel = (code: string) =>
  unwrap(api.DELETE('/api/engine/models/{code}', { params: { path: { code } } }));
export const putModelSchema = (code: string, body: BodyOf<'/api/engine/models/{code}/schema', 'put'>) =>
  unwrap(api.PUT('/api/engine/models/{code}/schema', { params: { path: { code } }, body }));
export const deleteModelSchema = (code: string) =>
  unwrap(api.DELETE('/api/engine/models/{code}/schema', { params: { path: { code } } }));

// 消息检索
export type MessagePage = ResponseOf<'/api/engine/messages', 'get'>;
export type MessageSummary = ItemOf<MessagePage>;
export type MessageQuery = QueryOf<'/api/engine/messages', 'get'>;
/** The search fields (what a saved query keeps; a bulk resend adds the time window). */
export type MessageFilter = Omit<MessageQuery, 'page' | 'pageSize'>;
export type MessageStatus = NonNullable<MessageQuery['status']>;
export type MessageDetail = ResponseOf<'/api/engine/messages/{id}', 'get'>;
export type Delivery = MessageDetail['deliveries'][number];
export type Attempt = Delivery['attemptList'][number];
export type TraceStep = MessageDetail['trace'][number];
export type BulkResend = BodyOf<'/api/engine/messages/resend', 'post'>;
export type BulkResendMode = BulkResend['mode'];
export type SavedQuery = ItemOf<ResponseOf<'/api/engine/saved-queries', 'get'>>;
/** 消息结构: HL7 v2 segments and named fields, or the XML element tree (json / text: nothing to structure). */
export type MessageStructure = ResponseOf<'/api/engine/messages/{id}/structure', 'get'>;
export type Hl7Structure = Extract<MessageStructure, { format: 'hl7v2' }>;
export type Hl7SegmentGroup = Hl7Structure['segments'][number];
export type Hl7Field = Hl7SegmentGroup['rows'][number];
export type XmlStructure = Extract<MessageStructure, { format: 'xml' }>;
export type XmlNode = XmlStructure['root'];

export const searchMessages = (query: MessageQuery) => unwrap(api.GET('/api/engine/messages', { params: { query } }));
export const getMessage = (id: string) => unwrap(api.GET('/api/engine/messages/{id}', { params: { path: { id } } }));
/** Reading the structure is reading the body: the server audits it like the detail. */
export const getMessageStructure = (id: string) =>
  unwrap(api.GET('/api/engine/messages/{id}/structure', { params: { path: { id } } }));
export const resendMessage = (id: string) =>
  unwrap(api.POST('/api/engine/messages/{id}/resend', { params: { path: { id } } }));
export const resendDelivery = (id: string) =>
  unwrap(api.POST('/api/engine/deliveries/{id}/resend', { params: { path: { id } } }));
export const editResend = (id: string, body: BodyOf<'/api/engine/messages/{id}/edit-resend', 'post'>) =>
  unwrap(api.POST('/api/engine/messages/{id}/edit-resend', { params: { path: { id } }, body }));
export const bulkResend = (body: BulkResend) => unwrap(api.POST('/api/engine/messages/resend', { body }));
export const listSavedQueries = async (): Promise<SavedQuery[]> =>
  (await unwrap(api.GET('/api/engine/saved-queries'))).items;
export const saveQuery = (body: BodyOf<'/api/engine/saved-queries', 'post'>) =>
  unwrap(api.POST('/api/engine/saved-queries', { body }));
export const deleteSavedQuery = (id: string) =>
  unwrap(api.DELETE('/api/engine/saved-queries/{id}', { params: { path: { id } } }));

// 运行监控
export type Stats = ResponseOf<'/api/engine/stats', 'get'>;

export const fetchStats = (domainId: string, minutes: number) =>
  unwrap(api.GET('/api/engine/stats', { params: { query: { domainId, minutes } } }));

// 消息保留与清理
export type PurgeResult = ResponseOf<'/api/engine/retention/purge', 'post'>;

export const purgeExpired = (body: BodyOf<'/api/engine/retention/purge', 'post'>) =>
  unwrap(api.POST('/api/engine/retention/purge', { body }));
