// Message models through their service, on SQLite and (when configured) PostgreSQL: built-ins seeded and protected,
// custom JSON/XML models with schema upload (valid and invalid JSON Schema and XSD), the pipeline's validator,
// deletion while topics use a model, revisions with rollback, and permissions.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import { addTopic } from '../../../test/support/engine.js';
import { EP } from '../permissions.js';
import type { EngineTables } from '../tables.js';
import type { TransformServices } from '../transforms/module.js';
import { ctxWith, rejection } from '../transforms/testing.testutil.js';

const manager = ctxWith(EP.configRead, EP.configManage);
const reader = ctxWith(EP.configRead);

const ADMISSION_SCHEMA = JSON.stringify({
  type: 'object',
  required: ['patientId', 'dept'],
  properties: { patientId: { type: 'string', minLength: 1 }, dept: { type: 'string', pattern: '^[0-9]{4}$' } },
});

const ORDER_XSD = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="order">
    <xs:complexType>
      <xs:sequence><xs:element name="no" type="xs:string"/><xs:element name="qty" type="xs:positiveInteger"/></xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>`;

for (const dialect of dialectsUnderTest()) {
  describe(`message models on ${dialect.name}`, () => {
    let t: TestApp;
    let s: TransformServices;
    beforeEach(async () => {
      t = await startTestApp(dialect);
      // The engine's own: its changes are announced, its rollbacks reloaded by the configuration API.
      s = t.hutong.engine.transformServices;
    });
    afterEach(async () => {
      await t.close();
    });

    const svc = () => s.modelService;
    const k = () => t.hutong.db.kysely.withTables<EngineTables>();

    it('seeds the built-in models once and protects them', async () => {
      await s.start();
      const list = await svc().list(reader);
      expect(
        list.items
          .filter((m) => m.builtin)
          .map((m) => m.code)
          .sort(),
      ).toEqual(['CDA', 'HL7V2', 'HL7V3', 'JSON', 'TEXT', 'XML'].sort());
      expect((await rejection(svc().remove(manager, 'JSON'))).code).toBe('HT_ENGINE_MODEL_BUILTIN');
      expect((await rejection(svc().update(manager, 'HL7V3', { name: 'x' }))).code).toBe('HT_ENGINE_MODEL_BUILTIN');
      expect((await rejection(svc().putSchema(manager, 'XML', { schemaType: 'xsd', schema: ORDER_XSD }))).code).toBe(
        'HT_ENGINE_MODEL_BUILTIN',
      );
      expect(await s.modelValidator('JSON', '{}', 'application/json')).toBeNull();
    });

    it('validates JSON bodies against an uploaded JSON Schema until it is removed', async () => {
      const created = await svc().create(manager, { code: 'ADT_JSON', name: '入院 JSON', kind: 'JSON' });
      expect(created).toMatchObject({ builtin: false, schemaType: null, schema: null, topicCount: 0 });
      expect(await s.modelValidator('ADT_JSON', '{}', 'application/json')).toBeNull();

      const withSchema = await svc().putSchema(manager, 'ADT_JSON', {
        schemaType: 'json-schema',
        schema: ADMISSION_SCHEMA,
      });
      expect(withSchema.schemaType).toBe('json-schema');
      expect(await s.modelValidator('ADT_JSON', '{"patientId":"P1","dept":"0101"}', 'application/json')).toBeNull();
      const problems = await s.modelValidator('ADT_JSON', '{"patientId":"","dept":"心内科"}', 'application/json');
      expect(problems).toEqual(
        expect.arrayContaining([expect.stringMatching(/^\/dept: /), expect.stringMatching(/^\/patientId: /)]),
      );
      expect(problems!.length).toBeLessThanOrEqual(10);
      expect((await s.modelValidator('ADT_JSON', 'not json', 'application/json'))![0]).toMatch(/not valid JSON/);
      // Model codes from topics are matched regardless of case.
      expect(await s.modelValidator('adt_json', '{}', 'application/json')).not.toBeNull();

      const sample = await svc().validateSample(reader, 'ADT_JSON', { body: '{"patientId":"P1"}' });
      expect(sample).toMatchObject({ validated: true, valid: false });

      await svc().deleteSchema(manager, 'ADT_JSON');
      expect(await s.modelValidator('ADT_JSON', '{}', 'application/json')).toBeNull();
      expect(await svc().validateSample(reader, 'ADT_JSON', { body: '{}' })).toEqual({
        validated: false,
        valid: true,
        problems: [],
      });

      const audit = await t.hutong.db.kysely
        .selectFrom('audit_log')
        .select('action')
        .where('object_id', '=', 'ADT_JSON')
        .orderBy('id')
        .execute();
      expect(audit.map((a) => a.action)).toEqual([
        'engine.model.create',
        'engine.model.schema.update',
        'engine.model.schema.delete',
      ]);
    });

    it('refuses a JSON Schema or XSD that cannot be used, and a schema of the wrong type', async () => {
      await svc().create(manager, { code: 'J', name: 'j', kind: 'JSON' });
      await svc().create(manager, { code: 'X', name: 'x', kind: 'XML' });
      const badJson = await rejection(
        svc().putSchema(manager, 'J', { schemaType: 'json-schema', schema: '{"type":"strin"}' }),
      );
      expect(badJson.code).toBe('HT_ENGINE_SCHEMA_INVALID');
      expect(badJson.status).toBe(400);
      const notJson = await rejection(svc().putSchema(manager, 'J', { schemaType: 'json-schema', schema: '{' }));
      expect(notJson.message).toMatch(/not JSON/);
      const badXsd = await rejection(svc().putSchema(manager, 'X', { schemaType: 'xsd', schema: '<xs:schema' }));
      expect(badXsd.code).toBe('HT_ENGINE_SCHEMA_INVALID');
      const wrongType = await rejection(svc().putSchema(manager, 'J', { schemaType: 'xsd', schema: ORDER_XSD }));
      expect(wrongType.code).toBe('HT_ENGINE_SCHEMA_INVALID');
      expect((await svc().get(reader, 'J')).schema).toBeNull();
      const revs = await k().selectFrom('config_revisions').selectAll().where('entity_type', '=', 'model').execute();
      expect(revs.map((r) => r.action)).toEqual(['create', 'create']);
    });

    it('validates XML bodies against an uploaded XSD', async () => {
      await svc().create(manager, { code: 'ORDER_XML', name: '医嘱 XML', kind: 'XML', description: '检验医嘱' });
      await svc().putSchema(manager, 'ORDER_XML', { schemaType: 'xsd', schema: ORDER_XSD });
      expect(
        await s.modelValidator('ORDER_XML', '<order><no>A1</no><qty>2</qty></order>', 'application/xml'),
      ).toBeNull();
      const problems = await s.modelValidator('ORDER_XML', '<order>\n<no>A1</no>\n<qty>0</qty></order>', 'text/xml');
      expect(problems![0]).toMatch(/^line 3/);
      expect((await svc().get(reader, 'ORDER_XML')).schema).toBe(ORDER_XSD);
    });

    it('refuses a duplicate code (any case) and deleting a model while topics use it', async () => {
      await svc().create(manager, { code: 'Lab_Result', name: 'l', kind: 'JSON' });
      expect((await rejection(svc().create(manager, { code: 'LAB_RESULT', name: 'l', kind: 'JSON' }))).code).toBe(
        'HT_ENGINE_CONFLICT',
      );
      expect((await rejection(svc().create(manager, { code: 'json', name: 'l', kind: 'JSON' }))).code).toBe(
        'HT_ENGINE_CONFLICT',
      );
      const topic = await addTopic(t.hutong, { model: 'Lab_Result' });
      expect((await svc().list(reader)).items.find((m) => m.code === 'Lab_Result')?.topicCount).toBe(1);
      const inUse = await rejection(svc().remove(manager, 'Lab_Result'));
      expect(inUse.code).toBe('HT_ENGINE_IN_USE');
      expect(inUse.message).toContain(topic.code);
      await k().updateTable('topics').set({ model: 'JSON' }).where('id', '=', topic.id).execute();
      await svc().remove(manager, 'Lab_Result');
      expect((await rejection(svc().get(reader, 'Lab_Result'))).code).toBe('HT_ENGINE_NOT_FOUND');
    });

    it('lets a custom JSON model decode as JSON (index fields)', async () => {
      await svc().create(manager, { code: 'ADT_JSON', name: 'a', kind: 'JSON' });
      const decoded = t.hutong.engine.decoders.decode('ADT_JSON', '{"patientId":"P0001"}', {});
      expect(decoded.index.patientId).toBe('P0001');
    });

    it('rolls a schema change and a deletion back', async () => {
      await svc().create(manager, { code: 'R', name: 'r', kind: 'JSON' });
      await svc().putSchema(manager, 'R', { schemaType: 'json-schema', schema: ADMISSION_SCHEMA });
      await svc().remove(manager, 'R');
      const revs = await k()
        .selectFrom('config_revisions')
        .selectAll()
        .where('entity_type', '=', 'model')
        .where('entity_id', '=', 'R')
        .orderBy('id')
        .execute();
      expect(revs.map((r) => r.action)).toEqual(['create', 'update', 'delete']);
      await t.hutong.engine.configService.rollback(manager, Number(revs[2]!.id));
      expect((await svc().get(reader, 'R')).schemaType).toBe('json-schema');
      // The validator follows as soon as the rollback has answered.
      expect(await s.modelValidator('R', '{}', 'application/json')).not.toBeNull();
      await t.hutong.engine.configService.rollback(manager, Number(revs[1]!.id));
      expect((await svc().get(reader, 'R')).schemaType).toBeNull();
      expect(await s.modelValidator('R', '{}', 'application/json')).toBeNull();
      // The rollback's revision holds the model as it really was and became (its state loader).
      const last = await k()
        .selectFrom('config_revisions')
        .selectAll()
        .where('entity_id', '=', 'R')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(last.action).toBe('rollback');
      expect(JSON.parse(last.before!)).toMatchObject({ code: 'R', schemaType: 'json-schema' });
      expect(JSON.parse(last.after!)).toMatchObject({ code: 'R', schemaType: null, schema: null });
    });

    it('lets protocol work register a validator for a built-in model', async () => {
      s.models.register('HL7V3', (body) => (body.includes('<PRPA') ? null : ['not an HL7 V3 interaction']));
      expect(await s.modelValidator('HL7V3', '<PRPA_IN201311UV02/>', 'application/xml')).toBeNull();
      expect(await s.modelValidator('HL7V3', '<x/>', 'application/xml')).toEqual(['not an HL7 V3 interaction']);
    });

    it('enforces permissions', async () => {
      const transformManager = ctxWith(EP.configRead, EP.transformManage);
      expect((await rejection(svc().create(transformManager, { code: 'A', name: 'a', kind: 'JSON' }))).code).toBe(
        'HT_AUTH_FORBIDDEN',
      );
      await svc().create(manager, { code: 'A', name: 'a', kind: 'JSON' });
      expect((await rejection(svc().putSchema(reader, 'A', { schemaType: 'json-schema', schema: '{}' }))).code).toBe(
        'HT_AUTH_FORBIDDEN',
      );
      expect((await rejection(svc().remove(reader, 'A'))).code).toBe('HT_AUTH_FORBIDDEN');
      expect((await rejection(svc().list(ctxWith()))).code).toBe('HT_AUTH_FORBIDDEN');
    });
  });
}
