// `npm run bench -- protocols --only=hip-soap`: HIPMessageServer durable ingest. Hutong runs as `hutong serve` (the
// build in dist/, its own data directory, SQLite with fsync before every reply) with one HL7V3 topic and no
// subscribers; N concurrent SOAP 1.2 clients post a ~2 KB V3 message (the national test case EMR-PL-04, a new message
// id on every request so nothing is suppressed as a duplicate) the way a .NET client does, and every reply is checked
// to be an MCCI_IN000002UV01 AA. In the same run the same load drives a minimal echo service built with the `soap`
// package (hip-soap-echo.ts: no auth, no storage, a fixed MCCI answer). Targets: ≥ 3,000 msg/s, ratio ≥ 1.0.
// Reported too: a second Hutong whose topic has strict validation on (the corpus XSDs), for what validation costs.
// Options: --quick (5 seconds per server), --seconds N.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { escapeXmlText } from '../../src/formats/xml/index.js';
import { alternate, fmt } from '../lib/load.js';
import { adminApi } from '../lib/api.js';
import { root, startChild, startHutong, type Child } from '../lib/processes.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const argNumber = (name: string): number | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || undefined : undefined;
};
const seconds = argNumber('--seconds') ?? (quick ? 5 : 10);
/** As in the engine suite's durable-ingest figure. */
const connections = 32;

const SOAP_ACTION = 'urn:hl7-org:v3/HIPMessageServer';
const CONTENT_TYPE = `application/soap+xml; charset=utf-8; action="${SOAP_ACTION}"`;
const CASE = path.join(root, '../shared/corpus/hl7v3/testcases/EMR-PL-04-个人信息查询服务-T01.xml');
const XSD_DIR = path.join(root, '../shared/corpus/hl7v3/xsd');
const ORIGINAL_ID = '22a0f9e0-4454-11dc-a6be-3603d6866807';
/** An MCCI AA inside the result, whichever way the server escaped the attribute quotes. */
const AA = /MCCI_IN000002UV01[\s\S]*typeCode=(?:"|&quot;)AA(?:"|&quot;)/;

const template = readFileSync(CASE, 'utf8');
let counter = 0;

/** A .NET asmx-style SOAP 1.2 request with a fresh message id (36 characters, like the GUIDs senders use). */
function envelope(): string {
  const id = `bench000-0000-4000-8000-${String(counter++).padStart(12, '0')}`;
  const message = template.replace(ORIGINAL_ID, id);
  return (
    '<?xml version="1.0" encoding="utf-8"?>\r\n' +
    '<soap12:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap12="http://www.w3.org/2003/05/soap-envelope">\r\n' +
    '  <soap12:Body>\r\n' +
    '    <HIPMessageServer xmlns="urn:hl7-org:v3">\r\n' +
    '      <action>PatientInfoQuery</action>\r\n' +
    `      <message>${escapeXmlText(message)}</message>\r\n` +
    '    </HIPMessageServer>\r\n' +
    '  </soap12:Body>\r\n' +
    '</soap12:Envelope>'
  );
}

interface Run {
  seconds: number;
  checked: number;
  wrong: number;
  errors: number;
  /** Median of the slices' p50, worst of their p99. */
  p50: number;
  p99: number;
  /** Server CPU seconds used (whole process, event-loop thread), when the server's process was given. */
  cpu?: { process: number; mainThread: number };
  firstWrong?: string;
}

/** autocannon with a fresh body per request and every answer checked for the MCCI AA. */
async function drive(
  url: string,
  headers: Record<string, string>,
  durationSeconds: number,
  server?: Child,
): Promise<Run> {
  const cpuBefore = server?.cpuSeconds();
  let checked = 0;
  let wrong = 0;
  let firstWrong: string | undefined;
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: durationSeconds,
    headers: { 'content-type': CONTENT_TYPE, ...headers },
    requests: [
      {
        setupRequest: (req) => ({ ...req, body: envelope() }),
        onResponse: (status, body) => {
          if (status === 200 && AA.test(body)) checked++;
          else {
            wrong++;
            firstWrong ??= `HTTP ${status}: ${body.slice(0, 300)}`;
          }
        },
      },
    ],
  });
  const cpuAfter = server?.cpuSeconds();
  return {
    seconds: durationSeconds,
    checked,
    wrong,
    errors: result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ...(cpuBefore && cpuAfter
      ? {
          cpu: {
            process: cpuAfter.process - cpuBefore.process,
            mainThread: cpuAfter.mainThread - cpuBefore.mainThread,
          },
        }
      : {}),
    ...(firstWrong ? { firstWrong } : {}),
  };
}

function combine(slices: Run[]): Run {
  const sum = (f: (r: Run) => number) => slices.reduce((a, r) => a + f(r), 0);
  const p50s = slices.map((r) => r.p50).sort((a, b) => a - b);
  const firstWrong = slices.find((r) => r.firstWrong)?.firstWrong;
  return {
    seconds: sum((r) => r.seconds),
    checked: sum((r) => r.checked),
    wrong: sum((r) => r.wrong),
    errors: sum((r) => r.errors),
    p50: p50s[Math.floor(p50s.length / 2)] ?? 0,
    p99: Math.max(...slices.map((r) => r.p99)),
    ...(slices.every((r) => r.cpu)
      ? { cpu: { process: sum((r) => r.cpu!.process), mainThread: sum((r) => r.cpu!.mainThread) } }
      : {}),
    ...(firstWrong ? { firstWrong } : {}),
  };
}

