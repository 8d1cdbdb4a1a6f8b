// Schemas of message search (消息检索): search, detail with its trace, resends, saved searches. They are the
// TypeScript types, the request validation and the OpenAPI document at once. Inputs refuse unknown fields.
import Type, { type Static } from 'typebox';
import { Id, listOf } from '../config/http.js';

const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);
const IndexValue = Type.String({ minLength: 1, maxLength: 200 });

export const MessageStatus = Type.Union(
  [
    Type.Literal('pending'),
    Type.Literal('delivered'),
    Type.Literal('failed'),
    Type.Literal('no_route'),
    Type.Literal('answered'),
    Type.Literal('rejected'),
  ],
  {
    description:
      'pending 投递中 · delivered 已投递 · failed 失败 · no_route 无订阅 · answered 平台应答 · rejected 拒收',
  },
);

/** The search fields (all exact matches on indexed columns; bodies are never scanned). */
const SearchFields = {
  domainId: Type.Optional(Id),
  messageId: Type.Optional(Id),
  sourceMessageId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: '发送方消息 ID' })),
  patientId: Type.Optional(IndexValue),
  patientName: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: '患者姓名：精确匹配；以 * 结尾按前缀匹配（如 张*） — exact, or a prefix when it ends in *',
    }),
  ),
  visitNo: Type.Optional(IndexValue),
  orderNo: Type.Optional(IndexValue),
  applicationNo: Type.Optional(IndexValue),
  topicId: Type.Optional(Id),
  systemId: Type.Optional(Id),
  status: Type.Optional(MessageStatus),
};

export const WINDOW_NOTE =
  '不带任何编号条件（消息 ID、发送方消息 ID、患者 ID、患者姓名（精确）、就诊号、医嘱号、申请单号）且未给出 from/to 时，' +
  '只查最近 24 小时；只给 to 时查 to 之前 24 小时。Without an id or number filter (message id, source message id, ' +
  'patient id, exact patient name, visit, order or application number) and without from/to, only the last 24 hours ' +
  'are searched; with only `to`, the 24 hours before it. Newest first.';

