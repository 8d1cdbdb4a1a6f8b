// ACK/NAK (应答消息) for the inbound side, and reading an ACK on the outbound side. The shape follows the request's
// version, because receivers validate against the version they sent:
//   MSH-9   v2.1 `ACK`; v2.2–2.3 `ACK^<trigger>`; v2.3.1+ `ACK^<trigger>^ACK` (MSG.3, message structure, from 2.3.1)
//   MSA-3   text message, written up to v2.6 (withdrawn in v2.7; the text then lives only in ERR-8)
//   ERR     v2.5+: ERR-2 location (ERL), ERR-3 HL7 error code (table 0357), ERR-4 severity, ERR-8 user message;
//           older: ERR-1 `SEG^seq^field^code&text&HL70357` (ELD)

import { randomUUID } from 'node:crypto';
import { Hl7ParseError } from './errors.js';
import { Hl7Message } from './message.js';
import { parsePath } from './paths.js';

export type AckCode = 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR';

/** HL7 table 0357, message error condition codes. */
export const HL7_ERROR_CODES: Readonly<Record<string, string>> = {
  '0': 'Message accepted',
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '104': 'Value too long',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '204': 'Unknown key identifier',
  '205': 'Duplicate key identifier',
  '206': 'Application record locked',
  '207': 'Application internal error',
};

export interface AckOptions {
  readonly code: AckCode;
  /** Human-readable text: MSA-3 (≤ v2.6) and, for errors, ERR-8 / ERR-1. */
  readonly text?: string;
  /** HL7 table 0357 code; default 207 (application internal error) for AE/AR/CE/CR. */
  readonly errorCode?: string | number;
  /** Where the error is, as a path (`PID-3`, `PID[1]-3[2].1`). */
  readonly errorLocation?: string;
  /** ERR-4 severity (v2.5+); default E. */
  readonly severity?: 'E' | 'W' | 'I';
  /** MSH-10 of the ACK; default a random 20-character id. */
  readonly controlId?: string;
  /** MSH-7 of the ACK; default now. */
  readonly timestamp?: Date;
}

