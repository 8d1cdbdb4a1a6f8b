// Outbound SOAP (WebService 推送): calls a subscriber's HIPMessageServer(action, message) — or any SOAP operation of
// that shape, since endpoint, namespace, parameter names and SOAP version are configuration — over a keep-alive
// connection pool. `mode: 'raw'` posts the message as it is, for peers whose envelope a transform already built.
// A delivery counts only when the peer took the message: HTTP ≥ 400 or a SOAP Fault fails the attempt with the
// fault string, and (ackCheck, default on) the HIPMessageServerResult must be an HL7 V3 message whose
// acknowledgement is AA/CA — AE/AR fail the attempt with the acknowledgementDetail text, so it is retried.
import Type, { type Static } from 'typebox';
import { errors as undiciErrors } from 'undici';
import { findV3Service, parseV3 } from '../../../formats/hl7v3/index.js';
import {
  buildSoapRequest,
  defaultSoapAction,
  HIP_SOAP_DEFAULTS,
  parseSoapResponse,
  soapContentType,
  type SoapResponse,
  type SoapVersion,
} from '../../../formats/soap/index.js';
import { getAttr, parseXmlSafe, walkElements } from '../../../formats/xml/index.js';
import { headerValue, HttpPools, HttpTlsOptions } from './http-pool.js';
import type { AdapterDescriptor, OutboundAdapter, OutboundRequest, OutboundResult } from '../types.js';

const NAME = '^[A-Za-z_][A-Za-z0-9_.-]*$';
/** Literal text with the placeholders {topic}, {domain}, {actionCode} (canonical action code) and {sCode}. */
const ACTION_TEMPLATE = '^([^{}]|\\{(topic|domain|actionCode|sCode)\\})+$';

export const SoapAdapterConfig = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', description: '对方 WebService 地址 Endpoint URL' }),
    mode: Type.Optional(
      Type.Union([Type.Literal('hip'), Type.Literal('raw')], {
        default: 'hip',
        description: 'hip：按 HIPMessageServer(action, message) 封装；raw：消息本身就是完整的 SOAP 信封，原样发送',
      }),
    ),
    soapVersion: Type.Optional(Type.Union([Type.Literal('1.1'), Type.Literal('1.2')], { default: '1.1' })),
    operation: Type.Optional(Type.String({ pattern: NAME, default: HIP_SOAP_DEFAULTS.operation })),
    namespace: Type.Optional(Type.String({ maxLength: 500, default: HIP_SOAP_DEFAULTS.namespace })),
    actionParam: Type.Optional(Type.String({ pattern: NAME, default: HIP_SOAP_DEFAULTS.actionParam })),
    messageParam: Type.Optional(Type.String({ pattern: NAME, default: HIP_SOAP_DEFAULTS.messageParam })),
    action: Type.Optional(
      Type.String({
        pattern: ACTION_TEMPLATE,
        maxLength: 200,
        default: '{topic}',
        description: '服务名：固定值，或占位符 {topic} {domain} {actionCode} {sCode} Action value or placeholders',
      }),
    ),
    messageForm: Type.Optional(
      Type.Union([Type.Literal('cdata'), Type.Literal('escaped'), Type.Literal('inline')], {
        default: 'cdata',
        description: '消息放在参数中的方式 How the message is carried',
      }),
    ),
    qualifiedParams: Type.Optional(
      Type.Boolean({
        default: true,
        description: '参数元素带操作命名空间（.NET 风格）；false 为不带（CXF unqualified 风格）',
      }),
    ),
    soapAction: Type.Optional(
      Type.String({ maxLength: 500, description: 'SOAPAction；默认 <namespace>/<operation>，空串表示发送空值' }),
    ),
    ackCheck: Type.Optional(
      Type.Boolean({
        default: true,
        description: '检查返回的 HL7 V3 确认：AE/AR 视为失败并重试 Check the MCCI acknowledgement',
      }),
    ),
    headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: '附加请求头 Extra headers' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000, default: 30_000 })),
    maxConnections: Type.Optional(Type.Integer({ minimum: 1, maximum: 256, default: 16 })),
    tls: Type.Optional(HttpTlsOptions),
  },
  { additionalProperties: false },
);
export type SoapAdapterConfig = Static<typeof SoapAdapterConfig>;

export const soapAdapterDescriptor: AdapterDescriptor = {
  type: 'soap',
  name: 'WebService 推送（SOAP）',
  nameEn: 'WebService push (SOAP)',
  className: 'SoapOutboundAdapter',
  direction: 'outbound',
  protocol: 'SOAP 1.1/1.2',
  description:
    '调用对方的 HIPMessageServer(action, message)（命名空间、参数名、SOAP 版本可配置），或原样发送完整 SOAP 信封；' +
    'SOAP Fault、HTTP 错误或 MCCI 确认为 AE/AR 时视为失败并按重试策略重试',
  configSchema: SoapAdapterConfig,
};

