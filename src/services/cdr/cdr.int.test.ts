// The clinical data repository end to end: state and history kept inside the ingest transaction, unknown references
// and illegal transitions refused (422 over REST, AE over HIPMessageServer) and recorded as rejected, 手术状态 in the
// tender's order, 检查退费 only before the examination started, 取消输血申请 only before blood is issued, states a
// hospital adds, queries answered from the repository (every national query test case AA with its response message),
// and the console API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Json, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import { addSubscription, addSystem } from '../../../test/support/engine.js';
import { corpusCases, soapRequest } from '../../engine/adapters/inbound/soap/clients.testutil.js';
import type { EngineTables } from '../../engine/tables.js';
import { findV3Service, parseV3 } from '../../formats/hl7v3/index.js';
import { getServiceDefinition } from '../catalogue/catalogue.js';
import { jsonToV3 } from '../catalogue/mapper.js';
import { postToHip } from './hip.testutil.js';
import type { CdrTables } from './tables.js';

function example(action: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  const def = getServiceDefinition(action)!;
  return { ...structuredClone(def.examples.json), ...patch };
}

/** A status message (检查状态 / 手术状态) for one application and one step. */
function statusMessage(action: string, applicationNo: string, step: string, name?: string): Record<string, unknown> {
  const json = example(action);
  const item = (json.component2List as Array<Record<string, unknown>>)[0]!;
  json.component2List = [{ ...item, applicationNo, processStepCode: step, ...(name ? { codeName: name } : {}) }];
  return json;
}

