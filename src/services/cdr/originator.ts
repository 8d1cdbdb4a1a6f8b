// $originator(): the systems whose messages created the records the current message refers to — so a subscription
// can send 医嘱执行状态 back to the system that placed the order: filter `'HIS' in $originator()`. Registered with the
// engine's expressions at start-up; it reads the repository (committed state), never the message store.
import type { Database } from '../../platform/db/index.js';
import type { ExpressionFocus, MessageMeta, Transforms } from '../../engine/transforms/index.js';
import { getServiceDefinition } from '../catalogue/catalogue.js';
import { v3ToJson } from '../catalogue/mapper.js';
import { bindingOf } from './bindings.js';
import { targetsOf } from './record.js';
import { cdrKysely } from './search.js';

function text(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number') return String(v);
  return null;
}

/** (entity, key) pairs the message of `action` refers to: its own records and the records it references. */
export function referencedRecords(action: string, body: string): Array<[string, string]> {
  const def = getServiceDefinition(action);
  const binding = def ? bindingOf(def.action) : undefined;
  if (!def || !binding) return [];
  const json = v3ToJson(def, body);
  const out: Array<[string, string]> = [];
  let targets;
  try {
    targets = targetsOf(def, binding, json);
  } catch {
    return [];
  }
  for (const t of targets) {
    out.push([binding.entity, t.key]);
    const list = binding.splitBy ? t.data[binding.splitBy] : undefined;
    const item = Array.isArray(list) ? (list[0] as Record<string, unknown> | undefined) : undefined;
    for (const ref of binding.references) {
      for (const o of ref.anyOf) {
        const v = text(item?.[o.field]) ?? text(t.data[o.field]);
        if (v) out.push([o.entity, v]);
      }
    }
  }
  return out;
}

export function registerOriginatorHelper(transforms: Transforms, db: Database, domainCode: string): void {
  transforms.register('originator', async function (this: ExpressionFocus): Promise<string[]> {
    const meta = this.environment.lookup('message') as MessageMeta | undefined;
    const raw = this.environment.lookup('raw');
    if (!meta || typeof raw !== 'string' || meta.domain !== domainCode) return [];
    let refs: Array<[string, string]>;
    try {
      refs = referencedRecords(meta.topic, raw);
    } catch {
      return [];
    }
    if (refs.length === 0) return [];
    const rows = await cdrKysely(db)
      .selectFrom('cdr_records')
      .select('source_system')
      .where((eb) => eb.or(refs.map(([entity, key]) => eb.and([eb('entity', '=', entity), eb('key', '=', key)]))))
      .execute();
    const systems = rows.filter((r) => r.source_system).map((r) => r.source_system!);
    return [...new Set(systems)];
  });
}
