// Outbound HL7 v2 over MLLP (MLLP 推送): one framed message per attempt over a keep-alive connection pool per peer,
// then wait for the peer's acknowledgement. AA/CA (or the configured accept codes) is a delivery; AE/AR/CE/CR is a
// failed attempt carrying MSA-3/ERR as its error and the ACK as its response, so the dispatcher retries it; no ACK
// within the timeout, an ACK for another message, or a broken connection is a failed attempt too. A connection that
// timed out or got out of step is discarded, never reused: a late ACK must not answer the next message.
import { readFileSync } from 'node:fs';
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import Type, { type Static } from 'typebox';
import { decodeHl7Buffer, encodeHl7, parseAck, parseHl7 } from '../../../formats/hl7v2/index.js';
import { frame, MllpFrameDecoder } from '../inbound/mllp/framing.js';
import type { AdapterDescriptor, OutboundAdapter, OutboundRequest, OutboundResult } from '../types.js';

export const MllpAdapterConfig = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 255, description: '接收方地址 — receiver host' }),
    port: Type.Integer({ minimum: 1, maximum: 65535, description: '接收方 MLLP 端口 — receiver MLLP port' }),
    timeoutMs: Type.Optional(
      Type.Integer({
        minimum: 100,
        maximum: 600_000,
        default: 30_000,
        description: '连接并等待 ACK 的最长时间 — longest wait for the connection and the ACK',
      }),
    ),
    maxConnections: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 64,
        default: 8,
        description: '到该接收方的最大连接数 — connections to the peer',
      }),
    ),
    charset: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          '发送时的字符集（如 GB18030、UTF-8）；默认按消息 MSH-18，未声明时 UTF-8。MSH-18 本身不改 — encode the message in this charset (default: its MSH-18, else UTF-8); MSH-18 is not rewritten',
      }),
    ),
    acceptCodes: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z]{2}$' }), {
        minItems: 1,
        maxItems: 6,
        default: ['AA', 'CA'],
        description: '视为投递成功的 MSA-1 应答码 — MSA-1 codes counted as delivered',
      }),
    ),
    tls: Type.Optional(
      Type.Object(
        {
          rejectUnauthorized: Type.Optional(Type.Boolean({ default: true })),
          caFile: Type.Optional(Type.String({ description: 'PEM file of the CA to trust' })),
          certFile: Type.Optional(Type.String({ description: 'client certificate (PEM) for mutual TLS' })),
          keyFile: Type.Optional(Type.String({ description: 'client key (PEM) for mutual TLS' })),
          servername: Type.Optional(Type.String({ description: 'name to verify in the certificate (default: host)' })),
        },
        { additionalProperties: false, description: 'MLLP over TLS; plain TCP when absent' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type MllpAdapterConfig = Static<typeof MllpAdapterConfig>;

export const mllpAdapterDescriptor: AdapterDescriptor = {
  type: 'mllp',
  name: 'MLLP 推送（HL7 v2）',
  nameEn: 'MLLP push (HL7 v2)',
  className: 'MllpOutboundAdapter',
  direction: 'outbound',
  protocol: 'HL7 v2 / MLLP (TCP, TLS)',
  description:
    '将 HL7 v2 消息经 MLLP 发送到订阅方并等待 ACK：AA/CA 视为成功，AE/AR、超时与连接错误按失败重试；支持长连接池、TLS 与字符集（GB18030 等）',
  configSchema: MllpAdapterConfig,
};

const DEFAULT_TIMEOUT = 30_000;
const IDLE_CLOSE_MS = 60_000;
const EXCERPT = 2000;

class MllpFailure extends Error {
  constructor(
    message: string,
    readonly timedOut = false,
  ) {
    super(message);
  }
}

/** One kept-alive connection: one message out, one frame back, at a time. */
class PooledConnection {
  private readonly decoder = new MllpFrameDecoder(16 * 1024 * 1024);
  private waiting: { resolve(frame: Buffer): void; reject(error: Error): void } | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly onClose: (c: PooledConnection) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const event of this.decoder.push(chunk)) {
        const waiting = this.waiting;
        this.waiting = undefined;
        if (!waiting || event.kind !== 'frame') {
          // An answer nobody asked for, or one beyond any sane size: the stream cannot be trusted any more.
          this.destroy();
          waiting?.reject(new MllpFailure('the peer sent an oversized reply'));
          return;
        }
        waiting.resolve(event.payload);
      }
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new MllpFailure('the peer closed the connection')));
  }

  private fail(error: Error): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (!this.closed) {
      this.closed = true;
      clearTimeout(this.idleTimer);
      this.onClose(this);
    }
    waiting?.reject(error);
  }

  /** Sends one framed message and resolves with the first frame that comes back. */
  exchange(bytes: Buffer, deadline: number, signal: AbortSignal): Promise<Buffer> {
    clearTimeout(this.idleTimer);
    return new Promise<Buffer>((resolve, reject) => {
      const remaining = deadline - Date.now();
      const timer = setTimeout(() => finish(new MllpFailure('no ACK', true)), Math.max(0, remaining));
      const onAbort = () => finish(new MllpFailure('aborted', true));
      const finish = (error: Error | undefined, reply?: Buffer) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiting = undefined;
        if (error) {
          this.destroy();
          reject(error);
        } else resolve(reply!);
      };
      if (signal.aborted) return finish(new MllpFailure('aborted', true));
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting = { resolve: (reply) => finish(undefined, reply), reject: (error) => finish(error) };
      this.socket.write(frame(bytes));
    });
  }

  parkIdle(onIdleTimeout: () => void): void {
    this.idleTimer = setTimeout(onIdleTimeout, IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }

  destroy(): void {
    this.socket.destroy();
    this.fail(new MllpFailure('connection closed'));
  }
}

