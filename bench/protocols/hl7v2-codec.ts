// HL7 v2 codec throughput: ours against @medplum/core and node-hl7-client, same run, same inputs (the 14 corpus
// messages). Three workloads, because our parser defers field splitting until a field is read, and a fair picture
// must show what that costs once fields are read or written:
//   A  parse + serialise                       (the store-and-forward path; the target is ours ≥ 2× the fastest other)
//   B  parse + read 4 fields + serialise       (what ingest does: MSH-10, PID-3.1, PID-5.1, PV1-19.1)
//   C  parse + change MSH-10 + serialise       (a transform that edits one field)
// Inputs are given to every library in the standard wire form (no BOM, CR terminators) because the other two reject
// a BOM; ours is additionally run on the files as they are (BOM, LF).

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Hl7Message as MedplumMessage } from '@medplum/core';
import { Message as NodeHl7Message } from 'node-hl7-client';
import { parseHl7 } from '../../src/formats/hl7v2/index.js';
import type { Contender, Measurement } from './measure.js';
import { formatOps, measure } from './measure.js';

const CORPUS = new URL('../../../shared/corpus/hl7v2/fhir-converter/', import.meta.url);

function loadCorpus(): string[] {
  const dir = fileURLToPath(CORPUS);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.hl7'))
    .sort()
    .map((f) => readFileSync(dir + f, 'utf8'));
}

function wireForm(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n|\n/g, '\r');
}

function workloadA(raw: string[], wire: string[]): Contender[] {
  return [
    { name: 'ours', round: () => wire.reduce((n, t) => n + parseHl7(t).toString().length, 0) },
    {
      name: '@medplum/core 4.5.2',
      round: () => wire.reduce((n, t) => n + MedplumMessage.parse(t).toString().length, 0),
    },
    {
      name: 'node-hl7-client 3',
      round: () => wire.reduce((n, t) => n + new NodeHl7Message({ text: t }).toString().length, 0),
    },
    {
      name: 'ours, files as they are (BOM, LF)',
      round: () => raw.reduce((n, t) => n + parseHl7(t).toString().length, 0),
    },
  ];
}

function workloadB(wire: string[]): Contender[] {
  return [
    {
      name: 'ours',
      round: () =>
        wire.reduce((n, t) => {
          const m = parseHl7(t);
          const read = m.get('MSH-10') + m.get('PID-3.1') + m.get('PID-5.1') + m.get('PV1-19.1');
          return n + read.length + m.toString().length;
        }, 0),
    },
    {
      name: '@medplum/core 4.5.2',
      round: () =>
        wire.reduce((n, t) => {
          const m = MedplumMessage.parse(t);
          const pid = m.getSegment('PID');
          const read =
            (m.getSegment('MSH')?.getField(10).toString() ?? '') +
            (pid?.getComponent(3, 1) ?? '') +
            (pid?.getComponent(5, 1) ?? '') +
            (m.getSegment('PV1')?.getComponent(19, 1) ?? '');
          return n + read.length + m.toString().length;
        }, 0),
    },
    {
      name: 'node-hl7-client 3',
      round: () =>
        wire.reduce((n, t) => {
          const m = new NodeHl7Message({ text: t });
          const read =
            m.get('MSH.10').toString() +
            m.get('PID.3.1').toString() +
            m.get('PID.5.1').toString() +
            m.get('PV1.19.1').toString();
          return n + read.length + m.toString().length;
        }, 0),
    },
  ];
}

function workloadC(wire: string[]): Contender[] {
  return [
    {
      name: 'ours',
      round: () =>
        wire.reduce((n, t) => {
          const m = parseHl7(t);
          m.set('MSH-10', 'CHANGED-1');
          return n + m.toString().length;
        }, 0),
    },
    {
      name: '@medplum/core 4.5.2',
      round: () =>
        wire.reduce((n, t) => {
          const m = MedplumMessage.parse(t);
          m.getSegment('MSH')?.setField(10, 'CHANGED-1');
          return n + m.toString().length;
        }, 0),
    },
    {
      name: 'node-hl7-client 3',
      round: () =>
        wire.reduce((n, t) => {
          const m = new NodeHl7Message({ text: t });
          m.set('MSH.10', 'CHANGED-1');
          return n + m.toString().length;
        }, 0),
    },
  ];
}

function report(title: string, results: Measurement[], target?: number): void {
  console.log(`\n${title}  (messages/s, median of samples)`);
  const ours = results[0];
  const others = results.filter((r) => r.name !== ours?.name && !r.name.startsWith('ours'));
  const fastest = others.reduce<Measurement | undefined>(
    (a, r) => (a === undefined || r.opsPerSec > a.opsPerSec ? r : a),
    undefined,
  );
  for (const r of results) console.log(`  ${r.name.padEnd(36)} ${formatOps(r.opsPerSec)}`);
  if (ours && fastest) {
    const ratio = ours.opsPerSec / fastest.opsPerSec;
    const verdict =
      target === undefined ? '' : ratio >= target ? `  (target ≥ ${target}×: met)` : `  (target ≥ ${target}×: MISSED)`;
    console.log(`  ratio ours / fastest other (${fastest.name}): ${ratio.toFixed(2)}×${verdict}`);
  }
}

function checkRoundTrips(wire: string[]): void {
  const count = (f: (t: string) => string): number => wire.filter((t) => f(t) === t).length;
  console.log(
    `round trip exact on ${wire.length} wire-form inputs: ours ${count((t) => parseHl7(t).toString())}, ` +
      `medplum ${count((t) => MedplumMessage.parse(t).toString())}, ` +
      `node-hl7-client ${count((t) => new NodeHl7Message({ text: t }).toString())}`,
  );
}

export async function runHl7v2CodecBench(): Promise<void> {
  const raw = loadCorpus();
  const wire = raw.map(wireForm);
  const opts = { itemsPerRound: wire.length, warmupRounds: 500, roundsPerSample: 1000, samples: 5 };
  console.log(
    `HL7 v2 codec: ${wire.length} corpus messages, ${opts.warmupRounds} warm-up rounds, ` +
      `${opts.samples} samples × ${opts.roundsPerSample} rounds per contender`,
  );
  checkRoundTrips(wire);
  report('A  parse + serialise', measure(workloadA(raw, wire), opts), 2);
  report('B  parse + read 4 fields + serialise', measure(workloadB(wire), opts));
  report('C  parse + set MSH-10 + serialise', measure(workloadC(wire), opts));
  await Promise.resolve();
}
