// Strict validation of the built-in HL7V3 and CDA models against the national schema packages (shared/corpus), per
// topic: over the WebService (AE with the XSD's reason), over REST (422), and in the console's sample check.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import { addSystem, addTopic } from '../../../test/support/engine.js';
import { parseV3 } from '../../formats/hl7v3/index.js';
import { parseSoapResponse } from '../../formats/soap/index.js';
import { sampleV3, soapRequest } from '../adapters/inbound/soap/clients.testutil.js';
import type { EngineTables } from '../tables.js';

const corpus = (p: string) => fileURLToPath(new URL(`../../../../shared/corpus/${p}`, import.meta.url));
const cdaFixture = (name: string) =>
  readFileSync(new URL(`../../formats/cda/fixtures/${name}`, import.meta.url), 'utf8');

/** A message id as senders make them: the service XSDs want at least 32 characters. */
const guid = (name: string) =>
  `${Buffer.from(name).toString('hex').padEnd(8, '0').slice(0, 8)}-0000-4000-8000-000000000000`;

/** EMR-PL-04 with an element its XSD does not allow. */
const invalidV3 = (id: string) =>
  sampleV3({ id: guid(id) }).replace('<interactionId', '<unexpectedElement/>\n\t<interactionId');

for (const dialect of dialectsUnderTest()) {
  describe(`strict validation against the national XSDs on ${dialect.name}`, () => {
    let t: TestApp;
    let secret: string;
    let systemId: string;
    beforeAll(async () => {
      t = await startTestApp(dialect, {
        validation: { hl7v3XsdDir: corpus('hl7v3/xsd'), cdaXsdDir: corpus('cda/xsd') },
        // One XML thread whatever the cores: the checks run there, as in production.
        engine: { xmlWorkers: 1 },
      });
      await addTopic(t.hutong, { code: 'PatientInfoQuery', model: 'HL7V3', validate: true });
      await addTopic(t.hutong, { code: 'OutPatientInfoQuery', model: 'HL7V3', validate: false });
      await addTopic(t.hutong, { code: 'EmrDocuments', model: 'CDA', validate: true });
      const sender = await addSystem(t.hutong);
      secret = sender.secret;
      systemId = sender.id;
    }, 60_000);
    afterAll(async () => {
      await t.close();
    });

    const soap = async (action: string, message: string) => {
      const r = soapRequest('dotnet12', action, message, 'escaped');
      const res = await t.hutong.app.inject({
        method: 'POST',
        url: '/services/HIPMessageServer',
        payload: r.body,
        headers: { ...r.headers, authorization: `Bearer ${secret}` },
      });
      const answer = parseSoapResponse(res.body, String(res.headers['content-type']));
      if (answer.kind !== 'result') throw new Error(`fault: ${res.body}`);
      return parseV3(answer.result).acknowledgement!;
    };
    const rest = (topic: string, body: string) =>
      t.call('POST', `/api/hip/default/${topic}`, {
        body,
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/xml' },
      });
    const stored = (sourceId: string) =>
      t.hutong.db.kysely
        .withTables<EngineTables>()
        .selectFrom('messages')
        .select(['status', 'error'])
        .where('system_id', '=', systemId)
        .where('source_message_id', '=', sourceId)
        .executeTakeFirstOrThrow();

    it('takes a V3 message its service XSD accepts (AA)', async () => {
      const ack = await soap('PatientInfoQuery', sampleV3({ id: guid('valid-1') }));
      expect(ack.typeCode).toBe('AA');
    });

    it('answers AE with the XSD reason for one it rejects, and keeps it as rejected', async () => {
      const ack = await soap('PatientInfoQuery', invalidV3('invalid-1'));
      expect(ack.typeCode).toBe('AE');
      expect(ack.texts.join(' ')).toContain('unexpectedElement');
      const row = await stored(guid('invalid-1'));
      expect(row.status).toBe('rejected');
      expect(row.error).toContain('unexpectedElement');
    });

    it('checks only topics with validation on', async () => {
      // The same defect on a topic without 「校验」 is taken as it is.
      const ack = await soap('OutPatientInfoQuery', invalidV3('unchecked-1'));
      expect(ack.typeCode).toBe('AA');
    });

    it('answers REST callers 422 HT_ENGINE_VALIDATION_FAILED', async () => {
      expect((await rest('PatientInfoQuery', sampleV3({ id: guid('rest-valid') }))).status).toBe(202);
      const refused = await rest('PatientInfoQuery', invalidV3('rest-invalid'));
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: 'HT_ENGINE_VALIDATION_FAILED' });
    });

    it('validates CDA documents against the XSD of their document type', async () => {
      expect((await rest('EmrDocuments', cdaFixture('C0001-病历概要.xml'))).status).toBe(202);
      expect((await rest('EmrDocuments', cdaFixture('C0007-检验报告.xml'))).status).toBe(202);
      const broken = cdaFixture('C0001-病历概要.xml').replace(
        /<title>[^<]*<\/title>/,
        '<title>x</title><title>y</title>',
      );
      const refused = await rest('EmrDocuments', broken);
      expect(refused.status).toBe(422);
      expect(JSON.stringify(refused.body)).toContain('title');
      const untyped = await rest('EmrDocuments', '<ClinicalDocument xmlns="urn:hl7-org:v3"/>');
      expect(untyped.status).toBe(422);
      expect(JSON.stringify(untyped.body)).toContain('CDA_NO_SCHEMA');
    });

    it('ran the checks on the XML thread, as /metrics shows', async () => {
      const metrics = (await t.call('GET', '/metrics')).raw;
      expect(metrics).toMatch(/^hutong_engine_xml_jobs_total\{job="validate",where="thread"\} [1-9]/m);
      expect(metrics).toMatch(/^hutong_engine_xml_jobs_total\{job="validate",where="event_loop"\} 0$/m);
    });

    it('checks a sample in the console against the XSD of the service its root element names', async () => {
      const cookie = await t.adminCookie();
      const check = (body: string) =>
        t.call('POST', '/api/engine/models/HL7V3/validate', { cookie, body: { body, contentType: 'application/xml' } });
      const good = await check(sampleV3({ id: guid('sample-1') }));
      expect(good.body).toMatchObject({ validated: true, valid: true, problems: [] });
      const bad = await check(invalidV3('sample-2'));
      expect(bad.body).toMatchObject({ validated: true, valid: false });
    });
  });
}
