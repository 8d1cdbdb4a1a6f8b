// How the simulated systems talk to Hutong — only through its public interfaces, the way real vendors' systems do:
// the configuration API with an administrator's API token, the HIPMessageServer WebService (SOAP 1.2 and 1.1, V3
// inside), MLLP (HL7 v2 over TCP, waiting for each ACK) and REST. Every call is counted in DemoStats by protocol and
// outcome, so the console line and the integration test read the same numbers.
import net from 'node:net';
import { buildSoapRequest, parseSoapResponse, type SoapVersion } from '../formats/soap/index.js';

export type Protocol = 'soap' | 'mllp' | 'rest';
/** accepted: AA / 2xx. refused: the protocol's own error (SOAP Fault, AE/AR, 4xx/5xx). error: no answer at all. */
export type Outcome = 'accepted' | 'refused' | 'error';

export class DemoStats {
  readonly sent: Record<Protocol, Record<Outcome, number>> = {
    soap: { accepted: 0, refused: 0, error: 0 },
    mllp: { accepted: 0, refused: 0, error: 0 },
    rest: { accepted: 0, refused: 0, error: 0 },
  };
  /** Deliberately malformed messages sent (each should come back refused). */
  malformed = 0;
  /** Deliveries received by each simulated system's HTTP receiver, and how many it answered with an error. */
  readonly received: Record<string, { ok: number; failed: number; queries: number }> = {};
  lastError: string | undefined;
  /** Refusals by protocol and service/topic, with the first reason seen (what to look up in the console). */
  readonly refusals: Record<string, { count: number; reason: string }> = {};

  refused(protocol: Protocol, what: string, reason: string): void {
    this.count(protocol, 'refused');
    const r = (this.refusals[`${protocol} ${what}`] ??= { count: 0, reason: reason.slice(0, 300) });
    r.count++;
  }

  count(protocol: Protocol, outcome: Outcome, detail?: string): void {
    this.sent[protocol][outcome]++;
    if (outcome === 'error' && detail) this.lastError = detail;
  }

  receivedBy(system: string) {
    return (this.received[system] ??= { ok: 0, failed: 0, queries: 0 });
  }

  /** One line for the terminal (zh-CN first). */
  line(): string {
    const s = (p: Protocol) => `${p} ${this.sent[p].accepted}✓/${this.sent[p].refused}✗/${this.sent[p].error}!`;
    const r = Object.entries(this.received)
      .map(([code, c]) => `${code} ${c.ok}${c.failed ? `(+${c.failed} 失败)` : ''}`)
      .join(' ');
    return `已发送 sent: ${s('soap')}  ${s('mllp')}  ${s('rest')}  | 已接收 received: ${r || '—'}`;
  }
}

export interface AdminApi {
  call<T>(method: string, url: string, body?: unknown): Promise<T>;
}

