/**
 * Types of the engine API (订阅发布) as agreed in the contract, kept here until the server's OpenAPI document
 * describes the engine routes and `web/src/api/schema.d.ts` can be used instead. Pages import these names only
 * from `./api`, so replacing a local type by a generated one touches this file and `api.ts` alone.
 */

export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  /** The server stopped counting (very large result); `total` is a lower bound. */
  totalCapped?: boolean;
}

export interface PageQuery {
  page?: number;
  pageSize?: number;
}

// 域
export interface Domain {
  id: string;
  code: string;
  name: string;
  description: string | null;
  enabled: boolean;
  retentionDays: number;
  topicCount: number;
  systemCount: number;
  subscriptionCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface DomainInput {
  code?: string;
  name?: string;
  description?: string | null;
  retentionDays?: number;
  enabled?: boolean;
}

export type ConfigFormat = 'json' | 'yaml';

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  problems: string[];
}

// 订户 / 接入系统
export type AuthType = 'token' | 'basic';

export interface System {
  id: string;
  domainId: string;
  code: string;
  name: string;
  vendor: string | null;
  contact: string | null;
  description: string | null;
  enabled: boolean;
  authType: AuthType;
  authUsername: string | null;
  hasSecret: boolean;
  ipAllowlist: string[];
  createdAt: string;
  updatedAt: string;
}

export interface SystemInput {
  domainId?: string;
  code?: string;
  name?: string;
  vendor?: string | null;
  contact?: string | null;
  description?: string | null;
  authType?: AuthType;
  authUsername?: string | null;
  ipAllowlist?: string[];
  enabled?: boolean;
}

export interface SystemQuery extends PageQuery {
  domainId?: string;
  q?: string;
  enabled?: boolean;
}

// 主题
export type TopicMode = 'async' | 'sync';
export const INDEX_FIELDS = [
  'patientId',
  'patientName',
  'visitNo',
  'orderNo',
  'applicationNo',
  'sourceMessageId',
] as const;
export type IndexField = (typeof INDEX_FIELDS)[number];
export type IndexFields = Partial<Record<IndexField, string>>;

