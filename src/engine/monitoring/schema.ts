// Schemas of engine monitoring (运行监控 / 消息监控): per-minute traffic, topics with their publishers and
// subscribers, queues, latency, ranking, recent errors and totals.
import Type, { type Static } from 'typebox';

const Time = Type.String({ format: 'date-time' });
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const MAX_MINUTES = 360;

export const StatsQuery = Type.Object(
  {
    domainId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    minutes: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_MINUTES,
        default: 60,
        description: '统计窗口（分钟，最近的 N 分钟，含当前分钟）window in minutes, the current one included',
      }),
    ),
  },
  { additionalProperties: false },
);
export type StatsQuery = Static<typeof StatsQuery>;

const SystemRef = Type.Object({ systemId: Type.String(), code: Type.String(), name: Type.String() });

export const Stats = Type.Object(
  {
    from: Time,
    to: Time,
    perMinute: Type.Array(
      Type.Object({
        minute: Time,
        received: Type.Integer({ description: 'messages received' }),
        delivered: Type.Integer({ description: 'deliveries that reached their subscriber' }),
        failed: Type.Integer({ description: 'delivery attempts that failed' }),
      }),
    ),
    topics: Type.Array(
      Type.Object({
        topicId: Type.String(),
        code: Type.String(),
        name: Type.String(),
        received: Type.Integer(),
        failed: Type.Integer({ description: 'messages received in the window now failed or rejected' }),
        publishers: Type.Array(SystemRef, { description: 'empty: any system of the domain may publish' }),
        subscribers: Type.Array(
          Type.Object({
            ...SystemRef.properties,
            subscriptionId: Type.String(),
            subscriptionName: Type.String(),
          }),
        ),
      }),
    ),
    queues: Type.Array(
      Type.Object({
        subscriptionId: Type.String(),
        name: Type.String(),
        topicCode: NullableString,
        systemCode: NullableString,
        depth: Type.Integer({ description: 'deliveries not done yet (pending, in flight, waiting to retry)' }),
        oldestAgeSeconds: Type.Union([Type.Number(), Type.Null()]),
        inFlight: Type.Integer({ description: 'being delivered by this node now' }),
        paused: Type.Boolean(),
        enabled: Type.Boolean(),
      }),
    ),
    latency: Type.Object({
      p50Ms: Type.Union([Type.Number(), Type.Null()]),
      p95Ms: Type.Union([Type.Number(), Type.Null()]),
      samples: Type.Integer({ description: 'the most recent deliveries of the window, at most 2,000' }),
    }),
    ranking: Type.Array(
      Type.Object({ topicId: Type.String(), code: Type.String(), name: Type.String(), count: Type.Integer() }),
    ),
    recentErrors: Type.Array(
      Type.Object({
        at: Time,
        messageId: Type.String(),
        deliveryId: NullableString,
        topicCode: NullableString,
        subscriptionName: NullableString,
        error: Type.String(),
      }),
    ),
    totals: Type.Object({
      received: Type.Integer({ description: 'in the window' }),
      delivered: Type.Integer({ description: 'in the window' }),
      failed: Type.Integer({ description: 'failed attempts in the window' }),
      pending: Type.Integer({ description: 'deliveries open now' }),
      dead: Type.Integer({ description: 'deliveries that became dead letters in the window' }),
      systems: Type.Integer(),
      topics: Type.Integer(),
      subscriptions: Type.Integer(),
      vendors: Type.Array(Type.Object({ vendor: Type.String(), systems: Type.Integer() })),
    }),
  },
  { $id: 'EngineStats' },
);
export type Stats = Static<typeof Stats>;
