import { readFileSync, readdirSync } from 'node:fs';
import { parseHl7 } from '../src/formats/hl7v2/index.js';
const dir = '/work/shared/corpus/hl7v2/fhir-converter/';
const raw = readdirSync(dir).filter(f=>f.endsWith('.hl7')).sort().map(f=>readFileSync(dir+f,'utf8'));
const wire = raw.map(t => t.replace(/^\uFEFF/, '').replace(/\r\n|\n/g, '\r'));
const lfwire = raw.map(t => t.replace(/^\uFEFF/, ''));
function b(name: string, inputs: string[], f: (t: string)=>number) {
  let s = 0; for (let i=0;i<500;i++) for (const t of inputs) s+=f(t);
  const t0 = performance.now(); const N=3000; for (let i=0;i<N;i++) for (const t of inputs) s+=f(t);
  const dt = performance.now()-t0; console.log(name.padEnd(30), Math.round(N*inputs.length/(dt/1000)), s>0?'':'x');
}
const mode = process.argv[2] ?? 'all';
b('wire CR parse+ser', wire, t => parseHl7(t).toString().length);
b('LF no BOM parse+ser', lfwire, t => parseHl7(t).toString().length);
b('raw parse+ser', raw, t => parseHl7(t).toString().length);
b('wire CR parse+ser', wire, t => parseHl7(t).toString().length);
b('wire CR parse only', wire, t => parseHl7(t).segments.length);