for (const dialect of dialectsUnderTest()) {
  describe(`Clinical data repository on ${dialect.name}`, () => {
    let t: TestApp;
    let secret: string;
    let system: { id: string; code: string };
    let cookie: string;
    const k = () => t.hutong.db.kysely.withTables<EngineTables & CdrTables>();
    const post = (action: string, json: unknown, headers: Record<string, string> = {}, query = '') =>
      t.call('POST', `/api/hip/default/${action}${query}`, {
        body: JSON.stringify(json),
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', ...headers },
      });
    const record = (entity: string, key: string) =>
      k().selectFrom('cdr_records').selectAll().where('entity', '=', entity).where('key', '=', key).executeTakeFirst();
    const soap = async (action: string, v3: string) => {
      const { answer, body } = await postToHip(t.hutong, soapRequest('dotnet11', action, v3, 'escaped'), secret);
      if (answer.kind !== 'result') throw new Error(`fault: ${body}`);
      return parseV3(answer.result);
    };

    beforeAll(async () => {
      t = await startTestApp(dialect, { services: { seedTopics: true } });
      const sys = await addSystem(t.hutong, { code: 'HIS' });
      secret = sys.secret;
      system = sys;
      cookie = await t.adminCookie();
    }, 120_000);
    afterAll(async () => {
      await t.close();
    });

    it('keeps an application with its history and answers its query from the repository', async () => {
      const add = await post(
        'CheckAppInfoAdd',
        example('CheckAppInfoAdd', { applicationNo: 'JC-1001', patientId: 'P-77' }),
      );
      expect(add.status, add.raw).toBe(202);
      const rec = await record('checkApplication', 'JC-1001');
      expect(rec).toMatchObject({ patient_id: 'P-77', application_no: 'JC-1001', version: 1, state: null });
      expect(rec?.last_message_id).toBe(add.body.messageId);

      const upd = await post(
        'CheckAppInfoUpdate',
        example('CheckAppInfoUpdate', { applicationNo: 'JC-1001', patientId: 'P-77', observationRequestText: '复查' }),
      );
      expect(upd.status, upd.raw).toBe(202);
      const step = await post('CheckStatusInfoUpdate', statusMessage('CheckStatusInfoUpdate', 'JC-1001', 'SC01'));
      expect(step.status, step.raw).toBe(202);
      const after = await record('checkApplication', 'JC-1001');
      expect(after).toMatchObject({ version: 3, state: 'registered', last_service: 'CheckStatusInfoUpdate' });
      expect(JSON.parse(after!.data).observationRequestText).toBe('复查');

      // The console API: the record, its history newest first, and the entity's count.
      const found = await t.call('GET', '/api/cdr/records?entity=checkApplication&number=JC-1001', { cookie });
      expect(found.status).toBe(200);
      expect(found.body.total).toBe(1);
      const detail = await t.call('GET', `/api/cdr/records/${found.body.items[0].id}`, { cookie });
      expect(detail.body.history.map((h: Json) => [h.version, h.service, h.state])).toEqual([
        [3, 'CheckStatusInfoUpdate', 'registered'],
        [2, 'CheckAppInfoUpdate', null],
        [1, 'CheckAppInfoAdd', null],
      ]);
      expect(detail.body.history[0].serviceName).toBe('检查状态信息更新服务');
      const entities = await t.call('GET', '/api/cdr/entities', { cookie });
      expect(entities.body.items.find((e: Json) => e.entity === 'checkApplication')).toMatchObject({
        name: '检查申请',
        count: 1,
      });
      expect((await t.call('GET', '/api/cdr/records?entity=checkApplication')).status).toBe(401);
      expect((await t.call('GET', '/api/cdr/records?entity=nothing', { cookie })).body.code).toBe(
        'HT_CDR_ENTITY_NOT_FOUND',
      );

      // The query: no provider configured, so the repository answers, in JSON for a JSON caller …
      const q = await post('CheckAppInfoQuery', { applicationNo: 'JC-1001' });
      expect(q.status, q.raw).toBe(200);
      expect(q.body).toMatchObject({ interactionId: 'QUMT_IN020040UV01', ackCode: 'AA' });
      expect(q.body.results).toHaveLength(1);
      expect(q.body.results[0]).toMatchObject({ applicationNo: 'JC-1001', patientId: 'P-77' });
      const none = await post('CheckAppInfoQuery', { applicationNo: 'NOPE' });
      expect(none.body.results).toEqual([]);
      // … the status query with the latest status message …
      const status = await post('CheckStatusInfoQuery', { applicationNo: 'JC-1001' });
      expect(status.body.results).toHaveLength(1);
      expect(status.body.results[0].component2List[0]).toMatchObject({
        applicationNo: 'JC-1001',
        processStepCode: 'SC01',
      });
      // … and in V3 over HIPMessageServer, the message stored as answered by the platform.
      const def = getServiceDefinition('CheckAppInfoQuery')!;
      const v3 = jsonToV3(def, { applicationNo: 'JC-1001' }, { sender: 'HIS', receiver: 'HUTONG', id: 'Q-1' });
      const answer = await soap('CheckAppInfoQuery', v3);
      expect(answer.rootElement).toBe('QUMT_IN020040UV01');
      expect(answer.acknowledgement?.typeCode).toBe('AA');
      expect(answer.acknowledgement?.targetMessageId).toBe('Q-1');
      expect(answer.queryAck?.resultTotalQuantity).toBe(1);
      const stored = await k()
        .selectFrom('messages')
        .select(['status', 'reply'])
        .where('source_message_id', '=', 'Q-1')
        .executeTakeFirstOrThrow();
      expect(stored.status).toBe('answered');
      expect(JSON.parse(stored.reply!)).toMatchObject({
        statusCode: 200,
        body: expect.stringContaining('QUMT_IN020040UV01'),
      });
    });

    it('finds a card by the name the query calls livingSubjectNameValue, and by its number', async () => {
      const add = await post(
        'EncounterCardInfoAdd',
        example('EncounterCardInfoAdd', { subject1Id: 'CARD-77', patientPersonName: '王五' }),
      );
      expect(add.status, add.raw).toBe(202);
      const byName = await post('EncounterCardInfoQuery', { livingSubjectNameValue: '王五' });
      expect(byName.status, byName.raw).toBe(200);
      expect(byName.body.results.map((r: Json) => r.subject1Id)).toEqual(['CARD-77']);
      const byNumber = await post('EncounterCardInfoQuery', { cardNo: 'CARD-77' });
      expect(byNumber.body.results).toHaveLength(1);
      const nobody = await post('EncounterCardInfoQuery', { livingSubjectNameValue: '赵六' });
      expect(nobody.body.results).toEqual([]);
    });

    it('pages query results', async () => {
      for (let i = 0; i < 5; i += 1) {
        const r = await post(
          'DiagnosisInfoAdd',
          example('DiagnosisInfoAdd', { patientId: 'P-PAGE', visitNo: 'V-PAGE', diagnosisNo: `D${i}` }),
        );
        expect(r.status, r.raw).toBe(202);
      }
      const first = await post('DiagnosisInfoQuery', { patientId: 'P-PAGE' }, {}, '?page=1&pageSize=2');
      expect(first.body.results).toHaveLength(2);
      expect(first.body.queryAck).toMatchObject({
        resultTotalQuantity: 5,
        resultCurrentQuantity: 2,
        resultRemainingQuantity: 3,
      });
      const last = await post('DiagnosisInfoQuery', { patientId: 'P-PAGE' }, {}, '?page=3&pageSize=2');
      expect(last.body.results).toHaveLength(1);
      expect(last.body.queryAck).toMatchObject({ resultRemainingQuantity: 0 });
    });

    it('refuses an update of an unknown application: 422 over REST, AE over the WebService, recorded as rejected', async () => {
      const rest = await post('ExamAppInfoUpdate', example('ExamAppInfoUpdate', { applicationNo: 'LAB-UNKNOWN' }));
      expect(rest.status).toBe(422);
      expect(rest.body.code).toBe('HT_CDR_REFERENCE_UNKNOWN');
      expect(rest.body.message).toContain('LAB-UNKNOWN');
      expect(rest.body.message).toContain('检验申请');

      const def = getServiceDefinition('ExamAppInfoUpdate')!;
      const v3 = jsonToV3(def, example('ExamAppInfoUpdate', { applicationNo: 'LAB-UNKNOWN-2' }), {
        sender: 'HIS',
        receiver: 'HUTONG',
        id: 'MSG-UNKNOWN-2',
      });
      const ack = await soap('ExamAppInfoUpdate', v3);
      expect(ack.acknowledgement?.typeCode).toBe('AE');
      expect(ack.acknowledgement?.targetMessageId).toBe('MSG-UNKNOWN-2');
      expect(ack.acknowledgement?.texts.join(' ')).toContain('LAB-UNKNOWN-2');
      const row = await k()
        .selectFrom('messages')
        .select(['status', 'error', 'routed_count'])
        .where('source_message_id', '=', 'MSG-UNKNOWN-2')
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'rejected', routed_count: 0 });
      expect(row.error).toContain('LAB-UNKNOWN-2');
      expect(await record('labApplication', 'LAB-UNKNOWN-2')).toBeUndefined();

      // Once the application exists, the same message (same id) is taken: a refused copy is not a duplicate.
      expect((await post('ExamAppInfoAdd', example('ExamAppInfoAdd', { applicationNo: 'LAB-UNKNOWN-2' }))).status).toBe(
        202,
      );
      const again = await soap('ExamAppInfoUpdate', v3);
      expect(again.acknowledgement?.typeCode).toBe('AA');
      expect((await record('labApplication', 'LAB-UNKNOWN-2'))?.version).toBe(2);
    });

    it('answers AE naming a missing required field and a wrong type in a V3 request', async () => {
      const def = getServiceDefinition('OutPatientInfoAdd')!;
      const { patientPersonName: _gone, ...json } = example('OutPatientInfoAdd', { visitNo: 'V-MISSING' });
      const missing = await soap('OutPatientInfoAdd', jsonToV3(def, json, { sender: 'HIS', receiver: 'HUTONG' }));
      expect(missing.acknowledgement?.typeCode).toBe('AE');
      expect(missing.acknowledgement?.texts.join(' ')).toMatch(
        /缺少必填字段 patientPersonName|Missing required field patientPersonName/,
      );
      const typed = getServiceDefinition('RegistrationPaymentAdd')!;
      const xml = jsonToV3(typed, example('RegistrationPaymentAdd'), { sender: 'HIS', receiver: 'HUTONG' });
      const amount = /<amount value="([^"]*)"/.exec(xml)![1]!;
      const wrong = await soap(
        'RegistrationPaymentAdd',
        xml.replace(`<amount value="${amount}"`, '<amount value="十元"'),
      );
      expect(wrong.acknowledgement?.typeCode).toBe('AE');
      expect(wrong.acknowledgement?.texts.join(' ')).toMatch(/amount/);
    });

    it('moves 手术状态 only in the tender order', async () => {
      const app = 'SS-1';
      expect((await post('OperationAppInfoAdd', example('OperationAppInfoAdd', { applicationNo: app }))).status).toBe(
        202,
      );
      const step = (code: string, name: string) =>
        post('OperationStatusInfoUpdate', statusMessage('OperationStatusInfoUpdate', app, code, name));
      const skip = await step('anesthesiaStart', '麻醉开始');
      expect([skip.status, skip.body.code]).toEqual([422, 'HT_CDR_STATE_ILLEGAL']);
      expect(skip.body.message).toContain('入手术室');
      for (const [code, name] of [
        ['inRoom', '入手术室'],
        ['anesthesiaStart', '麻醉开始'],
        ['3', '手术开始'],
      ] as const) {
        const r = await step(code, name);
        expect(r.status, r.raw).toBe(202);
      }
      expect((await record('operationApplication', app))?.state).toBe('operationStart');
      const back = await step('inRoom', '入手术室');
      expect([back.status, back.body.code]).toEqual([422, 'HT_CDR_STATE_ILLEGAL']);
      const jump = await step('outRoom', '出手术室');
      expect(jump.status).toBe(422);
      const unknown = await step('flying', '飞行');
      expect([unknown.status, unknown.body.code]).toEqual([422, 'HT_CDR_STATE_UNKNOWN']);
      const byName = await step('', '手术结束');
      expect(byName.status, byName.raw).toBe(202);
      expect((await record('operationApplication', app))?.state).toBe('operationEnd');
    });

    it('refunds an examination only before it started', async () => {
      const refund = (applicationNo: string) =>
        post('CheckRefundAdd', example('CheckRefundAdd', { applicationNo, refundNo: `R-${applicationNo}` }));
      expect((await post('CheckAppInfoAdd', example('CheckAppInfoAdd', { applicationNo: 'JC-R1' }))).status).toBe(202);
      expect((await post('CheckAppInfoAdd', example('CheckAppInfoAdd', { applicationNo: 'JC-R2' }))).status).toBe(202);
      // An examination not yet registered cannot have its images arrive; registered, then images: started.
      const step = (code: string) =>
        post('CheckStatusInfoUpdate', statusMessage('CheckStatusInfoUpdate', 'JC-R2', code));
      const early = await step('SC19');
      expect([early.status, early.body.code]).toEqual([422, 'HT_CDR_STATE_ILLEGAL']);
      expect((await step('SC17')).status).toBe(202);
      expect((await step('SC19')).status).toBe(202);
      expect((await record('checkApplication', 'JC-R2'))?.state).toBe('imagesArrived');

      const ok = await refund('JC-R1');
      expect(ok.status, ok.raw).toBe(202);
      expect((await record('checkApplication', 'JC-R1'))?.state).toBe('refunded');
      const late = await refund('JC-R2');
      expect([late.status, late.body.code]).toEqual([422, 'HT_CDR_REFUND_NOT_ALLOWED']);
      expect(late.body.message).toContain('图像到达');
      // A refunded examination takes no more steps.
      const afterRefund = await post('CheckStatusInfoUpdate', statusMessage('CheckStatusInfoUpdate', 'JC-R1', 'SC01'));
      expect([afterRefund.status, afterRefund.body.code]).toEqual([422, 'HT_CDR_STATE_ILLEGAL']);
      const unknown = await refund('JC-NONE');
      expect(unknown.body.code).toBe('HT_CDR_REFERENCE_UNKNOWN');
    });

    it('cancels a transfusion request only before blood is issued, and issues none for a cancelled one', async () => {
      const request = (applicationNo: string) =>
        post('BloodTransAppInfoAdd', example('BloodTransAppInfoAdd', { applicationNo }));
      const cancel = (applicationNo: string) =>
        post('BloodTransAppCancel', example('BloodTransAppCancel', { applicationNo }));
      const issue = (applicationNo: string, bagNo: string) =>
        post('BloodStockOutAdd', example('BloodStockOutAdd', { applicationNo, bagNo }));
      expect((await request('SX-1')).status).toBe(202);
      expect((await request('SX-2')).status).toBe(202);
      expect((await issue('SX-2', 'BAG-9')).status).toBe(202);

      const late = await cancel('SX-2');
      expect([late.status, late.body.code]).toEqual([422, 'HT_CDR_TRANSFUSION_CANCEL_NOT_ALLOWED']);
      expect(late.body.message).toContain('BAG-9');
      const ok = await cancel('SX-1');
      expect(ok.status, ok.raw).toBe(202);
      expect((await record('bloodTransApplication', 'SX-1'))?.state).toBe('cancelled');
      const refused = await issue('SX-1', 'BAG-10');
      expect([refused.status, refused.body.code]).toEqual([422, 'HT_CDR_REFERENCE_CLOSED']);
      const unknown = await issue('SX-404', 'BAG-11');
      expect([unknown.status, unknown.body.code]).toEqual([422, 'HT_CDR_REFERENCE_UNKNOWN']);
    });

    it('enforces the appointment states, including a state the hospital adds', async () => {
      const add = example('OutPatientAppointStatusInfoAdd', {
        encounterAppointmentId: 'YY-1',
        encounterAppointmentStatusCode: 'submitted',
      });
      expect((await post('OutPatientAppointStatusInfoAdd', add)).status).toBe(202);
      const move = (state: string) =>
        post(
          'OutPatientAppointStatusInfoUpdate',
          example('OutPatientAppointStatusInfoUpdate', {
            encounterAppointmentId: 'YY-1',
            encounterAppointmentStatusCode: state,
          }),
        );
      const jump = await move('completed');
      expect([jump.status, jump.body.code]).toEqual([422, 'HT_CDR_STATE_ILLEGAL']);
      expect((await move('待排班')).status).toBe(202);
      expect((await move('scheduled')).status).toBe(202);
      expect((await move('arrived')).body.code).toBe('HT_CDR_STATE_UNKNOWN');

      // The hospital adds 已到诊 between 已排班 and 完成.
      const bad = await t.call('PUT', '/api/cdr/state-machines/outpatientAppointment', {
        cookie,
        body: { states: [{ code: 'arrived', name: '已到诊', nameEn: 'Arrived', next: ['nowhere'] }], transitions: [] },
      });
      expect([bad.status, bad.body.code]).toEqual([400, 'HT_CDR_STATE_MACHINE_INVALID']);
      const put = await t.call('PUT', '/api/cdr/state-machines/outpatientAppointment', {
        cookie,
        body: {
          states: [{ code: 'arrived', name: '已到诊', nameEn: 'Arrived', next: ['completed', 'cancelled'] }],
          transitions: [{ from: 'scheduled', to: 'arrived' }],
        },
      });
      expect(put.status, put.raw).toBe(200);
      expect((await move('已到诊')).status).toBe(202);
      expect((await record('outpatientAppointment', 'YY-1'))?.state).toBe('arrived');
      expect((await move('completed')).status).toBe(202);
      const machines = await t.call('GET', '/api/cdr/state-machines', { cookie });
      expect(machines.body.items.find((m: Json) => m.entity === 'outpatientAppointment').extra.states[0].code).toBe(
        'arrived',
      );
      const audit = await k()
        .selectFrom('audit_log' as never)
        .selectAll()
        .where('action' as never, '=', 'services.cdr.state-machine.update' as never)
        .execute();
      expect(audit.length).toBe(1);
    });

    it('sends 医嘱执行状态 back to the system that placed the order ($originator)', async () => {
      const emr = await addSystem(t.hutong, { code: 'EMR' });
      const topic = await k()
        .selectFrom('topics')
        .select('id')
        .where('code', '=', 'OrderFillerStatusInfoUpdate')
        .executeTakeFirstOrThrow();
      const toHis = await addSubscription(t.hutong, topic.id, system.id, {
        url: 'http://127.0.0.1:9/unused',
        filter: "'HIS' in $originator()",
        paused: true,
      });
      const toEmr = await addSubscription(t.hutong, topic.id, emr.id, {
        url: 'http://127.0.0.1:9/unused',
        filter: "'EMR' in $originator()",
        paused: true,
      });
      await t.hutong.engine.cache.reload();
      const order = example('OrderInfoAdd', { patientId: 'P-ORD' });
      const items = order.component2List as Array<Record<string, unknown>>;
      order.component2List = [{ ...items[0], orderId: 'YZ-9001' }];
      expect((await post('OrderInfoAdd', order)).status).toBe(202);
      expect((await record('order', 'YZ-9001'))?.source_system).toBe('HIS');

      const status = await post(
        'OrderFillerStatusInfoUpdate',
        example('OrderFillerStatusInfoUpdate', { orderId: 'YZ-9001', applicationNo: 'NONE-1' }),
      );
      expect(status.status, status.raw).toBe(202);
      const deliveries = await k()
        .selectFrom('deliveries')
        .select('subscription_id')
        .where('message_id', '=', status.body.messageId)
        .execute();
      expect(deliveries.map((d) => d.subscription_id)).toEqual([toHis.id]);
      void toEmr;
    });

    it('answers every national query test case AA with the service response message', async () => {
      const cases = corpusCases();
      expect(cases).toHaveLength(25);
      for (const c of cases) {
        const service = findV3Service(c.serviceName)!;
        const def = getServiceDefinition(service.action)!;
        // Each case is sent by a system of its own (the cases share one message id).
        const sender = await addSystem(t.hutong);
        const { answer: soapAnswer, body } = await postToHip(
          t.hutong,
          soapRequest('cxf11', service.action, c.text, 'cdata'),
          sender.secret,
        );
        expect(soapAnswer.kind, `${c.file}: ${body.slice(0, 300)}`).toBe('result');
        if (soapAnswer.kind !== 'result') continue;
        const answer = parseV3(soapAnswer.result);
        expect(answer.rootElement, c.file).toBe(def.response);
        expect(answer.acknowledgement?.typeCode, c.file).toBe('AA');
        expect(answer.acknowledgement?.targetMessageId, c.file).toBe(parseV3(c.text).messageId);
        expect(answer.queryAck?.queryResponseCode, c.file).toMatch(/^(OK|NF)$/);
      }
      // The 检查申请 case asks for application 123456 of patient 88880000684123: once known, it is found.
      await post(
        'CheckAppInfoAdd',
        example('CheckAppInfoAdd', { applicationNo: '123456', patientId: '88880000684123' }),
      );
      const c = cases.find((x) => x.file.startsWith('EMR-PL-40'))!;
      const sender = await addSystem(t.hutong);
      const { answer: a, body } = await postToHip(
        t.hutong,
        soapRequest('cxf11', 'CheckAppInfoQuery', c.text, 'cdata'),
        sender.secret,
      );
      if (a.kind !== 'result') throw new Error(body);
      const found = parseV3(a.result);
      expect(found.queryAck?.resultTotalQuantity).toBe(1);
      expect(a.result).toContain('123456');
      void system;
    });
  });
}
