// `npm run bench -- protocols`: the protocol codec benches. Each bench lives in its own file and is listed here;
// add new ones (MLLP framing, SOAP envelope …) the same way.

import { runHl7v2CodecBench } from './hl7v2-codec.js';
import { runHipSoapBench } from './hip-soap.js';
import { runHipSoapLargeBench } from './hip-soap-large.js';
import { runMllpIngestBench } from './mllp-ingest.js';

const benches: ReadonlyArray<readonly [string, () => Promise<void>]> = [
  ['hl7v2-codec', runHl7v2CodecBench],
  ['hip-soap', runHipSoapBench],
  ['hip-soap-large', runHipSoapLargeBench],
  ['mllp-ingest', runMllpIngestBench],
];

export async function run(): Promise<void> {
  const only = process.argv
    .slice(2)
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length);
  for (const [name, bench] of benches) {
    if (only !== undefined && only !== name) continue;
    console.log(`\n--- ${name} ---`);
    await bench();
  }
}
