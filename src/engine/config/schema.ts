// Schemas of the engine's configuration API (订阅发布 配置): domains, systems, topics, subscriptions, the adapter
// catalogue, configuration revisions and per-domain export/import. They are the TypeScript types, the request
// validation and the OpenAPI document at once. Inputs refuse unknown fields.
import Type, { type Static } from 'typebox';
import { Id, listOf, PageQuery, pageOf } from './http.js';

const Time = Type.String({ format: 'date-time' });
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const DomainCode = Type.String({
  pattern: '^[A-Za-z0-9_-]{1,64}$',
  description: '1–64 letters, digits, _ and - (part of the inbound URL)',
});
export const SystemCode = Type.String({
  pattern: '^[A-Za-z0-9_.-]{1,64}$',
  description: '1–64 letters, digits, _ . -',
});
export const TopicCode = Type.String({
  pattern: '^[A-Za-z0-9_.-]{1,128}$',
  description: '1–128 letters, digits, _ . - (part of the inbound URL)',
});
const Name = Type.String({ minLength: 1, maxLength: 100 });
const Description = Type.String({ maxLength: 1000 });
const ShortText = Type.String({ maxLength: 200 });
export const RetentionDays = Type.Integer({ minimum: 1, maximum: 3650, description: '消息保留天数 days kept' });
export const AuthType = Type.Union([Type.Literal('token'), Type.Literal('basic')], {
  description:
    'token: Authorization: Bearer <secret>; basic: HTTP Basic with authUsername (or the code) and the secret',
});
const AuthUsername = Type.String({ pattern: '^[^:\\s]{1,64}$', description: 'HTTP Basic user name (no colon)' });
export const IpAllowlist = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
  maxItems: 200,
  description: 'IP addresses and CIDR ranges allowed to call in; empty means loopback only',
});
export const ModelCode = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'JSON, XML, HL7V2, HL7V3, CDA, TEXT, or the code of a registered message model',
});
export const TopicMode = Type.Union([Type.Literal('async'), Type.Literal('sync')]);
const IndexPath = Type.String({ minLength: 1, maxLength: 500 });
export const IndexFields = Type.Object(
  {
    patientId: Type.Optional(IndexPath),
    patientName: Type.Optional(IndexPath),
    visitNo: Type.Optional(IndexPath),
    orderNo: Type.Optional(IndexPath),
    applicationNo: Type.Optional(IndexPath),
    sourceMessageId: Type.Optional(IndexPath),
  },
  {
    additionalProperties: false,
    description: 'Where each index field is found in the message (HL7 path, XPath or JSONata, by model)',
  },
);
export type IndexFields = Static<typeof IndexFields>;
export const AdapterType = Type.String({ minLength: 1, maxLength: 64 });
export const AdapterConfig = Type.Record(Type.String(), Type.Unknown(), {
  description: "The adapter's configuration; its schema is in the adapter catalogue",
});
const Expression = Type.String({ maxLength: 100_000, description: 'JSONata expression' });
const TransformRef = Type.String({ maxLength: 128, description: 'code of a named transform (规则转换)' });
export const MaxAttempts = Type.Integer({ minimum: 1, maximum: 1000 });
export const BackoffMs = Type.Integer({ minimum: 10, maximum: 7 * 86_400_000 });
export const Ordering = Type.Union([Type.Literal('parallel'), Type.Literal('fifo')], {
  description: 'parallel: up to `workers` deliveries at once; fifo: strictly one at a time, in order',
});
export const Workers = Type.Integer({ minimum: 1, maximum: 64 });
/** An optional field that may also be given as null. */
const Nullable = <T extends Parameters<typeof Type.Optional>[0]>(schema: T) =>
  Type.Optional(Type.Union([schema, Type.Null()]));

