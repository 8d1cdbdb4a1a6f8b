// Test-only: reads the shared HL7 v2 corpus in place (../shared/corpus beside the repo, locally and in CI).
// Not exported from index.ts; the codec itself never touches the file system.

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = new URL('../../../../shared/corpus/hl7v2/fhir-converter/', import.meta.url);

export function corpusFiles(): string[] {
  return readdirSync(fileURLToPath(CORPUS_DIR))
    .filter((f) => f.endsWith('.hl7'))
    .sort();
}

export function corpusBytes(name: string): Buffer {
  return readFileSync(new URL(name, CORPUS_DIR));
}

export function corpusText(name: string): string {
  return corpusBytes(name).toString('utf8');
}
