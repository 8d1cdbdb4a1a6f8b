// Generates the console's typed API client types (web/src/api/schema.d.ts) from the server's OpenAPI document.
// `npm run gen:api` writes the file; scripts/api-types.test.ts fails when it is out of date.
import openapiTS, { astToString } from 'openapi-typescript';
import { createHutong } from '../src/app.js';
import { loadConfig } from '../src/platform/config/index.js';
import { openDatabase } from '../src/platform/db/index.js';

export const API_TYPES_FILE = new URL('../web/src/api/schema.d.ts', import.meta.url);

export async function openApiDocument(): Promise<Record<string, unknown>> {
  const config = loadConfig({
    env: {},
    file: '/dev/null',
    overrides: { logLevel: 'silent', adminPassword: 'Gen#api-2026' },
  });
  const db = openDatabase({ sqliteFile: ':memory:' });
  const hutong = await createHutong(config, { db, logger: false });
  try {
    await hutong.app.ready();
    return hutong.app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await hutong.stop();
    await db.close();
  }
}

export async function generateApiTypes(): Promise<string> {
  const doc = await openApiDocument();
  const ast = await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0]);
  return (
    "// Generated from the server's OpenAPI document by `npm run gen:api` — do not edit by hand.\n" + astToString(ast)
  );
}
