// REST calls of the interaction services with their canonical JSON (REST 调用交互服务): a JSON body posted to a
// catalogue service's topic (model HL7V3) is checked against the service's JSON Schema and written as the standard V3
// request, which is then what the engine stores, indexes and routes — every subscriber sees the same V3 form however
// the caller spoke. A query's V3 answer goes back to a JSON caller as JSON. Registered with the engine's ingest
// pipeline as a BodyConverter at start-up (app.ts), so the engine itself knows nothing of the catalogue.
import { formatV3Time, newV3MessageId, parseV3 } from '../formats/hl7v3/index.js';
import { elementChildren, parseXmlSafe, serializeXml } from '../formats/xml/index.js';
import type { BodyConverter, ConvertedBody, InboundMessage, SyncAnswer } from '../engine/ingest/pipeline.js';
import type { TopicConfig } from '../engine/config/cache.js';
import { HtError } from '../platform/errors/index.js';
import { getServiceDefinition } from './catalogue/catalogue.js';
import { validateServiceJson, type ServiceJsonProblem } from './catalogue/json-schema.js';
import { jsonToV3, v3ToJson } from './catalogue/mapper.js';
import type { ServiceDefinition } from './catalogue/types.js';
import { queryResultService } from './cdr/bindings.js';

/** Device id of the platform in the V3 headers it writes (receiver of converted requests). */
export const PLATFORM_DEVICE_ID = 'HUTONG';
export const SOURCE_FORMAT_HEADER = 'x-hutong-source-format';

const V3_NS = 'urn:hl7-org:v3';

function isJson(contentType: string): boolean {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

/** Whether the Accept header prefers JSON over XML (an explicit JSON type listed before any XML type). */
function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((t) => t.split(';')[0]?.trim().toLowerCase() ?? '');
  const json = types.findIndex((t) => t === 'application/json' || t.endsWith('+json'));
  const xml = types.findIndex((t) => t.endsWith('/xml') || t.endsWith('+xml'));
  return json >= 0 && (xml < 0 || json < xml);
}

function acceptsXmlOnly(accept: string | undefined): boolean {
  if (!accept) return false;
  return /\bxml\b/i.test(accept) && !acceptsJson(accept);
}

function refuse(def: ServiceDefinition, problems: ServiceJsonProblem[]): HtError {
  const first = problems[0];
  return new HtError(
    'HT_SERVICE_JSON_INVALID',
    { service: def.action, count: problems.length, first: first?.message ?? '', firstEn: first?.messageEn ?? '' },
    { errors: problems.map((p) => ({ path: p.path, message: p.message, messageEn: p.messageEn })) },
  );
}

/** The index values the JSON states for the service's index fields (also used by the HL7 v2 converter). */
export function serviceIndexFields(def: ServiceDefinition, json: Record<string, unknown>): ConvertedBody['index'] {
  const out: NonNullable<ConvertedBody['index']> = {};
  for (const [name, key] of Object.entries(def.indexFields) as [keyof typeof out, string][]) {
    const v = json[key];
    if (typeof v === 'string' && v !== '') out[name] = v;
    else if (typeof v === 'number') out[name] = String(v);
  }
  return out;
}

/** The service whose message shape a query's answer carries (its 新增/注册 sibling, or the status service). */
function resultDefinition(def: ServiceDefinition): ServiceDefinition | undefined {
  return queryResultService(def)?.def;
}

/**
 * A service's V3 answer as JSON: the acknowledgement, the query acknowledgement and one object per `subject` read
 * with the entity's own definition. When the entity has no definition the V3 text is kept in `v3` (nothing dropped).
 */
