// The demo as a living integration test: the start-up tour and a few seconds of the simulated hospital at a high
// rate, in a temp data directory on free ports. Checks that every service of the catalogue reached Hutong and was
// taken — consistent with the clinical data repository: nothing refused but the labelled bad messages, whose
// reasons are of their kind — that traffic came over each protocol (WebService, MLLP, REST), that the tender's
// fan-out examples reached their systems (医嘱执行状态 only the one that placed the order), that queries were
// answered by the repository and by a system of record, and that the deliberate failures were recorded.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineTables } from '../engine/tables.js';
import type { CdrTables } from '../services/cdr/tables.js';
import { listServiceDefinitions } from '../services/index.js';
import { startDemo, type RunningDemo } from './index.js';
import { BAD_KINDS, type BadKind } from './workflows.js';

/** What Hutong says when it refuses each labelled kind of bad message (the messages table keeps the English text). */
const REASONS: Record<BadKind, RegExp> = {
  malformed: /The message body cannot be parsed \((HL7V3|JSON|HL7V2)\)/,
  unknownReference: /the referenced .* does not exist/,
  illegalState: /cannot move to/,
};

describe('hutong demo', () => {
  let dir: string;
  let demo: RunningDemo | undefined;
  const db = () => demo!.hutong.db.kysely.withTables<EngineTables & CdrTables>();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hutong-demo-test-'));
    demo = await startDemo({
      env: {
        HUTONG_HOST: '127.0.0.1',
        HUTONG_PORT: '0',
        HUTONG_MLLP_PORT: '0',
        HUTONG_DATA_DIR: dir,
        HUTONG_CONFIG: '/dev/null',
        HUTONG_LOG_LEVEL: 'silent',
      },
      rate: 60,
      failRate: 0.05,
      dailyPattern: false,
      seed: 42,
    });
    await demo.startup;
    // A few seconds of the hospital's day after the tour, then let every message on its way be answered.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    await demo.pause();
    // Deliveries retry within a few seconds (backoff 0.5–4 s): give the first failed attempts time to be recorded.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }, 55_000);

  afterAll(async () => {
    await demo?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends over the WebService, MLLP and REST, and every call is answered', () => {
    const { sent } = demo!.stats;
    expect(sent.soap.accepted).toBeGreaterThan(100);
    expect(sent.mllp.accepted).toBeGreaterThan(1);
    expect(sent.rest.accepted).toBeGreaterThan(10);
    expect(sent.soap.error + sent.mllp.error + sent.rest.error).toBe(0);
  });

  it('sends every service of the catalogue, and Hutong takes each', async () => {
    const rows = await db()
      .selectFrom('messages')
      .innerJoin('topics', 'topics.id', 'messages.topic_id')
      .select(['topics.code as code', 'messages.status as status'])
      .where('messages.status', '<>', 'rejected')
      .groupBy(['topics.code', 'messages.status'])
      .execute();
    const taken = new Set(rows.map((r) => r.code));
    const missing = listServiceDefinitions()
      .map((d) => d.action)
      .filter((a) => !taken.has(a));
    expect(missing).toEqual([]);
    for (const topic of ['LabReportV2', 'CheckStatusV2', 'KioskAppointment', 'KioskPayment'])
      expect(taken).toContain(topic);
    // Queries with no provider were answered by the repository itself.
    expect(rows.some((r) => r.status === 'answered')).toBe(true);
  });

  it('is consistent with the clinical data repository: only the labelled bad messages are refused', async () => {
    const { stats } = demo!;
    expect(stats.unexpected).toEqual({});
    for (const kind of BAD_KINDS) {
      expect(stats.deliberate[kind].sent, kind).toBeGreaterThan(0);
      expect(stats.deliberate[kind].refused, kind).toBe(stats.deliberate[kind].sent);
    }
    const rejected = await db()
      .selectFrom('messages')
      .innerJoin('topics', 'topics.id', 'messages.topic_id')
      .select(['topics.code as code', 'messages.error as error', 'messages.inbound as inbound'])
      .where('messages.status', '=', 'rejected')
      .execute();
    const unlabelled = rejected.filter((r) => !BAD_KINDS.some((k) => REASONS[k].test(r.error ?? '')));
    expect(unlabelled).toEqual([]);
    // Each refusal of the repository is one the demo sent on purpose (malformed ones may be refused before a
    // message is stored: an HL7 v2 event nobody mapped).
    const count = (k: BadKind) => rejected.filter((r) => REASONS[k].test(r.error ?? '')).length;
    expect(count('unknownReference')).toBe(stats.deliberate.unknownReference.sent);
    expect(count('illegalState')).toBe(stats.deliberate.illegalState.sent);
    // The tour sends one of each (V3, JSON, HL7 v2): the V3 and JSON ones are stored as rejected.
    expect(count('malformed')).toBeGreaterThanOrEqual(2);
    expect(count('malformed')).toBeLessThanOrEqual(stats.deliberate.malformed.sent);
  });

  it('keeps the hospital’s records in the repository, in the states its workflows reached', async () => {
    const states = await db()
      .selectFrom('cdr_records')
      .select(['entity', 'state'])
      .where('state', 'is not', null)
      .groupBy(['entity', 'state'])
      .execute();
    const has = (entity: string, state: string) => states.some((s) => s.entity === entity && s.state === state);
    expect(has('checkApplication', 'refunded')).toBe(true);
    expect(has('bloodTransApplication', 'cancelled')).toBe(true);
    expect(has('criticalValue', 'handled')).toBe(true);
    expect(states.some((s) => s.entity === 'operationApplication')).toBe(true);
    expect(states.some((s) => s.entity === 'checkApplication' && s.state !== 'refunded')).toBe(true);
  });

  it('fans out as the tender shows: 门诊挂号 → HIS, 手术排班 → 护理 and 手麻, 医嘱执行状态 → the placer', async () => {
    const { received } = demo!.stats;
    expect(received.HIS!.topics.OutPatientInfoAdd).toBeGreaterThan(0);
    expect(received.NURSING!.topics.OperationScheduleInfoAdd).toBeGreaterThan(0);
    expect(received.ANES!.topics.OperationScheduleInfoAdd).toBeGreaterThan(0);
    expect(received.HIS!.topics.OrderFillerStatusInfoUpdate).toBeGreaterThan(0);
    expect(received.CHECKUP!.topics.OrderFillerStatusInfoUpdate).toBeGreaterThan(0);
    // Each 医嘱执行状态 went to the system that placed the order, and to no other.
    const deliveries = await db()
      .selectFrom('deliveries')
      .innerJoin('messages', 'messages.id', 'deliveries.message_id')
      .innerJoin('topics', 'topics.id', 'messages.topic_id')
      .innerJoin('subscriptions', 'subscriptions.id', 'deliveries.subscription_id')
      .innerJoin('systems', 'systems.id', 'subscriptions.system_id')
      .select(['systems.code as system', 'messages.order_no as orderNo', 'messages.id as id'])
      .where('topics.code', '=', 'OrderFillerStatusInfoUpdate')
      .execute();
    expect(deliveries.length).toBeGreaterThan(0);
    for (const d of deliveries) expect(d.system, d.orderNo ?? '').toBe(d.orderNo?.startsWith('TJ') ? 'CHECKUP' : 'HIS');
    expect(new Set(deliveries.map((d) => d.id)).size).toBe(deliveries.length);
  });

  it('proxies a couple of queries to their system of record', () => {
    const { received } = demo!.stats;
    expect(received.HIS!.topics.PatientInfoQuery ?? 0).toBeGreaterThan(0);
    expect(received.LIS!.topics.ExamStatusInfoQuery ?? 0).toBeGreaterThan(0);
  });

  it('records the failed deliveries a receiver answers with an error, and retries them', async () => {
    const failed = Object.values(demo!.stats.received).reduce((n, r) => n + r.failed, 0);
    expect(failed).toBeGreaterThan(0);
    const metrics = await (await fetch(`${demo!.url}metrics`)).text();
    const failedAttempts = [
      ...metrics.matchAll(/^hutong_engine_delivery_attempts_failed_total\{[^}]*\} (\d+)/gm),
    ].reduce((n, m) => n + Number(m[1]), 0);
    expect(failedAttempts).toBeGreaterThan(0);
  });
});
