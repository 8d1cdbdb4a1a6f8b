// Test-only MLLP peers: a client that sends framed messages (or raw bytes) and reads the ACK frames that come back,
// and a receiving system that acknowledges what it gets as each test plans (AA, AE, AR, silence).
import net, { type AddressInfo, type Socket } from 'node:net';
import tls from 'node:tls';
import { buildAck, decodeHl7Buffer, encodeHl7, type AckCode } from '../../../../formats/hl7v2/index.js';
import { frame, MllpFrameDecoder } from './framing.js';

export class MllpClient {
  private readonly decoder = new MllpFrameDecoder();
  private readonly frames: Buffer[] = [];
  private readonly waiters: ((frame: Buffer) => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const event of this.decoder.push(chunk)) {
        if (event.kind !== 'frame') continue;
        const waiter = this.waiters.shift();
        if (waiter) waiter(event.payload);
        else this.frames.push(event.payload);
      }
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static connect(port: number, options: { host?: string; tls?: tls.ConnectionOptions } = {}): Promise<MllpClient> {
    const host = options.host ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      const socket = options.tls ? tls.connect({ host, port, ...options.tls }) : net.connect({ host, port });
      socket.once('error', reject);
      socket.once(options.tls ? 'secureConnect' : 'connect', () => {
        socket.off('error', reject);
        resolve(new MllpClient(socket));
      });
    });
  }

  /** Sends one framed message and waits for the next frame back. */
  async send(message: Buffer | string, timeoutMs = 10_000): Promise<Buffer> {
    this.write(frame(typeof message === 'string' ? Buffer.from(message) : message));
    return this.next(timeoutMs);
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  next(timeoutMs = 10_000): Promise<Buffer> {
    const ready = this.frames.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`no MLLP frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (f: Buffer) => {
        clearTimeout(timer);
        resolve(f);
      };
      this.waiters.push(waiter);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** An ACK code; silence; a reply that is no ACK; or an AA acknowledging some other message (wrong MSA-2). */
export type PeerAnswer = AckCode | 'silent' | 'garbage' | 'stale';

/** A receiving system: records each message (decoded by its MSH-18) and answers with the next planned code, else AA. */
export class MllpPeer {
  readonly received: { text: string; bytes: Buffer }[] = [];
  connections = 0;
  private readonly plan: PeerAnswer[] = [];
  private server: net.Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async start(): Promise<this> {
    this.server = net.createServer((socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      const decoder = new MllpFrameDecoder();
      socket.on('data', (chunk: Buffer) => {
        for (const event of decoder.push(chunk)) {
          if (event.kind !== 'frame') continue;
          const message = decodeHl7Buffer(event.payload);
          this.received.push({ text: message.toString(), bytes: event.payload });
          const answer = this.plan.shift() ?? 'AA';
          if (answer === 'silent') continue;
          if (answer === 'garbage') {
            socket.write(frame(Buffer.from('not an acknowledgement')));
            continue;
          }
          const code = answer === 'stale' ? 'AA' : answer;
          const ack = buildAck(message, {
            code,
            ...(code === 'AA' ? {} : { text: `测试拒收 rejected by test (${code})`, errorCode: '207' }),
          });
          if (answer === 'stale') ack.set('MSA-2', 'SOME-OTHER-MESSAGE');
          socket.write(frame(encodeHl7(ack)));
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The next messages get these answers, in order (then AA). */
  respond(...answers: PeerAnswer[]): void {
    this.plan.push(...answers);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
