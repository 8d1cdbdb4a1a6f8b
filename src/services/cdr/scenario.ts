// What must happen before a service's example can be taken: an update needs the record it updates, a status message
// the application it reports on, 出库 its transfusion request … The scenario is the list of example messages, in
// order, that create those records with the keys the example refers to, ending with the example itself. Used by the
// console's try-it panel (发送前置消息), the demo and the per-service tests.
import { getServiceDefinition, listServiceDefinitions } from '../catalogue/catalogue.js';
import type { ServiceDefinition } from '../catalogue/types.js';
import { bindingOf, type CdrBinding } from './bindings.js';

export interface ScenarioStep {
  action: string;
  json: Record<string, unknown>;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function text(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number') return String(v);
  return null;
}

/** The service that creates records of `entity` (its 新增 / 注册 / 发布). */
export function creatorOf(entity: string): ServiceDefinition | undefined {
  const defs = listServiceDefinitions().filter((d) => bindingOf(d.action)?.entity === entity);
  return (
    defs.find((d) => bindingOf(d.action)!.operation === 'add' && !bindingOf(d.action)!.references.length) ??
    defs.find((d) => bindingOf(d.action)!.operation === 'add') ??
    defs.find((d) => bindingOf(d.action)!.operation === 'publish')
  );
}

function pick(binding: CdrBinding, json: Record<string, unknown>, field: string): string | null {
  const list = binding.splitBy ? json[binding.splitBy] : undefined;
  const item = Array.isArray(list) ? (list[0] as Record<string, unknown> | undefined) : undefined;
  return text(item?.[field]) ?? text(json[field]);
}

function setKey(binding: CdrBinding, json: Record<string, unknown>, parts: string[]): void {
  const list = binding.splitBy ? json[binding.splitBy] : undefined;
  const item = Array.isArray(list) ? (list[0] as Record<string, unknown> | undefined) : undefined;
  binding.keyFields.forEach((field, i) => {
    const value = parts[i] ?? parts[parts.length - 1]!;
    if (item && field in item) item[field] = value;
    else json[field] = value;
  });
}

/** Example JSON of the creator of `entity` with the given key, and what it needs itself. */
function create(entity: string, key: string[], depth: number, out: ScenarioStep[]): void {
  const creator = creatorOf(entity);
  if (!creator || depth > 4) return;
  const binding = bindingOf(creator.action)!;
  const json = clone(creator.examples.json);
  setKey(binding, json, key);
  requirements(creator, binding, json, depth + 1, out);
  out.push({ action: creator.action, json });
}

function requirements(
  def: ServiceDefinition,
  binding: CdrBinding,
  json: Record<string, unknown>,
  depth: number,
  out: ScenarioStep[],
): void {
  for (const ref of binding.references) {
    const option = ref.anyOf.find((o) => pick(binding, json, o.field) !== null);
    if (option) create(option.entity, [pick(binding, json, option.field)!], depth, out);
  }
  if (binding.requireExisting) {
    const parts = binding.keyFields.map((f) => pick(binding, json, f));
    if (parts.every((p) => p !== null)) create(binding.entity, parts as string[], depth, out);
  }
  void def;
}

/**
 * The steps that make `action`'s example (or the given JSON) succeed on an empty repository: the records it refers
 * to, created by their own services' examples with the keys it uses, then the message itself.
 */
export function exampleScenario(action: string, json?: Record<string, unknown>): ScenarioStep[] {
  const def = getServiceDefinition(action);
  if (!def) return [];
  const body = clone(json ?? def.examples.json);
  const binding = bindingOf(def.action);
  const out: ScenarioStep[] = [];
  if (binding) requirements(def, binding, body, 0, out);
  out.push({ action: def.action, json: body });
  return out;
}
