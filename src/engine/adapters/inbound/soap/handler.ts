// HIPMessageServer(action, message): one SOAP request in, one SOAP answer out, independent of Fastify so every path
// can be tested directly. The split between the two kinds of "no" follows WS/T 846 practice:
//   - the envelope itself is unusable (not XML, XML attacks, wrong SOAP version, unknown operation, missing
//     parameter, too large, no endpoint) → a SOAP Fault; the client's stub raises it as an exception;
//   - the envelope is fine but the message cannot be taken (unknown action, unknown or refused sender, topic missing
//     or disabled, V3 not parseable, validation failure, provider failed) → MCCI_IN000002UV01 with AE (the content
//     is wrong) or AR (we will not process it), targetMessage = the request's id, the reason in acknowledgementDetail.
// Unexpected failures become a Receiver fault carrying only the request id; the stack goes to the log.
import { buildMcciAck, findV3Service, type V3AckCode } from '../../../../formats/hl7v3/index.js';
import {
  buildSoapFault,
  buildSoapResponse,
  parseSoapResponse,
  soapContentType,
  SoapError,
  soapFaultHttpStatus,
  versionFromContentType,
  type SoapFaultCode,
  type SoapRequest,
  type SoapVersion,
} from '../../../../formats/soap/index.js';
import { HtError, pickLang, type ErrorCode, type Lang } from '../../../../platform/errors/index.js';
import type { EngineConfigCache, SystemConfig } from '../../../config/cache.js';
import type { IngestPipeline, IngestResult, SyncAnswer } from '../../../ingest/pipeline.js';
import { authenticateSystem, ipAllowed, LOOPBACK_ONLY } from '../../../ingest/system-auth.js';
import type { V3Header } from './read.js';
import { HipReaders } from './readers.js';
import type { SenderDirectory } from './senders.js';
import type { ResolvedSoapEndpoint, SoapEndpointResolver } from './settings.js';

export interface SoapHttpRequest {
  /** Request path without the query string. */
  path: string;
  contentType: string | undefined;
  /** HTTP SOAPAction header (SOAP 1.1). */
  soapActionHeader: string | undefined;
  authorization: string | undefined;
  acceptLanguage: string | undefined;
  ip: string;
  body: Uint8Array;
}

export type SoapAnswerKind = 'AA' | 'AE' | 'AR' | 'result' | 'fault';

export interface SoapHttpAnswer {
  status: number;
  contentType: string;
  body: string;
  outcome: 'accepted' | 'rejected';
  /** MCCI ack code, 'result' for a synchronous provider's answer, 'fault' for a SOAP Fault. */
  kind: SoapAnswerKind;
  /** Why it was rejected (in the caller's language). */
  reason?: string;
  /** The Hutong message id, when the message was committed. */
  messageId?: string;
  endpointId?: string;
  /** The caller's credentials were refused (the route audits this). */
  authError?: HtError;
}

export interface HipSoapHandlerDeps {
  cache: EngineConfigCache;
  pipeline: IngestPipeline;
  senders: SenderDirectory;
  resolver: SoapEndpointResolver;
  /** The app's body limit; also the size limit for the XML parsers. */
  bodyLimitBytes: number;
  /** XML reader threads (readers.ts); absent: requests are read on the event loop. */
  readers?: HipReaders;
}

/** Message-level problems with the content itself (AE); every other HtError from ingest is a rejection (AR). */
const CONTENT_ERRORS = new Set<ErrorCode>([
  'HT_ENGINE_BODY_INVALID',
  'HT_ENGINE_VALIDATION_FAILED',
  'HT_SERVICE_JSON_INVALID',
]);
/** The engine cannot take anything right now: a Receiver fault tells the client to try again. */
const SERVER_ERRORS = new Set<ErrorCode>(['HT_ENGINE_UNAVAILABLE', 'HT_UNAVAILABLE', 'HT_INTERNAL']);
const CREDENTIAL_ERRORS = new Set<ErrorCode>([
  'HT_ENGINE_SYSTEM_UNAUTHENTICATED',
  'HT_ENGINE_SYSTEM_DISABLED',
  'HT_ENGINE_IP_NOT_ALLOWED',
]);

