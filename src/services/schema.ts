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
