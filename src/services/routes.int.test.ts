// The catalogue over HTTP on a fresh install that seeds the service topics: search, lookup by action code or S-code,
// 404 for an unknown service, and the permission (signed-in readers yes, anonymous callers no).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { dialectsUnderTest } from '../../test/support/databases.js';
import type { EngineTables } from '../engine/tables.js';
import { listServiceDefinitions } from './index.js';

describe('interaction-service catalogue API', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp(dialectsUnderTest()[0]!, { services: { seedTopics: true } });
    admin = await t.adminCookie();
  });
  afterAll(async () => t.close());

  it('made every service a topic of the default domain on first start, and the engine knows them', async () => {
    const k = t.hutong.db.kysely.withTables<EngineTables>();
    const topics = await k.selectFrom('topics').select('code').execute();
    expect(topics.length).toBe(listServiceDefinitions().length);
    const domain = t.hutong.engine.cache.domainByCode('default')!;
    expect(t.hutong.engine.cache.topic(domain.id, 'OutPatientInfoAdd')?.model).toBe('HL7V3');
  });

  it('searches by name, code and category', async () => {
    const all = await t.call('GET', '/api/services', { cookie: admin });
    expect(all.status, all.raw).toBe(200);
    expect(all.body.items.length).toBe(listServiceDefinitions().length);
    const byName = await t.call('GET', `/api/services?q=${encodeURIComponent('门诊挂号')}`, { cookie: admin });
    expect(byName.body.items.map((s: { action: string }) => s.action)).toContain('OutPatientInfoAdd');
    const bySCode = await t.call('GET', '/api/services?q=S0023', { cookie: admin });
    expect(bySCode.body.items[0].action).toBe('OutPatientInfoAdd');
  });

  it('returns one definition by action code or S-code, and 404 for an unknown one', async () => {
    const byAction = await t.call('GET', '/api/services/OutPatientInfoAdd', { cookie: admin });
    expect(byAction.status, byAction.raw).toBe(200);
    expect(byAction.body).toMatchObject({ action: 'OutPatientInfoAdd', sCode: 'S0023', name: '门诊挂号信息新增服务' });
    expect(byAction.body.fields.length).toBeGreaterThan(0);
    expect(byAction.body.v3Template).toBeUndefined();
    expect((await t.call('GET', '/api/services/S0023', { cookie: admin })).body.action).toBe('OutPatientInfoAdd');
    const unknown = await t.call('GET', '/api/services/NoSuchService', { cookie: admin });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('HT_SERVICE_NOT_FOUND');
  });

  it('is not open to anonymous callers', async () => {
    const res = await t.call('GET', '/api/services');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('HT_AUTH_REQUIRED');
  });
});
