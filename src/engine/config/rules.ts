// The rules a configuration object must satisfy beyond its schema, shared by the API and by import: defaults,
// model codes, IP allowlists, JSONata expressions, retry backoff.
import type { Lang } from '../../platform/errors/index.js';
import { HtError } from '../../platform/errors/index.js';
import { invalidAllowlistEntries } from '../ingest/system-auth.js';
import type { Transforms } from '../transforms/index.js';

export const DEFAULTS = {
  retentionDays: 30,
  /** Loopback only, until an administrator lists the system's addresses. */
  ipAllowlist: ['127.0.0.1', '::1'],
  model: 'JSON',
  maxAttempts: 10,
  backoffInitialMs: 1000,
  backoffMaxMs: 300_000,
  ordering: 'parallel' as const,
  workers: 4,
};

export const BUILTIN_MODELS = ['JSON', 'XML', 'HL7V2', 'HL7V3', 'CDA', 'TEXT'];

/** Built-in models in upper case whatever the caller wrote; a custom model's code as given. */
export function normalizeModel(model: string | undefined): string {
  if (model === undefined) return DEFAULTS.model;
  const trimmed = model.trim();
  const upper = trimmed.toUpperCase();
  return BUILTIN_MODELS.includes(upper) ? upper : trimmed;
}

/** Optional text: absent or blank is stored as null. */
export function textOrNull(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : value;
}

/** An expression field: absent, null or blank means none. */
export function expressionOrNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value;
}

export function normalizeAllowlist(entries: string[]): string[] {
  return [...new Set(entries.map((e) => e.trim()))];
}

export function allowlistError(entries: string[], path: string): HtError | null {
  const invalid = invalidAllowlistEntries(entries);
  if (invalid.length === 0) return null;
  return new HtError(
    'HT_ENGINE_ALLOWLIST_INVALID',
    { entries: invalid.join(', ') },
    { errors: invalid.map((entry) => ({ path, message: `invalid address or CIDR range: ${entry}` })) },
  );
}

export function expressionError(
  transforms: Transforms,
  field: 'filter' | 'transform',
  expression: string | null,
): HtError | null {
  if (expression === null) return null;
  const problem = transforms.check(expression);
  if (!problem) return null;
  const at = problem.position === undefined ? '' : ` @${problem.position}`;
  return new HtError('HT_ENGINE_EXPRESSION_INVALID', { field, reason: `${problem.message}${at}` });
}

export function backoffError(initialMs: number, maxMs: number, path: string): HtError | null {
  if (initialMs <= maxMs) return null;
  return new HtError(
    'HT_REQUEST_INVALID',
    {},
    { errors: [{ path, message: 'backoffInitialMs must not exceed backoffMaxMs (首次重试间隔不能大于最大间隔)' }] },
  );
}

/** JSON with object keys sorted, so two equal configurations compare equal whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** One text in the caller's language. */
export function say(lang: Lang, zh: string, en: string): string {
  return lang === 'en' ? en : zh;
}
