// What every outbound adapter is: it takes one prepared message for one subscriber and says how it went.
// Adapters never throw for a failed delivery — a failure is a result with an error, recorded as an attempt.
import type { TSchema } from 'typebox';

export interface OutboundRequest {
  body: string;
  contentType: string;
  messageId: string;
  deliveryId: string;
  attempt: number;
  topic: string;
  domain: string;
  /** When the message arrived (ISO time) and its index fields, for adapters that map them (SQL parameters). */
  receivedAt?: string;
  index?: Record<string, string | null>;
}

export interface OutboundResult {
  ok: boolean;
  /** Protocol status: HTTP status, ACK code, SOAP fault code … */
  statusCode?: string;
  /** The peer's answer (kept in full for synchronous topics, as an excerpt in the trace otherwise). */
  response?: string;
  responseContentType?: string;
  error?: string;
  timedOut?: boolean;
}

export interface OutboundAdapter {
  /** Sends one message. `config` has been validated against the descriptor's schema. */
  send(config: Record<string, unknown>, request: OutboundRequest, signal: AbortSignal): Promise<OutboundResult>;
  /** The console's "test connection": reaches the peer without delivering a message. */
  test(config: Record<string, unknown>): Promise<{ ok: boolean; message: string }>;
  /** How long one attempt may take at most, from its config (the lease is longer than this). */
  timeoutMs(config: Record<string, unknown>): number;
  close(): Promise<void>;
}

/** One entry of the adapter catalogue (适配器管理). */
export interface AdapterDescriptor {
  type: string;
  name: string;
  nameEn: string;
  /** The implementing class, shown in the catalogue as the tender asks. */
  className: string;
  direction: 'inbound' | 'outbound';
  protocol: string;
  description: string;
  configSchema: TSchema;
}
