// MLLP framing (最小下层协议, HL7 v2 over TCP): each message travels as <VT> message <FS><CR>, i.e. 0x0B … 0x1C 0x0D.
// TCP delivers a byte stream, so one read may hold half a frame, several frames, or bytes between frames from a
// confused sender. The decoder takes chunks as they arrive and hands back whole frames; bytes outside a frame are
// dropped and counted, a frame larger than the limit is reported (the caller answers AR and hangs up) and skipped.
// Used by the inbound listener and by the outbound adapter (to read ACKs).

export const START_BLOCK = 0x0b;
export const END_BLOCK = 0x1c;
export const CARRIAGE_RETURN = 0x0d;

/** How many bytes of an oversized frame are kept, enough to read its MSH segment for the ACK. */
export const OVERSIZED_HEAD_BYTES = 4096;

export type FrameEvent =
  | { readonly kind: 'frame'; readonly payload: Buffer }
  | {
      readonly kind: 'oversized';
      /** The first bytes of the frame (up to OVERSIZED_HEAD_BYTES). */
      readonly head: Buffer;
      /** How many bytes had arrived when the limit was passed. */
      readonly size: number;
    };

/** Wraps one message in the MLLP envelope. */
export function frame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(payload.length + 3);
  out[0] = START_BLOCK;
  out.set(payload, 1);
  out[payload.length + 1] = END_BLOCK;
  out[payload.length + 2] = CARRIAGE_RETURN;
  return out;
}

type State = 'outside' | 'inside' | 'skipping';

export class MllpFrameDecoder {
  private state: State = 'outside';
  private parts: Buffer[] = [];
  private size = 0;
  /** Bytes dropped because they were outside any frame (a CR right after an end block does not count). */
  garbageBytes = 0;
  /** Frames abandoned because a new start block came before their end block. */
  abandonedFrames = 0;
  private afterEnd = false;

  constructor(private readonly maxFrameBytes: number = Number.MAX_SAFE_INTEGER) {}

  /** Whether a frame has started and not yet ended (a peer closing now loses it). */
  get inFrame(): boolean {
    return this.state !== 'outside';
  }

  push(chunk: Buffer): FrameEvent[] {
    const events: FrameEvent[] = [];
    let pos = 0;
    const len = chunk.length;
    while (pos < len) {
      if (this.state === 'outside') {
        // The CR that ends the envelope may arrive in the next chunk; it is part of the frame, not garbage.
        if (this.afterEnd && chunk[pos] === CARRIAGE_RETURN) pos++;
        this.afterEnd = false;
        const start = chunk.indexOf(START_BLOCK, pos);
        if (start < 0) {
          this.garbageBytes += countGarbage(chunk, pos, len);
          return events;
        }
        this.garbageBytes += countGarbage(chunk, pos, start);
        this.state = 'inside';
        this.parts = [];
        this.size = 0;
        pos = start + 1;
        continue;
      }

      const end = chunk.indexOf(END_BLOCK, pos);
      const stop = end < 0 ? len : end;
      if (this.state === 'inside') {
        // A new start block inside a frame: the sender gave up on the previous message and began again.
        const restart = chunk.subarray(pos, stop).indexOf(START_BLOCK);
        if (restart >= 0) {
          this.abandonedFrames++;
          this.parts = [];
          this.size = 0;
          pos += restart + 1;
          continue;
        }
        const piece = chunk.subarray(pos, stop);
        if (this.size + piece.length > this.maxFrameBytes) {
          const head = Buffer.concat([...this.parts, piece]).subarray(0, OVERSIZED_HEAD_BYTES);
          events.push({ kind: 'oversized', head: Buffer.from(head), size: this.size + piece.length });
          this.parts = [];
          this.size = 0;
          this.state = 'skipping';
        } else if (piece.length > 0) {
          // Copied: the socket may reuse its buffer, and a frame spanning chunks outlives this one.
          this.parts.push(end < 0 ? Buffer.from(piece) : piece);
          this.size += piece.length;
        }
      }
      if (end < 0) return events;
      if (this.state === 'inside') {
        const payload = this.parts.length === 1 ? Buffer.from(this.parts[0]!) : Buffer.concat(this.parts, this.size);
        events.push({ kind: 'frame', payload });
      }
      this.parts = [];
      this.size = 0;
      this.state = 'outside';
      this.afterEnd = true;
      pos = end + 1;
    }
    return events;
  }
}

/** Bytes between frames that are not line ends or spaces (senders often put a newline between frames). */
function countGarbage(chunk: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const b = chunk[i]!;
    if (b !== CARRIAGE_RETURN && b !== 0x0a && b !== 0x20 && b !== END_BLOCK) n++;
  }
  return n;
}
