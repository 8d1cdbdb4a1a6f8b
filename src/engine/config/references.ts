// References from this module's objects to configuration other modules own: a topic's message model (消息模型, shared
// by every domain) and a subscription's named transform (规则转换, `transformRef`, per domain). The API, the import
// and the rollback all refuse a reference to something that does not exist, with the same stable codes
// (HT_ENGINE_MODEL_UNKNOWN, HT_ENGINE_TRANSFORM_REF_UNKNOWN). The tables are read directly: this folder imports
// neither module (they import it).
import { HtError } from '../../platform/errors/index.js';
import { BUILTIN_MODELS } from './rules.js';
import type { Executor } from './store.js';

// A type alias (not an interface) so Kysely's withTables<…>() accepts it; only the columns read here.
type ReferencedTables = {
  models: { code: string };
  transforms: { domain_id: string; code: string };
};

/** Every message model's code (built-in ones included). */
export async function modelCodes(k: Executor): Promise<string[]> {
  const rows = await k.withTables<ReferencedTables>().selectFrom('models').select('code').execute();
  return [...new Set([...BUILTIN_MODELS, ...rows.map((r) => r.code)])];
}

/** The named transforms' codes of a domain. */
export async function transformCodes(k: Executor, domainId: string): Promise<string[]> {
  const rows = await k
    .withTables<ReferencedTables>()
    .selectFrom('transforms')
    .select('code')
    .where('domain_id', '=', domainId)
    .execute();
  return rows.map((r) => r.code);
}

/**
 * The model `model` names, spelled as it is registered (model codes are unique whatever their case, and the ingest
 * path looks them up case-insensitively), or undefined when there is none.
 */
export function resolveModel(model: string, known: Iterable<string>): string | undefined {
  const lower = model.toLowerCase();
  let folded: string | undefined;
  for (const code of known) {
    if (code === model) return code;
    if (code.toLowerCase() === lower) folded ??= code;
  }
  return folded;
}

export function unknownModel(model: string, path = 'body/model'): HtError {
  return new HtError(
    'HT_ENGINE_MODEL_UNKNOWN',
    { model },
    { errors: [{ path, message: `no message model ${model} (没有该消息模型)` }] },
  );
}

export function unknownTransformRef(domainCode: string, code: string, path = 'body/transformRef'): HtError {
  return new HtError(
    'HT_ENGINE_TRANSFORM_REF_UNKNOWN',
    { domain: domainCode, code },
    { errors: [{ path, message: `no named transform ${code} in domain ${domainCode} (域中没有该命名转换)` }] },
  );
}

/** A topic's model as stored: the registered spelling; throws HT_ENGINE_MODEL_UNKNOWN when there is none. */
export async function requireModel(k: Executor, model: string): Promise<string> {
  const resolved = resolveModel(model, await modelCodes(k));
  if (resolved === undefined) throw unknownModel(model);
  return resolved;
}

/** Throws HT_ENGINE_TRANSFORM_REF_UNKNOWN unless the domain has a named transform `code`. */
export async function requireTransform(k: Executor, domain: { id: string; code: string }, code: string) {
  const row = await k
    .withTables<ReferencedTables>()
    .selectFrom('transforms')
    .select('code')
    .where('domain_id', '=', domain.id)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!row) throw unknownTransformRef(domain.code, code);
}
