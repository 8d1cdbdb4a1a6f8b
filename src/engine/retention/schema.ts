// Schemas of message retention (消息保留与清理).
import Type, { type Static } from 'typebox';

export const PurgeBody = Type.Object(
  {
    domainId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '只清理该域；缺省清理所有域' })),
    includeUndelivered: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          '同时删除尚未投递完成的过期消息（默认保留）also delete expired messages whose deliveries are not finished',
      }),
    ),
  },
  { additionalProperties: false },
);
export type PurgeBody = Static<typeof PurgeBody>;

export const PurgeResult = Type.Object({
  deletedMessages: Type.Integer(),
  deletedDeliveries: Type.Integer(),
  deletedAttempts: Type.Integer(),
  keptUndelivered: Type.Integer({ description: 'expired but kept: deliveries still open' }),
  reclaim: Type.Union([Type.Literal('incremental_vacuum'), Type.Literal('vacuum'), Type.Literal('none')], {
    description: '释放空间的方式（清理后在后台进行）how space is given back, in the background after the purge',
  }),
});
