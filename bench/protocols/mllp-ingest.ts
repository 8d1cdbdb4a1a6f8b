// `npm run bench -- protocols --only=mllp-ingest`: HL7 v2 over MLLP, durable ingest with one HTTP subscriber.
// Hutong runs as `hutong serve` (the build in dist/, its own data directory, SQLite with fsync before every ACK); the
// configuration is made through the API: system HIS (MSH-3), an HL7V2 topic for ADT^A01, an MLLP endpoint on a free
// port, and one HTTP subscriber (a local receiver in its own process counting deliveries per message id). 16 MLLP
// connections each send ~1 KB ADT^A01 messages back to back, every one with its own MSH-10, waiting for each ACK;
// every ACK is checked to be AA for that MSH-10. The figure is ACKs per second over the measured window; afterwards
// the bench waits until the subscriber has every acknowledged message and checks each arrived exactly once.
// In the same run the same load drives a bare MLLP echo server (mllp-echo.ts) as the baseline.
// Target: ≥ 3,000 msg/s. Options: --quick (5-second runs), --seconds N, --connections N.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { decodeHl7Buffer } from '../../src/formats/hl7v2/index.js';
import { frame, MllpFrameDecoder } from '../../src/engine/adapters/inbound/mllp/framing.js';
import { fmt } from '../lib/load.js';
import { adminApi } from '../lib/api.js';
import { root, startChild, startHutong } from '../lib/processes.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const argNumber = (name: string): number | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || undefined : undefined;
};
const seconds = argNumber('--seconds') ?? (quick ? 5 : 10);
const connections = argNumber('--connections') ?? 16;
const TARGET = 3000;

let counter = 0;

/** A ~1 KB inpatient admission (住院登记) as a Chinese HIS sends it, with a fresh MSH-10 and patient each time. */
function admission(): { bytes: Buffer; controlId: string } {
  const n = counter++;
  const controlId = `BENCH${String(n).padStart(12, '0')}`;
  const patient = `P${String(n % 100_000).padStart(8, '0')}`;
  const segments = [
    `MSH|^~\\&|HIS|H0001|HUTONG|H0001|20261125093000||ADT^A01^ADT_A01|${controlId}|P|2.4|||AL|NE||UNICODE UTF-8`,
    'EVN|A01|20261125093000|||D1024^李时珍',
    `PID|1||${patient}^^^H0001^PI~110101198005170012^^^CHN^ID||张^三丰||19800517|M|||东城区王府井大街 1 号^^北京市^北京市^100006^CHN||010-65120000|||M|||110101198005170012|||汉族`,
    'NK1|1|张^翠山|FTH|东城区王府井大街 1 号^^北京市|13800000000',
    `PV1|1|I|0301^301^02^H0001^^^^心血管内科病区||||D1024^李时珍^^^^主任医师|||CAR||||1|||D1024^李时珍|普通|V${String(n).padStart(10, '0')}|||||||||||||||||||||||||20261125093000`,
    'PV2|||I10^原发性高血压',
    'DG1|1||I10.x00^原发性高血压^ICD10||20261125|A',
    'IN1|1|310^城镇职工基本医疗保险||北京市医疗保障局|||||||||||||||||||||||||||||||||||YB1234567890',
    'NTE|1||患者自诉头晕三天，血压偏高，门诊以“原发性高血压”收入院，入院时神志清楚，步行入病房，建议复查。',
  ];
  return { bytes: Buffer.from(`${segments.join('\r')}\r`), controlId };
}

interface Drive {
  acked: number;
  rejected: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
  firstProblem?: string;
}

/** `connections` MLLP senders, each sending back to back and waiting for every ACK, for `durationSeconds`. */
async function drive(port: number, durationSeconds: number): Promise<Drive> {
  const latencies: number[] = [];
  let acked = 0;
  let rejected = 0;
  let errors = 0;
  let firstProblem: string | undefined;
  const deadline = performance.now() + durationSeconds * 1000;

  const sender = () =>
    new Promise<void>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.setNoDelay(true);
      const decoder = new MllpFrameDecoder();
      let expected = '';
      let sentAt = 0;
      const next = () => {
        if (performance.now() >= deadline) {
          socket.end();
          return resolve();
        }
        const m = admission();
        expected = m.controlId;
        sentAt = performance.now();
        socket.write(frame(m.bytes));
      };
      socket.on('connect', next);
      socket.on('data', (chunk: Buffer) => {
        for (const event of decoder.push(chunk)) {
          if (event.kind !== 'frame') continue;
          latencies.push(performance.now() - sentAt);
          const ack = decodeHl7Buffer(event.payload);
          if (ack.get('MSA-1') === 'AA' && ack.get('MSA-2') === expected) acked++;
          else {
            rejected++;
            firstProblem ??= ack.toString().replaceAll('\r', ' | ').slice(0, 300);
          }
          next();
        }
      });
      socket.on('error', (error) => {
        errors++;
        firstProblem ??= error.message;
        resolve();
      });
    });
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, sender));
  const elapsed = (Math.max(performance.now(), deadline) - started) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return {
    acked,
    rejected,
    errors,
    perSecond: acked / elapsed,
    p50: q(0.5),
    p99: q(0.99),
    ...(firstProblem ? { firstProblem } : {}),
  };
}