/** Device id the platform answers as when the request did not name its receiver. */
const PLATFORM_DEVICE = 'HUTONG';

const ACCEPTED_TEXT: Record<Lang, (id: string) => string> = {
  'zh-CN': (id) => `成功：消息已接收，消息 ID ${id}`,
  en: (id) => `Accepted, message id ${id}`,
};
const DUPLICATE_TEXT: Record<Lang, (id: string) => string> = {
  'zh-CN': (id) => `成功：重复消息，此前已接收，原消息 ID ${id}`,
  en: (id) => `Accepted earlier (duplicate), original message id ${id}`,
};

/**
 * Action → topic code: the endpoint's alias table first (exact, then case-insensitive), then the national service
 * table (action code, S-code, Chinese name) → the canonical action code, which is the topic code in the domain.
 */
export function resolveTopicCode(action: string, aliases: Record<string, string>): string | undefined {
  const key = action.trim();
  const exact = aliases[key];
  if (exact !== undefined) return exact;
  const lower = key.toLowerCase();
  for (const [alias, topic] of Object.entries(aliases)) if (alias.toLowerCase() === lower) return topic;
  return findV3Service(key)?.action;
}

/** Thrown inside the handler to answer with an MCCI ack; never leaves it. */
class AckReject extends Error {
  constructor(
    readonly ack: 'AE' | 'AR',
    readonly error: HtError,
  ) {
    super(error.message);
  }
}

export class HipSoapHandler {
  private readonly readers: HipReaders;

  constructor(private readonly deps: HipSoapHandlerDeps) {
    this.readers = deps.readers ?? new HipReaders(0);
  }

  private domainTopic(domainCode: string, action: string): string | undefined {
    const domain = this.deps.cache.domainByCode(domainCode);
    const code = action.trim();
    return domain && this.deps.cache.topic(domain.id, code) ? code : undefined;
  }

