// Every service of the catalogue end to end, over REST (canonical JSON) and over HIPMessageServer (V3 XML): what the
// example refers to is created first (exampleScenario), each service's keys are its own (a suffix per service and
// transport), the reply is checked (202 / MCCI AA; queries: the service's response message, AA) and so is the stored
// state (the repository record of every entity the message names points at this message, with a history entry).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/app.js';
import { dialectsUnderTest } from '../../../test/support/databases.js';
import { addSystem } from '../../../test/support/engine.js';
import { soapRequest } from '../../engine/adapters/inbound/soap/clients.testutil.js';
import type { EngineTables } from '../../engine/tables.js';
import { parseV3 } from '../../formats/hl7v3/index.js';
import { newId } from '../../platform/ids/index.js';
import { getServiceDefinition, listServiceDefinitions } from '../catalogue/catalogue.js';
import { jsonToV3 } from '../catalogue/mapper.js';
import type { ServiceField } from '../catalogue/types.js';
import { bindingOf } from './bindings.js';
import { postToHip } from './hip.testutil.js';
import { targetsOf } from './record.js';
import { exampleScenario, type ScenarioStep } from './scenario.js';
import type { CdrTables } from './tables.js';

/** The scenario with every key and reference value made unique to this run (value → value + suffix). */
function isolated(steps: ScenarioStep[], suffix: string): ScenarioStep[] {
  const values = new Set<string>();
  for (const step of steps) {
    const def = getServiceDefinition(step.action)!;
    const binding = bindingOf(step.action);
    if (!binding) continue;
    // Coded key parts (a document type code) keep their value: only identifiers are made unique.
    const coded = new Set<string>();
    const walk = (fs: readonly ServiceField[]): void =>
      fs.forEach((f) => (f.options ? coded.add(f.key) : f.fields ? walk(f.fields) : undefined));
    walk(def.fields);
    const fields = [...binding.keyFields, ...binding.references.flatMap((r) => r.anyOf.map((o) => o.field))].filter(
      (f) => !coded.has(f),
    );
    if (binding.survivorField) fields.push(binding.survivorField);
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(collect);
      if (!node || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
        if (fields.includes(k) && (typeof v === 'string' || typeof v === 'number') && String(v) !== '') {
          values.add(String(v));
        } else collect(v);
      }
    };
    collect(step.json);
  }
  const replace = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(replace);
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, replace(v)]));
    }
    if ((typeof node === 'string' || typeof node === 'number') && values.has(String(node))) return `${node}${suffix}`;
    return node;
  };
  return steps.map((s) => ({ action: s.action, json: replace(s.json) as Record<string, unknown> }));
}

const services = listServiceDefinitions();