const EXCERPT = 2000;

/** Fills the action template: {topic}, {domain}, and the national service's {actionCode} / {sCode} for the topic. */
export function soapActionFor(template: string, request: Pick<OutboundRequest, 'topic' | 'domain'>): string {
  return template.replace(/\{(topic|domain|actionCode|sCode)\}/g, (_m, name: string) => {
    if (name === 'topic') return request.topic;
    if (name === 'domain') return request.domain;
    const service = findV3Service(request.topic);
    if (name === 'actionCode') return service?.action ?? request.topic;
    return service?.sCode ?? request.topic;
  });
}

interface Judged {
  ok: boolean;
  statusCode: string;
  error?: string;
  /** The unwrapped result string, when the answer was a SOAP result. */
  result?: string;
}

/** What the peer's answer means for the delivery (see file header). */
export function judgeSoapAnswer(
  httpStatus: number,
  contentType: string | undefined,
  text: string,
  ackCheck: boolean,
): Judged {
  let parsed: SoapResponse | undefined;
  let parseError: string | undefined;
  try {
    parsed = parseSoapResponse(text, contentType);
  } catch (error) {
    parseError = (error as Error).message;
  }
  if (parsed?.kind === 'fault') {
    const f = parsed.fault;
    return {
      ok: false,
      statusCode: `Fault ${f.code}`,
      error: `SOAP Fault ${f.code}${f.subcode ? `/${f.subcode}` : ''}: ${f.reason}${f.detail ? ` (${f.detail})` : ''}`,
    };
  }
  if (httpStatus >= 400 || httpStatus < 200) {
    return { ok: false, statusCode: String(httpStatus), error: `HTTP ${httpStatus}: ${text.slice(0, 200)}` };
  }
  if (!parsed) {
    if (!ackCheck) return { ok: true, statusCode: String(httpStatus) };
    return {
      ok: false,
      statusCode: String(httpStatus),
      error: `the answer is not a SOAP response: ${parseError ?? ''}`,
    };
  }
  if (!ackCheck) return { ok: true, statusCode: String(httpStatus), result: parsed.result };
  let typeCode: string | undefined;
  let texts: string[];
  try {
    const ack = parseV3(parsed.result).acknowledgement;
    typeCode = ack?.typeCode?.toUpperCase();
    texts = ack?.texts ?? [];
  } catch (error) {
    return {
      ok: false,
      statusCode: String(httpStatus),
      result: parsed.result,
      error: `the result is not an HL7 V3 message: ${(error as Error).message}`.slice(0, EXCERPT),
    };
  }
  if (typeCode === 'AA' || typeCode === 'CA') return { ok: true, statusCode: typeCode, result: parsed.result };
  const detail = texts.filter((t) => t !== '').join('; ');
  return {
    ok: false,
    statusCode: typeCode ?? String(httpStatus),
    result: parsed.result,
    error: typeCode
      ? `acknowledgement ${typeCode}${detail ? `: ${detail}` : ''}`
      : 'the result carries no HL7 V3 acknowledgement (turn ackCheck off for peers that answer otherwise)',
  };
}

export class SoapOutboundAdapter implements OutboundAdapter {
  private readonly pools = new HttpPools();

  timeoutMs(config: Record<string, unknown>): number {
    return (config as SoapAdapterConfig).timeoutMs ?? 30_000;
  }

  /** The HTTP request one delivery makes: the envelope and its headers. */
  buildCall(config: SoapAdapterConfig, request: OutboundRequest): { body: string; headers: Record<string, string> } {
    const version: SoapVersion = config.soapVersion ?? '1.1';
    const namespace = config.namespace ?? HIP_SOAP_DEFAULTS.namespace;
    const operation = config.operation ?? HIP_SOAP_DEFAULTS.operation;
    const soapAction = config.soapAction ?? defaultSoapAction(namespace, operation);
    if (config.mode === 'raw') {
      const headers: Record<string, string> = {
        'content-type': soapContentType(version, version === '1.2' && soapAction !== '' ? soapAction : undefined),
      };
      if (version === '1.1') headers.soapaction = `"${soapAction}"`;
      return { body: request.body, headers };
    }
    const built = buildSoapRequest({
      version,
      operation,
      namespace,
      actionParam: config.actionParam ?? HIP_SOAP_DEFAULTS.actionParam,
      messageParam: config.messageParam ?? HIP_SOAP_DEFAULTS.messageParam,
      action: soapActionFor(config.action ?? '{topic}', request),
      message: request.body,
      messageForm: config.messageForm ?? 'cdata',
      qualifiedParams: config.qualifiedParams ?? true,
      soapAction,
    });
    const headers: Record<string, string> = { 'content-type': built.contentType };
    if (built.headers.SOAPAction !== undefined) headers.soapaction = built.headers.SOAPAction;
    return { body: built.body, headers };
  }