async function configure(base: string, subscriberPort: number): Promise<number> {
  const api = await adminApi(base);
  const call = api.call;
  const domainId = await api.defaultDomainId();
  await call('POST', 'api/engine/systems', { domainId, code: 'HIS', name: 'HIS 住院' });
  const emr = await call<{ system: { id: string } }>('POST', 'api/engine/systems', {
    domainId,
    code: 'EMR',
    name: 'EMR',
  });
  const topic = await call<{ id: string; code: string }>('POST', 'api/engine/topics', {
    domainId,
    code: 'PatientAdmit',
    name: '住院登记',
    model: 'HL7V2',
  });
  await call('POST', 'api/engine/subscriptions', {
    topicId: topic.id,
    systemId: emr.system.id,
    name: 'to EMR',
    adapter: 'http',
    adapterConfig: { url: `http://127.0.0.1:${subscriberPort}/inbox`, timeoutMs: 10_000, maxConnections: 32 },
    workers: 32,
  });
  const endpoint = await call<{ id: string }>('POST', 'api/engine/endpoints', {
    domainId,
    code: 'HIS-ADT',
    name: 'HIS 住院 ADT',
    protocol: 'mllp',
    settings: { host: '127.0.0.1', port: 0, topicByEvent: { 'ADT^A01': topic.code } },
  });
  const status = await call<{ state: string; address: string | null; error: string | null }>(
    'GET',
    `api/engine/endpoints/${endpoint.id}/status`,
  );
  if (status.state !== 'listening' || !status.address)
    throw new Error(`MLLP endpoint not listening: ${JSON.stringify(status)}`);
  return Number(status.address.split(':').pop());
}

interface ReceiverStats {
  unique: number[];
  total: number[];
  duplicates: number[];
  lastAt: number;
}

function report(label: string, r: Drive): void {
  console.log(
    `${label}: ${fmt(r.perSecond)} msg/s (${fmt(r.acked)} AA in ${seconds} s), ACK p50 ${fmt(r.p50, 1)} ms, ` +
      `p99 ${fmt(r.p99, 1)} ms, other answers ${r.rejected}, errors ${r.errors}`,
  );
  if (r.firstProblem) console.log(`  first problem: ${r.firstProblem}`);
}

export async function runMllpIngestBench(): Promise<void> {
  console.log(
    `MLLP, ${fmt(admission().bytes.length)}-byte ADT^A01 (UTF-8, Chinese names), ${connections} connections, ` +
      `each waiting for its ACK, ${seconds} s per run`,
  );

  const echo = await startChild(path.join(root, 'bench/protocols/mllp-echo.ts'), {}, /mllp echo ready (\S+)/);
  let baseline: Drive;
  try {
    await drive(Number(echo.url), 2); // warm-up
    baseline = await drive(Number(echo.url), seconds);
    report('bare MLLP echo server (no decoding by charset, no storage)', baseline);
  } finally {
    await echo.stop();
  }

  const receivers = await startChild(path.join(root, 'bench/engine/receiver.ts'), {}, /receivers ready (\S+)/);
  const subscriberPort = Number(receivers.url.split(',')[0]);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hutong-bench-mllp-'));
  let hutong: Drive;
  let exactlyOnce: boolean;
  try {
    // HUTONG_MLLP_PORT=0: no default endpoint on 2575; the bench makes its own on a free port.
    const server = await startHutong({ HUTONG_DATA_DIR: dataDir, HUTONG_MLLP_PORT: '0' });
    try {
      const port = await configure(server.url, subscriberPort);
      const warm = await drive(port, 2);
      hutong = await drive(port, seconds);
      report('Hutong MLLP endpoint (durable: fsync before the AA, 1 HTTP subscriber)', hutong);

      // Every acknowledged message (warm-up included) must reach the subscriber exactly once.
      const expected = warm.acked + hutong.acked;
      const stats = async () => (await (await fetch(`http://127.0.0.1:${subscriberPort}/`)).json()) as ReceiverStats;
      let s = await stats();
      const until = Date.now() + 120_000;
      while (s.unique[0]! < expected && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 200));
        s = await stats();
      }
      exactlyOnce = s.unique[0] === expected && s.duplicates[0] === 0 && s.total[0] === expected;
      const detail = `acknowledged ${fmt(expected)}, delivered ${fmt(s.unique[0]!)} (${fmt(s.total[0]!)} requests, ${s.duplicates[0]} duplicated)`;
      console.log(`subscriber: ${detail}; exactly once: ${exactlyOnce ? 'yes' : 'NO'}`);
      console.log(`peak RSS of the Hutong process: ${fmt(server.peakRssMiB())} MiB`);
    } finally {
      await server.stop();
    }
  } finally {
    await receivers.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const check = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  console.log('\nsummary (target → measured):');
  console.log(
    `  MLLP durable ingest, ${connections} connections, 1 HTTP subscriber ≥ ${fmt(TARGET)} msg/s → ${fmt(hutong.perSecond)} msg/s, ` +
      `${exactlyOnce ? 'delivered exactly once' : 'NOT delivered exactly once'}  [${check(hutong.perSecond >= TARGET && exactlyOnce && hutong.rejected === 0)}]`,
  );
  console.log(
    `  ratio to the same-run bare MLLP echo (${fmt(baseline.perSecond)} msg/s) → ${fmt(hutong.perSecond / baseline.perSecond, 2)}`,
  );
}
