// One HL7 v2 message received over MLLP → one acknowledgement, in original mode (原始确认模式): AA only once the
// message is committed (the pipeline resolves after the commit), AE/AR with the reason in MSA-3 and ERR otherwise.
//   bytes → decoded with MSH-18's charset (else the endpoint's fallback) → topic chosen by MSH-9 (type^trigger, then
//   type, then the endpoint's default) → publisher (the endpoint's system, else MSH-3 = a system code of the domain)
//   → pipeline.ingest (decode by model, route, group commit) → ACK in the message's own charset and version.
// AR: we will not take it (unreadable, unknown type, unknown/forbidden sender, missing or disabled topic, engine
// stopping); AE: it was read but failed (validation, a synchronous provider's failure). Never throws.
import {
  buildAck,
  decodeHl7Buffer,
  encodeHl7,
  Hl7Message,
  parseHl7,
  sniffCharsetLabel,
  type AckCode,
} from '../../../../formats/hl7v2/index.js';
import { errorText, HtError, type ErrorCode } from '../../../../platform/errors/index.js';
import { newId } from '../../../../platform/ids/index.js';
import type { EngineConfigCache, SystemConfig } from '../../../config/cache.js';
import type { MllpEndpointSettings } from '../../../endpoints/settings.js';
import type { IngestPipeline } from '../../../ingest/pipeline.js';
import type { MllpRemote } from './listener.js';

export const HL7V2_CONTENT_TYPE = 'x-application/hl7-v2+er7';

/** The endpoint a message came in on, as the receiver needs it. */
export interface MllpEndpointContext {
  readonly id: string;
  readonly code: string;
  readonly domainId: string;
  readonly settings: MllpEndpointSettings;
}

export interface MllpReceiverDeps {
  pipeline: IngestPipeline;
  cache: EngineConfigCache;
  /** The system of a domain with this code, as the configuration cache knows it now. */
  systemByCode(domainId: string, code: string): SystemConfig | undefined;
  /** Unexpected failures (their text never reaches the sender). */
  onInternalError?(error: unknown, reference: string): void;
  /**
   * Optional fallback topic for an event the endpoint's own MSH-9 map has no entry for, asked before the endpoint's
   * default topic (the interaction-service catalogue passes `serviceEventTopic()`: ADT^A04 → OutPatientInfoAdd …).
   */
  eventTopic?(type: string, trigger: string, message: Hl7Message): string | null;
}

export interface ReceiveOutcome {
  /** The acknowledgement's bytes (not yet framed). */
  readonly ack: Buffer;
  readonly accepted: boolean;
  /** Why it was not accepted (zh-CN and English). */
  readonly error?: string;
  readonly messageId?: string;
}

interface Refusal {
  code: AckCode;
  /** HL7 table 0357. */
  errorCode: string;
  errorLocation?: string;
  zh: string;
  en: string;
}

const lookupCache = new WeakMap<MllpEndpointSettings, Map<string, string>>();

/** topicByEvent with upper-case keys (MSH-9 is compared case-insensitively), built once per settings object. */
function eventMap(settings: MllpEndpointSettings): Map<string, string> {
  let map = lookupCache.get(settings);
  if (!map) {
    map = new Map(Object.entries(settings.topicByEvent).map(([k, v]) => [k.toUpperCase(), v]));
    lookupCache.set(settings, map);
  }
  return map;
}

/**
 * The topic for MSH-9: `type^trigger`, else `type` alone, else what `fallback` names (the receiver's `eventTopic`
 * hook), else the endpoint's default topic.
 */
export function topicForEvent(
  settings: MllpEndpointSettings,
  type: string,
  trigger: string,
  fallback?: () => string | null,
): string | null {
  const map = eventMap(settings);
  if (type !== '' && trigger !== '') {
    const exact = map.get(`${type}^${trigger}`);
    if (exact) return exact;
  }
  if (type !== '') {
    const byType = map.get(type);
    if (byType) return byType;
  }
  const fallen = fallback?.();
  if (fallen) return fallen;
  return settings.defaultTopic ?? null;
}

export class MllpReceiver {
  constructor(private readonly deps: MllpReceiverDeps) {}

