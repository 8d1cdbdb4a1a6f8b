// Row types of the engine's tables (migration 2026-11-25-002-engine). Stores reach them with
// `db.kysely.withTables<EngineTables>()`.
import type { Generated } from 'kysely';

export interface DomainsTable {
  id: string;
  code: string;
  name: string;
  description: string | null;
  enabled: number;
  retention_days: number;
  created_at: string;
  updated_at: string;
}

export interface SystemsTable {
  id: string;
  domain_id: string;
  code: string;
  name: string;
  vendor: string | null;
  contact: string | null;
  description: string | null;
  enabled: number;
  /** 'token' (Authorization: Bearer) or 'basic' (HTTP Basic with auth_username). */
  auth_type: string;
  auth_username: string | null;
  /** SHA-256 of the generated secret; null until one is issued. */
  secret_hash: string | null;
  /** JSON array of IPs / CIDRs allowed to call in as this system. */
  ip_allowlist: string;
  created_at: string;
  updated_at: string;
}

export interface TopicsTable {
  id: string;
  domain_id: string;
  code: string;
  name: string;
  category: string | null;
  description: string | null;
  /** JSON, XML, HL7V2, HL7V3, CDA, TEXT — or the code of a registered model. */
  model: string;
  mode: string;
  validate: number;
  /** JSON: { patientId?: path, patientName?: path, visitNo?: path, orderNo?: path, applicationNo?: path, sourceMessageId?: path } */
  index_fields: string | null;
  enabled: number;
  created_at: string;
  updated_at: string;
}

export interface TopicPublishersTable {
  topic_id: string;
  system_id: string;
}

export interface SubscriptionsTable {
  id: string;
  domain_id: string;
  topic_id: string;
  system_id: string;
  name: string;
  adapter: string;
  adapter_config: string;
  filter: string | null;
  transform: string | null;
  transform_ref: string | null;
  max_attempts: number;
  backoff_initial_ms: number;
  backoff_max_ms: number;
  ordering: string;
  workers: number;
  paused: number;
  enabled: number;
  created_at: string;
  updated_at: string;
}

export interface ConfigRevisionsTable {
  id: Generated<number>;
  domain_id: string | null;
  entity_type: string;
  entity_id: string;
  action: string;
  before: string | null;
  after: string | null;
  user_id: string | null;
  username: string | null;
  at: string;
  summary: string | null;
}

export interface MessagesTable {
  id: string;
  domain_id: string;
  topic_id: string;
  system_id: string | null;
  source_message_id: string | null;
  received_at: string;
  /** pending | delivered | failed | no_route | answered | rejected | sync_ok | sync_failed */
  status: string;
  /** rest | http | soap | mllp | resend | internal */
  inbound: string;
  content_type: string;
  body: string;
  size: number;
  headers: string | null;
  patient_id: string | null;
  patient_name: string | null;
  visit_no: string | null;
  order_no: string | null;
  application_no: string | null;
  index_extra: string | null;
  warnings: string | null;
  error: string | null;
  /** What the caller was answered (kept for duplicates and sync topics). */
  reply: string | null;
  parent_id: string | null;
  /** message | delivery | edit — how this message came from its parent. */
  resend_kind: string | null;
  routed_count: number;
  validated: number | null;
}

export interface DeliveriesTable {
  id: string;
  message_id: string;
  subscription_id: string;
  /** pending | in_flight | retry | delivered | dead | cancelled */
  status: string;
  /** 1 while the delivery still has to happen (pending, in_flight, retry). */
  open: number;
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
  parent_id: string | null;
}

export interface AttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  message_id: string;
  n: number;
  started_at: string;
  duration_ms: number;
  /** ok | error | timeout | filter_error | transform_error */
  outcome: string;
  status_code: string | null;
  response_excerpt: string | null;
  error: string | null;
}

export interface SavedQueriesTable {
  id: string;
  user_id: string;
  name: string;
  query: string;
  created_at: string;
}

/** 接入端点 (migration 2026-11-26-005): MLLP listeners and WebService endpoints configured in the console. */
export interface InboundEndpointsTable {
  id: string;
  domain_id: string;
  code: string;
  name: string;
  /** mllp | soap */
  protocol: string;
  enabled: number;
  /** JSON: the protocol's settings with every default filled in (src/engine/endpoints/settings.ts). */
  settings: string;
  created_at: string;
  updated_at: string;
}

// A type alias (not an interface) so Kysely's withTables<…>() accepts it.
export type EngineTables = {
  domains: DomainsTable;
  systems: SystemsTable;
  topics: TopicsTable;
  topic_publishers: TopicPublishersTable;
  subscriptions: SubscriptionsTable;
  config_revisions: ConfigRevisionsTable;
  messages: MessagesTable;
  deliveries: DeliveriesTable;
  attempts: AttemptsTable;
  saved_queries: SavedQueriesTable;
  inbound_endpoints: InboundEndpointsTable;
};
