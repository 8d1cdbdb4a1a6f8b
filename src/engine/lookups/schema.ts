// Schemas of the lookup-table API (映射表): types, request validation and OpenAPI at once. Inputs refuse unknown fields.
import Type, { type Static } from 'typebox';
import { Id, listOf, pageOf } from '../config/http.js';
import { MAX_DESCRIPTION_LENGTH, MAX_KEY_LENGTH, MAX_VALUE_LENGTH } from './io.js';

const Time = Type.String({ format: 'date-time' });
const NullableString = Type.Union([Type.String(), Type.Null()]);
export const LookupCode = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
  description: '1–64 letters, digits, _ . - (used in expressions: $lookup("code", value))',
});
const Name = Type.String({ minLength: 1, maxLength: 100 });
const Description = Type.String({ maxLength: 500 });

export const EntryParams = Type.Object({ id: Id, entryId: Id }, { additionalProperties: false });

export const Lookup = Type.Object(
  {
    id: Type.String(),
    domainId: Type.String(),
    code: Type.String(),
    name: Type.String(),
    description: NullableString,
    multi: Type.Boolean({ description: 'true: one key may map to several values (一对多)' }),
    entryCount: Type.Integer(),
    createdAt: Time,
    updatedAt: Time,
  },
  { $id: 'Lookup' },
);
export type Lookup = Static<typeof Lookup>;
export const LookupList = listOf(Lookup);

export const LookupListQuery = Type.Object(
  {
    domainId: Type.Optional(Id),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'matches code or name' })),
  },
  { additionalProperties: false },
);
export type LookupListQuery = Static<typeof LookupListQuery>;

export const CreateLookupBody = Type.Object(
  {
    domainId: Id,
    code: LookupCode,
    name: Name,
    description: Type.Optional(Description),
    multi: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);
export type CreateLookupBody = Static<typeof CreateLookupBody>;

export const UpdateLookupBody = Type.Object(
  {
    code: Type.Optional(LookupCode),
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    multi: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UpdateLookupBody = Static<typeof UpdateLookupBody>;

export const LookupEntry = Type.Object(
  {
    id: Type.String(),
    key: Type.String(),
    value: Type.String(),
    description: NullableString,
    position: Type.Integer(),
  },
  { $id: 'LookupEntry' },
);
export type LookupEntry = Static<typeof LookupEntry>;

export const EntryPage = pageOf(LookupEntry);

export const EntryListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'matches key or value (search by code or value)' })),
    page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
);
export type EntryListQuery = Static<typeof EntryListQuery>;

const Key = Type.String({ minLength: 1, maxLength: MAX_KEY_LENGTH });
const Value = Type.String({ minLength: 1, maxLength: MAX_VALUE_LENGTH });
const EntryDescription = Type.String({ maxLength: MAX_DESCRIPTION_LENGTH });

export const CreateEntryBody = Type.Object(
  { key: Key, value: Value, description: Type.Optional(EntryDescription) },
  { additionalProperties: false },
);
export type CreateEntryBody = Static<typeof CreateEntryBody>;

export const UpdateEntryBody = Type.Object(
  { key: Type.Optional(Key), value: Type.Optional(Value), description: Type.Optional(EntryDescription) },
  { additionalProperties: false },
);
export type UpdateEntryBody = Static<typeof UpdateEntryBody>;

export const ImportBody = Type.Object(
  {
    format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]),
    content: Type.String({ minLength: 1, description: 'CSV text, or base64 of the file (always for xlsx)' }),
    mode: Type.Union([Type.Literal('merge'), Type.Literal('replace')], {
      description: 'merge: add new entries and update existing keys; replace: the file becomes the whole table',
    }),
    encoding: Type.Optional(
      Type.Union([Type.Literal('text'), Type.Literal('base64')], {
        description:
          'How `content` is given; default text for csv, base64 for xlsx. Send CSV as base64 to have GBK detected.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ImportBody = Static<typeof ImportBody>;

export const ImportResult = Type.Object({
  imported: Type.Integer({ description: 'rows added or updated' }),
  skipped: Type.Integer({ description: 'rows left out (see problems)' }),
  problems: Type.Array(Type.String()),
});
export type ImportResult = Static<typeof ImportResult>;

export const ExportQuery = Type.Object(
  { format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' })) },
  { additionalProperties: false },
);