const perSecond = (r: Run) => r.checked / r.seconds;

async function configureHutong(base: string, validate: boolean): Promise<string> {
  const api = await adminApi(base);
  const call = api.call;
  const domainId = await api.defaultDomainId();
  const his = await call<{ secret: string }>('POST', 'api/engine/systems', { domainId, code: 'HIS', name: 'HIS' });
  await call('POST', 'api/engine/topics', {
    domainId,
    code: 'PatientInfoQuery',
    name: '个人信息查询服务',
    model: 'HL7V3',
    validate,
  });
  return his.secret;
}

function report(label: string, r: Run): void {
  console.log(
    `${label}: ${fmt(perSecond(r))} msg/s (${fmt(r.checked)} MCCI AA in ${fmt(r.seconds, 1)} s), p50 ${r.p50} ms, ` +
      `p99 ${r.p99} ms, wrong answers ${r.wrong}, errors ${r.errors}`,
  );
  const requests = r.checked + r.wrong;
  if (r.cpu && requests > 0) {
    const us = (cpuSeconds: number) => fmt((cpuSeconds / requests) * 1e6);
    console.log(`  server CPU per request: ${us(r.cpu.process)} µs (event-loop thread ${us(r.cpu.mainThread)} µs)`);
  }
  if (r.firstWrong) console.log(`  first wrong answer: ${r.firstWrong}`);
}

export async function runHipSoapBench(): Promise<void> {
  // The two servers are measured in alternating slices of about 2 s (echo, Hutong, echo, Hutong …; see alternate).
  const rounds = Math.max(1, Math.round(seconds / 2));
  const slice = seconds / rounds;
  console.log(
    `SOAP 1.2, ${fmt(Buffer.byteLength(envelope()))}-byte envelope carrying a ${fmt(Buffer.byteLength(template))}-byte V3 message ` +
      `(EMR-PL-04), ${connections} connections, ${seconds} s per server in ${rounds} alternating slices of ${fmt(slice, 1)} s`,
  );

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hutong-bench-soap-'));
  const strictDir = mkdtempSync(path.join(os.tmpdir(), 'hutong-bench-soap-strict-'));
  const echo = await startChild(path.join(root, 'bench/protocols/hip-soap-echo.ts'), {}, /echo ready (\S+)/);
  let baseline: Run;
  let hutong: Run;
  let strict: Run;
  try {
    const server = await startHutong({ HUTONG_DATA_DIR: dataDir });
    // The same server with 「校验」 on for the topic: every message checked against PatientInfoQuery.xsd.
    const strictServer = await startHutong({ HUTONG_DATA_DIR: strictDir, HUTONG_HL7V3_XSD_DIR: XSD_DIR });
    try {
      const url = `${server.url}services/HIPMessageServer`;
      const headers = { authorization: `Bearer ${await configureHutong(server.url, false)}` };
      const strictUrl = `${strictServer.url}services/HIPMessageServer`;
      const strictHeaders = { authorization: `Bearer ${await configureHutong(strictServer.url, true)}` };
      await drive(echo.url, {}, 2); // warm-up
      await drive(url, headers, 2);
      await drive(strictUrl, strictHeaders, 2);
      const [echoSlices, hutongSlices, strictSlices] = await alternate(rounds, [
        () => drive(echo.url, {}, slice, echo),
        () => drive(url, headers, slice, server),
        () => drive(strictUrl, strictHeaders, slice, strictServer),
      ]);
      baseline = combine(echoSlices!);
      hutong = combine(hutongSlices!);
      strict = combine(strictSlices!);
      report('node-soap echo service (no auth, no storage)', baseline);
      report('Hutong HIPMessageServer (durable: fsync before the MCCI reply)', hutong);
      report('  the same with strict XSD validation on (PatientInfoQuery.xsd)', strict);
    } finally {
      await server.stop();
      await strictServer.stop();
    }
  } finally {
    await echo.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(strictDir, { recursive: true, force: true });
  }

  const ratio = perSecond(hutong) / perSecond(baseline);
  const check = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  console.log('\nsummary (target → measured):');
  console.log(
    `  HIPMessageServer durable ingest ≥ 3,000 msg/s → ${fmt(perSecond(hutong))} msg/s  [${check(perSecond(hutong) >= 3000 && hutong.wrong === 0)}]`,
  );
  console.log(
    `  ratio to the same-run node-soap echo (${fmt(perSecond(baseline))} msg/s) ≥ 1.0 → ${fmt(ratio, 2)}  [${check(ratio >= 1)}]`,
  );
  console.log(
    `  (reported) with strict XSD validation: ${fmt(perSecond(strict))} msg/s, ` +
      `${fmt((1 - perSecond(strict) / perSecond(hutong)) * 100)} % fewer than without`,
  );
}