/** Connections to one peer: reuse idle ones, open up to `max`, else wait for one to come back. */
class ConnectionPool {
  private readonly idle: PooledConnection[] = [];
  private open = 0;
  private readonly waiters: ((c: PooledConnection | undefined) => void)[] = [];

  constructor(
    private readonly config: MllpAdapterConfig,
    private readonly max: number,
  ) {}

  async acquire(deadline: number, signal: AbortSignal): Promise<PooledConnection> {
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.open < this.max) {
      this.open++;
      try {
        return await this.connect(deadline, signal);
      } catch (error) {
        this.open--;
        this.handOver(undefined);
        throw error;
      }
    }
    // All connections busy: wait for one (or for a slot, signalled with undefined).
    const got = await new Promise<PooledConnection | undefined>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          remove();
          reject(new MllpFailure(`all ${this.max} connections busy`, true));
        },
        Math.max(0, deadline - Date.now()),
      );
      const onAbort = () => {
        remove();
        reject(new MllpFailure('aborted', true));
      };
      const waiter = (c: PooledConnection | undefined) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(c);
      };
      const remove = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
    return got ?? this.acquire(deadline, signal);
  }

  release(c: PooledConnection): void {
    if (c.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) return waiter(c);
    this.idle.push(c);
    c.parkIdle(() => c.destroy());
  }

  private handOver(c: PooledConnection | undefined): void {
    this.waiters.shift()?.(c);
  }

  private connect(deadline: number, signal: AbortSignal): Promise<PooledConnection> {
    const { host, port } = this.config;
    const t = this.config.tls;
    return new Promise<PooledConnection>((resolve, reject) => {
      const socket = t
        ? tls.connect({
            host,
            port,
            servername: t.servername ?? (net.isIP(host) ? undefined : host),
            rejectUnauthorized: t.rejectUnauthorized ?? true,
            ...(t.caFile ? { ca: readFileSync(t.caFile) } : {}),
            ...(t.certFile ? { cert: readFileSync(t.certFile) } : {}),
            ...(t.keyFile ? { key: readFileSync(t.keyFile) } : {}),
          })
        : net.connect({ host, port });
      const timer = setTimeout(
        () => fail(new MllpFailure(`connecting to ${host}:${port} timed out`, true)),
        Math.max(0, deadline - Date.now()),
      );
      const onAbort = () => fail(new MllpFailure('aborted', true));
      const cleanup = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        socket.off('error', fail);
      };
      function fail(error: Error) {
        cleanup();
        socket.destroy();
        reject(error);
      }
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('error', fail);
      socket.once(t ? 'secureConnect' : 'connect', () => {
        cleanup();
        resolve(
          new PooledConnection(socket, (closed) => {
            this.open--;
            const i = this.idle.indexOf(closed);
            if (i >= 0) this.idle.splice(i, 1);
            this.handOver(undefined);
          }),
        );
      });
    });
  }

  close(): void {
    for (const c of this.idle.splice(0)) c.destroy();
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}

