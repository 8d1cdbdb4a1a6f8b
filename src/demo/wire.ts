// How the simulated systems talk to Hutong — only through its public interfaces, the way real vendors' systems do:
// the configuration API with an administrator's API token, the HIPMessageServer WebService (SOAP 1.2 and 1.1, V3
// inside), MLLP (HL7 v2 over TCP, waiting for each ACK) and REST. Every call is counted in DemoStats by protocol and
// outcome, and by what the sender meant: an ordinary message that is refused, or a deliberately bad one that is
// taken, is "unexpected" — the console line and the integration test read the same numbers.
import net from 'node:net';
import { buildSoapRequest, parseSoapResponse, type SoapVersion } from '../formats/soap/index.js';
import { getServiceDefinition, jsonToV3 } from '../services/index.js';
import type { Random } from './generator.js';
import type { BadKind, Outbound } from './workflows.js';

export type Protocol = 'soap' | 'mllp' | 'rest';
/** accepted: AA / 2xx. refused: the protocol's own error (SOAP Fault, AE/AR, 4xx/5xx). error: no answer at all. */
export type Outcome = 'accepted' | 'refused' | 'error';

/** What the sender meant: an ordinary message, or one of the labelled kinds of deliberately bad traffic. */
export type Intent = 'normal' | BadKind;

export class DemoStats {
  readonly sent: Record<Protocol, Record<Outcome, number>> = {
    soap: { accepted: 0, refused: 0, error: 0 },
    mllp: { accepted: 0, refused: 0, error: 0 },
    rest: { accepted: 0, refused: 0, error: 0 },
  };
  /** Messages taken by Hutong, by service or topic code (ordinary traffic). */
  readonly accepted: Record<string, number> = {};
  /** Deliberately bad messages by kind: how many were sent, how many refused (all should be), the last reason. */
  readonly deliberate: Record<BadKind, { sent: number; refused: number; reason: string }> = {
    malformed: { sent: 0, refused: 0, reason: '' },
    unknownReference: { sent: 0, refused: 0, reason: '' },
    illegalState: { sent: 0, refused: 0, reason: '' },
  };
  /**
   * What should not have happened, by "protocol service": an ordinary message refused, or a deliberately bad one
   * accepted — with the first reason seen (what to look up in the console). Empty in a healthy run.
   */
  readonly unexpected: Record<string, { count: number; reason: string }> = {};
  /** Deliveries received by each simulated system's HTTP receiver, and how many it answered with an error. */
  readonly received: Record<string, { ok: number; failed: number; queries: number; topics: Record<string, number> }> =
    {};
  lastError: string | undefined;

  /** Records the answer to one message. */
  record(protocol: Protocol, what: string, intent: Intent, outcome: Outcome, reason = ''): void {
    this.sent[protocol][outcome]++;
    if (outcome === 'error') {
      this.lastError = `${protocol} ${what}: ${reason}`;
      return;
    }
    if (intent === 'normal') {
      if (outcome === 'accepted') this.accepted[what] = (this.accepted[what] ?? 0) + 1;
      else this.surprise(`${protocol} ${what}`, reason);
      return;
    }
    const d = this.deliberate[intent];
    d.sent++;
    if (outcome === 'refused') {
      d.refused++;
      d.reason = reason.slice(0, 300);
    } else
      this.surprise(`${protocol} ${what} (${intent})`, '故意的错误消息被接收 a deliberately bad message was accepted');
  }

  private surprise(key: string, reason: string): void {
    const u = (this.unexpected[key] ??= { count: 0, reason: reason.slice(0, 300) });
    u.count++;
  }

  unexpectedCount(): number {
    return Object.values(this.unexpected).reduce((n, u) => n + u.count, 0);
  }

  deliberateCount(): { sent: number; refused: number } {
    const all = Object.values(this.deliberate);
    return { sent: all.reduce((n, d) => n + d.sent, 0), refused: all.reduce((n, d) => n + d.refused, 0) };
  }

  receivedBy(system: string) {
    return (this.received[system] ??= { ok: 0, failed: 0, queries: 0, topics: {} });
  }

  /** One line for the terminal (zh-CN first). */
  line(): string {
    const s = (p: Protocol) => `${p} ${this.sent[p].accepted}✓/${this.sent[p].refused}✗/${this.sent[p].error}!`;
    const r = Object.entries(this.received)
      .filter(([, c]) => c.ok + c.failed + c.queries > 0)
      .map(([code, c]) => `${code} ${c.ok + c.queries}${c.failed ? `(+${c.failed} 失败)` : ''}`)
      .join(' ');
    const bad = this.deliberateCount();
    return (
      `已发送 sent: ${s('soap')}  ${s('mllp')}  ${s('rest')}  | 故意错误 deliberate: ${bad.sent} (拒收 refused ${bad.refused})` +
      `  意外 unexpected: ${this.unexpectedCount()}  | 已接收 received: ${r || '—'}`
    );
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
  intent: Intent = 'normal',
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
      stats.record('soap', action, intent, 'refused', `Fault: ${parsed.fault.reason}`);
      return undefined;
    }
    // An MCCI acknowledgement carries typeCode AA/AE/AR; a query answer carries its own acknowledgement AA.
    const ack = /<acknowledgement[^>]*typeCode="(A[AER]|C[AER])"/.exec(parsed.result)?.[1];
    if (ack === undefined || ack === 'AA' || ack === 'CA') {
      stats.record('soap', action, intent, 'accepted');
      return parsed.result;
    }
    stats.record('soap', action, intent, 'refused', ackText(parsed.result) ?? `acknowledgement ${ack}`);
    return undefined;
  } catch (error) {
    stats.record('soap', action, intent, 'error', (error as Error).message);
    return undefined;
  }
}

