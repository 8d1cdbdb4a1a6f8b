// Schemas of the message-model API (消息模型管理).
import Type, { type Static } from 'typebox';
import { listOf } from '../config/http.js';

const Time = Type.String({ format: 'date-time' });
const NullableString = Type.Union([Type.String(), Type.Null()]);
export const ModelCode = Type.String({
  pattern: '^[A-Za-z][A-Za-z0-9_.-]{0,63}$',
  description: '1–64 letters, digits, _ . - starting with a letter; what topics name as their model',
});
export type ModelKind = 'JSON' | 'XML' | 'HL7V2' | 'HL7V3' | 'CDA' | 'TEXT';
const SchemaType = Type.Union([Type.Literal('json-schema'), Type.Literal('xsd')]);
export type SchemaType = Static<typeof SchemaType>;
export const MAX_SCHEMA_LENGTH = 2 * 1024 * 1024;

export const ModelParams = Type.Object({ code: ModelCode }, { additionalProperties: false });

const modelFields = {
  code: Type.String(),
  name: Type.String(),
  kind: Type.String({ description: 'JSON | XML | HL7V2 | HL7V3 | CDA | TEXT' }),
  builtin: Type.Boolean(),
  schemaType: Type.Union([SchemaType, Type.Null()]),
  description: NullableString,
  topicCount: Type.Integer({ description: 'topics using this model' }),
  createdAt: Time,
  updatedAt: Time,
};

export const Model = Type.Object(modelFields, { $id: 'MessageModel' });
export type Model = Static<typeof Model>;
export const ModelList = listOf(Model);

export const ModelDetail = Type.Object(
  { ...modelFields, schema: Type.Union([Type.String(), Type.Null()]) },
  { $id: 'MessageModelDetail' },
);
export type ModelDetail = Static<typeof ModelDetail>;

export const CreateModelBody = Type.Object(
  {
    code: ModelCode,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: Type.Union([Type.Literal('JSON'), Type.Literal('XML')]),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type CreateModelBody = Static<typeof CreateModelBody>;

export const UpdateModelBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type UpdateModelBody = Static<typeof UpdateModelBody>;

export const PutSchemaBody = Type.Object(
  {
    schemaType: SchemaType,
    schema: Type.String({ minLength: 1, maxLength: MAX_SCHEMA_LENGTH, description: 'JSON Schema (as text) or XSD' }),
  },
  { additionalProperties: false },
);
export type PutSchemaBody = Static<typeof PutSchemaBody>;

export const ValidateSampleBody = Type.Object(
  {
    body: Type.String({ maxLength: 10 * 1024 * 1024 }),
    contentType: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ValidateSampleBody = Static<typeof ValidateSampleBody>;

export const ValidateSampleResult = Type.Object({
  validated: Type.Boolean({ description: 'false when the model has nothing to validate against' }),
  valid: Type.Boolean(),
  problems: Type.Array(Type.String()),
});
export type ValidateSampleResult = Static<typeof ValidateSampleResult>;
