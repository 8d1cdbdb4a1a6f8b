// Outbound AMQP 0-9-1 (RabbitMQ): publishes each delivery to an exchange with a routing key built from the topic and
// domain, as a persistent message carrying the message and delivery ids, on a confirm channel. The attempt succeeds
// only when the broker confirms it (basic.ack); a nack, a timeout, a closed channel or — with `mandatory` — a message
// no queue is bound for (basic.return) is a failed attempt the dispatcher retries.
// One connection and one confirm channel per broker URL and credentials, shared by every subscription using them.
// Anything that breaks them (a socket error, a channel closed by the broker for a missing exchange) drops them, and the
// next attempt connects afresh: a broken connection never poisons later attempts.
import { connect, credentials, type ChannelModel, type ConfirmChannel, type Message, type Options } from 'amqplib';
import Type, { type Static } from 'typebox';
import type { AdapterDescriptor, OutboundAdapter, OutboundRequest, OutboundResult } from '../types.js';

export const AmqpAdapterConfig = Type.Object(
  {
    url: Type.String({
      pattern: '^amqps?://',
      description:
        'RabbitMQ 地址，如 amqp://127.0.0.1:5672/ 或 amqp://127.0.0.1:5672/vhost?heartbeat=30；' +
        '密码请填在 password 字段（地址中的密码不会被遮蔽）· Broker URL',
    }),
    username: Type.Optional(Type.String({ description: '用户名（覆盖地址中的用户）· User name' })),
    password: Type.Optional(
      Type.String({
        writeOnly: true,
        description: '密码（无管理权限的用户看到 ******）· Password (masked for readers)',
      }),
    ),
    exchange: Type.Optional(
      Type.String({
        maxLength: 255,
        default: '',
        description: '交换机名；不填为默认交换机（此时路由键即队列名）· Exchange (empty = the default exchange)',
      }),
    ),
    exchangeType: Type.Optional(
      Type.Union([Type.Literal('topic'), Type.Literal('direct'), Type.Literal('fanout'), Type.Literal('headers')], {
        default: 'topic',
        description: '交换机类型（declare 时使用）· Exchange type, used when declaring',
      }),
    ),
    exchangeMode: Type.Optional(
      Type.Union([Type.Literal('check'), Type.Literal('declare')], {
        default: 'check',
        description:
          'check：交换机必须已存在（被动检查）；declare：不存在则声明为持久交换机 · ' +
          'check = must exist (passive); declare = declare it durable if missing',
      }),
    ),
    routingKey: Type.Optional(
      Type.String({
        maxLength: 255,
        default: '{domain}.{topic}',
        description: '路由键，可用占位符 {topic}、{domain} · Routing key with {topic} / {domain} placeholders',
      }),
    ),
    persistent: Type.Optional(
      Type.Boolean({ default: true, description: '持久化消息（delivery-mode 2）· Persistent messages' }),
    ),
    mandatory: Type.Optional(
      Type.Boolean({
        default: true,
        description: '无队列可路由时视为失败（mandatory）· Unroutable message is a failed attempt',
      }),
    ),
    contentType: Type.Optional(
      Type.String({ description: '覆盖消息的 content-type（默认沿用消息本身的）· Override the content type' }),
    ),
    headers: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: '附加消息头 · Extra message headers' }),
    ),
    timeoutMs: Type.Optional(
      Type.Integer({
        minimum: 100,
        maximum: 600_000,
        default: 30_000,
        description: '单次投递超时（毫秒），含连接与等待确认 · Timeout of one attempt incl. the confirm (ms)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type AmqpAdapterConfig = Static<typeof AmqpAdapterConfig>;

export const amqpAdapterDescriptor: AdapterDescriptor = {
  type: 'amqp',
  name: 'AMQP 消息队列',
  nameEn: 'AMQP (RabbitMQ)',
  className: 'AmqpOutboundAdapter',
  direction: 'outbound',
  protocol: 'AMQP 0-9-1',
  description:
    '把消息发布到 RabbitMQ 交换机：路由键可含主题与域，持久化消息，发布确认（publisher confirms）后才算送达；' +
    '无法路由（mandatory）、nack 或超时记为失败并重试',
  configSchema: AmqpAdapterConfig,
};

const DEFAULT_TIMEOUT = 30_000;
const ERROR_EXCERPT = 2000;

export class AmqpOutboundAdapter implements OutboundAdapter {
  private readonly links = new Map<string, BrokerLink>();

  timeoutMs(config: Record<string, unknown>): number {
    return (config as AmqpAdapterConfig).timeoutMs ?? DEFAULT_TIMEOUT;
  }

  async send(raw: Record<string, unknown>, request: OutboundRequest, signal: AbortSignal): Promise<OutboundResult> {
    const config = raw as AmqpAdapterConfig;
    let routingKey: string;
    try {
      routingKey = renderRoutingKey(config.routingKey ?? '{domain}.{topic}', request);
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
    const link = this.link(config);
    const timeout = this.timeoutMs(raw);
    const outcome = await link.publish(config, routingKey, request, timeout, signal);
    const exchange = config.exchange ?? '';
    const where = `${exchange === '' ? '(default exchange)' : exchange} → ${routingKey}`;
    if (outcome.ok) {
      return { ok: true, statusCode: 'ack', response: `confirmed by ${describeUrl(config.url)}: ${where}` };
    }
    return {
      ok: false,
      ...(outcome.status ? { statusCode: outcome.status } : {}),
      ...(outcome.timedOut ? { timedOut: true } : {}),
      error: `${where}: ${outcome.error}`.slice(0, ERROR_EXCERPT),
    };
  }

  /** Connects, opens a channel and checks the exchange exists (never declares anything). */
  async test(raw: Record<string, unknown>): Promise<{ ok: boolean; message: string }> {
    const config = raw as AmqpAdapterConfig;
    const where = describeUrl(config.url);
    const exchange = config.exchange ?? '';
    let model: ChannelModel;
    try {
      model = await openConnection(config, Math.min(this.timeoutMs(raw), 10_000));
    } catch (error) {
      return { ok: false, message: `${where}: ${messageOf(error)}` };
    }
    model.on('error', () => undefined);
    try {
      const channel = await model.createChannel();
      channel.on('error', () => undefined);
      if (exchange === '') {
        return { ok: true, message: `已连接 connected to ${where}；使用默认交换机 default exchange` };
      }
      try {
        await channel.checkExchange(exchange);
        return { ok: true, message: `已连接 connected to ${where}；交换机 exchange "${exchange}" 存在 exists` };
      } catch (error) {
        if (config.exchangeMode === 'declare') {
          return {
            ok: true,
            message: `已连接 connected to ${where}；交换机 "${exchange}" 尚不存在，首次投递时声明 · will be declared on first delivery`,
          };
        }
        return { ok: false, message: `已连接 ${where}，但交换机检查失败 · exchange check failed: ${messageOf(error)}` };
      }
    } catch (error) {
      return { ok: false, message: `${where}: ${messageOf(error)}` };
    } finally {
      await closeConnection(model);
    }
  }

  async close(): Promise<void> {
    const links = [...this.links.values()];
    this.links.clear();
    await Promise.all(links.map((l) => l.close()));
  }

  private link(config: AmqpAdapterConfig): BrokerLink {
    const key = JSON.stringify([config.url, config.username ?? null, config.password ?? null]);
    let link = this.links.get(key);
    if (!link) {
      link = new BrokerLink();
      this.links.set(key, link);
    }
    return link;
  }
}

/** `{topic}` and `{domain}` filled in; any other `{…}` is a configuration error. */
export function renderRoutingKey(template: string, request: Pick<OutboundRequest, 'topic' | 'domain'>): string {
  return template.replace(/\{([^{}]*)\}/g, (_m, name: string) => {
    if (name === 'topic') return request.topic;
    if (name === 'domain') return request.domain;
    throw new Error(
      `路由键中的占位符 {${name}} 不支持 · unknown routing key placeholder {${name}} (use {topic}, {domain})`,
    );
  });
}

/** The URL without credentials, for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '' ? '/' : u.pathname}`;
  } catch {
    return 'the broker';
  }
}

function openConnection(config: AmqpAdapterConfig, timeoutMs: number): Promise<ChannelModel> {
  const options: Parameters<typeof connect>[1] = {
    timeout: timeoutMs,
    clientProperties: { connection_name: 'hutong' },
  };
  if (config.username !== undefined || config.password !== undefined) {
    const fromUrl = new URL(config.url);
    options.credentials = credentials.plain(
      config.username ?? decodeURIComponent(fromUrl.username),
      config.password ?? decodeURIComponent(fromUrl.password),
    );
  }
  return connect(config.url, options);
}

function messageOf(error: unknown): string {
  const e = error as { code?: string | number; message?: string };
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  const code = typeof e.code === 'string' && !(e.message ?? '').includes(e.code) ? `${e.code}: ` : '';
  return `${code}${e.message ?? String(error)}`.slice(0, ERROR_EXCERPT);
}

interface PublishOutcome {
  ok: boolean;
  status?: string;
  error?: string;
  timedOut?: boolean;
}

/** One broker connection and its confirm channel, opened on demand and dropped when either breaks. */
class BrokerLink {
  private model: Promise<ChannelModel> | undefined;
  private channel: Promise<ConfirmChannel> | undefined;
  private current: ConfirmChannel | undefined;
  /** Exchanges checked or declared on the current channel. */
  private ready = new Set<string>();
  /** Publishes waiting for their confirm, by key, and why the broker returned them (mandatory). */
  private readonly waiting = new Map<string, { returned?: string }>();
  /** Why the broker closed a channel: it comes as an 'error' event before the pending confirms fail. */
  private readonly channelErrors = new WeakMap<ConfirmChannel, Error>();
  private closed = false;

  async publish(
    config: AmqpAdapterConfig,
    routingKey: string,
    request: OutboundRequest,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<PublishOutcome> {
    const key = `${request.deliveryId}/${request.attempt}`;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const limit = new Promise<PublishOutcome>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, timedOut: true, error: `timeout after ${timeoutMs} ms (no confirm)` }),
        timeoutMs,
      );
      onAbort = () => resolve({ ok: false, error: 'aborted (Hutong is stopping)' });
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([limit, this.publishConfirmed(config, routingKey, request, key, timeoutMs)]);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
      this.waiting.delete(key);
    }
  }

  private async publishConfirmed(
    config: AmqpAdapterConfig,
    routingKey: string,
    request: OutboundRequest,
    key: string,
    timeoutMs: number,
  ): Promise<PublishOutcome> {
    let channel: ConfirmChannel;
    try {
      channel = await this.confirmChannel(config, timeoutMs);
      await this.prepareExchange(channel, config);
    } catch (error) {
      return { ok: false, error: messageOf(error), ...statusOf(error) };
    }
    const headers: Record<string, unknown> = {
      'x-hutong-message-id': request.messageId,
      'x-hutong-delivery-id': request.deliveryId,
      'x-hutong-attempt': request.attempt,
      'x-hutong-topic': request.topic,
      'x-hutong-domain': request.domain,
      ...config.headers,
    };
    const options: Options.Publish = {
      persistent: config.persistent ?? true,
      mandatory: config.mandatory ?? true,
      contentType: config.contentType ?? request.contentType,
      messageId: request.messageId,
      type: request.topic,
      appId: 'hutong',
      timestamp: Math.floor(Date.now() / 1000),
      headers,
    };
    const entry: { returned?: string } = {};
    this.waiting.set(key, entry);
    return new Promise<PublishOutcome>((resolve) => {
      try {
        channel.publish(
          config.exchange ?? '',
          routingKey,
          Buffer.from(request.body, 'utf8'),
          options,
          (err: unknown) => {
            if (err) {
              // A channel closed by the broker reports "channel closed" here; its reason came as an 'error' first.
              const reason = ((err as Error).message === 'channel closed' && this.channelErrors.get(channel)) || err;
              resolve({ ok: false, error: messageOf(reason), ...statusOf(reason) });
            } else if (entry.returned) {
              resolve({ ok: false, status: 'returned', error: `无法路由 unroutable (mandatory): ${entry.returned}` });
            } else {
              resolve({ ok: true });
            }
          },
        );
      } catch (error) {
        this.dropChannel(channel);
        resolve({ ok: false, error: messageOf(error) });
      }
    });
  }

  private async prepareExchange(channel: ConfirmChannel, config: AmqpAdapterConfig): Promise<void> {
    const exchange = config.exchange ?? '';
    if (exchange === '') return;
    const type = config.exchangeType ?? 'topic';
    const mode = config.exchangeMode ?? 'check';
    const id = `${mode}\u0000${type}\u0000${exchange}`;
    if (this.ready.has(id)) return;
    if (mode === 'declare') await channel.assertExchange(exchange, type, { durable: true });
    else await channel.checkExchange(exchange);
    this.ready.add(id);
  }

  private confirmChannel(config: AmqpAdapterConfig, timeoutMs: number): Promise<ConfirmChannel> {
    if (this.closed) return Promise.reject(new Error('the adapter is closed'));
    if (!this.channel) {
      const opening = this.connection(config, timeoutMs).then(async (model) => {
        const channel = await model.createConfirmChannel();
        this.ready = new Set();
        this.current = channel;
        channel.on('error', (error: Error) => this.channelErrors.set(channel, error));
        channel.on('close', () => this.dropChannel(channel));
        channel.on('return', (message: Message) => this.onReturn(message));
        return channel;
      });
      this.channel = opening;
      opening.catch(() => {
        if (this.channel === opening) this.channel = undefined;
      });
    }
    return this.channel;
  }

  private connection(config: AmqpAdapterConfig, timeoutMs: number): Promise<ChannelModel> {
    if (!this.model) {
      const opening = openConnection(config, Math.min(timeoutMs, 10_000)).then((model) => {
        model.on('error', () => undefined);
        model.on('close', () => {
          if (this.model === opening) {
            this.model = undefined;
            this.channel = undefined;
            this.current = undefined;
          }
        });
        return model;
      });
      this.model = opening;
      opening.catch(() => {
        if (this.model === opening) this.model = undefined;
      });
    }
    return this.model;
  }

  private onReturn(message: Message): void {
    const headers = message.properties.headers as Record<string, unknown> | undefined;
    const key = `${String(headers?.['x-hutong-delivery-id'])}/${String(headers?.['x-hutong-attempt'])}`;
    const entry = this.waiting.get(key);
    if (!entry) return;
    const fields = message.fields as unknown as { replyCode?: number; replyText?: string; routingKey?: string };
    entry.returned = `${fields.replyCode ?? ''} ${fields.replyText ?? 'returned'} (routing key ${fields.routingKey ?? ''})`;
  }

  private dropChannel(channel: ConfirmChannel): void {
    if (this.current !== channel) return;
    this.current = undefined;
    this.channel = undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    const model = this.model;
    this.model = undefined;
    this.channel = undefined;
    this.current = undefined;
    if (model) await model.then(closeConnection, () => undefined);
  }
}

/**
 * Closes a connection politely, settling also when the socket dies meanwhile (amqplib then never calls back) and
 * after two seconds at most.
 */
function closeConnection(model: ChannelModel): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    model.once('close', done);
    model.close().then(done, done);
  });
}

function statusOf(error: unknown): { status?: string } {
  const e = error as { code?: string | number; message?: string };
  if (e.code !== undefined) return { status: String(e.code) };
  if (e.message === 'message nacked') return { status: 'nack' };
  return {};
}