/** The message as MLLP peers expect it: CR after every segment, no BOM; then its bytes in the charset. */
function encodeForWire(
  body: string,
  charset: string | undefined,
): { bytes: Buffer; controlId: string; charset: string } {
  // Only blank lines around the message go: a trailing space in the last field is data.
  const text =
    body
      .replace(/^\uFEFF/, '')
      .replace(/\r\n|\n/g, '\r')
      .replace(/^\r+|\r+$/g, '') + '\r';
  const message = parseHl7(text);
  const bytes = encodeHl7(message, charset ? { charset } : undefined);
  return { bytes, controlId: message.get('MSH-10'), charset: charset ?? (message.charset || 'UNICODE UTF-8') };
}

export class MllpOutboundAdapter implements OutboundAdapter {
  private readonly pools = new Map<string, ConnectionPool>();

  timeoutMs(config: Record<string, unknown>): number {
    return (config as MllpAdapterConfig).timeoutMs ?? DEFAULT_TIMEOUT;
  }

  async send(raw: Record<string, unknown>, request: OutboundRequest, signal: AbortSignal): Promise<OutboundResult> {
    const config = raw as MllpAdapterConfig;
    const timeout = this.timeoutMs(raw);
    let wire: ReturnType<typeof encodeForWire>;
    try {
      wire = encodeForWire(request.body, config.charset);
    } catch (error) {
      const e = error as { code?: string; message: string };
      return {
        ok: false,
        error: `cannot send as HL7 v2: ${e.code ? `${e.code}: ` : ''}${e.message}`.slice(0, EXCERPT),
      };
    }
    const deadline = Date.now() + timeout;
    const pool = this.pool(config);
    let reply: Buffer;
    try {
      const connection = await pool.acquire(deadline, signal);
      reply = await connection.exchange(wire.bytes, deadline, signal);
      pool.release(connection);
    } catch (error) {
      const failure = error as Error & { code?: string; timedOut?: boolean };
      const timedOut = failure instanceof MllpFailure && failure.timedOut;
      return {
        ok: false,
        timedOut,
        error: timedOut
          ? `timeout after ${timeout} ms (${failure.message})`
          : `${failure.code ? `${failure.code}: ` : ''}${failure.message}`.slice(0, EXCERPT),
      };
    }

    let ackText: string;
    let ack;
    try {
      const message = decodeHl7Buffer(reply, wire.charset);
      ackText = message.toString();
      ack = parseAck(message);
    } catch (error) {
      return {
        ok: false,
        response: reply.toString('utf8').slice(0, EXCERPT),
        error: `the reply is not an HL7 acknowledgement: ${(error as Error).message}`.slice(0, EXCERPT),
      };
    }
    const response = { statusCode: ack.code, response: ackText, responseContentType: 'x-application/hl7-v2+er7' };
    if (wire.controlId !== '' && ack.controlId !== wire.controlId) {
      return {
        ok: false,
        ...response,
        error: `the ACK is for another message (MSA-2 ${JSON.stringify(ack.controlId)}, sent MSH-10 ${JSON.stringify(wire.controlId)})`,
      };
    }
    const accepted = (config.acceptCodes ?? ['AA', 'CA']).map((c) => c.toUpperCase()).includes(ack.code);
    if (accepted) return { ok: true, ...response };
    return {
      ok: false,
      ...response,
      error:
        `${ack.code || '(no MSA-1)'}${ack.errorCode ? ` [${ack.errorCode}]` : ''}: ${ack.text || 'no reason given'}`.slice(
          0,
          EXCERPT,
        ),
    };
  }

  /** Opens a connection (TLS handshake included) and closes it again. */
  async test(raw: Record<string, unknown>): Promise<{ ok: boolean; message: string }> {
    const config = raw as MllpAdapterConfig;
    const where = `${config.host}:${config.port}${config.tls ? ' (TLS)' : ''}`;
    const pool = new ConnectionPool(config, 1);
    const controller = new AbortController();
    try {
      const connection = await pool.acquire(Date.now() + Math.min(this.timeoutMs(raw), 10_000), controller.signal);
      connection.destroy();
      return { ok: true, message: `connected to ${where}` };
    } catch (error) {
      return { ok: false, message: `${where}: ${(error as Error).message}` };
    } finally {
      pool.close();
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    for (const p of pools) p.close();
  }

  private pool(config: MllpAdapterConfig): ConnectionPool {
    const max = config.maxConnections ?? 8;
    const key = JSON.stringify([config.host, config.port, config.tls ?? null, max]);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new ConnectionPool(config, max);
      this.pools.set(key, pool);
    }
    return pool;
  }
}
