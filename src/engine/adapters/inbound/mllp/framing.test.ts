// MLLP framing: whole frames out of whatever TCP delivers — split anywhere, several per read, garbage between them,
// restarted frames, and frames over the limit.
import { describe, expect, it } from 'vitest';
import { MllpFrameDecoder, OVERSIZED_HEAD_BYTES, frame, type FrameEvent } from './framing.js';

const A = Buffer.from('MSH|^~\\&|HIS|H1|HUTONG|H2|20260101||ADT^A01|1|P|2.5\rPID|1||P001\r');
const B = Buffer.from('MSH|^~\\&|HIS|H1|HUTONG|H2|20260101||ADT^A08|2|P|2.5\rPID|1||P002\r');

function payloads(events: FrameEvent[]): string[] {
  return events.map((e) => (e.kind === 'frame' ? e.payload.toString() : `oversized:${e.size}`));
}

describe('MLLP framing', () => {
  it('wraps a message in VT … FS CR', () => {
    const f = frame(Buffer.from('MSH|x'));
    expect([...f.subarray(0, 1), ...f.subarray(-2)]).toEqual([0x0b, 0x1c, 0x0d]);
    expect(f.subarray(1, -2).toString()).toBe('MSH|x');
  });

  it('returns one frame per envelope, byte for byte', () => {
    const d = new MllpFrameDecoder();
    expect(payloads(d.push(frame(A)))).toEqual([A.toString()]);
    expect(d.garbageBytes).toBe(0);
    expect(d.inFrame).toBe(false);
  });

  it('reassembles a frame split at every possible byte, and one fed a byte at a time', () => {
    const wire = frame(A);
    for (let cut = 1; cut < wire.length; cut++) {
      const d = new MllpFrameDecoder();
      const events = [...d.push(wire.subarray(0, cut)), ...d.push(wire.subarray(cut))];
      expect(payloads(events), `cut at ${cut}`).toEqual([A.toString()]);
      expect(d.garbageBytes, `cut at ${cut}`).toBe(0);
    }
    const d = new MllpFrameDecoder();
    const events: FrameEvent[] = [];
    for (const byte of wire) events.push(...d.push(Buffer.from([byte])));
    expect(payloads(events)).toEqual([A.toString()]);
  });

  it('splits coalesced frames and skips garbage and newlines between them', () => {
    const d = new MllpFrameDecoder();
    const wire = Buffer.concat([
      Buffer.from('noise'),
      frame(A),
      Buffer.from('\r\n'),
      Buffer.from([0x00, 0xff]),
      frame(B),
      frame(A),
    ]);
    expect(payloads(d.push(wire))).toEqual([A.toString(), B.toString(), A.toString()]);
    expect(d.garbageBytes).toBe(7);
  });

  it('accepts an end block without the final CR', () => {
    const d = new MllpFrameDecoder();
    const wire = Buffer.concat([
      Buffer.from([0x0b]),
      A,
      Buffer.from([0x1c]),
      Buffer.from([0x0b]),
      B,
      Buffer.from([0x1c]),
    ]);
    expect(payloads(d.push(wire))).toEqual([A.toString(), B.toString()]);
  });

  it('keeps a frame whose bytes were reused by the caller after push', () => {
    const d = new MllpFrameDecoder();
    const wire = frame(A);
    const first = Buffer.from(wire.subarray(0, 20));
    d.push(first);
    first.fill(0x41); // the socket reuses its buffer
    expect(payloads(d.push(wire.subarray(20)))).toEqual([A.toString()]);
  });

  it('drops a frame restarted by a new start block', () => {
    const d = new MllpFrameDecoder();
    const wire = Buffer.concat([Buffer.from([0x0b]), Buffer.from('MSH|half a mess'), frame(B)]);
    expect(payloads(d.push(wire))).toEqual([B.toString()]);
    expect(d.abandonedFrames).toBe(1);
  });

  it('reports a frame over the limit once, with its head, and carries on after it', () => {
    const d = new MllpFrameDecoder(100);
    const big = Buffer.concat([A, Buffer.alloc(500, 0x58)]);
    const wire = frame(big);
    const events = [...d.push(wire.subarray(0, 60)), ...d.push(wire.subarray(60, 300)), ...d.push(wire.subarray(300))];
    expect(events).toHaveLength(1);
    const event = events[0];
    if (event?.kind !== 'oversized') throw new Error(`expected an oversized event, got ${event?.kind}`);
    expect(event.size).toBeGreaterThan(100);
    expect(event.head.toString().startsWith('MSH|^~\\&|HIS')).toBe(true);
    expect(event.head.length).toBeLessThanOrEqual(OVERSIZED_HEAD_BYTES);
    expect(payloads(d.push(frame(B)))).toEqual([B.toString()]);
  });

  it('accepts a frame of exactly the limit', () => {
    const d = new MllpFrameDecoder(A.length);
    expect(payloads(d.push(frame(A)))).toEqual([A.toString()]);
  });

  it('knows when a frame is half received', () => {
    const d = new MllpFrameDecoder();
    d.push(frame(A).subarray(0, 10));
    expect(d.inFrame).toBe(true);
  });
});
