// Writing the repository: the CDR is an internal subscriber of every interaction-service topic, working inside the
// ingest transaction (src/engine/ingest/pipeline.ts, TransactionalSubscriber). For one message:
//   prepare (before the write, no database): V3 → the service's canonical JSON, checked against the service's
//     fields (missing required field, wrong type → refused), split into targets (one per entity the message names),
//     each with its key and the state it carries;
//   apply (in the transaction): check everything — the record exists where it must, references exist, the state
//     transition is legal, 检查退费 / 取消输血 rules — then write the records, their history and identifiers.
// A refusal (HtError) leaves nothing but the message, recorded as rejected with the reason; the caller gets AE.
import { newId } from '../../platform/ids/index.js';
import { fromJson, toJson } from '../../platform/db/index.js';
import { HtError } from '../../platform/errors/index.js';
import type { TopicConfig } from '../../engine/config/cache.js';
import type { InboundMessage, TransactionalSubscriber, TransactionalWork } from '../../engine/ingest/pipeline.js';
import type { EngineTransaction } from '../../engine/writer.js';
import { getServiceDefinition } from '../catalogue/catalogue.js';
import { validateServiceJson } from '../catalogue/json-schema.js';
import { v3ToJson } from '../catalogue/mapper.js';
import type { ServiceDefinition, ServiceField } from '../catalogue/types.js';
import { bindingOf, cdrEntity, type CdrBinding } from './bindings.js';
import { identifierValues } from './identifiers.js';
import { checkTransition, machineOf, resolveState, stateName, type StateMachineExtra } from './states.js';
import type { CdrRecordsTable, CdrTables } from './tables.js';

export const CDR_LANE = 'cdr';

/** One entity a message changes. */
export interface CdrTarget {
  key: string;
  /** The message's JSON for this entity: the whole message, or its header with only this item of a split list. */
  data: Record<string, unknown>;
  /** The raw state values the message carries (code, name …), first non-empty of the binding's state fields. */
  stateValues: string[];
  index: {
    patientId: string | null;
    patientName: string | null;
    visitNo: string | null;
    orderNo: string | null;
    applicationNo: string | null;
  };
  eventTime: string | null;
}

