// Schemas of the transform API (规则转换): named JSONata transforms per domain and the try-it endpoint.
import Type, { type Static } from 'typebox';
import { Id, listOf } from '../config/http.js';

const Time = Type.String({ format: 'date-time' });
const NullableString = Type.Union([Type.String(), Type.Null()]);
export const TransformCode = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
  description: '1–64 letters, digits, _ . - (what subscriptions name in transformRef)',
});
export const TransformName = Type.String({ minLength: 1, maxLength: 100 });
const Description = Type.String({ maxLength: 500 });
export const MAX_EXPRESSION_LENGTH = 100_000;
export const Expression = Type.String({ minLength: 1, maxLength: MAX_EXPRESSION_LENGTH, description: 'JSONata' });

export const NamedTransform = Type.Object(
  {
    id: Type.String(),
    domainId: Type.String(),
    code: Type.String(),
    name: Type.String(),
    description: NullableString,
    expression: Type.String(),
    createdAt: Time,
    updatedAt: Time,
  },
  { $id: 'NamedTransform' },
);
export type NamedTransform = Static<typeof NamedTransform>;
export const NamedTransformList = listOf(NamedTransform);

export const TransformListQuery = Type.Object({ domainId: Type.Optional(Id) }, { additionalProperties: false });
export type TransformListQuery = Static<typeof TransformListQuery>;

export const CreateTransformBody = Type.Object(
  {
    domainId: Id,
    code: TransformCode,
    name: TransformName,
    description: Type.Optional(Description),
    expression: Expression,
  },
  { additionalProperties: false },
);
export type CreateTransformBody = Static<typeof CreateTransformBody>;

export const UpdateTransformBody = Type.Object(
  {
    code: Type.Optional(TransformCode),
    name: Type.Optional(TransformName),
    description: Type.Optional(Description),
    expression: Type.Optional(Expression),
  },
  { additionalProperties: false },
);
export type UpdateTransformBody = Static<typeof UpdateTransformBody>;

export const TryBody = Type.Object(
  {
    kind: Type.Union([Type.Literal('filter'), Type.Literal('transform')]),
    expression: Expression,
    messageId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'run on a stored message' })),
    body: Type.Optional(Type.String({ maxLength: 10 * 1024 * 1024 })),
    contentType: Type.Optional(Type.String({ maxLength: 200 })),
    domainId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type TryBody = Static<typeof TryBody>;

export const TryResult = Type.Object({
  ok: Type.Boolean(),
  result: Type.Optional(Type.Unknown({ description: 'filter: whether it matches; transform: the raw result' })),
  output: Type.Optional(Type.Object({ body: Type.String(), contentType: Type.String() })),
  error: Type.Optional(
    Type.Object({
      message: Type.String(),
      position: Type.Optional(Type.Integer({ description: 'character position in the expression' })),
      phase: Type.Optional(Type.Union([Type.Literal('compile'), Type.Literal('evaluate')])),
    }),
  ),
  durationMs: Type.Number(),
});
export type TryResult = Static<typeof TryResult>;
