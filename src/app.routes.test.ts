// Walks the whole route table: every route declares a permission, and every public route is in the one explicit
// list. A new route without a permission fails here before it can ship.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test/support/app.js';
import { dialectsUnderTest } from '../test/support/databases.js';
import { isInboundRoute, isPublicRoute } from './platform/http/public-routes.js';
import { isKnownPermission } from './platform/permissions/index.js';

describe('route table', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(dialectsUnderTest()[0]!);
  });
  afterAll(async () => {
    await t.close();
  });

  it('has routes to check', () => {
    expect(t.hutong.routes.length).toBeGreaterThan(20);
  });

  it('declares a permission on every route, or lists it as public', () => {
    const undeclared = t.hutong.routes.filter((r) => !r.permission && !isPublicRoute(r.method, r.url));
    expect(undeclared.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it('lists every route that declares itself public', () => {
    const unlisted = t.hutong.routes.filter((r) => r.permission === 'public' && !isPublicRoute(r.method, r.url));
    expect(unlisted.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it('lists every inbound route (business systems with their own credentials)', () => {
    const unlisted = t.hutong.routes.filter((r) => r.permission === 'inbound' && !isInboundRoute(r.method, r.url));
    expect(unlisted.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it('names only permissions that a module declared', () => {
    const unknown = t.hutong.routes.filter(
      (r) =>
        r.permission &&
        !['public', 'authenticated', 'inbound'].includes(r.permission) &&
        !isKnownPermission(r.permission),
    );
    expect(unknown.map((r) => `${r.method} ${r.url} → ${r.permission}`)).toEqual([]);
  });

  it('keeps every /api route except sign-in and the API docs behind a sign-in', () => {
    const open = t.hutong.routes.filter(
      (r) =>
        r.url.startsWith('/api/') && (r.permission === 'public' || (!r.permission && isPublicRoute(r.method, r.url))),
    );
    for (const r of open) expect(r.url).toMatch(/^\/api\/(auth\/login|openapi\.json|docs)/);
  });

  it('answers 401 on every non-public API route when nobody is signed in', async () => {
    const guarded = t.hutong.routes.filter(
      (r) => r.url.startsWith('/api/') && r.permission && r.permission !== 'public' && r.permission !== 'inbound',
    );
    for (const r of guarded) {
      const url = r.url.replace(/:(\w+)/g, 'x');
      const res = await t.call(r.method as 'GET', url, r.method === 'GET' || r.method === 'DELETE' ? {} : { body: {} });
      expect(res.status, `${r.method} ${r.url}`).toBe(401);
    }
  });
});
