// The XML reader threads answer exactly what reading on the event loop answers — for every national test case in
// every client shape and for each kind of bad request — and a thread that dies loses no request.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { validateStandard } from '../../../models/standard-validators.js';
import { readHipRequest, type HipReadOptions } from './read.js';
import { HipReaders } from './readers.js';
import { corpusCases, sampleV3, soapRequest, type ClientShape, type MessageForm } from './clients.testutil.js';

const options: HipReadOptions = {
  operation: 'HIPMessageServer',
  namespace: 'urn:hl7-org:v3',
  actionParam: 'action',
  messageParam: 'message',
  soapActionHeader: undefined,
  maxBytes: 1024 * 1024,
};

const readers = new HipReaders(1);
afterAll(() => readers.close());

function request(shape: ClientShape, message: string, form: MessageForm) {
  const r = soapRequest(shape, 'PatientInfoQuery', message, form);
  return { body: Buffer.from(r.body), contentType: r.headers['content-type'] };
}

describe('XML reader threads', () => {
  it('read every national test case, in every client shape and message form, as the event loop does', async () => {
    const shapes: [ClientShape, MessageForm][] = [
      ['dotnet11', 'escaped'],
      ['dotnet12', 'escaped'],
      ['cxf11', 'cdata'],
      ['jaxws12', 'inline'],
      ['soapui11', 'cdata'],
    ];
    const cases = corpusCases();
    expect(cases.length).toBeGreaterThan(20);
    for (const c of cases) {
      for (const [shape, form] of shapes) {
        const { body, contentType } = request(shape, c.text, form);
        const onThread = await readers.read(body, contentType, options);
        expect(onThread, `${c.file} ${shape} ${form}`).toEqual(readHipRequest(body, contentType, options));
        expect(onThread.kind).toBe('read');
      }
    }
    expect(readers.running).toBe(1);
    expect(readers.stats).toEqual({
      read: { thread: cases.length * shapes.length, eventLoop: 0 },
      validate: { thread: 0, eventLoop: 0 },
      exits: 0,
    });
  });

  it('answer each kind of bad request as the event loop does', async () => {
    const xxe =
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><PRPA_IN201305UV02 xmlns="urn:hl7-org:v3">&xxe;</PRPA_IN201305UV02>';
    const bad: { name: string; body: Buffer; contentType: string | undefined; kind: string }[] = [
      { name: 'not XML', body: Buffer.from('hello'), contentType: 'text/xml', kind: 'envelope-invalid' },
      {
        name: 'DOCTYPE in the envelope',
        body: Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><x/>'),
        contentType: 'text/xml',
        kind: 'envelope-invalid',
      },
      {
        name: 'unknown envelope namespace',
        body: Buffer.from('<e:Envelope xmlns:e="urn:nope"><e:Body/></e:Envelope>'),
        contentType: 'text/xml',
        kind: 'envelope-invalid',
      },
      { name: 'XXE in the message', ...request('dotnet11', xxe, 'cdata'), kind: 'message-unsafe' },
      { name: 'broken V3', ...request('dotnet12', '<PRPA_IN201305UV02><id>', 'cdata'), kind: 'read' },
    ];
    for (const b of bad) {
      const onThread = await readers.read(b.body, b.contentType, options);
      expect(onThread, b.name).toEqual(readHipRequest(b.body, b.contentType, options));
      expect(onThread.kind, b.name).toBe(b.kind);
    }
    const broken = await readers.read(bad[4]!.body, bad[4]!.contentType, options);
    expect(broken.kind === 'read' && broken.v3 === undefined && broken.v3Problem).toBeTruthy();
  });

  it('check messages against the national XSDs as the event loop does', async () => {
    const xsd = fileURLToPath(new URL('../../../../../../shared/corpus/hl7v3/xsd/', import.meta.url));
    const valid = sampleV3({ id: '22a0f9e0-4454-11dc-a6be-3603d6866807' });
    const invalid = valid.replace('<interactionId', '<unexpectedElement/><interactionId');
    for (const [body, topic] of [
      [valid, 'PatientInfoQuery'],
      [invalid, 'PatientInfoQuery'],
      [valid, undefined],
      ['<not-v3/>', 'PatientInfoQuery'],
    ] as const) {
      const onThread = await readers.validate('HL7V3', xsd, body, topic);
      expect(onThread).toEqual(validateStandard('HL7V3', xsd, body, topic));
    }
    expect(await readers.validate('HL7V3', xsd, valid, 'PatientInfoQuery')).toBeNull();
    expect((await readers.validate('HL7V3', xsd, invalid, 'PatientInfoQuery'))?.join(' ')).toContain(
      'unexpectedElement',
    );
    expect(readers.stats.validate).toEqual({ thread: 6, eventLoop: 0 });
  });

  it('read only the bytes of a body that is a view into a larger buffer', async () => {
    const { body, contentType } = request('dotnet12', sampleV3({ id: 'view-1' }), 'escaped');
    const larger = Buffer.concat([Buffer.from('garbage before'), body, Buffer.from('garbage after')]);
    const view = larger.subarray(14, 14 + body.length);
    const read = await readers.read(view, contentType, options);
    expect(read.kind === 'read' && read.v3?.messageId).toBe('view-1');
  });

  it('lose no request when a thread dies: the requests it held are read on the event loop, and a thread returns', async () => {
    const dying = new HipReaders(1);
    try {
      const first = request('dotnet12', sampleV3({ id: 'warm-up' }), 'escaped');
      await dying.read(first.body, first.contentType, options);
      const pending = Array.from({ length: 20 }, (_, i) => {
        const r = request('dotnet11', sampleV3({ id: `during-crash-${i}` }), 'escaped');
        return dying.read(r.body, r.contentType, options);
      });
      // Kill the thread while it holds those requests.
      const thread = (dying as unknown as { threads: { worker: { terminate(): Promise<number> } }[] }).threads[0]!;
      await thread.worker.terminate();
      const reads = await Promise.all(pending);
      expect(reads.map((r) => (r.kind === 'read' ? r.v3?.messageId : r.kind))).toEqual(
        Array.from({ length: 20 }, (_, i) => `during-crash-${i}`),
      );
      expect(dying.running).toBe(0);
      expect(dying.stats.exits).toBe(1);
      expect(dying.stats.read.eventLoop + dying.stats.read.thread).toBe(21);
      // Meanwhile requests are read on the event loop; a new thread starts about a second later.
      const meanwhile = request('cxf11', sampleV3({ id: 'meanwhile' }), 'cdata');
      const read = await dying.read(meanwhile.body, meanwhile.contentType, options);
      expect(read.kind === 'read' && read.v3?.messageId).toBe('meanwhile');
      await expect.poll(() => dying.running, { timeout: 5000 }).toBe(1);
    } finally {
      await dying.close();
    }
  });

  it('give a slot up after five threads in a row die before finishing a job, and read on the event loop', async () => {
    let started = 0;
    const broken = new HipReaders(1, {
      respawnDelayMs: 10,
      startWorker: () => {
        started++;
        return new Worker('throw new Error("broken build")', { eval: true });
      },
    });
    try {
      const r = request('dotnet12', sampleV3({ id: 'broken-1' }), 'escaped');
      const read = await broken.read(r.body, r.contentType, options);
      expect(read.kind === 'read' && read.v3?.messageId).toBe('broken-1');
      await expect.poll(() => started, { timeout: 5000 }).toBe(5);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(started).toBe(5);
      expect(broken.running).toBe(0);
      expect(broken.stats.exits).toBe(5);
      const after = await broken.read(r.body, r.contentType, options);
      expect(after.kind === 'read' && after.v3?.messageId).toBe('broken-1');
      expect(broken.stats.read).toEqual({ thread: 0, eventLoop: 2 });
    } finally {
      await broken.close();
    }
  });

  it('read on the event loop with no threads, and after closing', async () => {
    const none = new HipReaders(0);
    const r = request('dotnet12', sampleV3({ id: 'inline-1' }), 'escaped');
    const read = await none.read(r.body, r.contentType, options);
    expect(read.kind === 'read' && read.v3?.messageId).toBe('inline-1');
    expect(none.running).toBe(0);

    const closing = new HipReaders(1);
    await closing.read(r.body, r.contentType, options);
    expect(closing.running).toBe(1);
    await closing.close();
    const after = await closing.read(r.body, r.contentType, options);
    expect(after.kind === 'read' && after.v3?.messageId).toBe('inline-1');
    expect(closing.running).toBe(0);
  });
});