export const TypeParams = Type.Object(
  { type: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

// ---- domains (域管理) ---------------------------------------------------------------------------------------------

const domainFields = {
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  description: NullableString,
  enabled: Type.Boolean(),
  retentionDays: Type.Integer(),
  createdAt: Time,
  updatedAt: Time,
};

/** A domain as kept in a configuration revision. */
export const DomainState = Type.Object(domainFields);
export type DomainState = Static<typeof DomainState>;

export const Domain = Type.Object(
  {
    ...domainFields,
    topicCount: Type.Integer(),
    systemCount: Type.Integer(),
    subscriptionCount: Type.Integer(),
  },
  { $id: 'EngineDomain' },
);
export type Domain = Static<typeof Domain>;
export const DomainList = listOf(Domain);

export const CreateDomainBody = Type.Object(
  {
    code: DomainCode,
    name: Name,
    description: Type.Optional(Description),
    retentionDays: Type.Optional(RetentionDays),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateDomainBody = Static<typeof CreateDomainBody>;

export const UpdateDomainBody = Type.Object(
  {
    code: Type.Optional(DomainCode),
    name: Type.Optional(Name),
    description: Nullable(Description),
    retentionDays: Type.Optional(RetentionDays),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UpdateDomainBody = Static<typeof UpdateDomainBody>;

// ---- systems (订户管理) -------------------------------------------------------------------------------------------

export const System = Type.Object(
  {
    id: Type.String(),
    domainId: Type.String(),
    code: Type.String(),
    name: Type.String(),
    vendor: NullableString,
    contact: NullableString,
    description: NullableString,
    enabled: Type.Boolean(),
    authType: AuthType,
    authUsername: NullableString,
    hasSecret: Type.Boolean({
      description: 'whether a secret has been issued (the secret itself is never shown again)',
    }),
    ipAllowlist: Type.Array(Type.String()),
    createdAt: Time,
    updatedAt: Time,
  },
  { $id: 'EngineSystem' },
);
export type System = Static<typeof System>;
/** A system as kept in a configuration revision: the same as the API's, the secret reduced to `hasSecret`. */
export const SystemState = Type.Object({ ...System.properties });
export type SystemState = System;
export const SystemPage = pageOf(System);

export const SystemListQuery = Type.Object(
  {
    domainId: Type.Optional(Id),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    enabled: Type.Optional(Type.Boolean()),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type SystemListQuery = Static<typeof SystemListQuery>;

export const CreateSystemBody = Type.Object(
  {
    domainId: Id,
    code: SystemCode,
    name: Name,
    vendor: Type.Optional(ShortText),
    contact: Type.Optional(ShortText),
    description: Type.Optional(Description),
    authType: Type.Optional(AuthType),
    authUsername: Type.Optional(AuthUsername),
    ipAllowlist: Type.Optional(IpAllowlist),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateSystemBody = Static<typeof CreateSystemBody>;

export const UpdateSystemBody = Type.Object(
  {
    code: Type.Optional(SystemCode),
    name: Type.Optional(Name),
    vendor: Nullable(ShortText),
    contact: Nullable(ShortText),
    description: Nullable(Description),
    authType: Type.Optional(AuthType),
    authUsername: Nullable(AuthUsername),
    ipAllowlist: Type.Optional(IpAllowlist),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UpdateSystemBody = Static<typeof UpdateSystemBody>;

export const NewSystem = Type.Object({
  system: System,
  secret: Type.String({ description: 'Shown once; only its hash is kept' }),
});
export const NewSecret = Type.Object({ secret: Type.String({ description: 'Shown once; only its hash is kept' }) });

// ---- topics (主题管理) --------------------------------------------------------------------------------------------

const topicFields = {
  id: Type.String(),
  domainId: Type.String(),
  code: Type.String(),
  name: Type.String(),
  category: NullableString,
  description: NullableString,
  model: Type.String(),
  mode: TopicMode,
  validate: Type.Boolean(),
  enabled: Type.Boolean(),
  indexFields: Type.Object({
    patientId: Type.Optional(Type.String()),
    patientName: Type.Optional(Type.String()),
    visitNo: Type.Optional(Type.String()),
    orderNo: Type.Optional(Type.String()),
    applicationNo: Type.Optional(Type.String()),
    sourceMessageId: Type.Optional(Type.String()),
  }),
  publisherIds: Type.Array(Type.String(), {
    description: 'systems allowed to publish; empty: any system of the domain',
  }),
  createdAt: Time,
  updatedAt: Time,
};

/** A topic as kept in a configuration revision (with its publishers). */
export const TopicState = Type.Object(topicFields);
export type TopicState = Static<typeof TopicState>;

export const Topic = Type.Object({ ...topicFields, subscriptionCount: Type.Integer() }, { $id: 'EngineTopic' });
export type Topic = Static<typeof Topic>;
export const TopicPage = pageOf(Topic);

export const TopicListQuery = Type.Object(
  {
    domainId: Type.Optional(Id),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    category: Type.Optional(Type.String({ maxLength: 100 })),
    enabled: Type.Optional(Type.Boolean()),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type TopicListQuery = Static<typeof TopicListQuery>;

/** A topic's settings as its create and update bodies and the domain document take them. */
const topicSettings = {
  model: Type.Optional(ModelCode),
  mode: Type.Optional(TopicMode),
  validate: Type.Optional(Type.Boolean()),
  enabled: Type.Optional(Type.Boolean()),
  indexFields: Type.Optional(IndexFields),
};

export const CreateTopicBody = Type.Object(
  {
    domainId: Id,
    code: TopicCode,
    name: Name,
    category: Type.Optional(Type.String({ maxLength: 100 })),
    description: Type.Optional(Description),
    ...topicSettings,
    publisherIds: Type.Optional(Type.Array(Id, { maxItems: 500 })),
  },
  { additionalProperties: false },
);
export type CreateTopicBody = Static<typeof CreateTopicBody>;

export const UpdateTopicBody = Type.Object(
  {
    code: Type.Optional(TopicCode),
    name: Type.Optional(Name),
    category: Nullable(Type.String({ maxLength: 100 })),
    description: Nullable(Description),
    ...topicSettings,
    publisherIds: Type.Optional(Type.Array(Id, { maxItems: 500 })),
  },
  { additionalProperties: false },
);
export type UpdateTopicBody = Static<typeof UpdateTopicBody>;

// ---- subscriptions (订阅关系) -------------------------------------------------------------------------------------

export const Subscription = Type.Object(
  {
    id: Type.String(),
    domainId: Type.String(),
    topicId: Type.String(),
    systemId: Type.String(),
    name: Type.String(),
    adapter: Type.String(),
    adapterConfig: AdapterConfig,
    filter: NullableString,
    transform: NullableString,
    transformRef: NullableString,
    maxAttempts: Type.Integer(),
    backoffInitialMs: Type.Integer(),
    backoffMaxMs: Type.Integer(),
    ordering: Ordering,
    workers: Type.Integer(),
    paused: Type.Boolean(),
    enabled: Type.Boolean(),
    createdAt: Time,
    updatedAt: Time,
  },
  { $id: 'EngineSubscription' },
);
export type Subscription = Static<typeof Subscription>;
/** A subscription as kept in a configuration revision. */
export const SubscriptionState = Type.Object({ ...Subscription.properties });
export type SubscriptionState = Subscription;
export const SubscriptionPage = pageOf(Subscription);

export const SubscriptionListQuery = Type.Object(
  {
    domainId: Type.Optional(Id),
    topicId: Type.Optional(Id),
    systemId: Type.Optional(Id),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type SubscriptionListQuery = Static<typeof SubscriptionListQuery>;

/** How a subscription delivers, as its create and update bodies and the domain document take it. */
const deliverySettings = {
  filter: Nullable(Expression),
  transform: Nullable(Expression),
  transformRef: Nullable(TransformRef),
  maxAttempts: Type.Optional(MaxAttempts),
  backoffInitialMs: Type.Optional(BackoffMs),
  backoffMaxMs: Type.Optional(BackoffMs),
  ordering: Type.Optional(Ordering),
  workers: Type.Optional(Workers),
};

export const CreateSubscriptionBody = Type.Object(
  {
    topicId: Id,
    systemId: Id,
    name: Name,
    adapter: AdapterType,
    adapterConfig: AdapterConfig,
    ...deliverySettings,
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateSubscriptionBody = Static<typeof CreateSubscriptionBody>;

export const UpdateSubscriptionBody = Type.Object(
  {
    name: Type.Optional(Name),
    adapter: Type.Optional(AdapterType),
    adapterConfig: Type.Optional(AdapterConfig),
    ...deliverySettings,
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UpdateSubscriptionBody = Static<typeof UpdateSubscriptionBody>;

// ---- adapters (适配器管理) ----------------------------------------------------------------------------------------

export const AdapterInfo = Type.Object({
  type: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  className: Type.String(),
  direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]),
  protocol: Type.String(),
  description: Type.String(),
  configSchema: Type.Unknown({ description: 'JSON Schema of the adapter configuration' }),
});
export const AdapterList = listOf(AdapterInfo);
export const AdapterTestBody = Type.Object({ config: AdapterConfig }, { additionalProperties: false });
export const AdapterTestResult = Type.Object({ ok: Type.Boolean(), message: Type.String() });

// ---- revisions (配置修订) ----------------------------------------------------------------------------------------

export const Revision = Type.Object(
  {
    id: Type.Integer(),
    domainId: NullableString,
    entityType: Type.String({ description: 'domain | system | topic | subscription | …' }),
    entityId: Type.String(),
    action: Type.String({ description: 'create | update | delete | rollback | import' }),
    before: Type.Unknown({ description: 'the object before the change (null: it did not exist)' }),
    after: Type.Unknown({ description: 'the object after the change (null: it no longer exists)' }),
    username: NullableString,
    at: Time,
    summary: NullableString,
  },
  { $id: 'EngineRevision' },
);
export type Revision = Static<typeof Revision>;
export const RevisionPage = pageOf(Revision);

export const RevisionListQuery = Type.Object(
  {
    domainId: Type.Optional(Id),
    entityType: Type.Optional(Type.String({ maxLength: 64 })),
    entityId: Type.Optional(Id),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type RevisionListQuery = Static<typeof RevisionListQuery>;
export const RevisionIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export const RollbackResult = Type.Object({ revisionId: Type.Integer({ description: 'the new rollback revision' }) });

// ---- export / import --------------------------------------------------------------------------------------------

export const ExportFormat = Type.Union([Type.Literal('json'), Type.Literal('yaml')]);
export type ExportFormat = Static<typeof ExportFormat>;
export const ExportQuery = Type.Object({ format: Type.Optional(ExportFormat) }, { additionalProperties: false });
export const EXPORT_DESCRIPTION =
  "The domain's configuration (systems without secrets, topics, subscriptions) as a JSON or YAML file";

export const ImportBody = Type.Object(
  {
    content: Type.String({ minLength: 1, maxLength: 20_000_000 }),
    format: ExportFormat,
    dryRun: Type.Optional(Type.Boolean({ description: 'check and count only; nothing is written' })),
  },
  { additionalProperties: false },
);
export type ImportBody = Static<typeof ImportBody>;
export const ImportResult = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  problems: Type.Array(Type.String(), {
    description: 'what prevents the import; a real import with problems is refused and writes nothing',
  }),
});
export type ImportResult = Static<typeof ImportResult>;

// The document itself (what export writes and import reads). Optional fields take the same defaults as the API.

export const DocumentSystem = Type.Object(
  {
    code: SystemCode,
    name: Name,
    vendor: Nullable(ShortText),
    contact: Nullable(ShortText),
    description: Nullable(Description),
    enabled: Type.Optional(Type.Boolean()),
    authType: Type.Optional(AuthType),
    authUsername: Nullable(AuthUsername),
    ipAllowlist: Type.Optional(IpAllowlist),
  },
  { additionalProperties: false },
);
export type DocumentSystem = Static<typeof DocumentSystem>;

export const DocumentTopic = Type.Object(
  {
    code: TopicCode,
    name: Name,
    category: Nullable(Type.String({ maxLength: 100 })),
    description: Nullable(Description),
    ...topicSettings,
    publishers: Type.Optional(Type.Array(SystemCode, { maxItems: 500, description: 'codes of publishing systems' })),
  },
  { additionalProperties: false },
);
export type DocumentTopic = Static<typeof DocumentTopic>;

export const DocumentSubscription = Type.Object(
  {
    name: Name,
    topic: TopicCode,
    system: SystemCode,
    adapter: AdapterType,
    adapterConfig: AdapterConfig,
    ...deliverySettings,
    paused: Type.Optional(Type.Boolean()),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type DocumentSubscription = Static<typeof DocumentSubscription>;

export const DOCUMENT_FORMAT = 'hutong-domain-config';

export const ConfigDocument = Type.Object(
  {
    format: Type.Optional(Type.Literal(DOCUMENT_FORMAT)),
    version: Type.Optional(Type.Literal(1)),
    exportedAt: Type.Optional(Type.String()),
    /** The source domain, for reference: importing never changes the target domain's own settings. */
    domain: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    systems: Type.Optional(Type.Array(DocumentSystem, { maxItems: 10_000 })),
    topics: Type.Optional(Type.Array(DocumentTopic, { maxItems: 10_000 })),
    subscriptions: Type.Optional(Type.Array(DocumentSubscription, { maxItems: 50_000 })),
  },
  { additionalProperties: false },
);
export type ConfigDocument = Static<typeof ConfigDocument>;