  async receive(endpoint: MllpEndpointContext, bytes: Buffer, remote: MllpRemote): Promise<ReceiveOutcome> {
    const settings = endpoint.settings;
    let message: Hl7Message;
    try {
      message = decodeHl7Buffer(bytes, settings.charset);
    } catch (error) {
      return this.unreadable(endpoint, bytes, error, remote);
    }
    try {
      const type = message.get('MSH-9.1').trim().toUpperCase();
      const trigger = message.get('MSH-9.2').trim().toUpperCase();
      const domain = this.deps.cache.domainById(endpoint.domainId);
      if (!domain) throw new HtError('HT_ENGINE_DOMAIN_NOT_FOUND', { domain: endpoint.domainId });
      const hook = this.deps.eventTopic;
      // The hook's topic only where the endpoint's domain has it (the catalogue's topics may be absent or renamed).
      const fromHook = hook
        ? () => {
            const code = hook(type, trigger, message);
            return code && this.deps.cache.topic(domain.id, code) ? code : null;
          }
        : undefined;
      const topicCode = topicForEvent(settings, type, trigger, fromHook);
      if (!topicCode) {
        throw new HtError('HT_ENGINE_MLLP_NO_TOPIC', {
          endpoint: endpoint.code,
          event: type === '' ? '(MSH-9 empty)' : trigger === '' ? type : `${type}^${trigger}`,
        });
      }
      const system = this.sender(endpoint, domain.code, message);
      const result = await this.deps.pipeline.ingest({
        domainCode: domain.code,
        topicCode,
        system,
        body: message.toString(),
        contentType: HL7V2_CONTENT_TYPE,
        inbound: 'mllp',
        headers: { endpoint: endpoint.code, remote: `${remote.ip}:${remote.port}` },
      });
      if (result.outcome === 'sync' && result.sync) {
        const reply = this.syncReply(message, settings, result.sync.statusCode, result.sync.body);
        if (reply) return { ack: reply, accepted: true, messageId: result.messageId };
      }
      return { ack: this.ack(message, settings, { code: 'AA' }), accepted: true, messageId: result.messageId };
    } catch (error) {
      const refusal = this.refusal(error);
      return {
        ack: this.ack(message, settings, refusal),
        accepted: false,
        error: `${refusal.code}: ${refusal.zh} (${refusal.en})`,
      };
    }
  }

  /** A frame over the endpoint's limit: AR (with MSA-2 when its header could be read); the caller hangs up. */
  oversized(endpoint: MllpEndpointContext, head: Buffer, size: number): ReceiveOutcome {
    const settings = endpoint.settings;
    const error = new HtError('HT_ENGINE_MLLP_TOO_LARGE', { limit: settings.maxMessageBytes });
    const refusal: Refusal = { ...this.refusal(error), code: 'AR' };
    const request = headerOf(head, settings.charset);
    return {
      ack: this.ack(request, settings, refusal),
      accepted: false,
      error: `AR: ${refusal.zh} (${refusal.en}); ${size}+ bytes`,
    };
  }

  /**
   * Bytes that are not an HL7 v2 message (no MSH, unusable delimiters, unknown charset): AR. When the endpoint has a
   * default HL7 v2 topic the text still goes through the pipeline, which records it as rejected (消息检索 shows it).
   */
  private async unreadable(
    endpoint: MllpEndpointContext,
    bytes: Buffer,
    cause: unknown,
    remote: MllpRemote,
  ): Promise<ReceiveOutcome> {
    const settings = endpoint.settings;
    const codecError = cause as { code?: string; message?: string };
    let error: unknown = new HtError('HT_ENGINE_BODY_INVALID', {
      model: 'HL7V2',
      reason: `${codecError.code ? `${codecError.code}: ` : ''}${codecError.message ?? String(cause)}`.slice(0, 500),
    });
    const label = sniffCharsetLabel(bytes);
    const domain = this.deps.cache.domainById(endpoint.domainId);
    const topic = settings.defaultTopic && domain ? this.deps.cache.topic(domain.id, settings.defaultTopic) : undefined;
    // An unknown charset would store garbled text: refused without recording.
    if (domain && topic && topic.model.toUpperCase() === 'HL7V2' && codecError.code !== 'HL7V2_BAD_CHARSET') {
      try {
        await this.deps.pipeline.ingest({
          domainCode: domain.code,
          topicCode: topic.code,
          system: settings.systemCode ? (this.deps.systemByCode(domain.id, settings.systemCode) ?? null) : null,
          body: decodeText(bytes, label || settings.charset, settings.charset),
          contentType: HL7V2_CONTENT_TYPE,
          inbound: 'mllp',
          headers: { endpoint: endpoint.code, remote: `${remote.ip}:${remote.port}` },
        });
      } catch (recorded) {
        // The pipeline's own verdict (HT_ENGINE_BODY_INVALID with the codec's reason) once the row is written.
        error = recorded;
      }
    }
    const refusal: Refusal = { ...this.refusal(error), code: 'AR', errorCode: '100' };
    const request = headerOf(bytes, settings.charset);
    return {
      ack: this.ack(request, settings, refusal),
      accepted: false,
      error: `AR: ${refusal.zh} (${refusal.en})`,
    };
  }

