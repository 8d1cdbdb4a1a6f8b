// TypeBox schemas of the catalogue API (GET /api/services, GET /api/services/:action).
import Type, { type Static } from 'typebox';

const Operation = Type.Union(['add', 'update', 'query', 'cancel', 'delete', 'publish'].map((o) => Type.Literal(o)));
const FieldType = Type.Union(
  ['string', 'date', 'datetime', 'code', 'number', 'boolean', 'object', 'array'].map((t) => Type.Literal(t)),
);

export const ServiceSummary = Type.Object(
  {
    action: Type.String(),
    sCode: Type.Optional(Type.String()),
    name: Type.String(),
    nameEn: Type.String(),
    category: Type.String(),
    operation: Operation,
    entity: Type.String(),
    standard: Type.Boolean(),
    request: Type.String(),
    response: Type.Optional(Type.String()),
    fieldCount: Type.Integer(),
  },
  { $id: 'ServiceSummary' },
);

export const ServiceList = Type.Object({ items: Type.Array(ServiceSummary) });

export const ServiceListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    category: Type.Optional(Type.String({ maxLength: 50 })),
    operation: Type.Optional(Operation),
  },
  { additionalProperties: false },
);
export type ServiceListQuery = Static<typeof ServiceListQuery>;

export const ServiceParams = Type.Object({ action: Type.String({ minLength: 1, maxLength: 100 }) });

/** A service's JSON Schema (draft 2020-12) — free-form here, see src/services/catalogue/json-schema.ts. */
export const ServiceJsonSchema = Type.Record(Type.String(), Type.Unknown(), {
  description: 'JSON Schema (draft 2020-12) of the canonical JSON',
});

const fieldProps = {
  key: Type.String(),
  label: Type.String(),
  type: FieldType,
  required: Type.Boolean(),
  description: Type.Optional(Type.String()),
  codeSystem: Type.Optional(Type.String()),
  options: Type.Optional(Type.Array(Type.Object({ code: Type.String(), display: Type.Optional(Type.String()) }))),
  v3Path: Type.String(),
};
// Field trees are at most three levels deep in the catalogue (field → array → its fields).
const Leaf = Type.Object(fieldProps);
const Mid = Type.Object({ ...fieldProps, fields: Type.Optional(Type.Array(Leaf)) });
export const ServiceField = Type.Object({ ...fieldProps, fields: Type.Optional(Type.Array(Mid)) });

const IndexFields = Type.Object({
  patientId: Type.Optional(Type.String()),
  patientName: Type.Optional(Type.String()),
  visitNo: Type.Optional(Type.String()),
  orderNo: Type.Optional(Type.String()),
  applicationNo: Type.Optional(Type.String()),
});

export const ServiceDefinition = Type.Object(
  {
    action: Type.String(),
    sCode: Type.Optional(Type.String()),
    name: Type.String(),
    nameEn: Type.String(),
    category: Type.String(),
    operation: Operation,
    entity: Type.String(),
    standard: Type.Boolean(),
    description: Type.String(),
    request: Type.String(),
    response: Type.Optional(Type.String()),
    requestAlternatives: Type.Optional(Type.Array(Type.String())),
    v3Root: Type.String(),
    fields: Type.Array(ServiceField),
    keys: Type.Array(Type.String()),
    indexFields: IndexFields,
    queryParams: Type.Optional(Type.Array(Type.String())),
    stateField: Type.Optional(Type.String()),
    states: Type.Optional(
      Type.Array(
        Type.Object({
          code: Type.String(),
          name: Type.String(),
          nameEn: Type.String(),
          next: Type.Array(Type.String()),
        }),
      ),
    ),
    examples: Type.Object({
      v3Request: Type.Optional(Type.String()),
      json: Type.Record(Type.String(), Type.Unknown()),
      v3Response: Type.Optional(Type.String()),
      v3Source: Type.Optional(Type.Union([Type.Literal('corpus'), Type.Literal('generated')])),
    }),
  },
  { $id: 'ServiceDefinition' },
);

// ---- the console's 试一试 (try it) and a service's activity (订阅方, 最近消息) ----------------------------------------

export const ServiceTryBody = Type.Object(
  {
    format: Type.Union([Type.Literal('json'), Type.Literal('v3')], {
      description: 'json: 规范 JSON（转为标准 V3 后入库）· v3: HL7 V3 XML（原样入库）',
    }),
    body: Type.Optional(
      Type.String({
        minLength: 1,
        description: '请求内容；不给时使用该服务的示例（JSON 示例或 V3 请求示例）',
      }),
    ),
    prerequisites: Type.Optional(
      Type.Boolean({
        description:
          '先发送前置消息：按临床数据中心的规则，先以各自服务的示例建立本消息引用的记录（如更新前先新增），再发送本消息',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ServiceTryBody = Static<typeof ServiceTryBody>;

export const ServiceTryResult = Type.Object(
  {
    messageId: Type.String({ description: '入库消息的 ID（消息检索可查）' }),
    outcome: Type.Union([Type.Literal('accepted'), Type.Literal('duplicate'), Type.Literal('sync')], {
      description: 'accepted 已入库并路由 · duplicate 重复消息 · sync 服务提供方已应答',
    }),
    statusCode: Type.Integer({ description: 'REST 调用方会得到的 HTTP 状态（异步 202；同步为提供方应答的状态）' }),
    contentType: Type.String(),
    reply: Type.String({ description: 'REST 调用方会得到的应答正文（JSON 调用的查询应答已转为 JSON）' }),
    prerequisites: Type.Optional(
      Type.Array(Type.Object({ action: Type.String(), messageId: Type.String() }), {
        description: '先发送的前置消息（服务与消息 ID）',
      }),
    ),
  },
  { $id: 'ServiceTryResult' },
);
export type ServiceTryResult = Static<typeof ServiceTryResult>;

export const ServiceActivityQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })) },
  { additionalProperties: false },
);
export type ServiceActivityQuery = Static<typeof ServiceActivityQuery>;

const Nullable = Type.Union([Type.String(), Type.Null()]);

export const ServiceActivity = Type.Object(
  {
    topic: Type.Union([
      Type.Object({
        id: Type.String(),
        code: Type.String(),
        domainId: Type.String(),
        domainCode: Type.String(),
        mode: Type.Union([Type.Literal('async'), Type.Literal('sync')]),
        enabled: Type.Boolean(),
      }),
      Type.Null(),
    ]),
    subscriptions: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        subscriberId: Type.String(),
        subscriberCode: Nullable,
        subscriberName: Nullable,
        enabled: Type.Boolean(),
        paused: Type.Boolean(),
        adapter: Type.String(),
        pending: Type.Integer({ description: '尚未完成的投递数（待投递、投递中、等待重试）' }),
      }),
    ),
    recent: Type.Array(
      Type.Object({
        id: Type.String(),
        receivedAt: Type.String({ format: 'date-time' }),
        status: Type.String(),
        inbound: Type.String({ description: 'rest | http | soap | mllp | resend | internal' }),
        system: Nullable,
        patientId: Nullable,
        patientName: Nullable,
        visitNo: Nullable,
        applicationNo: Nullable,
        orderNo: Nullable,
        error: Nullable,
      }),
    ),
    recentFrom: Type.String({
      format: 'date-time',
      description: '最近消息的检索起点（该域的消息保留天数之内）',
    }),
  },
  { $id: 'ServiceActivity' },
);
export type ServiceActivity = Static<typeof ServiceActivity>;
