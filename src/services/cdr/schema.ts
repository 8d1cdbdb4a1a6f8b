// TypeBox schemas of the repository API (GET /api/cdr/…).
import Type from 'typebox';

const Json = Type.Record(Type.String(), Type.Unknown());
const Nullable = (t: ReturnType<typeof Type.String>) => Type.Union([t, Type.Null()]);

export const CdrState = Type.Object({
  code: Type.String({ maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9_]*$' }),
  name: Type.String({ minLength: 1, maxLength: 64 }),
  nameEn: Type.String({ maxLength: 64 }),
  next: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 }),
});

export const CdrEntitySummary = Type.Object(
  {
    entity: Type.String(),
    name: Type.String(),
    nameEn: Type.String(),
    keyLabel: Type.String(),
    count: Type.Integer(),
    services: Type.Array(Type.String()),
    states: Type.Optional(Type.Array(CdrState)),
  },
  { $id: 'CdrEntitySummary' },
);

export const CdrEntityList = Type.Object({ items: Type.Array(CdrEntitySummary) });

export const CdrRecord = Type.Object(
  {
    id: Type.String(),
    entity: Type.String(),
    key: Type.String(),
    state: Nullable(Type.String()),
    patientId: Nullable(Type.String()),
    patientName: Nullable(Type.String()),
    visitNo: Nullable(Type.String()),
    orderNo: Nullable(Type.String()),
    applicationNo: Nullable(Type.String()),
    eventTime: Nullable(Type.String()),
    version: Type.Integer(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    lastService: Type.String(),
    lastMessageId: Type.String(),
    sourceSystem: Nullable(Type.String()),
    data: Json,
    statusData: Type.Union([Json, Type.Null()]),
  },
  { $id: 'CdrRecord' },
);

export const CdrRecordQuery = Type.Object(
  {
    entity: Type.String({ minLength: 1, maxLength: 64 }),
    patientId: Type.Optional(Type.String({ maxLength: 128 })),
    visitNo: Type.Optional(Type.String({ maxLength: 128 })),
    number: Type.Optional(Type.String({ maxLength: 128 })),
    state: Type.Optional(Type.String({ maxLength: 64 })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
  },
  { additionalProperties: false },
);

export const CdrRecordPage = Type.Object({
  items: Type.Array(CdrRecord),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const CdrHistoryEntry = Type.Object({
  version: Type.Integer(),
  service: Type.String(),
  serviceName: Type.String(),
  operation: Type.String(),
  state: Nullable(Type.String()),
  messageId: Type.String(),
  at: Type.String(),
  data: Json,
});

export const CdrRecordDetail = Type.Object({ record: CdrRecord, history: Type.Array(CdrHistoryEntry) });

export const CdrIdParams = Type.Object({ id: Type.String({ maxLength: 64 }) }, { additionalProperties: false });
export const CdrEntityParams = Type.Object({ entity: Type.String({ maxLength: 64 }) }, { additionalProperties: false });

export const CdrStateMachineExtra = Type.Object(
  {
    states: Type.Array(CdrState, { maxItems: 50 }),
    transitions: Type.Array(
      Type.Object(
        { from: Type.String({ maxLength: 64 }), to: Type.String({ minLength: 1, maxLength: 64 }) },
        { additionalProperties: false },
      ),
      { maxItems: 200 },
    ),
  },
  { additionalProperties: false },
);

export const CdrStateMachine = Type.Object({
  entity: Type.String(),
  name: Type.String(),
  base: Type.Array(CdrState),
  extra: CdrStateMachineExtra,
  updatedAt: Nullable(Type.String()),
  updatedBy: Nullable(Type.String()),
});

export const CdrStateMachineList = Type.Object({ items: Type.Array(CdrStateMachine) });