  /** The publishing system: the endpoint's own, else the one whose code is MSH-3 (sending application). */
  private sender(endpoint: MllpEndpointContext, domainCode: string, message: Hl7Message): SystemConfig | null {
    const settings = endpoint.settings;
    const code = settings.systemCode ?? message.get('MSH-3.1').trim();
    const system = code === '' ? undefined : this.deps.systemByCode(endpoint.domainId, code);
    if (!system) {
      if (!settings.systemCode && settings.allowUnknownSender) return null;
      throw new HtError('HT_ENGINE_MLLP_UNKNOWN_SENDER', {
        sender: code === '' ? '(MSH-3 empty)' : code.slice(0, 64),
        domain: domainCode,
      });
    }
    if (!system.enabled) throw new HtError('HT_ENGINE_SYSTEM_DISABLED', { system: system.code });
    return system;
  }

  /** A synchronous topic's provider answered: its reply goes back when it is an HL7 v2 message, else AE/AA. */
  private syncReply(request: Hl7Message, settings: MllpEndpointSettings, status: number, body: string): Buffer | null {
    if (status >= 400) {
      return this.ack(request, settings, {
        code: 'AE',
        errorCode: '207',
        zh: `服务提供方应答 ${status}：${body.slice(0, 200)}`,
        en: `the provider answered ${status}: ${body.slice(0, 200)}`,
      });
    }
    const text = body.replace(/^\uFEFF/, '').trimStart();
    if (!text.startsWith('MSH')) return null;
    try {
      const reply = parseHl7(text);
      return encodeHl7(reply, reply.charset ? undefined : { charset: request.charset || settings.charset });
    } catch {
      return null;
    }
  }

  private refusal(error: unknown): Refusal {
    if (!(error instanceof HtError)) {
      const reference = newId();
      this.deps.onInternalError?.(error, reference);
      return {
        code: 'AR',
        errorCode: '207',
        zh: errorText('HT_INTERNAL', 'zh-CN', { requestId: reference }),
        en: errorText('HT_INTERNAL', 'en', { requestId: reference }),
      };
    }
    const zh = error.localized('zh-CN');
    const en = error.localized('en');
    const base = { zh, en, errorCode: '207' };
    const code = error.code as ErrorCode;
    switch (code) {
      case 'HT_ENGINE_MLLP_NO_TOPIC':
        return {
          ...base,
          code: 'AR',
          errorCode: String(error.params.event).includes('^') ? '201' : '200',
          errorLocation: 'MSH-9',
        };
      case 'HT_ENGINE_MLLP_UNKNOWN_SENDER':
      case 'HT_ENGINE_SYSTEM_DISABLED':
      case 'HT_ENGINE_PUBLISH_FORBIDDEN':
        return { ...base, code: 'AR', errorLocation: 'MSH-3' };
      case 'HT_ENGINE_VALIDATION_FAILED':
      case 'HT_ENGINE_PROVIDER_FAILED':
      case 'HT_ENGINE_NO_PROVIDER':
        return { ...base, code: 'AE' };
      // The interaction-service mapping (src/services/hl7v2): an event with no service is an unsupported event (201);
      // a message that lacks or garbles a field the service needs is an application error at that field.
      case 'HT_SERVICE_HL7V2_UNMAPPED':
        return { ...base, code: 'AR', errorCode: '201', errorLocation: 'MSH-9' };
      case 'HT_SERVICE_HL7V2_WRONG_TOPIC':
        return { ...base, code: 'AR', errorLocation: 'MSH-9' };
      case 'HT_SERVICE_HL7V2_INVALID': {
        const location = String(error.params.location ?? '');
        return {
          ...base,
          code: 'AE',
          // HL7 table 0357: 101 required field missing, 102 data type error (the mapping says which).
          errorCode: error.params.hl7ErrorCode === '101' ? '101' : '102',
          ...(/^[A-Z][A-Z0-9]{2}(\[\d+\])?-\d+$/.test(location) ? { errorLocation: location } : {}),
        };
      }
      default:
        // 422: the message is well-formed but its content cannot be taken (an unknown reference, an illegal state
        // transition in the clinical data repository): an application error (AE, 207), not a refusal of the frame.
        return { ...base, code: error.status === 422 ? 'AE' : 'AR' };
    }
  }