  async handle(req: SoapHttpRequest): Promise<SoapHttpAnswer> {
    const lang = pickLang(req.acceptLanguage);
    const endpoint = this.deps.resolver.byPath(req.path);
    if (!endpoint) {
      const version = versionFromContentType(req.contentType) ?? '1.1';
      return this.fault(undefined, version, 'Client', new HtError('HT_SOAP_ENDPOINT_NOT_FOUND', { path: req.path }), {
        lang,
        status: 404,
      });
    }
    const s = endpoint.settings;

    const read = await this.readers.read(req.body, req.contentType, {
      operation: s.operation,
      namespace: s.namespace,
      actionParam: s.actionParam,
      messageParam: s.messageParam,
      soapActionHeader: req.soapActionHeader,
      maxBytes: this.deps.bodyLimitBytes,
    });
    if (read.kind === 'envelope-invalid') {
      return this.fault(
        endpoint,
        read.soapVersion,
        read.faultCode,
        new HtError('HT_SOAP_REQUEST_INVALID', { reason: read.message }),
        { lang, detail: read.detail },
      );
    }
    const soap = read.soap;
    if (read.kind === 'message-unsafe') {
      return this.fault(
        endpoint,
        soap.soapVersion,
        'Client',
        new HtError('HT_SOAP_MESSAGE_UNSAFE', { reason: read.message }),
        { lang, detail: read.code },
      );
    }
    const { v3, v3Problem } = read;

    try {
      const system = await this.identify(req, endpoint, v3, v3Problem);
      // A national action (code, S-code or alias), else a topic of the endpoint's domain with exactly that code —
      // the platform-defined (private) services of the catalogue are called that way, as are a hospital's own.
      const topicCode = resolveTopicCode(soap.action, s.aliases) ?? this.domainTopic(endpoint.domainCode, soap.action);
      if (topicCode === undefined) {
        throw new AckReject('AR', new HtError('HT_SOAP_UNKNOWN_ACTION', { action: soap.action.slice(0, 128) }));
      }
      let result: IngestResult;
      try {
        result = await this.deps.pipeline.ingest({
          domainCode: endpoint.domainCode,
          topicCode,
          system,
          body: soap.message,
          contentType: 'application/xml',
          inbound: 'soap',
          headers: {
            'soap-action': soap.action.slice(0, 128),
            'soap-version': soap.soapVersion,
            'soap-endpoint': s.path,
          },
          sourceMessageId: v3?.messageId ? v3.messageId.slice(0, 128) : null,
          ...(read.decoded ? { parsed: { hl7v3: read.decoded } } : {}),
        });
      } catch (error) {
        if (!(error instanceof HtError) || SERVER_ERRORS.has(error.code)) throw error;
        // 422: well-formed but not acceptable as content (a field, a reference, a state) — the application's error.
        throw new AckReject(CONTENT_ERRORS.has(error.code) || error.status === 422 ? 'AE' : 'AR', error);
      }
      if (result.outcome === 'sync') {
        const answer = this.result(endpoint, soap, providerResult(result.sync!));
        this.deps.resolver.record?.(endpoint.id, 'accepted');
        return { ...answer, messageId: result.messageId };
      }
      const text = (result.outcome === 'duplicate' ? DUPLICATE_TEXT : ACCEPTED_TEXT)[lang](result.messageId);
      return { ...this.ack(endpoint, soap, v3, 'AA', text), messageId: result.messageId };
    } catch (error) {
      if (error instanceof AckReject) {
        const answer = this.ack(endpoint, soap, v3, error.ack, error.error.localized(lang));
        return CREDENTIAL_ERRORS.has(error.error.code) ? { ...answer, authError: error.error } : answer;
      }
      if (error instanceof HtError && SERVER_ERRORS.has(error.code)) {
        return this.fault(endpoint, soap.soapVersion, 'Receiver', error, { lang });
      }
      throw error;
    }
  }

  /**
   * A SOAP Fault in `version`, recorded against the endpoint when there is one. Also used by the route for errors
   * raised before the handler runs (body over the limit) and for unexpected failures.
   */
  fault(
    endpoint: ResolvedSoapEndpoint | undefined,
    version: SoapVersion,
    code: SoapFaultCode,
    error: HtError,
    options: { lang: Lang; detail?: string; status?: number },
  ): SoapHttpAnswer {
    const reason = error.localized(options.lang);
    if (endpoint) this.deps.resolver.record?.(endpoint.id, 'rejected', reason);
    return {
      status: options.status ?? soapFaultHttpStatus(version, code),
      contentType: soapContentType(version),
      body: buildSoapFault(version, { code, reason, detail: options.detail ?? error.code, lang: options.lang }),
      outcome: 'rejected',
      kind: 'fault',
      reason,
      ...(endpoint ? { endpointId: endpoint.id } : {}),
    };
  }

  /** The endpoint served at `path`, for the route's error handler. */
  endpointAt(path: string): ResolvedSoapEndpoint | undefined {
    return this.deps.resolver.byPath(path);
  }

