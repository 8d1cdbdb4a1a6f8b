// The HIPMessageServer WebService over HTTP: POST /services/* (SOAP 1.1 and 1.2) and GET /services/*?wsdl. One
// wildcard route serves every configured endpoint, because endpoints are configured while the server runs and
// Fastify cannot add routes then — so every endpoint path starts with /services/. Register inside its own plugin
// scope (it replaces the body parsers and the error handler there):
//   await app.register(async (scope) => hipSoapRoutes(scope, deps));
// Callers are business systems with their own credentials (permission 'inbound'), never console users.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildWsdl, HIP_SOAP_DEFAULTS, versionFromContentType } from '../../../../formats/soap/index.js';
import type { Database } from '../../../../platform/db/index.js';
import { HtError, pickLang } from '../../../../platform/errors/index.js';
import type { EngineConfigCache } from '../../../config/cache.js';
import type { IngestPipeline } from '../../../ingest/pipeline.js';
import { HipSoapHandler, type SoapHttpAnswer } from './handler.js';
import type { HipReaders } from './readers.js';
import { SenderDirectory } from './senders.js';
import type { SoapEndpointResolver } from './settings.js';

export interface HipSoapRouteDeps {
  cache: EngineConfigCache;
  pipeline: IngestPipeline;
  db: Database;
  resolver: SoapEndpointResolver;
  /** The app's body limit (config.http.bodyLimitBytes): larger requests get a Fault. */
  bodyLimitBytes: number;
  /** XML reader threads; absent: requests are read on the event loop. */
  readers?: HipReaders;
  /** Told when a caller's credentials were refused (the engine audits these). */
  onAuthFailure?(request: FastifyRequest, error: HtError): void;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

const WSDL_KEYS = new Set(['wsdl', 'singlewsdl']);

export function hipSoapRoutes(app: FastifyInstance, deps: HipSoapRouteDeps): void {
  const handler = new HipSoapHandler({
    cache: deps.cache,
    pipeline: deps.pipeline,
    senders: new SenderDirectory(deps.db, deps.cache),
    resolver: deps.resolver,
    bodyLimitBytes: deps.bodyLimitBytes,
    ...(deps.readers ? { readers: deps.readers } : {}),
  });

  // Raw bytes: the envelope's own XML declaration decides the encoding (some senders still use GBK).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const send = (reply: FastifyReply, answer: SoapHttpAnswer) =>
    reply.status(answer.status).type(answer.contentType).send(answer.body);

  // Failures before the handler runs (body over the limit, a broken Content-Length) and anything unexpected are
  // answered as a Fault in the version the Content-Type implies — never as JSON, never with a stack trace.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const lang = pickLang(request.headers['accept-language']);
    const version = versionFromContentType(request.headers['content-type']) ?? '1.1';
    const endpoint = handler.endpointAt(pathOf(request.url));
    let answer: SoapHttpAnswer;
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
      answer = handler.fault(
        endpoint,
        version,
        'Client',
        new HtError('HT_REQUEST_TOO_LARGE', { limit: deps.bodyLimitBytes }),
        {
          lang,
        },
      );
    } else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      answer = handler.fault(
        endpoint,
        version,
        'Client',
        new HtError('HT_SOAP_REQUEST_INVALID', { reason: error.code }),
        {
          lang,
        },
      );
    } else {
      request.log.error({ err: error }, 'WebService request failed');
      answer = handler.fault(endpoint, version, 'Receiver', new HtError('HT_INTERNAL', { requestId: request.id }), {
        lang,
      });
    }
    request.log.warn({ endpoint: pathOf(request.url), ip: request.ip, reason: answer.reason }, 'WebService fault');
    return send(reply, answer);
  });

  app.post(
    '/services/*',
    {
      config: { permission: 'inbound' },
      schema: {
        tags: ['inbound'],
        summary: 'WebService 接入 HIPMessageServer(action, message)',
        description:
          'SOAP 1.1（text/xml + SOAPAction）或 SOAP 1.2（application/soap+xml）。action 为服务编码（如 OutPatientInfoAdd）' +
          '或 S 编码（如 S0023），message 为 HL7 V3 消息（CDATA、转义文本或内嵌 XML）。返回 HIPMessageServerResult：' +
          'MCCI_IN000002UV01 确认（AA/AE/AR）或查询服务的应答。认证：HTTP Basic / Bearer，或按消息发送方设备 ID 识别接入系统。',
      },
    },
    async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const soapAction = request.headers.soapaction;
      const answer = await handler.handle({
        path: pathOf(request.url),
        contentType: request.headers['content-type'],
        soapActionHeader: Array.isArray(soapAction) ? soapAction[0] : soapAction,
        authorization: request.headers.authorization,
        acceptLanguage: request.headers['accept-language'],
        ip: request.ip,
        body,
      });
      if (answer.authError) deps.onAuthFailure?.(request, answer.authError);
      if (answer.outcome === 'rejected') {
        const log = { endpoint: pathOf(request.url), ip: request.ip, answer: answer.kind, reason: answer.reason };
        if (answer.kind === 'fault') request.log.warn(log, 'WebService fault');
        else request.log.info(log, 'WebService message rejected');
      }
      return send(reply, answer);
    },
  );

  app.get(
    '/services/*',
    {
      config: { permission: 'inbound' },
      schema: {
        tags: ['inbound'],
        summary: 'WebService 描述（?wsdl）',
        description: '返回端点的 WSDL（?wsdl、?WSDL 或 ?singleWsdl），地址取自请求的主机名。',
      },
    },
    async (request, reply) => {
      const path = pathOf(request.url);
      const endpoint = handler.endpointAt(path);
      const lang = pickLang(request.headers['accept-language']);
      if (!endpoint) {
        return reply
          .status(404)
          .type('text/plain; charset=utf-8')
          .send(new HtError('HT_SOAP_ENDPOINT_NOT_FOUND', { path }).localized(lang));
      }
      const s = endpoint.settings;
      const url = `${request.protocol}://${request.host}${path}`;
      const query = (request.query ?? {}) as Record<string, unknown>;
      if (!Object.keys(query).some((k) => WSDL_KEYS.has(k.toLowerCase()))) {
        return reply
          .type('text/plain; charset=utf-8')
          .send(`${s.operation}(${s.actionParam}, ${s.messageParam}) — SOAP 1.1 / 1.2\nWSDL: ${url}?wsdl\n`);
      }
      return reply.type('text/xml; charset=utf-8').send(
        buildWsdl({
          endpointUrl: url,
          // A WSDL needs one target namespace; an endpoint accepting any namespace advertises the standard one.
          namespace: s.namespace === '*' ? HIP_SOAP_DEFAULTS.namespace : s.namespace,
          operation: s.operation,
          actionParam: s.actionParam,
          messageParam: s.messageParam,
          resultName: `${s.operation}Result`,
        }),
      );
    },
  );
}
