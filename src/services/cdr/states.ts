// State machines of the repository's entities: the catalogue's machine (手术状态 in the tender's order, 检查状态,
// 预约 已提交/待排班/已排班/拒绝/取消/完成, payments, 危急值) plus the states and transitions a hospital adds
// (cdr_state_machines, edited in the console). A value in a message names a state by its code, its Chinese name or
// its position (1 = the first state), as hospital systems variously do.
import { HtError } from '../../platform/errors/index.js';
import type { ServiceState } from '../catalogue/types.js';

/** States and transitions a hospital added to an entity's machine. `from: ''` is the start (no state yet). */
export interface StateMachineExtra {
  states: ServiceState[];
  transitions: Array<{ from: string; to: string }>;
}

export interface StateMachine {
  states: ServiceState[];
  /** Codes a record without a state may enter. */
  initial: Set<string>;
  next: Map<string, Set<string>>;
}

/** The effective machine: the catalogue's states, then the hospital's extra states and transitions. */
export function machineOf(base: readonly ServiceState[], extra?: StateMachineExtra | null): StateMachine | undefined {
  const states = [...base, ...(extra?.states ?? []).filter((s) => !base.some((b) => b.code === s.code))];
  if (states.length === 0) return undefined;
  const next = new Map<string, Set<string>>();
  for (const s of states) next.set(s.code, new Set(s.next));
  const reachable = new Set(states.flatMap((s) => s.next));
  const initial = new Set(states.filter((s) => !reachable.has(s.code)).map((s) => s.code));
  for (const t of extra?.transitions ?? []) {
    if (t.from === '') initial.add(t.to);
    else next.get(t.from)?.add(t.to);
  }
  return { states, initial, next };
}

/**
 * HL7 V3 ActStatus codes (what 预约 and payment messages carry in statusCode/@code) → the catalogue's states, used
 * when the machine has that state: new 已提交, held 待排班, active 已排班 (an appointment booked), completed 完成,
 * cancelled / aborted 取消, nullified 拒绝.
 */
const V3_ACT_STATUS: Record<string, string[]> = {
  new: ['submitted'],
  held: ['pending'],
  suspended: ['pending'],
  active: ['scheduled', 'paid', 'recharged', 'reported'],
  completed: ['completed', 'settled', 'handled'],
  cancelled: ['cancelled'],
  aborted: ['cancelled'],
  inactive: ['cancelled'],
  nullified: ['rejected', 'cancelled'],
};

/** The state a message value names (code, Chinese name, V3 ActStatus or 1-based position), or undefined. */
export function resolveState(machine: StateMachine, value: string): ServiceState | undefined {
  const v = value.trim();
  const byCode = machine.states.find((s) => s.code === v || s.code.toLowerCase() === v.toLowerCase());
  if (byCode) return byCode;
  const byName = machine.states.find(
    (s) => s.name === v || s.nameEn.toLowerCase() === v.toLowerCase() || s.aliases?.includes(v),
  );
  if (byName) return byName;
  for (const code of V3_ACT_STATUS[v.toLowerCase()] ?? []) {
    const s = machine.states.find((x) => x.code === code);
    if (s) return s;
  }
  if (/^\d{1,2}$/.test(v)) return machine.states[Number(v) - 1];
  return undefined;
}

export function stateName(machine: StateMachine | undefined, code: string | null): string {
  if (code === null) return '无';
  return machine?.states.find((s) => s.code === code)?.name ?? code;
}

/**
 * Checks a transition; throws HT_CDR_STATE_ILLEGAL. Staying in the same state is allowed (a message sent twice).
 * Terminal states outside the machine (refunded, cancelled, merged, deleted) allow nothing further.
 */
export function checkTransition(
  machine: StateMachine,
  entityName: string,
  key: string,
  from: string | null,
  to: string,
): void {
  if (from === to) return;
  const allowed = from === null ? machine.initial : (machine.next.get(from) ?? new Set<string>());
  if (allowed.has(to)) return;
  const names = [...allowed].map((c) => stateName(machine, c));
  throw new HtError('HT_CDR_STATE_ILLEGAL', {
    entity: entityName,
    key,
    from: stateName(machine, from),
    to: stateName(machine, to),
    allowed: names.length > 0 ? names.join('、') : '（无，已是终态）',
    allowedEn: names.length > 0 ? [...allowed].join(', ') : '(none: final state)',
  });
}

/** Problems of a hospital's extra machine against the base (unknown codes, duplicates). Empty when valid. */
export function checkExtra(base: readonly ServiceState[], extra: StateMachineExtra): string[] {
  const problems: string[] = [];
  const codes = new Set(base.map((s) => s.code));
  for (const s of extra.states) {
    if (codes.has(s.code)) problems.push(`状态编码重复：${s.code}`);
    codes.add(s.code);
  }
  for (const s of extra.states) {
    for (const n of s.next) if (!codes.has(n)) problems.push(`状态 ${s.code} 的后继状态不存在：${n}`);
  }
  for (const t of extra.transitions) {
    if (t.from !== '' && !codes.has(t.from)) problems.push(`流转的起始状态不存在：${t.from}`);
    if (!codes.has(t.to)) problems.push(`流转的目标状态不存在：${t.to}`);
  }
  return problems;
}