/** Version as numbers ("2.3.1" → [2,3,1]); undefined when MSH-12 does not hold one. */
export function parseVersion(version: string): number[] | undefined {
  const m = /^\s*v?(\d+)\.(\d+)(?:\.(\d+))?/i.exec(version);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** True when `version` is at least `min` (unknown versions count as v2.5, the most common today). */
export function versionAtLeast(version: string, min: string): boolean {
  const v = parseVersion(version) ?? [2, 5, 0];
  const w = parseVersion(min) ?? [2, 5, 0];
  for (let i = 0; i < 3; i++) {
    const a = v[i] ?? 0;
    const b = w[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

export function hl7Timestamp(d: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const abs = Math.abs(off);
  return (
    `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}` +
    `${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}` +
    `${off >= 0 ? '+' : '-'}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}

/** 20 characters: the MSH-10 length limit of v2.3–2.4 receivers. */
export function newControlId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase();
}

export function buildAck(request: Hl7Message, options: AckOptions): Hl7Message {
  const ack = Hl7Message.create(request.delimiters);
  const version = request.get('MSH-12.1');
  const trigger = request.getRaw('MSH-9.2');

  const msh = request.segment('MSH');
  const header = (n: number): string => msh?.field(n) ?? '';
  // Sender and receiver swap; copied raw so escapes and components stay exactly as the peer wrote them.
  ack.setRaw('MSH-3', header(5));
  ack.setRaw('MSH-4', header(6));
  ack.setRaw('MSH-5', header(3));
  ack.setRaw('MSH-6', header(4));
  ack.set('MSH-7', hl7Timestamp(options.timestamp ?? new Date()));
  const c = request.delimiters.component;
  let type: string;
  if (!versionAtLeast(version, '2.2')) type = 'ACK';
  else if (!versionAtLeast(version, '2.3.1')) type = trigger === '' ? 'ACK' : `ACK${c}${trigger}`;
  else type = `ACK${c}${trigger}${c}ACK`;
  ack.setRaw('MSH-9', type);
  ack.set('MSH-10', options.controlId ?? newControlId());
  ack.setRaw('MSH-11', header(11) || 'P');
  ack.setRaw('MSH-12', header(12));
  const charset = header(18);
  if (charset !== '') ack.setRaw('MSH-18', charset);

  ack.set('MSA-1', options.code);
  ack.setRaw('MSA-2', request.getRaw('MSH-10'));
  if (options.text !== undefined && options.text !== '' && !versionAtLeast(version, '2.7'))
    ack.set('MSA-3', options.text);

  const isError = options.code !== 'AA' && options.code !== 'CA';
  if (isError) {
    const code = String(options.errorCode ?? '207');
    const description = HL7_ERROR_CODES[code] ?? '';
    const loc = options.errorLocation ? parsePath(options.errorLocation) : undefined;
    if (versionAtLeast(version, '2.5')) {
      if (loc) {
        ack.set('ERR-2.1', loc.segment);
        ack.set('ERR-2.2', String(loc.segmentIndex ?? 1));
        ack.set('ERR-2.3', String(loc.field));
        if (loc.repetition !== undefined) ack.set('ERR-2.4', String(loc.repetition));
        if (loc.component !== undefined) ack.set('ERR-2.5', String(loc.component));
        if (loc.subcomponent !== undefined) ack.set('ERR-2.6', String(loc.subcomponent));
      }
      ack.set('ERR-3.1', code);
      if (description !== '') ack.set('ERR-3.2', description);
      ack.set('ERR-3.3', 'HL70357');
      ack.set('ERR-4', options.severity ?? 'E');
      if (options.text !== undefined && options.text !== '') ack.set('ERR-8', options.text);
    } else {
      if (loc) {
        ack.set('ERR-1.1', loc.segment);
        ack.set('ERR-1.2', String(loc.segmentIndex ?? 1));
        ack.set('ERR-1.3', String(loc.field));
      }
      ack.set('ERR-1.4.1', code);
      ack.set('ERR-1.4.2', options.text !== undefined && options.text !== '' ? options.text : description);
      ack.set('ERR-1.4.3', 'HL70357');
    }
  }
  return ack;
}

export interface AckResult {
  /** MSA-1 as sent (AA, AE, AR, CA, CE, CR, or whatever the peer wrote). */
  readonly code: string;
  /** MSA-2: the control id of the message being acknowledged. */
  readonly controlId: string;
  /** MSA-3, else ERR-8, else the text of ERR-3 / ERR-1; '' when none. */
  readonly text: string;
  /** ERR-3.1, else ERR-1.4.1, else MSA-6.1. */
  readonly errorCode?: string;
  /** True for AA and CA. */
  readonly accepted: boolean;
}

export function parseAck(message: Hl7Message): AckResult {
  if (!message.segment('MSA')) {
    throw new Hl7ParseError(
      'HL7V2_NOT_ACK',
      `The reply is not an acknowledgement: it has no MSA segment (MSH-9 ${JSON.stringify(message.getRaw('MSH-9'))}).`,
    );
  }
  const code = message.get('MSA-1').trim().toUpperCase();
  const text =
    message.get('MSA-3') ||
    message.get('ERR-8') ||
    message.get('ERR-3.2') ||
    message.get('ERR-1.4.2') ||
    message.get('MSA-6.2');
  const errorCode = message.get('ERR-3.1') || message.get('ERR-1.4.1') || message.get('MSA-6.1');
  const result: AckResult = {
    code,
    controlId: message.get('MSA-2'),
    text,
    accepted: code === 'AA' || code === 'CA',
    ...(errorCode !== '' ? { errorCode } : {}),
  };
  return result;
}