/** Signs in as the administrator and creates an API token, as an automation script would (bench/ does the same). */
export async function adminApi(base: string, username: string, password: string): Promise<AdminApi> {
  const login = await fetch(`${base}api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (login.status !== 200) {
    throw new Error(
      `管理员登录失败 admin sign-in failed (${login.status}): ${await login.text()} — 若已修改密码，请用 --reset 重新开始 / if the password was changed, start over with --reset`,
    );
  }
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const tokenRes = await fetch(`${base}api/profile/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ name: `demo-${Date.now()}` }),
  });
  if (tokenRes.status >= 400) throw new Error(`API token: ${tokenRes.status} ${await tokenRes.text()}`);
  const { token } = (await tokenRes.json()) as { token: string };
  return {
    async call<T>(method: string, url: string, body?: unknown): Promise<T> {
      const res = await fetch(`${base}${url.replace(/^\//, '')}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      if (res.status >= 400) throw new Error(`${method} ${url}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}

/** Calls HIPMessageServer(action, message); accepted when the result is an AA (or a query's answer). */
export async function soapCall(
  stats: DemoStats,
  base: string,
  secret: string,
  action: string,
  message: string,
  version: SoapVersion,
): Promise<string | undefined> {
  const request = buildSoapRequest({ version, action, message });
  try {
    const res = await fetch(`${base}services/HIPMessageServer`, {
      method: 'POST',
      headers: { ...request.headers, authorization: `Bearer ${secret}` },
      body: request.body,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    const parsed = parseSoapResponse(text, res.headers.get('content-type') ?? undefined);
    if (parsed.kind === 'fault') {
      stats.refused('soap', action, `Fault: ${parsed.fault.reason}`);
      return undefined;
    }
    // An MCCI acknowledgement carries typeCode AA/AE/AR; a query answer carries its own acknowledgement AA.
    const ack = /<acknowledgement[^>]*typeCode="(A[AER]|C[AER])"/.exec(parsed.result)?.[1];
    if (ack === undefined || ack === 'AA' || ack === 'CA') stats.count('soap', 'accepted');
    else stats.refused('soap', action, ackText(parsed.result) ?? `acknowledgement ${ack}`);
    return parsed.result;
  } catch (error) {
    stats.count('soap', 'error', `soap ${action}: ${(error as Error).message}`);
    return undefined;
  }
}

/** The reason an acknowledgement gives (acknowledgementDetail/text). */
function ackText(v3: string): string | undefined {
  const m = /<acknowledgementDetail[\s\S]*?<text(?:\s+value="([^"]*)")?[^>]*?(?:\/>|>([^<]*)<\/text>)/.exec(v3);
  return m ? (m[1] ?? m[2] ?? '').trim() : undefined;
}

/** Posts a body to the REST inbound `POST /api/hip/{domain}/{topic}`. */
export async function restPost(
  stats: DemoStats,
  base: string,
  secret: string,
  topic: string,
  body: string,
  contentType = 'application/json; charset=utf-8',
): Promise<number> {
  try {
    const res = await fetch(`${base}api/hip/default/${topic}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': contentType },
      body,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (res.status < 300) stats.count('rest', 'accepted');
    else stats.refused('rest', topic, `${res.status} ${text}`);
    return res.status;
  } catch (error) {
    stats.count('rest', 'error', `rest ${topic}: ${(error as Error).message}`);
    return 0;
  }
}

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;

/**
 * An MLLP client that keeps one connection and sends one message at a time, waiting for its ACK (as interface
 * engines in hospitals do). Reconnects after an error.
 */
export class MllpClient {
  private socket: net.Socket | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly stats: DemoStats,
    private readonly host: string,
    private readonly port: number,
  ) {}

  send(message: string): Promise<string | undefined> {
    const run = this.queue.then(() => this.exchange(message));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async connect(): Promise<net.Socket> {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const socket = net.connect({ host: this.host, port: this.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.on('error', () => socket.destroy());
    this.socket = socket;
    return socket;
  }

  private async exchange(message: string): Promise<string | undefined> {
    try {
      const socket = await this.connect();
      const ack = await new Promise<string>((resolve, reject) => {
        let buffer = Buffer.alloc(0);
        const timer = setTimeout(() => done(new Error('no ACK within 30 s')), 30_000);
        const onData = (chunk: Buffer) => {
          buffer = Buffer.concat([buffer, chunk]);
          const end = buffer.indexOf(FS);
          if (end >= 0 && buffer[end + 1] === CR)
            done(undefined, buffer.subarray(buffer.indexOf(VT) + 1, end).toString('utf8'));
        };
        const onClose = () => done(new Error('connection closed before the ACK'));
        const done = (error?: Error, text?: string) => {
          clearTimeout(timer);
          socket.off('data', onData);
          socket.off('close', onClose);
          if (error) reject(error);
          else resolve(text!);
        };
        socket.on('data', onData);
        socket.once('close', onClose);
        socket.write(Buffer.concat([Buffer.from([VT]), Buffer.from(message, 'utf8'), Buffer.from([FS, CR])]));
      });
      const code = /\rMSA\|([A-Z]{2})/.exec(ack.replace(/\n/g, '\r'))?.[1];
      if (code === 'AA' || code === 'CA') this.stats.count('mllp', 'accepted');
      else
        this.stats.refused(
          'mllp',
          /^MSH(?:\|[^|\r]*){8}/.exec(message)?.[0].split('|')[8] ?? '?',
          ack.replace(/\r/g, ' | '),
        );
      return ack;
    } catch (error) {
      this.socket?.destroy();
      this.socket = undefined;
      this.stats.count('mllp', 'error', `mllp: ${(error as Error).message}`);
      return undefined;
    }
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }
}
