// `npm run bench -- protocols --only=hip-soap-large`: what large WebService documents do to everyone else. A steady
// 200 small requests a second (EMR-PL-04, ~3 KB envelopes, open loop, latency from each request's due time) run
// while one client sends ~2 MB V3 documents back to back (a pause of 250 ms between them) — once with the XML read
// on the event loop (HUTONG_XML_WORKERS=0) and once on a reader thread (=1), each against its own Hutong. Reported,
// no target: the small requests' p50/p99, and how long each large document took.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { escapeXmlText } from '../../src/formats/xml/index.js';
import { adminApi } from '../lib/api.js';
import { fmt, steadyLoad } from '../lib/load.js';
import { root, startHutong } from '../lib/processes.js';

const args = process.argv.slice(2);
const seconds = args.includes('--quick') ? 5 : 10;
const template = readFileSync(
  path.join(root, '../shared/corpus/hl7v3/testcases/EMR-PL-04-个人信息查询服务-T01.xml'),
  'utf8',
);
/** Enough repeated elements to make the message ~2 MB (the kind of size a 病历 document with attachments reaches). */
const PADDING = `<subject>${'<telecom use="H" value="tel:010-12345678"/>'.repeat(40_000)}</subject>`;

let counter = 0;
function envelope(large: boolean): string {
  const id = `bench000-0000-4000-8000-${String(counter++).padStart(12, '0')}`;
  let message = template.replace('22a0f9e0-4454-11dc-a6be-3603d6866807', id);
  if (large) message = message.replace('</controlActProcess>', `${PADDING}</controlActProcess>`);
  return (
    '<?xml version="1.0" encoding="utf-8"?><soap12:Envelope xmlns:soap12="http://www.w3.org/2003/05/soap-envelope">' +
    '<soap12:Body><HIPMessageServer xmlns="urn:hl7-org:v3"><action>PatientInfoQuery</action>' +
    `<message>${escapeXmlText(message)}</message></HIPMessageServer></soap12:Body></soap12:Envelope>`
  );
}

async function measure(workers: number): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hutong-bench-soap-large-'));
  const hutong = await startHutong({ HUTONG_DATA_DIR: dataDir, HUTONG_XML_WORKERS: String(workers) });
  try {
    const api = await adminApi(hutong.url);
    const domainId = await api.defaultDomainId();
    const his = await api.call<{ secret: string }>('POST', 'api/engine/systems', {
      domainId,
      code: 'HIS',
      name: 'HIS',
    });
    await api.call('POST', 'api/engine/topics', {
      domainId,
      code: 'PatientInfoQuery',
      name: '个人信息查询',
      model: 'HL7V3',
    });
    const url = `${hutong.url}services/HIPMessageServer`;
    const headers = { authorization: `Bearer ${his.secret}`, 'content-type': 'application/soap+xml; charset=utf-8' };
    const small = () => envelope(false);
    await steadyLoad({ url, rate: 200, connections: 8, durationSeconds: 2, makeBody: small, headers }); // warm-up
    let stop = false;
    const large = { done: 0, failed: 0, ms: 0 };
    const sender = (async () => {
      while (!stop) {
        const started = performance.now();
        const res = await request(url, { method: 'POST', headers, body: envelope(true) });
        const text = await res.body.text();
        if (res.statusCode === 200 && /typeCode=(?:"|&quot;)AA/.test(text)) {
          large.done++;
          large.ms += performance.now() - started;
        } else large.failed++;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    const steady = await steadyLoad({
      url,
      rate: 200,
      connections: 8,
      durationSeconds: seconds,
      makeBody: small,
      headers,
    });
    stop = true;
    await sender;
    console.log(
      `${workers === 0 ? 'read on the event loop ' : 'read on a reader thread'}: small requests p50 ${steady.p50} ms, ` +
        `p99 ${steady.p99} ms (${fmt(steady.ok)} answered, errors ${steady.errors + steady.non2xx}); ` +
        `${large.done} large documents, ${fmt(large.done ? large.ms / large.done : NaN)} ms each, failed ${large.failed}`,
    );
  } finally {
    await hutong.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runHipSoapLargeBench(): Promise<void> {
  console.log(
    `200 small requests/s for ${seconds} s while ~${fmt(Buffer.byteLength(envelope(true)) / 1e6, 1)} MB documents ` +
      'arrive back to back (250 ms apart)',
  );
  await measure(0);
  await measure(1);
}