export interface Topic {
  id: string;
  domainId: string;
  code: string;
  name: string;
  category: string | null;
  description: string | null;
  model: string;
  mode: TopicMode;
  validate: boolean;
  enabled: boolean;
  indexFields: IndexFields;
  publisherIds: string[];
  subscriptionCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface TopicInput {
  domainId?: string;
  code?: string;
  name?: string;
  category?: string | null;
  description?: string | null;
  model?: string;
  mode?: TopicMode;
  validate?: boolean;
  enabled?: boolean;
  indexFields?: IndexFields;
  publisherIds?: string[];
}

export interface TopicQuery extends PageQuery {
  domainId?: string;
  q?: string;
  category?: string;
  enabled?: boolean;
}

// 订阅关系
export type Ordering = 'parallel' | 'fifo';

export interface Subscription {
  id: string;
  domainId: string;
  topicId: string;
  systemId: string;
  name: string;
  adapter: string;
  adapterConfig: Record<string, unknown>;
  filter: string | null;
  transform: string | null;
  transformRef: string | null;
  maxAttempts: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  ordering: Ordering;
  workers: number;
  paused: boolean;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SubscriptionInput {
  topicId?: string;
  systemId?: string;
  name?: string;
  adapter?: string;
  adapterConfig?: Record<string, unknown>;
  filter?: string | null;
  transform?: string | null;
  transformRef?: string | null;
  maxAttempts?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  ordering?: Ordering;
  workers?: number;
  enabled?: boolean;
}

export interface SubscriptionQuery extends PageQuery {
  domainId?: string;
  topicId?: string;
  systemId?: string;
}

// 适配器
/** A JSON Schema as the adapter catalogue sends it (TypeBox output: properties, anyOf of consts, patternProperties …). */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
}

export interface Adapter {
  type: string;
  name: string;
  nameEn: string;
  className: string;
  direction: 'inbound' | 'outbound';
  protocol: string;
  description: string;
  configSchema: JsonSchema;
}

export interface AdapterTestResult {
  ok: boolean;
  message: string;
}

// 修订历史
export type RevisionEntity = 'domain' | 'system' | 'topic' | 'subscription';

export interface Revision {
  id: number;
  domainId: string | null;
  entityType: string;
  entityId: string;
  action: string;
  before: unknown;
  after: unknown;
  username: string | null;
  at: string;
  summary: string | null;
}

export interface RevisionQuery extends PageQuery {
  domainId?: string;
  entityType?: string;
  entityId?: string;
}

// 规则转换
export interface Transform {
  id: string;
  domainId: string;
  code: string;
  name: string;
  description: string | null;
  expression: string;
  createdAt: string;
  updatedAt: string;
}

export interface TransformInput {
  domainId?: string;
  code?: string;
  name?: string;
  description?: string;
  expression?: string;
}

export type TryKind = 'filter' | 'transform';

export interface TryRequest {
  kind: TryKind;
  expression: string;
  messageId?: string;
  body?: string;
  contentType?: string;
  domainId?: string;
}

export interface TryResult {
  ok: boolean;
  result?: unknown;
  output?: { body: string; contentType: string };
  error?: { message: string; position?: number | null; phase?: 'compile' | 'evaluate' };
  durationMs: number;
}

// 映射表
export interface Lookup {
  id: string;
  domainId: string;
  code: string;
  name: string;
  description: string | null;
  multi: boolean;
  entryCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface LookupInput {
  domainId?: string;
  code?: string;
  name?: string;
  description?: string;
  multi?: boolean;
}

export interface LookupEntry {
  id: string;
  key: string;
  value: string;
  description: string | null;
  position: number;
}

export interface LookupEntryInput {
  key?: string;
  value?: string;
  description?: string;
}

export type LookupFileFormat = 'csv' | 'xlsx';

export interface LookupImportResult {
  imported: number;
  skipped: number;
  problems: string[];
}

// 消息模型
export type SchemaType = 'json-schema' | 'xsd';

export interface Model {
  code: string;
  name: string;
  kind: string;
  builtin: boolean;
  /** null: no schema uploaded. */
  schemaType: SchemaType | null;
  description: string | null;
  /** Topics using this model. */
  topicCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface ModelDetail extends Model {
  schema: string | null;
}

export interface ValidateSampleResult {
  /** false when the model has nothing to validate against. */
  validated: boolean;
  valid: boolean;
  problems: string[];
}

export interface ModelInput {
  code?: string;
  name?: string;
  kind?: 'JSON' | 'XML';
  description?: string;
}

// 消息
export type MessageStatus = 'pending' | 'delivered' | 'failed' | 'no_route' | 'rejected';
export const MESSAGE_STATUSES: MessageStatus[] = ['pending', 'delivered', 'failed', 'no_route', 'rejected'];
export type DeliveryStatus = 'pending' | 'in_flight' | 'retry' | 'delivered' | 'dead' | 'cancelled';

export interface MessageSummary {
  id: string;
  domainId: string;
  topicId: string;
  topicCode: string | null;
  systemId: string | null;
  systemCode: string | null;
  sourceMessageId: string | null;
  receivedAt: string;
  status: MessageStatus;
  inbound: string;
  contentType: string;
  size: number;
  patientId: string | null;
  patientName: string | null;
  visitNo: string | null;
  orderNo: string | null;
  applicationNo: string | null;
  parentId: string | null;
  resendKind: string | null;
  routedCount: number;
  error: string | null;
}

export interface Attempt {
  n: number;
  startedAt: string;
  durationMs: number;
  outcome: string;
  statusCode: string | null;
  responseExcerpt: string | null;
  error: string | null;
}

export interface Delivery {
  id: string;
  subscriptionId: string;
  subscriptionName: string | null;
  systemId: string | null;
  systemCode: string | null;
  adapter: string | null;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
  parentId: string | null;
  attemptList: Attempt[];
}

export interface TraceStep {
  at: string;
  kind: string;
  title: string;
  detail?: string | null;
  deliveryId?: string | null;
  status?: string | null;
  durationMs?: number | null;
}

export interface MessageDetail extends MessageSummary {
  body: string;
  headers: Record<string, string> | null;
  indexExtra: Record<string, string[]> | null;
  warnings: string[];
  /** What the sender was answered (JSON), or null. */
  reply: unknown;
  validated: boolean | null;
  parent?: { id: string; receivedAt: string } | null;
  children: { id: string; resendKind: string | null; receivedAt: string; status: MessageStatus }[];
  deliveries: Delivery[];
  trace: TraceStep[];
}

/**
 * The search fields of 消息检索 (also what a saved query holds and what bulk resend filters by). Without an id or
 * number filter and without from/to the server searches the last 24 hours.
 */
export interface MessageFilter {
  domainId?: string;
  messageId?: string;
  sourceMessageId?: string;
  patientId?: string;
  patientName?: string;
  visitNo?: string;
  orderNo?: string;
  applicationNo?: string;
  topicId?: string;
  systemId?: string;
  status?: MessageStatus;
  from?: string;
  to?: string;
}

export type MessageQuery = MessageFilter & PageQuery;

export type BulkResendMode = 'message' | 'failed-deliveries';

export interface BulkResendResult {
  count: number;
  ids: string[];
  /** Matching messages or dead deliveries not resent (topic or subscription gone or disabled, refused). */
  skipped: number;
}

/** A page of search results with the time window the server applied (null: not limited). */
export interface MessagePage extends Paged<MessageSummary> {
  totalCapped: boolean;
  from: string | null;
  to: string | null;
}

export interface SavedQuery {
  id: string;
  name: string;
  query: MessageFilter;
  createdAt: string;
}

// 运行监控
export interface SystemRef {
  systemId: string;
  code: string;
  name: string;
}

export interface Stats {
  from: string;
  to: string;
  perMinute: { minute: string; received: number; delivered: number; failed: number }[];
  topics: {
    topicId: string;
    code: string;
    name: string;
    received: number;
    failed: number;
    publishers: SystemRef[];
    subscribers: (SystemRef & { subscriptionId: string; subscriptionName: string })[];
  }[];
  queues: {
    subscriptionId: string;
    name: string;
    topicCode: string | null;
    systemCode: string | null;
    depth: number;
    oldestAgeSeconds: number | null;
    inFlight: number;
    paused: boolean;
    enabled: boolean;
  }[];
  latency: { p50Ms: number | null; p95Ms: number | null; samples: number };
  ranking: { topicId: string; code: string; name: string; count: number }[];
  recentErrors: {
    at: string;
    messageId: string;
    deliveryId: string | null;
    topicCode: string | null;
    subscriptionName: string | null;
    error: string;
  }[];
  totals: {
    received: number;
    delivered: number;
    failed: number;
    pending: number;
    dead: number;
    systems: number;
    topics: number;
    subscriptions: number;
    vendors: { vendor: string; systems: number }[];
  };
}

// 消息保留与清理
export interface PurgeResult {
  deletedMessages: number;
  deletedDeliveries: number;
  deletedAttempts: number;
  /** Expired but kept: deliveries still open. */
  keptUndelivered: number;
  reclaim: 'incremental_vacuum' | 'vacuum' | 'none';
}