export const MessageSearchQuery = Type.Object(
  {
    ...SearchFields,
    from: Type.Optional(Type.String({ format: 'date-time', description: '接收时间起（含）received at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: '接收时间止（不含）received before' })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
  },
  { additionalProperties: false, description: WINDOW_NOTE },
);
export type MessageSearchQuery = Static<typeof MessageSearchQuery>;

/** The fields a bulk resend selects by: the search fields with a required time range. */
export const ResendFilter = Type.Object(
  {
    ...SearchFields,
    from: Type.String({ format: 'date-time', description: '接收时间起（含）' }),
    to: Type.String({ format: 'date-time', description: '接收时间止（不含）' }),
  },
  { additionalProperties: false },
);
export type ResendFilter = Static<typeof ResendFilter>;

/** What a saved search keeps: the search fields and an optional time range. */
export const SavedQueryFields = Type.Object(
  {
    ...SearchFields,
    from: Type.Optional(Time),
    to: Type.Optional(Time),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
export type SavedQueryFields = Static<typeof SavedQueryFields>;

export type SearchFilter = Omit<MessageSearchQuery, 'page' | 'pageSize'>;

export const MessageSummary = Type.Object(
  {
    id: Type.String(),
    domainId: Type.String(),
    topicId: Type.String(),
    topicCode: NullableString,
    systemId: NullableString,
    systemCode: NullableString,
    sourceMessageId: NullableString,
    receivedAt: Time,
    status: Type.String(),
    inbound: Type.String({ description: 'rest | http | soap | mllp | resend | internal' }),
    contentType: Type.String(),
    size: Type.Integer({ description: 'bytes' }),
    patientId: NullableString,
    patientName: NullableString,
    visitNo: NullableString,
    orderNo: NullableString,
    applicationNo: NullableString,
    parentId: NullableString,
    resendKind: Type.Union([Type.String(), Type.Null()], { description: 'message 整条重发 | edit 编辑后重发 | null' }),
    routedCount: Type.Integer(),
    error: NullableString,
  },
  { $id: 'MessageSummary' },
);
export type MessageSummary = Static<typeof MessageSummary>;

export const MessagePage = Type.Object({
  items: Type.Array(MessageSummary),
  total: Type.Integer({ description: 'exact up to 10,000; larger results say 10,000 with totalCapped' }),
  totalCapped: Type.Boolean({ description: 'more than 10,000 messages match: narrow the search' }),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  from: Type.Union([Time, Type.Null()], { description: 'the time window applied (received at or after)' }),
  to: Type.Union([Time, Type.Null()], { description: 'the time window applied (received before)' }),
});

export const Attempt = Type.Object({
  n: Type.Integer(),
  startedAt: Time,
  durationMs: Type.Integer(),
  outcome: Type.String({ description: 'ok | error | timeout | filter_error | transform_error' }),
  statusCode: NullableString,
  responseExcerpt: NullableString,
  error: NullableString,
});

export const Delivery = Type.Object({
  id: Type.String(),
  subscriptionId: Type.String(),
  subscriptionName: NullableString,
  systemId: NullableString,
  systemCode: NullableString,
  adapter: NullableString,
  status: Type.String({ description: 'pending | in_flight | retry | delivered | dead | cancelled' }),
  attempts: Type.Integer(),
  nextAttemptAt: NullableTime,
  lastError: NullableString,
  createdAt: Time,
  finishedAt: NullableTime,
  parentId: NullableString,
  attemptList: Type.Array(Attempt),
});
export type Delivery = Static<typeof Delivery>;

export const TraceKind = Type.Union([
  Type.Literal('received'),
  Type.Literal('validated'),
  Type.Literal('rejected'),
  Type.Literal('routed'),
  Type.Literal('delivery'),
  Type.Literal('attempt'),
  Type.Literal('delivered'),
  Type.Literal('dead'),
  Type.Literal('resent'),
]);

export const TraceEvent = Type.Object({
  at: Time,
  kind: TraceKind,
  title: Type.String(),
  detail: Type.Optional(Type.String()),
  deliveryId: Type.Optional(Type.String()),
  status: Type.Optional(Type.String()),
  durationMs: Type.Optional(Type.Integer()),
});
export type TraceEvent = Static<typeof TraceEvent>;

export const MessageDetail = Type.Object(
  {
    ...MessageSummary.properties,
    body: Type.String(),
    headers: Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()]),
    indexExtra: Type.Union([Type.Record(Type.String(), Type.Array(Type.String())), Type.Null()]),
    warnings: Type.Array(Type.String()),
    reply: Type.Unknown({ description: 'what the sender was answered (JSON), or null' }),
    validated: Type.Union([Type.Boolean(), Type.Null()], { description: 'null: the topic does not validate' }),
    parent: Type.Optional(Type.Object({ id: Type.String(), receivedAt: Time })),
    children: Type.Array(
      Type.Object({
        id: Type.String(),
        resendKind: NullableString,
        receivedAt: Time,
        status: Type.String(),
      }),
    ),
    deliveries: Type.Array(Delivery),
    trace: Type.Array(TraceEvent),
  },
  { $id: 'MessageDetail' },
);
export type MessageDetail = Static<typeof MessageDetail>;

export const ResendResult = Type.Object({ messageId: Type.String({ description: 'the new message' }) });
export const DeliveryResendResult = Type.Object({ deliveryId: Type.String({ description: 'the new delivery' }) });

export const BulkResendBody = Type.Object(
  {
    filter: ResendFilter,
    mode: Type.Union([Type.Literal('message'), Type.Literal('failed-deliveries')], {
      description:
        'message: 每条匹配的消息作为新消息重新路由 re-route each matching message as a new one; failed-deliveries: ' +
        '重发匹配消息中每个死信投递（已重发过的除外） resend each dead delivery of the matching messages not resent yet',
    }),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10_000,
        default: 1000,
        description: 'at most this many messages, oldest first',
      }),
    ),
  },
  { additionalProperties: false },
);
export type BulkResendBody = Static<typeof BulkResendBody>;

export const BulkResendResult = Type.Object({
  count: Type.Integer({ description: 'messages or deliveries created' }),
  ids: Type.Array(Type.String(), { description: 'the new message ids (message) or delivery ids (failed-deliveries)' }),
  skipped: Type.Integer({
    description: 'matching messages or dead deliveries not resent (topic or subscription gone or disabled, refused)',
  }),
});
export type BulkResendResult = Static<typeof BulkResendResult>;

export const EditResendBody = Type.Object(
  {
    body: Type.String({ minLength: 1, description: '修改后的消息内容 the edited body' }),
    contentType: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type EditResendBody = Static<typeof EditResendBody>;

export const SavedQuery = Type.Object({
  id: Type.String(),
  name: Type.String(),
  query: SavedQueryFields,
  createdAt: Time,
});
export type SavedQuery = Static<typeof SavedQuery>;
export const SavedQueryList = listOf(SavedQuery);
export const SaveQueryBody = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      description: '同名的收藏被替换 replaces a saved search of the same name',
    }),
    query: SavedQueryFields,
  },
  { additionalProperties: false },
);
export type SaveQueryBody = Static<typeof SaveQueryBody>;
