// Named transforms and the try-it panel through their service, on SQLite and (when configured) PostgreSQL: checks
// on save, revisions and audit, the dispatcher's resolver, rollback, permissions, and reading a stored message.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import { addSubscription, addSystem, addTopic, defaultDomainId } from '../../../test/support/engine.js';
import { now } from '../../platform/db/index.js';
import { newId } from '../../platform/ids/index.js';
import { EP } from '../permissions.js';
import type { EngineTables } from '../tables.js';
import type { TransformServices } from './module.js';
import { ctxWith, rejection } from './testing.testutil.js';

const manager = ctxWith(EP.configRead, EP.transformManage, EP.messageRead);

for (const dialect of dialectsUnderTest()) {
  describe(`named transforms on ${dialect.name}`, () => {
    let t: TestApp;
    let s: TransformServices;
    let domainId: string;
    beforeEach(async () => {
      t = await startTestApp(dialect);
      // The engine's own: its changes are announced, its rollbacks reloaded by the configuration API.
      s = t.hutong.engine.transformServices;
      domainId = await defaultDomainId(t.hutong);
    });
    afterEach(async () => {
      await t.close();
    });

    const k = () => t.hutong.db.kysely.withTables<EngineTables>();
    const revisions = (entityId: string) =>
      k().selectFrom('config_revisions').selectAll().where('entity_id', '=', entityId).orderBy('id').execute();
    const audits = (action: string) =>
      t.hutong.db.kysely.selectFrom('audit_log').selectAll().where('action', '=', action).execute();

    it('creates, lists, updates and deletes, with a revision and an audit entry for each change', async () => {
      const svc = s.transformService;
      const created = await svc.create(manager, {
        domainId,
        code: 'adt-to-json',
        name: '入院转 JSON',
        expression: '{ "id": patientId }',
      });
      expect(created).toMatchObject({ domainId, code: 'adt-to-json', description: null });
      expect(s.resolveTransform(domainId, 'adt-to-json')).toBe('{ "id": patientId }');

      const list = await svc.list(ctxWith(EP.configRead), { domainId });
      expect(list.items.map((i) => i.code)).toEqual(['adt-to-json']);

      const updated = await svc.update(manager, created.id, {
        expression: '{ "pid": patientId }',
        description: '说明',
      });
      expect(updated.expression).toBe('{ "pid": patientId }');
      expect(s.resolveTransform(domainId, 'adt-to-json')).toBe('{ "pid": patientId }');

      await svc.remove(manager, created.id);
      expect(s.resolveTransform(domainId, 'adt-to-json')).toBeUndefined();

      const revs = await revisions(created.id);
      expect(revs.map((r) => [r.entity_type, r.action])).toEqual([
        ['transform', 'create'],
        ['transform', 'update'],
        ['transform', 'delete'],
      ]);
      expect(JSON.parse(revs[1]!.before!)).toMatchObject({ expression: '{ "id": patientId }' });
      expect(JSON.parse(revs[1]!.after!)).toMatchObject({ expression: '{ "pid": patientId }', description: '说明' });
      expect(revs.every((r) => r.username === 'tester' && r.domain_id === domainId)).toBe(true);
      expect(await audits('engine.transform.create')).toHaveLength(1);
      expect(await audits('engine.transform.update')).toHaveLength(1);
      expect(await audits('engine.transform.delete')).toHaveLength(1);
    });

    it('refuses an expression that does not compile, naming the position', async () => {
      const error = await rejection(
        s.transformService.create(manager, { domainId, code: 'bad', name: 'bad', expression: '{ "a": b.( }' }),
      );
      expect(error.code).toBe('HT_ENGINE_EXPRESSION_INVALID');
      expect(error.errors?.[0]?.path).toBe('/expression');
      expect(error.errors?.[0]?.message).toMatch(/^position \d+: /);
      expect(error.localized('zh-CN')).toMatch(/位置 \d+/);
      expect((await s.transformService.list(manager, {})).items).toEqual([]);
    });

    it('refuses a duplicate code in the domain and an unknown domain', async () => {
      await s.transformService.create(manager, { domainId, code: 'x', name: 'x', expression: '$' });
      const dup = await rejection(
        s.transformService.create(manager, { domainId, code: 'x', name: 'y', expression: '$' }),
      );
      expect(dup.code).toBe('HT_ENGINE_CONFLICT');
      const noDomain = await rejection(
        s.transformService.create(manager, { domainId: 'nope', code: 'y', name: 'y', expression: '$' }),
      );
      expect(noDomain.code).toBe('HT_ENGINE_DOMAIN_NOT_FOUND');
    });

    it('refuses to delete or rename a transform a subscription uses', async () => {
      const created = await s.transformService.create(manager, {
        domainId,
        code: 'shared',
        name: 's',
        expression: '$',
      });
      const system = await addSystem(t.hutong);
      const topic = await addTopic(t.hutong);
      const sub = await addSubscription(t.hutong, topic.id, system.id, { url: 'http://127.0.0.1:9/' });
      await k().updateTable('subscriptions').set({ transform_ref: 'shared' }).where('id', '=', sub.id).execute();
      expect((await rejection(s.transformService.remove(manager, created.id))).code).toBe('HT_ENGINE_IN_USE');
      expect((await rejection(s.transformService.update(manager, created.id, { code: 'renamed' }))).code).toBe(
        'HT_ENGINE_IN_USE',
      );
      // Changing the expression is fine: that is what a named transform is for.
      await s.transformService.update(manager, created.id, { expression: '{"v": 2}' });
      expect(s.resolveTransform(domainId, 'shared')).toBe('{"v": 2}');
    });

    it('rolls a revision back through the configuration API, and the resolver follows at once', async () => {
      const admin = ctxWith(EP.configRead, EP.configManage);
      const created = await s.transformService.create(manager, { domainId, code: 'r', name: 'r', expression: '"v1"' });
      await s.transformService.update(manager, created.id, { expression: '"v2"' });
      const [createRev, update] = await revisions(created.id);
      await t.hutong.engine.configService.rollback(admin, Number(update!.id));
      expect(s.resolveTransform(domainId, 'r')).toBe('"v1"');
      // The rollback's own revision holds the transform as it really was and became (its state loader).
      const rollback = (await revisions(created.id)).at(-1)!;
      expect(rollback.action).toBe('rollback');
      expect(JSON.parse(rollback.before!)).toMatchObject({ id: created.id, expression: '"v2"' });
      expect(JSON.parse(rollback.after!)).toMatchObject({ id: created.id, expression: '"v1"' });
      // Rolling back the creation removes it.
      await t.hutong.engine.configService.rollback(admin, Number(createRev!.id));
      expect(s.resolveTransform(domainId, 'r')).toBeUndefined();
      expect(JSON.parse((await revisions(created.id)).at(-1)!.after!)).toBeNull();
    });

    it('enforces permissions', async () => {
      const reader = ctxWith(EP.configRead);
      const body = { domainId, code: 'p', name: 'p', expression: '$' };
      expect((await rejection(s.transformService.create(reader, body))).code).toBe('HT_AUTH_FORBIDDEN');
      expect((await rejection(s.transformService.list(ctxWith(), {}))).code).toBe('HT_AUTH_FORBIDDEN');
      expect(
        (await rejection(s.transformService.tryExpression(reader, { kind: 'filter', expression: 'true' }))).code,
      ).toBe('HT_AUTH_FORBIDDEN');
      // Configuration managers may try expressions too (they write subscription filters).
      const r = await s.transformService.tryExpression(ctxWith(EP.configManage), {
        kind: 'filter',
        expression: 'true',
      });
      expect(r.ok).toBe(true);
    });

    describe('try-it', () => {
      it('runs a filter and a transform on a sample without saving anything', async () => {
        const svc = s.transformService;
        const filter = await svc.tryExpression(manager, {
          kind: 'filter',
          expression: 'dept = "0101"',
          body: '{"dept":"0101"}',
        });
        expect(filter).toMatchObject({ ok: true, result: true });
        expect(filter.durationMs).toBeGreaterThanOrEqual(0);
        const miss = await svc.tryExpression(manager, {
          kind: 'filter',
          expression: 'dept = "x"',
          body: '{"dept":"0101"}',
        });
        expect(miss).toMatchObject({ ok: true, result: false });

        const transform = await svc.tryExpression(manager, {
          kind: 'transform',
          expression: '{ "科室": dept, "at": $formatDate(at, "yyyyMMddHHmmss") }',
          body: '{"dept":"0101","at":"2026-11-24T18:30:05Z"}',
        });
        expect(transform.ok).toBe(true);
        expect(transform.result).toEqual({ 科室: '0101', at: '20261125023005' });
        expect(transform.output).toEqual({
          body: '{"科室":"0101","at":"20261125023005"}',
          contentType: 'application/json',
        });

        const text = await svc.tryExpression(manager, {
          kind: 'transform',
          expression: '$hl7($, "PID-3.1")',
          body: 'MSH|^~\\&|A|B|C|D|20261125||ADT^A01|1|P|2.4\rPID|1||P0001',
        });
        expect(text.output).toEqual({ body: 'P0001', contentType: 'x-application/hl7-v2+er7' });
        expect(await k().selectFrom('config_revisions').selectAll().execute()).toEqual([]);
      });

      it('answers compile and evaluation errors instead of failing', async () => {
        const svc = s.transformService;
        const compile = await svc.tryExpression(manager, { kind: 'transform', expression: '{ "a": ', body: '{}' });
        expect(compile.ok).toBe(false);
        expect(compile.error?.phase).toBe('compile');
        expect(typeof compile.error?.position).toBe('number');
        const evaluate = await svc.tryExpression(manager, {
          kind: 'transform',
          expression: '$formatDate("nonsense", "yyyy")',
          body: '{}',
        });
        expect(evaluate).toMatchObject({ ok: false, error: { phase: 'evaluate' } });
        expect(evaluate.error?.message).toMatch(/\$formatDate/);
        const empty = await svc.tryExpression(manager, { kind: 'transform', expression: 'nothing', body: '{}' });
        expect(empty).toMatchObject({ ok: false, error: { message: 'the transform produced no result' } });
        const runaway = await svc.tryExpression(manager, {
          kind: 'transform',
          expression: '($f := function($n) { $n > 0 ? $f($n - 1) + $f($n - 1) : 1 }; $f(40))',
          body: '{}',
        });
        expect(runaway.ok).toBe(false);
      });

      it('runs on a stored message only with message-read permission, and audits the read', async () => {
        const system = await addSystem(t.hutong);
        const topic = await addTopic(t.hutong);
        const messageId = newId();
        await k()
          .insertInto('messages')
          .values({
            id: messageId,
            domain_id: domainId,
            topic_id: topic.id,
            system_id: system.id,
            source_message_id: 'SRC-1',
            received_at: now(),
            status: 'delivered',
            inbound: 'rest',
            content_type: 'application/json',
            body: '{"patientId":"P0001","name":"张三"}',
            size: 10,
            headers: null,
            patient_id: 'P0001',
            patient_name: '张三',
            visit_no: null,
            order_no: null,
            application_no: null,
            index_extra: null,
            warnings: null,
            error: null,
            reply: null,
            parent_id: null,
            resend_kind: null,
            routed_count: 0,
            validated: null,
          })
          .execute();
        const body = {
          kind: 'transform' as const,
          expression: '{ "pid": patientId, "topic": $message.topic, "system": $message.system }',
          messageId,
        };
        const denied = await rejection(
          s.transformService.tryExpression(ctxWith(EP.configRead, EP.transformManage), body),
        );
        expect(denied.code).toBe('HT_AUTH_FORBIDDEN');
        expect(await audits('engine.message.view')).toHaveLength(0);

        const result = await s.transformService.tryExpression(manager, body);
        expect(result.result).toEqual({ pid: 'P0001', topic: topic.code, system: system.code });
        const views = await audits('engine.message.view');
        expect(views).toHaveLength(1);
        expect(views[0]).toMatchObject({ object_type: 'message', object_id: messageId, username: 'tester' });

        const missing = await rejection(s.transformService.tryExpression(manager, { ...body, messageId: 'nope' }));
        expect(missing.code).toBe('HT_ENGINE_MESSAGE_NOT_FOUND');
      });
    });
  });
}