  async send(raw: Record<string, unknown>, request: OutboundRequest, signal: AbortSignal): Promise<OutboundResult> {
    const config = raw as SoapAdapterConfig;
    const url = new URL(config.url);
    const timeout = this.timeoutMs(raw);
    let call: { body: string; headers: Record<string, string> };
    try {
      call = this.buildCall(config, request);
    } catch (error) {
      // Only an inline message that is not one well-formed element gets here: retrying cannot help, but the
      // attempt is recorded and the message can be fixed and resent.
      return { ok: false, error: `cannot build the SOAP request: ${(error as Error).message}`.slice(0, EXCERPT) };
    }
    try {
      const res = await this.pools.get(url, config.tls, config.maxConnections ?? 16).request({
        path: url.pathname + url.search,
        method: 'POST',
        headers: {
          ...call.headers,
          'x-hutong-message-id': request.messageId,
          'x-hutong-delivery-id': request.deliveryId,
          'x-hutong-attempt': String(request.attempt),
          ...config.headers,
        },
        body: call.body,
        signal,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      const text = await res.body.text();
      const contentType = headerValue(res.headers['content-type']);
      const judged = judgeSoapAnswer(res.statusCode, contentType, text, config.ackCheck ?? true);
      // The provider's answer for synchronous topics is the result string itself (what a HIPMessageServer caller
      // gets back); when there is none, the raw answer is kept for the trace.
      const response = judged.result ?? text;
      return {
        ok: judged.ok,
        statusCode: judged.statusCode,
        response,
        responseContentType: judged.result !== undefined ? 'application/xml' : (contentType ?? 'text/xml'),
        ...(judged.ok ? {} : { error: (judged.error ?? 'failed').slice(0, EXCERPT) }),
      };
    } catch (error) {
      const timedOut =
        error instanceof undiciErrors.HeadersTimeoutError ||
        error instanceof undiciErrors.BodyTimeoutError ||
        (error as Error).name === 'AbortError' ||
        (error as Error).name === 'TimeoutError';
      const code = (error as { code?: string }).code;
      return {
        ok: false,
        timedOut,
        error: timedOut
          ? `timeout after ${timeout} ms`
          : `${code ? `${code}: ` : ''}${(error as Error).message}`.slice(0, EXCERPT),
      };
    }
  }

  /**
   * "Test connection": fetches `<url>?wsdl` — harmless, no message is sent — and checks that it describes the
   * configured operation in the configured namespace. A peer that publishes no WSDL but answers is reported
   * reachable.
   */
  async test(raw: Record<string, unknown>): Promise<{ ok: boolean; message: string }> {
    const config = raw as SoapAdapterConfig;
    const url = new URL(config.url);
    const wsdlUrl = new URL(url);
    wsdlUrl.search = url.search ? `${url.search}&wsdl` : '?wsdl';
    const limit = Math.min(this.timeoutMs(raw), 10_000);
    let status: number;
    let text: string;
    try {
      const res = await this.pools.get(url, config.tls, config.maxConnections ?? 16).request({
        path: wsdlUrl.pathname + wsdlUrl.search,
        method: 'GET',
        headers: { ...config.headers },
        headersTimeout: limit,
        bodyTimeout: limit,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (error) {
      return { ok: false, message: `无法连接 ${url.origin}（cannot connect）：${(error as Error).message}` };
    }
    if (status !== 200) {
      return {
        ok: true,
        message: `已连接 ${url.origin}，但 ?wsdl 返回 HTTP ${status}（对方未发布 WSDL）/ connected, no WSDL published`,
      };
    }
    if (config.mode === 'raw') return { ok: true, message: `已连接，WSDL 可用 / connected, WSDL available` };
    const operation = config.operation ?? HIP_SOAP_DEFAULTS.operation;
    const namespace = config.namespace ?? HIP_SOAP_DEFAULTS.namespace;
    let targetNamespace: string | undefined;
    let hasOperation = false;
    try {
      const root = parseXmlSafe(text, { maxBytes: 5 * 1024 * 1024 }).root;
      targetNamespace = getAttr(root, 'targetNamespace');
      walkElements(root, (el) => {
        if (el.localName === 'operation' && getAttr(el, 'name') === operation) hasOperation = true;
      });
    } catch (error) {
      return { ok: false, message: `?wsdl 返回的内容不是有效的 XML（not a WSDL）：${(error as Error).message}` };
    }
    if (!hasOperation) {
      return { ok: false, message: `WSDL 中没有操作 ${operation}（the WSDL has no operation ${operation}）` };
    }
    if (targetNamespace !== undefined && targetNamespace !== namespace) {
      return {
        ok: false,
        message: `WSDL 的命名空间是 ${targetNamespace}，配置的是 ${namespace}（namespace mismatch）`,
      };
    }
    return { ok: true, message: `已连接，WSDL 含操作 ${operation} / connected, operation ${operation} found` };
  }

  async close(): Promise<void> {
    await this.pools.close();
  }
}
