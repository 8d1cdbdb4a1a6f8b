// The MLLP listener (MLLP 监听): a TCP (or TLS) server whose connections carry framed HL7 v2 messages. Per connection
// the messages are handled strictly in order — each is acknowledged before the next is taken, as HL7 senders expect —
// while connections run in parallel. What a message means is the caller's business (`receive`); this file is about
// sockets: framing, the address allowlist, size limits, idle timeouts, back-pressure and a graceful stop that lets
// messages already received finish their commit and ACK before the connection closes.
import net, { type AddressInfo, type Socket } from 'node:net';
import tls from 'node:tls';
import { frame, MllpFrameDecoder } from './framing.js';

export interface MllpRemote {
  readonly ip: string;
  readonly port: number;
}

export interface MllpTlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
  requestCert: boolean;
  rejectUnauthorized: boolean;
}

export interface MllpListenerOptions {
  host: string;
  port: number;
  tls?: MllpTlsMaterial | null;
  maxMessageBytes: number;
  /** Close a connection with nothing in progress after this long without data (0: never). */
  idleTimeoutMs: number;
  /** Whether a peer may connect (checked when it connects, and again by `recheckConnections`). */
  allowed(ip: string): boolean;
  /** One message's bytes → its acknowledgement's bytes (unframed). Must not throw. */
  receive(message: Buffer, remote: MllpRemote): Promise<Buffer>;
  /** The acknowledgement for a frame over the limit (the connection is closed after it). */
  oversized(head: Buffer, size: number, remote: MllpRemote): Buffer;
  onConnectionRefused?(remote: MllpRemote): void;
  onConnectionError?(remote: MllpRemote | undefined, error: Error): void;
}

/** Frames waiting on one connection before it stops reading (resumes below the low mark). */
const HIGH_WATER = 64;
const LOW_WATER = 16;

type Item = { kind: 'frame'; payload: Buffer } | { kind: 'oversized'; head: Buffer; size: number };

class Connection {
  private readonly decoder: MllpFrameDecoder;
  private readonly queue: Item[] = [];
  private busy = false;
  private closing = false;
  private pausedForQueue = false;
  private pausedForWrite = false;

  constructor(
    readonly socket: Socket,
    readonly remote: MllpRemote,
    private readonly options: MllpListenerOptions,
    private readonly onDone: () => void,
  ) {
    this.decoder = new MllpFrameDecoder(options.maxMessageBytes);
    socket.setNoDelay(true);
    if (options.idleTimeoutMs > 0) socket.setTimeout(options.idleTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('timeout', () => {
      if (!this.busy && this.queue.length === 0) this.close();
    });
    socket.on('error', (error) => options.onConnectionError?.(remote, error));
    socket.on('close', () => onDone());
  }

  get idle(): boolean {
    return !this.busy && this.queue.length === 0;
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    for (const event of this.decoder.push(chunk)) {
      if (event.kind === 'frame') this.queue.push({ kind: 'frame', payload: event.payload });
      else {
        // Nothing after an oversized frame can be trusted to line up: answer it, then hang up.
        this.queue.push({ kind: 'oversized', head: event.head, size: event.size });
        this.closing = true;
        this.socket.pause();
        break;
      }
    }
    if (this.queue.length >= HIGH_WATER && !this.pausedForQueue) {
      this.pausedForQueue = true;
      this.socket.pause();
    }
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let item = this.queue.shift(); item; item = this.queue.shift()) {
        if (this.pausedForQueue && this.queue.length < LOW_WATER) {
          this.pausedForQueue = false;
          this.resume();
        }
        let ack: Buffer;
        if (item.kind === 'frame') {
          ack = await this.options.receive(item.payload, this.remote);
        } else {
          ack = this.options.oversized(item.head, item.size, this.remote);
          this.queue.length = 0;
        }
        // The message is committed (or refused) whether or not the peer is still there to hear it.
        if (!this.socket.destroyed && this.socket.writable) {
          if (!this.socket.write(frame(ack)) && !this.pausedForWrite) {
            this.pausedForWrite = true;
            this.socket.pause();
            this.socket.once('drain', () => {
              this.pausedForWrite = false;
              this.resume();
            });
          }
        }
      }
    } catch (error) {
      this.options.onConnectionError?.(this.remote, error as Error);
      this.socket.destroy();
    } finally {
      this.busy = false;
    }
    if (this.closing) this.close();
  }

  private resume(): void {
    if (!this.closing && !this.pausedForQueue && !this.pausedForWrite) this.socket.resume();
  }

  /** Stops reading; closes now when nothing is in progress, else once the last ACK is written. */
  shutdown(): void {
    this.closing = true;
    this.socket.pause();
    if (this.idle) this.close();
  }

  private close(): void {
    if (this.socket.destroyed) return;
    this.closing = true;
    this.socket.end(() => this.socket.destroy());
  }
}

export class MllpListener {
  private server: net.Server | undefined;
  private readonly live = new Set<Connection>();
  private boundAddress: string | null = null;

  constructor(private readonly options: MllpListenerOptions) {}

  get connections(): number {
    return this.live.size;
  }

  /** host:port actually listened on (the port the system chose when configured with 0). */
  get address(): string | null {
    return this.boundAddress;
  }

  /** Listens; rejects with the system's error (EADDRINUSE, EACCES …) when it cannot. */
  async start(): Promise<string> {
    const o = this.options;
    const server = o.tls
      ? tls.createServer({
          cert: o.tls.cert,
          key: o.tls.key,
          ...(o.tls.ca ? { ca: o.tls.ca } : {}),
          requestCert: o.tls.requestCert,
          rejectUnauthorized: o.tls.requestCert && o.tls.rejectUnauthorized,
        })
      : net.createServer();
    // The address check comes before any TLS handshake: refused peers cost nothing.
    server.on('connection', (socket: Socket) => {
      const remote = remoteOf(socket);
      if (!o.allowed(remote.ip)) {
        o.onConnectionRefused?.(remote);
        socket.destroy();
        return;
      }
      if (!o.tls) this.adopt(socket, remote);
    });
    if (o.tls) {
      server.on('secureConnection', (socket: tls.TLSSocket) => this.adopt(socket, remoteOf(socket)));
      server.on('tlsClientError', (error: Error, socket: tls.TLSSocket) => {
        o.onConnectionError?.(remoteOf(socket), error);
      });
    }
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error) => reject(error);
      server.once('error', fail);
      server.listen({ host: o.host, port: o.port }, () => {
        server.off('error', fail);
        resolve();
      });
    });
    server.on('error', (error) => o.onConnectionError?.(undefined, error));
    this.server = server;
    const a = server.address() as AddressInfo;
    this.boundAddress = `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
    return this.boundAddress;
  }

  private adopt(socket: Socket, remote: MllpRemote): void {
    const connection = new Connection(socket, remote, this.options, () => this.live.delete(connection));
    this.live.add(connection);
  }

  /** Closes connections whose peer is no longer allowed (after the allowlist changed). */
  recheckConnections(): void {
    for (const c of this.live) if (!this.options.allowed(c.remote.ip)) c.shutdown();
  }

  /**
   * Stops accepting; connections finish the messages already received (commit and ACK), then close. Whatever is
   * still open after `graceMs` is cut.
   */
  async stop(graceMs = 10_000): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const c of this.live) c.shutdown();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    for (const c of this.live) c.socket.destroy();
    await closed;
    this.boundAddress = null;
  }
}

function remoteOf(socket: Socket): MllpRemote {
  return { ip: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
}