  /**
   * Who is calling: HTTP Basic/Bearer when an Authorization header is present (the system's own IP allowlist
   * applies); otherwise the V3 sender device id names the system by its code in the endpoint's domain, from the
   * addresses on the endpoint's allowlist (empty = loopback only).
   */
  private async identify(
    req: SoapHttpRequest,
    endpoint: ResolvedSoapEndpoint,
    v3: V3Header | undefined,
    v3Problem: string | undefined,
  ): Promise<SystemConfig> {
    if (req.authorization) {
      try {
        return authenticateSystem(this.deps.cache, req.authorization, req.ip);
      } catch (error) {
        if (error instanceof HtError) throw new AckReject('AR', error);
        throw error;
      }
    }
    const allowlist = endpoint.settings.ipAllowlist.length > 0 ? endpoint.settings.ipAllowlist : LOOPBACK_ONLY;
    if (!ipAllowed(req.ip, allowlist)) {
      throw new AckReject('AR', new HtError('HT_SOAP_IP_NOT_ALLOWED', { ip: req.ip, path: endpoint.settings.path }));
    }
    if (!v3) {
      // Without credentials the sender is named inside the message; a message we cannot read names nobody.
      throw new AckReject(
        'AE',
        new HtError('HT_ENGINE_BODY_INVALID', { model: 'HL7V3', reason: (v3Problem ?? '').slice(0, 500) }),
      );
    }
    const domain = this.deps.cache.domainByCode(endpoint.domainCode);
    if (!domain) throw new AckReject('AR', new HtError('HT_ENGINE_DOMAIN_NOT_FOUND', { domain: endpoint.domainCode }));
    const sender = v3.senderId?.extension?.trim() ?? '';
    const system = sender === '' ? undefined : await this.deps.senders.find(domain.id, sender);
    if (!system) {
      throw new AckReject(
        'AR',
        new HtError('HT_SOAP_SENDER_UNKNOWN', {
          sender: sender === '' ? '(none)' : sender.slice(0, 64),
          domain: domain.code,
        }),
      );
    }
    if (!system.enabled) throw new AckReject('AR', new HtError('HT_ENGINE_SYSTEM_DISABLED', { system: system.code }));
    return system;
  }

  private ack(
    endpoint: ResolvedSoapEndpoint,
    soap: SoapRequest,
    v3: V3Header | undefined,
    code: V3AckCode,
    text: string,
  ): SoapHttpAnswer {
    const mcci = buildMcciAck({
      code,
      targetMessageId: v3?.messageId ?? '',
      text,
      sender: v3?.receiverId?.extension || PLATFORM_DEVICE,
      receiver: v3?.senderId?.extension ?? '',
    });
    const answer = this.result(endpoint, soap, mcci);
    if (code === 'AA') {
      this.deps.resolver.record?.(endpoint.id, 'accepted');
      return { ...answer, kind: code };
    }
    this.deps.resolver.record?.(endpoint.id, 'rejected', text);
    return { ...answer, outcome: 'rejected', kind: code, reason: text };
  }

  /** `<{operation}Response><{operation}Result>` escaped text, in the request's SOAP version and namespace. */
  private result(endpoint: ResolvedSoapEndpoint, soap: SoapRequest, resultXml: string): SoapHttpAnswer {
    return {
      status: 200,
      contentType: soapContentType(soap.soapVersion),
      body: buildSoapResponse(soap.soapVersion, resultXml, {
        operation: soap.operation,
        namespace: soap.operationNamespace ?? '',
        resultName: `${soap.operation}Result`,
      }),
      outcome: 'accepted',
      kind: 'result',
      endpointId: endpoint.id,
    };
  }
}

const ENVELOPE_START = /^(?:<\?xml[^>]*\?>\s*)?<(?:[\w.-]+:)?Envelope[\s>]/;

/**
 * A synchronous provider's answer as the result string: used as it is, or unwrapped when the provider is itself a
 * SOAP service answering with an envelope (a Fault there means the provider failed).
 */
function providerResult(sync: SyncAnswer): string {
  const body = sync.body.trim();
  if (body === '') throw new AckReject('AR', new HtError('HT_ENGINE_PROVIDER_FAILED', { reason: 'empty answer' }));
  if (versionFromContentType(sync.contentType) === undefined && !ENVELOPE_START.test(body)) return body;
  try {
    const r = parseSoapResponse(body, sync.contentType);
    if (r.kind === 'result') return r.result;
    const reason = `SOAP Fault ${r.fault.code}: ${r.fault.reason}`.slice(0, 300);
    throw new AckReject('AR', new HtError('HT_ENGINE_PROVIDER_FAILED', { reason }));
  } catch (error) {
    if (error instanceof SoapError) {
      throw new AckReject('AR', new HtError('HT_ENGINE_PROVIDER_FAILED', { reason: error.message.slice(0, 300) }));
    }
    throw error;
  }
}
