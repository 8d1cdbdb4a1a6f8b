// Outbound HTTP(S): POST (or PUT/PATCH) the message to the subscriber's endpoint over a keep-alive connection pool
// per endpoint, with a timeout and TLS options. A 2xx answer is a delivery; anything else is a failed attempt.
import Type, { type Static } from 'typebox';
import { errors as undiciErrors } from 'undici';
import { headerValue, HttpPools, HttpTlsOptions } from './http-pool.js';
import type { AdapterDescriptor, OutboundAdapter, OutboundRequest, OutboundResult } from '../types.js';

export const HttpAdapterConfig = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', description: '订阅方接收地址 Endpoint URL' }),
    method: Type.Optional(
      Type.Union([Type.Literal('POST'), Type.Literal('PUT'), Type.Literal('PATCH')], { default: 'POST' }),
    ),
    headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: '附加请求头 Extra headers' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000, default: 30_000 })),
    maxConnections: Type.Optional(Type.Integer({ minimum: 1, maximum: 256, default: 16 })),
    tls: Type.Optional(HttpTlsOptions),
    successStatus: Type.Optional(
      Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), {
        description: 'statuses counted as delivered (default 2xx)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type HttpAdapterConfig = Static<typeof HttpAdapterConfig>;

export const httpAdapterDescriptor: AdapterDescriptor = {
  type: 'http',
  name: 'HTTP 推送',
  nameEn: 'HTTP push',
  className: 'HttpOutboundAdapter',
  direction: 'outbound',
  protocol: 'HTTP/HTTPS',
  description: '将消息以 HTTP POST/PUT/PATCH 推送到订阅方地址，2xx 视为成功；支持超时、TLS 与长连接池',
  configSchema: HttpAdapterConfig,
};

const EXCERPT = 2000;

export class HttpOutboundAdapter implements OutboundAdapter {
  private readonly pools = new HttpPools();

  timeoutMs(config: Record<string, unknown>): number {
    return (config as HttpAdapterConfig).timeoutMs ?? 30_000;
  }

  async send(raw: Record<string, unknown>, request: OutboundRequest, signal: AbortSignal): Promise<OutboundResult> {
    const config = raw as HttpAdapterConfig;
    const url = new URL(config.url);
    const timeout = this.timeoutMs(raw);
    try {
      const res = await this.pools.get(url, config.tls, config.maxConnections ?? 16).request({
        path: url.pathname + url.search,
        method: config.method ?? 'POST',
        headers: {
          'content-type': request.contentType,
          'x-hutong-message-id': request.messageId,
          'x-hutong-delivery-id': request.deliveryId,
          'x-hutong-attempt': String(request.attempt),
          'x-hutong-topic': request.topic,
          'x-hutong-domain': request.domain,
          ...config.headers,
        },
        body: request.body,
        signal,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      const text = await res.body.text();
      const ok = config.successStatus
        ? config.successStatus.includes(res.statusCode)
        : res.statusCode >= 200 && res.statusCode < 300;
      const contentType = headerValue(res.headers['content-type']);
      return {
        ok,
        statusCode: String(res.statusCode),
        response: text,
        ...(contentType ? { responseContentType: contentType } : {}),
        ...(ok ? {} : { error: `HTTP ${res.statusCode}: ${text.slice(0, 200)}` }),
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

  async test(raw: Record<string, unknown>): Promise<{ ok: boolean; message: string }> {
    const config = raw as HttpAdapterConfig;
    const url = new URL(config.url);
    try {
      const res = await this.pools.get(url, config.tls, config.maxConnections ?? 16).request({
        path: url.pathname + url.search,
        method: 'OPTIONS',
        headersTimeout: Math.min(this.timeoutMs(raw), 10_000),
        bodyTimeout: Math.min(this.timeoutMs(raw), 10_000),
      });
      await res.body.dump();
      return { ok: true, message: `connected to ${url.origin}: HTTP ${res.statusCode} to OPTIONS` };
    } catch (error) {
      return { ok: false, message: `${url.origin}: ${(error as Error).message}` };
    }
  }

  async close(): Promise<void> {
    await this.pools.close();
  }
}