export function v3AnswerToJson(def: ServiceDefinition, xml: string): Record<string, unknown> {
  const v3 = parseV3(xml);
  const out: Record<string, unknown> = {
    interactionId: v3.interactionId,
    ...(v3.messageId ? { messageId: v3.messageId } : {}),
    ...(v3.creationTime ? { creationTime: v3.creationTime } : {}),
  };
  if (v3.acknowledgement) {
    out.ackCode = v3.acknowledgement.typeCode ?? null;
    if (v3.acknowledgement.targetMessageId) out.targetMessageId = v3.acknowledgement.targetMessageId;
    if (v3.acknowledgement.texts.length > 0) out.ackText = v3.acknowledgement.texts.join('; ');
  }
  if (v3.queryAck) {
    const q = Object.fromEntries(Object.entries(v3.queryAck).filter(([, v]) => v !== undefined));
    if (Object.keys(q).length > 0) out.queryAck = q;
  }
  if (def.operation !== 'query') return out;
  const entity = resultDefinition(def);
  const doc = parseXmlSafe(xml);
  const cap = elementChildren(doc.root).find((c) => c.localName === 'controlActProcess');
  const subjects = cap ? elementChildren(cap).filter((c) => c.localName === 'subject') : [];
  if (!entity) {
    out.results = [];
    if (subjects.length > 0) out.v3 = xml;
    return out;
  }
  // Each subject alone under a controlActProcess, so the entity's paths (subject/…) read that subject only.
  const alone = (s: (typeof subjects)[number]) =>
    `<r xmlns="${V3_NS}"><controlActProcess>` +
    `${serializeXml(s, { contextNamespaces: { '': V3_NS } })}</controlActProcess></r>`;
  out.results = subjects.map((s) => v3ToJson(entity, alone(s))).filter((o) => Object.keys(o).length > 0);
  return out;
}

function jsonAnswer(def: ServiceDefinition, answer: SyncAnswer): SyncAnswer {
  if (!answer.body.trimStart().startsWith('<')) return answer;
  try {
    return {
      statusCode: answer.statusCode,
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify(v3AnswerToJson(def, answer.body)),
    };
  } catch {
    // Not a V3 message after all: the caller gets the provider's answer as it came.
    return answer;
  }
}

/** Canonical JSON → V3 request for `def`, checked first; throws HT_SERVICE_JSON_INVALID with every problem. */
export function serviceJsonToV3(def: ServiceDefinition, body: string, sender: string): { xml: string; json: object } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw refuse(def, [
      {
        path: '',
        message: `请求体不是合法的 JSON：${(error as Error).message}`,
        messageEn: `The body is not valid JSON: ${(error as Error).message}`,
      },
    ]);
  }
  const problems = validateServiceJson(def, json);
  if (problems.length > 0) throw refuse(def, problems);
  const xml = jsonToV3(def, json as Record<string, unknown>, {
    id: newV3MessageId(),
    creationTime: formatV3Time(new Date()),
    sender,
    receiver: PLATFORM_DEVICE_ID,
  });
  return { xml, json: json as object };
}

/** The converter app.ts registers with the engine's ingest pipeline. */
export function serviceJsonConverter(): BodyConverter {
  return {
    inbound(topic: TopicConfig, input: InboundMessage): ConvertedBody | null {
      if (topic.model.toUpperCase() !== 'HL7V3') return null;
      const def = getServiceDefinition(topic.code);
      if (!def) return null;
      const sync = topic.mode === 'sync';
      if (!isJson(input.contentType)) {
        // A V3 request whose caller asked for a JSON answer: the body stays, only the answer is converted.
        if (sync && input.inbound === 'rest' && acceptsJson(input.accept)) {
          return { body: input.body, contentType: input.contentType, answer: (a) => jsonAnswer(def, a) };
        }
        return null;
      }
      const { xml, json } = serviceJsonToV3(def, input.body, input.system?.code ?? PLATFORM_DEVICE_ID);
      const converted: ConvertedBody = {
        body: xml,
        contentType: 'application/xml; charset=utf-8',
        headers: { [SOURCE_FORMAT_HEADER]: 'json' },
        index: serviceIndexFields(def, json as Record<string, unknown>),
      };
      // Plain HTTP (/http/…) passes a sync answer through unchanged, as for any topic.
      if (sync && input.inbound === 'rest' && !acceptsXmlOnly(input.accept))
        converted.answer = (a) => jsonAnswer(def, a);
      return converted;
    },
  };
}