for (const dialect of dialectsUnderTest()) {
  describe(`Every interaction service end to end on ${dialect.name}`, () => {
    let t: TestApp;
    let secret: string;
    const k = () => t.hutong.db.kysely.withTables<EngineTables & CdrTables>();

    beforeAll(async () => {
      t = await startTestApp(dialect, { services: { seedTopics: true } });
      secret = (await addSystem(t.hutong, { code: 'HIS' })).secret;
    }, 120_000);
    afterAll(async () => {
      await t.close();
    });

    const rest = (action: string, json: unknown) =>
      t.call('POST', `/api/hip/default/${action}`, {
        body: JSON.stringify(json),
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      });

    const soap = async (action: string, json: Record<string, unknown>) => {
      const def = getServiceDefinition(action)!;
      const id = newId();
      const v3 = jsonToV3(def, json, { sender: 'HIS', receiver: 'HUTONG', id });
      const { answer, body } = await postToHip(t.hutong, soapRequest('dotnet12', action, v3, 'cdata'), secret);
      if (answer.kind !== 'result') return { id, v3: undefined, raw: body };
      return { id, v3: parseV3(answer.result), raw: answer.result };
    };

    /** Problems with the stored state after `action` (message `messageId`) carried `json`. */
    async function storedState(action: string, json: Record<string, unknown>, messageId: string): Promise<string[]> {
      const def = getServiceDefinition(action)!;
      const binding = bindingOf(action);
      if (!binding) return [];
      const problems: string[] = [];
      for (const target of targetsOf(def, binding, json)) {
        const rec = await k()
          .selectFrom('cdr_records')
          .selectAll()
          .where('entity', '=', binding.entity)
          .where('key', '=', target.key)
          .executeTakeFirst();
        if (!rec) {
          problems.push(`${action}: no ${binding.entity} ${target.key}`);
          continue;
        }
        if (rec.last_message_id !== messageId) problems.push(`${action}: ${target.key} not updated by its message`);
        const history = await k()
          .selectFrom('cdr_history')
          .select('service')
          .where('record_id', '=', rec.id)
          .where('message_id', '=', messageId)
          .execute();
        if (history.length === 0 || history[0]!.service !== action) problems.push(`${action}: no history entry`);
        if (binding.endState && rec.state !== binding.endState) {
          problems.push(`${action}: state ${rec.state}, expected ${binding.endState}`);
        }
      }
      return problems;
    }

    it('over REST with the canonical JSON', async () => {
      const failures: string[] = [];
      for (const [i, def] of services.entries()) {
        const steps = isolated(exampleScenario(def.action), `-R${i}`);
        for (const step of steps) {
          const res = await rest(step.action, step.json);
          const query = getServiceDefinition(step.action)!.operation === 'query';
          if (res.status !== (query ? 200 : 202)) {
            failures.push(`${def.action} (${step.action}): ${res.status} ${res.raw.slice(0, 200)}`);
            break;
          }
          if (query) {
            if (def.response && (res.body.interactionId !== def.response || res.body.ackCode !== 'AA')) {
              failures.push(`${def.action}: answer ${res.raw.slice(0, 200)}`);
            }
            const row = await k()
              .selectFrom('messages')
              .select('status')
              .where('id', '=', String(res.headers['x-hutong-message-id']))
              .executeTakeFirst();
            if (row?.status !== 'answered') failures.push(`${def.action}: stored as ${row?.status}`);
          } else failures.push(...(await storedState(step.action, step.json, res.body.messageId)));
        }
      }
      expect(failures).toEqual([]);
    }, 300_000);

    it('over HIPMessageServer with V3 XML', async () => {
      const failures: string[] = [];
      for (const [i, def] of services.entries()) {
        const steps = isolated(exampleScenario(def.action), `-S${i}`);
        for (const step of steps) {
          const sdef = getServiceDefinition(step.action)!;
          const a = await soap(step.action, step.json);
          if (!a.v3) {
            failures.push(`${def.action} (${step.action}): fault ${a.raw.slice(0, 200)}`);
            break;
          }
          const expected = sdef.response ?? 'MCCI_IN000002UV01';
          if (a.v3.rootElement !== expected || a.v3.acknowledgement?.typeCode !== 'AA') {
            failures.push(
              `${def.action} (${step.action}): ${a.v3.rootElement} ${a.v3.acknowledgement?.typeCode} ` +
                `${a.v3.acknowledgement?.texts.join(' ').slice(0, 200)}`,
            );
            break;
          }
          if (a.v3.acknowledgement?.targetMessageId !== a.id) failures.push(`${step.action}: wrong targetMessage`);
          const row = await k()
            .selectFrom('messages')
            .select(['id', 'status'])
            .where('source_message_id', '=', a.id)
            .executeTakeFirstOrThrow();
          if (sdef.operation === 'query') {
            if (row.status !== 'answered') failures.push(`${step.action}: stored as ${row.status}`);
          } else failures.push(...(await storedState(step.action, step.json, row.id)));
        }
      }
      expect(failures).toEqual([]);
    }, 300_000);
  });
}
