// HL7 v2 bodies for the interaction-service topics (交互服务的 HL7 v2 接入): an HL7 v2 message arriving on a catalogue
// service's topic (model HL7V3) — over MLLP, or posted as HL7 v2 text — is mapped to the service's canonical JSON and
// written as the standard V3 request, which is what the engine stores, indexes and routes; subscribers see the same V3
// however the sender spoke. Registered with the ingest pipeline as a BodyConverter at start-up (app.ts), beside the
// REST JSON converter. `serviceEventTopic` is the MLLP receiver's fallback topic choice for endpoints whose own
// MSH-9 map has no entry for an event.
import { createHash } from 'node:crypto';
import { formatV3Time, newV3MessageId } from '../../formats/hl7v3/index.js';
import type { Hl7Message } from '../../formats/hl7v2/index.js';
import type { TopicConfig } from '../../engine/config/cache.js';
import type { BodyConverter, ConvertedBody, InboundMessage } from '../../engine/ingest/pipeline.js';
import { getServiceDefinition } from '../catalogue/catalogue.js';
import { jsonToV3 } from '../catalogue/mapper.js';
import { PLATFORM_DEVICE_ID, SOURCE_FORMAT_HEADER, serviceIndexFields } from '../rest-json.js';
import { eventToService, hl7v2ToService } from './convert.js';
import type { MappingOptions } from './mappings.js';

/** The content type the MLLP receiver gives HL7 v2 bodies (src/engine/adapters/inbound/mllp). */
const HL7V2_TYPES = new Set([
  'x-application/hl7-v2+er7',
  'application/hl7-v2',
  'application/hl7-v2+er7',
  'x-application/hl7-v2',
]);

/** Headers recorded with a converted message. */
export const HL7V2_EVENT_HEADER = 'x-hutong-hl7v2-event';
export const HL7V2_CONTROL_ID_HEADER = 'x-hutong-hl7v2-control-id';

function isHl7v2(input: InboundMessage): boolean {
  const type = input.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (HL7V2_TYPES.has(type)) return true;
  if (type.includes('json') || type.includes('xml')) return false;
  return input.body
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('MSH');
}

/**
 * The V3 message id for a v2 message: derived from the sender and MSH-10, so a sender's retransmission of the same
 * message (no ACK seen) gets the same id and the engine's duplicate suppression recognises it. Random without MSH-10.
 */
export function v3IdForV2(sender: string, message: Hl7Message): string {
  const control = message.get('MSH-10').trim();
  if (control === '') return newV3MessageId();
  const h = createHash('sha256').update(`hl7v2\u0000${sender}\u0000${control}`).digest('hex');
  // UUID layout, version 8 (custom) with the RFC 4122 variant.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** The converter app.ts registers with the engine's ingest pipeline. */
export function serviceHl7v2Converter(options: MappingOptions = {}): BodyConverter {
  return {
    inbound(topic: TopicConfig, input: InboundMessage): ConvertedBody | null {
      if (topic.model.toUpperCase() !== 'HL7V3') return null;
      const def = getServiceDefinition(topic.code);
      if (!def || !isHl7v2(input)) return null;
      const { json, event, message } = hl7v2ToService(input.body, { ...options, action: def.action });
      const sender = input.system?.code ?? (message.get('MSH-3.1').trim() || PLATFORM_DEVICE_ID);
      const xml = jsonToV3(def, json, {
        id: v3IdForV2(sender, message),
        creationTime: formatV3Time(new Date()),
        sender,
        receiver: PLATFORM_DEVICE_ID,
      });
      const headers: Record<string, string> = { [SOURCE_FORMAT_HEADER]: 'hl7v2', [HL7V2_EVENT_HEADER]: event };
      const control = message.get('MSH-10').trim();
      if (control !== '') headers[HL7V2_CONTROL_ID_HEADER] = control.slice(0, 128);
      return {
        body: xml,
        contentType: 'application/xml; charset=utf-8',
        headers,
        index: serviceIndexFields(def, json),
      };
    },
  };
}

/**
 * The MLLP receiver's fallback topic (MllpReceiverDeps.eventTopic): the catalogue service an event becomes — every
 * service is a topic of the default domain under its action code. Null when the event is not mapped or the message
 * does not decide (the endpoint's default topic applies then).
 */
export function serviceEventTopic(
  options: MappingOptions = {},
): (type: string, trigger: string, message: Hl7Message) => string | null {
  return (type, trigger, message) => eventToService(type, trigger, message, options);
}