  /**
   * The acknowledgement in the request's charset and version. Reasons go in zh-CN with English; a charset that
   * cannot hold Chinese (ASCII, 8859/x) gets the English text only.
   */
  private ack(
    request: Hl7Message,
    settings: MllpEndpointSettings,
    answer: { code: AckCode; errorCode?: string; errorLocation?: string; zh?: string; en?: string },
  ): Buffer {
    const charset = request.charset ? undefined : { charset: settings.charset };
    const build = (text: string | undefined) => {
      const ack = buildAck(request, {
        code: answer.code,
        ...(text !== undefined ? { text } : {}),
        ...(answer.errorCode !== undefined ? { errorCode: answer.errorCode } : {}),
        ...(answer.errorLocation !== undefined ? { errorLocation: answer.errorLocation } : {}),
      });
      // A request whose header could not be read has no trigger: plain `ACK` rather than `ACK^^ACK`.
      if (request.get('MSH-9.2') === '') ack.setRaw('MSH-9', 'ACK');
      return encodeHl7(ack, charset);
    };
    try {
      if (answer.zh === undefined) return build(undefined);
      try {
        return build(`${answer.zh} (${answer.en})`);
      } catch {
        return build(answer.en);
      }
    } catch {
      // The request's header names something we cannot write (e.g. a broken charset): a plain UTF-8 ACK.
      const ack = buildAck(Hl7Message.create(), { code: answer.code, ...(answer.en ? { text: answer.en } : {}) });
      ack.setRaw('MSH-9', 'ACK');
      return encodeHl7(ack, { charset: 'UNICODE UTF-8' });
    }
  }
}

/**
 * Decodes bytes with the codec's own charset table (the same names MSH-18 uses), without parsing them as a
 * message: an ASCII MSH line without MSH-18 is put in front so the codec decodes with `label`, then removed.
 */
function decodeText(bytes: Buffer, label: string, fallback: string): string {
  const prefix = 'MSH|^~\\&|\r';
  for (const charset of [label, fallback]) {
    try {
      return decodeHl7Buffer(Buffer.concat([Buffer.from(prefix), bytes]), charset)
        .toString()
        .slice(prefix.length);
    } catch {
      // try the next
    }
  }
  return bytes.toString('latin1');
}

/**
 * A message holding the request's MSH (when it can be read) for addressing the ACK; else an empty header declaring
 * `charset` (the endpoint's fallback, a name the codec knows).
 */
function headerOf(bytes: Buffer, charset: string): Hl7Message {
  const end = bytes.indexOf(0x0d);
  const lf = bytes.indexOf(0x0a);
  const stop = end < 0 ? lf : lf < 0 ? end : Math.min(end, lf);
  const line = stop < 0 ? bytes : bytes.subarray(0, stop);
  try {
    const msg = decodeHl7Buffer(line, charset);
    if (msg.segment('MSH')) return msg;
  } catch {
    // not even a header
  }
  const empty = Hl7Message.create();
  if (charset !== '') empty.set('MSH-18', charset);
  return empty;
}