/** The reason an acknowledgement gives (acknowledgementDetail/text). */
function ackText(v3: string): string | undefined {
  const m = /<acknowledgementDetail[\s\S]*?<text(?:\s+value="([^"]*)")?[^>]*?(?:\/>|>([^<]*)<\/text>)/.exec(v3);
  return m ? (m[1] ?? m[2] ?? '').trim() : undefined;
}

/** Posts a body to the REST inbound `POST /api/hip/{domain}/{topic}` (a service's JSON, or a topic's own body). */
export async function restPost(
  stats: DemoStats,
  base: string,
  secret: string,
  topic: string,
  body: string,
  intent: Intent = 'normal',
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
    if (res.status < 300) stats.record('rest', topic, intent, 'accepted');
    else stats.record('rest', topic, intent, 'refused', `${res.status} ${text}`);
    return res.status;
  } catch (error) {
    stats.record('rest', topic, intent, 'error', (error as Error).message);
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

  /** Sends one message and waits for its ACK; resolves to the ACK when it is AA/CA, else undefined. */
  send(message: string, intent: Intent = 'normal', topic?: string): Promise<string | undefined> {
    const run = this.queue.then(() => this.exchange(message, intent, topic));
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

  private async exchange(message: string, intent: Intent, topic?: string): Promise<string | undefined> {
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
      const event = topic ?? /^MSH(?:\|[^|\r]*){8}/.exec(message)?.[0].split('|')[8] ?? '?';
      if (code === 'AA' || code === 'CA') {
        this.stats.record('mllp', event, intent, 'accepted');
        return ack;
      }
      this.stats.record('mllp', event, intent, 'refused', ack.replace(/\r/g, ' | '));
      return undefined;
    } catch (error) {
      this.socket?.destroy();
      this.socket = undefined;
      this.stats.record('mllp', 'connection', intent, 'error', (error as Error).message);
      return undefined;
    }
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }
}

export interface SenderOptions {
  stats: DemoStats;
  base: string;
  mllp: MllpClient;
  random: Random;
  /** The system's secret (HTTP Bearer on the WebService and REST). */
  secret(system: string): string;
  /** How the system calls catalogue services: the WebService (V3) or REST (canonical JSON). */
  protocolOf(system: string): 'soap' | 'rest';
}

/**
 * Puts a simulated system's message on the wire, the way that system talks: catalogue services as V3 over
 * HIPMessageServer (SOAP 1.2 or 1.1, named by action or S-code) or as canonical JSON over REST, HL7 v2 over MLLP, the
 * kiosk's topics as JSON. A deliberately malformed message is broken here, on its way out, as a vendor's bug would.
 * Resolves to true when Hutong took the message.
 */
export function createSender(o: SenderOptions): (message: Outbound) => Promise<boolean> {
  return async (m) => {
    const intent: Intent = m.bad ?? 'normal';
    const broken = m.bad === 'malformed';
    if (m.hl7v2 !== undefined) {
      let text = m.hl7v2;
      if (broken) {
        // An event nobody mapped (AR), or a message without its PID segment and encoding characters.
        text = o.random.chance(0.5)
          ? text.replace(/\|(ORU\^R01|ORM\^O01)\^/, '|ORU^R30^')
          : text.replace(/\rPID\|[^\r]*/, '').replace(/MSH\|\^~\\&/, 'MSH|');
      }
      return (await o.mllp.send(text, intent, m.action)) !== undefined;
    }
    const json = m.body ?? m.json;
    if (json === undefined) throw new Error(`${m.system} ${m.action}: nothing to send`);
    const rest = m.body !== undefined || o.protocolOf(m.system) === 'rest';
    if (rest) {
      let body = JSON.stringify(json);
      if (broken) body = body.slice(0, Math.max(1, body.length - 7));
      const status = await restPost(o.stats, o.base, o.secret(m.system), m.action, body, intent);
      return status >= 200 && status < 300;
    }
    const def = getServiceDefinition(m.action);
    if (!def) throw new Error(`unknown service ${m.action}`);
    let xml = jsonToV3(def, json, { sender: m.system, receiver: 'HIP' });
    if (broken) xml = xml.slice(0, Math.floor(xml.length / 2));
    const version: SoapVersion = o.random.chance(0.7) ? '1.2' : '1.1';
    // Half of the callers name the service by its S-code (S0023), the others by its action code.
    const name = def.sCode && o.random.chance(0.5) ? def.sCode : def.action;
    const answer = await soapCall(o.stats, o.base, o.secret(m.system), name, xml, version, intent);
    return answer !== undefined;
  };
}
