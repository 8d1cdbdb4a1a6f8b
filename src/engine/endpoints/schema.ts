// Schemas of the inbound endpoint API (接入端点): the endpoint as the API shows it and as revisions keep it, the
// bodies that create and change one, the list query and the runtime status. Settings are checked per protocol by
// the service (settings.ts), so here they are an object whose schema the adapter catalogue publishes.
import Type, { type Static } from 'typebox';
import { Id, PageQuery, pageOf } from '../config/http.js';

const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);

export const EndpointCode = Type.String({
  pattern: '^[A-Za-z0-9_.-]{1,64}$',
  description: '1–64 letters, digits, _ . -',
});
const Name = Type.String({ minLength: 1, maxLength: 100 });
export const Protocol = Type.Union([Type.Literal('mllp'), Type.Literal('soap')], {
  description: 'mllp: HL7 v2 over MLLP (TCP); soap: the HIPMessageServer WebService',
});
const Settings = Type.Record(Type.String(), Type.Unknown(), {
  description:
    "The protocol's settings; their JSON Schema is the configSchema of the inbound adapter `mllp` or `soap` in GET /api/engine/adapters",
});

const endpointFields = {
  id: Type.String(),
  domainId: Type.String(),
  code: Type.String(),
  name: Type.String(),
  protocol: Protocol,
  enabled: Type.Boolean(),
  settings: Settings,
  createdAt: Time,
  updatedAt: Time,
};

/** An endpoint as kept in a configuration revision. */
export const EndpointState = Type.Object(endpointFields);
export type EndpointState = Static<typeof EndpointState>;

export const Endpoint = Type.Object(endpointFields, { $id: 'EngineEndpoint' });
export type Endpoint = Static<typeof Endpoint>;

export const EndpointPage = pageOf(Endpoint);

export const EndpointListQuery = Type.Object(
  {
    domainId: Type.Optional(Id),
    protocol: Type.Optional(Protocol),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type EndpointListQuery = Static<typeof EndpointListQuery>;

export const CreateEndpointBody = Type.Object(
  {
    domainId: Id,
    code: EndpointCode,
    name: Name,
    protocol: Protocol,
    enabled: Type.Optional(Type.Boolean()),
    settings: Settings,
  },
  { additionalProperties: false },
);
export type CreateEndpointBody = Static<typeof CreateEndpointBody>;

export const UpdateEndpointBody = Type.Object(
  {
    code: Type.Optional(EndpointCode),
    name: Type.Optional(Name),
    enabled: Type.Optional(Type.Boolean()),
    settings: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'top-level keys given here replace the current ones; the others are kept',
      }),
    ),
  },
  { additionalProperties: false },
);
export type UpdateEndpointBody = Static<typeof UpdateEndpointBody>;

export const EndpointRuntimeState = Type.Union(
  [Type.Literal('listening'), Type.Literal('stopped'), Type.Literal('failed')],
  {
    description:
      'listening: accepting connections (SOAP: served by the HTTP server); stopped: disabled or not started; failed: could not listen (see error)',
  },
);
export type EndpointRuntimeState = Static<typeof EndpointRuntimeState>;

export const EndpointStatus = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    protocol: Protocol,
    enabled: Type.Boolean(),
    state: EndpointRuntimeState,
    address: Type.Union([Type.String(), Type.Null()], {
      description: 'MLLP: host:port actually listened on; SOAP: the URL path',
    }),
    error: Type.Union([Type.String(), Type.Null()], { description: 'why the listener failed (e.g. EADDRINUSE)' }),
    since: Type.Union([Time, Type.Null()], { description: 'when the current state began' }),
    connections: Type.Integer({ description: 'open connections (MLLP)' }),
    received: Type.Integer({ description: 'messages received since the process started' }),
    accepted: Type.Integer({ description: 'answered AA (including duplicates)' }),
    rejected: Type.Integer({ description: 'answered AE or AR (SOAP: fault or error acknowledgement)' }),
    lastMessageAt: NullableTime,
    lastError: Type.Union([Type.String(), Type.Null()], { description: 'the last rejection or connection problem' }),
    lastErrorAt: NullableTime,
  },
  { $id: 'EngineEndpointStatus' },
);
export type EndpointStatus = Static<typeof EndpointStatus>;
