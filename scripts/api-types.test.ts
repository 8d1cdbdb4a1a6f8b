// The console's API types must match the server: regenerate with `npm run gen:api` when this fails.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes, openApiDocument } from './api-types.js';

describe('OpenAPI document and the console API types', () => {
  it('documents the API with its schemas', async () => {
    const doc = (await openApiDocument()) as { paths: Record<string, unknown>; openapi: string };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/system/users', '/api/system/audit']),
    );
  });

  it('web/src/api/schema.d.ts is up to date (npm run gen:api)', async () => {
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    expect(committed).toBe(await generateApiTypes());
  });
});