function text(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** 2024-03-05T08:30:00+08:00, 20240305083000, 2024-03-05 → 14 digits (missing parts as zeros). */
export function timeDigits(v: unknown): string | null {
  const s = text(v);
  if (!s) return null;
  const digits = s.replace(/[+-]\d{2}:?\d{2}$|Z$/, '').replace(/\D/g, '');
  if (digits.length < 8) return null;
  return digits.slice(0, 14).padEnd(14, '0');
}

function firstTime(fields: readonly ServiceField[], json: Record<string, unknown>): string | null {
  for (const f of fields) {
    if ((f.type === 'datetime' || f.type === 'date') && json[f.key] !== undefined) {
      const t = timeDigits(json[f.key]);
      if (t) return t;
    }
  }
  return null;
}

/** The targets of one message (throws HT_CDR_KEY_MISSING naming the key fields). */
export function targetsOf(def: ServiceDefinition, binding: CdrBinding, json: Record<string, unknown>): CdrTarget[] {
  const items: Array<Record<string, unknown> | null> = [];
  if (binding.splitBy) {
    const list = json[binding.splitBy];
    if (Array.isArray(list) && list.length > 0) {
      for (const item of list) items.push(item && typeof item === 'object' ? (item as Record<string, unknown>) : {});
    } else items.push({});
  } else items.push(null);
  const listField = binding.splitBy ? def.fields.find((f) => f.key === binding.splitBy) : undefined;
  return items.map((item) => {
    const pick = (key: string) => text(item?.[key]) ?? text(json[key]);
    const parts = binding.keyFields.map(pick);
    if (parts.length === 0 || parts.some((p) => p === null)) {
      const entity = cdrEntity(binding.entity);
      throw new HtError('HT_CDR_KEY_MISSING', {
        service: def.action,
        entity: entity?.name ?? binding.entity,
        fields: binding.keyFields.join(', ') || '(未定义)',
      });
    }
    const data = item && binding.splitBy ? { ...json, [binding.splitBy]: [item] } : json;
    const ix = def.indexFields;
    const fromIndex = (name: keyof typeof ix) => (ix[name] ? pick(ix[name]!) : null);
    return {
      key: (parts as string[]).join('|').slice(0, 500),
      data,
      stateValues: binding.stateFrom.map(pick).filter((v): v is string => v !== null),
      index: {
        patientId: fromIndex('patientId') ?? (binding.entity === 'patient' ? parts[0]! : null),
        patientName: fromIndex('patientName'),
        visitNo: fromIndex('visitNo'),
        orderNo: fromIndex('orderNo') ?? (binding.entity === 'order' ? parts[0]! : null),
        applicationNo: fromIndex('applicationNo'),
      },
      eventTime: (listField?.fields && item ? firstTime(listField.fields, item) : null) ?? firstTime(def.fields, json),
    };
  });
}

type Trx = EngineTransaction;

function k(trx: Trx) {
  return trx.withTables<CdrTables>();
}

async function loadExtra(trx: Trx, entity: string): Promise<StateMachineExtra | null> {
  const row = await k(trx)
    .selectFrom('cdr_state_machines')
    .select('extra')
    .where('entity', '=', entity)
    .executeTakeFirst();
  return row ? fromJson<StateMachineExtra>(row.extra) : null;
}

async function findRecord(trx: Trx, entity: string, key: string): Promise<CdrRecordsTable | undefined> {
  return k(trx)
    .selectFrom('cdr_records')
    .selectAll()
    .where('entity', '=', entity)
    .where('key', '=', key)
    .executeTakeFirst();
}

/** Checks the message's targets and writes them (see the file header). */
export async function applyTargets(
  trx: Trx,
  def: ServiceDefinition,
  binding: CdrBinding,
  targets: CdrTarget[],
  message: { id: string; receivedAt: string; system?: string | null },
): Promise<void> {
  const entity = cdrEntity(binding.entity)!;
  const extra = entity.states.length > 0 || binding.stateFrom.length > 0 ? await loadExtra(trx, binding.entity) : null;
  const machine = machineOf(entity.states, extra);

  // ---- check phase: nothing is written until every target passed -------------------------------------------------
  const plans: Array<{ target: CdrTarget; existing: CdrRecordsTable | undefined; state: string | null }> = [];
  const seenInMessage = new Map<string, string | null>();
  for (const target of targets) {
    const existing = await findRecord(trx, binding.entity, target.key);
    if (binding.requireExisting && !existing) {
      throw new HtError('HT_CDR_REFERENCE_UNKNOWN', {
        service: def.name,
        entity: entity.name,
        key: target.key,
      });
    }
    for (const ref of binding.references) await checkReference(trx, def, binding, ref, target);
    let current = seenInMessage.has(target.key) ? seenInMessage.get(target.key)! : (existing?.state ?? null);
    if (current !== null && isClosed(current, machine)) {
      if (binding.operation !== 'add' && binding.operation !== 'publish') {
        throw new HtError('HT_CDR_STATE_ILLEGAL', {
          entity: entity.name,
          key: target.key,
          from: closedName(current),
          to: def.name,
          allowed: '（无，已是终态）',
          allowedEn: '(none: final state)',
        });
      }
      current = null; // a new add for a closed key starts over (e.g. a re-registered card)
    }
    if (binding.guard) await checkGuard(trx, binding.guard, entity.name, target.key, current, machine);
    let state: string | null = current;
    if (binding.endState) {
      state = binding.endState;
    } else if (target.stateValues.some((v) => binding.neutralSteps?.includes(v))) {
      // A step that does not move the state (recorded in the history and the status message only).
    } else if (target.stateValues.length > 0) {
      if (machine) {
        // The first of the message's state values that names a state (a code, else its display name).
        const to = target.stateValues.map((v) => resolveState(machine, v)).find((s) => s !== undefined);
        if (!to) {
          throw new HtError('HT_CDR_STATE_UNKNOWN', {
            entity: entity.name,
            value: target.stateValues.join(' / ').slice(0, 64),
            states: machine.states.map((s) => `${s.code}（${s.name}）`).join('、'),
          });
        }
        // An add reports a record created elsewhere, in whatever state it is; a change must follow the machine.
        const creates = current === null && (binding.operation === 'add' || binding.operation === 'publish');
        if (!creates) checkTransition(machine, entity.name, target.key, current, to.code);
        state = to.code;
      } else {
        state = target.stateValues[0]!.slice(0, 64);
      }
    }
    seenInMessage.set(target.key, state);
    plans.push({ target, existing, state });
  }

  // ---- write phase ------------------------------------------------------------------------------------------------
  const at = message.receivedAt;
  for (const { target, existing, state } of plans) {
    const status = binding.operation === 'status';
    const changesData =
      !status && binding.operation !== 'cancel' && binding.operation !== 'delete' && binding.operation !== 'merge';
    const data: Record<string, unknown> = changesData
      ? { ...(existing ? (fromJson<Record<string, unknown>>(existing.data) ?? {}) : {}), ...target.data }
      : existing
        ? (fromJson<Record<string, unknown>>(existing.data) ?? {})
        : target.data;
    if (binding.operation === 'merge' && binding.survivorField) data.mergedInto = target.data[binding.survivorField];
    const ix = target.index;
    const columns = {
      state,
      patient_id: (changesData ? ix.patientId : null) ?? existing?.patient_id ?? ix.patientId,
      patient_name: (changesData ? ix.patientName : null) ?? existing?.patient_name ?? ix.patientName,
      visit_no: (changesData ? ix.visitNo : null) ?? existing?.visit_no ?? ix.visitNo,
      order_no: (changesData ? ix.orderNo : null) ?? existing?.order_no ?? ix.orderNo,
      application_no: (changesData ? ix.applicationNo : null) ?? existing?.application_no ?? ix.applicationNo,
      event_time: existing?.event_time ?? target.eventTime,
      data: toJson(data)!,
      ...(status ? { status_data: toJson(target.data) } : {}),
      updated_at: at,
      last_service: def.action,
      last_message_id: message.id,
    };
    let id: string;
    let version: number;
    if (existing) {
      id = existing.id;
      version = existing.version + 1;
      await k(trx)
        .updateTable('cdr_records')
        .set({ ...columns, version })
        .where('id', '=', id)
        .execute();
    } else {
      id = newId();
      version = 1;
      await k(trx)
        .insertInto('cdr_records')
        .values({
          id,
          entity: binding.entity,
          key: target.key,
          status_data: null,
          source_system: message.system ?? null,
          ...columns,
          version,
          created_at: at,
        })
        .execute();
    }
    await k(trx)
      .insertInto('cdr_history')
      .values({
        record_id: id,
        version,
        service: def.action,
        operation: binding.operation,
        state,
        message_id: message.id,
        at,
        data: toJson(target.data)!,
      })
      .execute();
    if (changesData) {
      const ids = identifierValues(binding.entity, data, target.key);
      await k(trx).deleteFrom('cdr_identifiers').where('record_id', '=', id).execute();
      if (ids.length > 0) {
        await k(trx)
          .insertInto('cdr_identifiers')
          .values(ids.map(([name, value]) => ({ record_id: id, name, value })))
          .execute();
      }
    }
  }
}

const CLOSED = new Map([
  ['refunded', '已退费'],
  ['cancelled', '已取消'],
  ['deleted', '已删除'],
  ['merged', '已合并'],
]);

/** States after which nothing more may happen to the record: end states set by cancellations, not by the machine. */
function isClosed(state: string, machine: ReturnType<typeof machineOf>): boolean {
  if (machine?.states.some((s) => s.code === state)) return false;
  return CLOSED.has(state);
}

function closedName(state: string): string {
  return CLOSED.get(state) ?? state;
}

async function checkReference(
  trx: Trx,
  def: ServiceDefinition,
  binding: CdrBinding,
  ref: CdrBinding['references'][number],
  target: CdrTarget,
): Promise<void> {
  const list = binding.splitBy ? target.data[binding.splitBy] : undefined;
  const item = Array.isArray(list) ? (list[0] as Record<string, unknown> | undefined) : undefined;
  const pick = (field: string) => text(item?.[field]) ?? text(target.data[field]);
  const tried: string[] = [];
  for (const { entity, field } of ref.anyOf) {
    const value = pick(field);
    if (value === null) continue;
    const record = await findRecord(trx, entity, value);
    const name = cdrEntity(entity)?.name ?? entity;
    if (record) {
      if (record.state && ref.notInStates?.includes(record.state)) {
        throw new HtError('HT_CDR_REFERENCE_CLOSED', {
          service: def.name,
          entity: name,
          key: value,
          state: closedName(record.state),
        });
      }
      return;
    }
    tried.push(`${name} ${value}`);
  }
  throw new HtError('HT_CDR_REFERENCE_UNKNOWN', {
    service: def.name,
    entity:
      tried.length > 0 ? tried.join(' / ') : ref.anyOf.map((r) => cdrEntity(r.entity)?.name ?? r.entity).join(' / '),
    key: tried.length > 0 ? '' : `(${ref.anyOf.map((r) => r.field).join('/')} 为空)`,
  });
}

async function checkGuard(
  trx: Trx,
  guard: NonNullable<CdrBinding['guard']>,
  entityName: string,
  key: string,
  current: string | null,
  machine: ReturnType<typeof machineOf>,
): Promise<void> {
  if (guard === 'checkNotStarted') {
    // 检查退费: only while the examination has not started (no state yet, or only 检查登记).
    if (current !== null && current !== 'registered') {
      throw new HtError('HT_CDR_REFUND_NOT_ALLOWED', { key, state: stateName(machine, current) });
    }
    return;
  }
  // 取消输血申请: only before blood was issued for it (a 血液出库 not itself cancelled).
  const issued = await k(trx)
    .selectFrom('cdr_records')
    .select(['key', 'state'])
    .where('application_no', '=', key)
    .where('entity', '=', 'bloodStockOut')
    .execute();
  const bag = issued.find((r) => r.state !== 'cancelled');
  if (bag) throw new HtError('HT_CDR_TRANSFUSION_CANCEL_NOT_ALLOWED', { key, bagNo: bag.key });
  void entityName;
}

/** The CDR as the engine's internal subscriber of the interaction-service topics of one domain. */
export function cdrSubscriber(domainCode: string): TransactionalSubscriber {
  return {
    prepare(topic: TopicConfig, input: InboundMessage): TransactionalWork | null {
      if (topic.domainCode !== domainCode || topic.model.toUpperCase() !== 'HL7V3') return null;
      const def = getServiceDefinition(topic.code);
      if (!def || def.action !== topic.code || def.operation === 'query') return null;
      const binding = bindingOf(def.action);
      if (!binding) return null;
      const json = v3ToJson(def, input.body);
      const problems = validateServiceJson(def, json);
      if (problems.length > 0) {
        const first = problems[0]!;
        throw new HtError(
          'HT_SERVICE_FIELDS_INVALID',
          { service: def.action, count: problems.length, first: first.message, firstEn: first.messageEn },
          { errors: problems.map((p) => ({ path: p.path, message: p.message, messageEn: p.messageEn })) },
        );
      }
      const targets = targetsOf(def, binding, json);
      const system = input.system?.code ?? null;
      return {
        lane: CDR_LANE,
        apply: (trx, message) => applyTargets(trx, def, binding, targets, { ...message, system }),
      };
    },
  };
}
