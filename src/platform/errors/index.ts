// One error type for the whole platform. Every failure a client can see has a stable code (HT_…), an HTTP status and
// a message in zh-CN and English. Adapters turn it into their protocol's own error (problem JSON, SOAP Fault, HL7 ACK).
import { messages, type ErrorCode } from './codes.js';

export type { ErrorCode } from './codes.js';
export type Lang = 'zh-CN' | 'en';

export interface FieldProblem {
  path: string;
  message: string;
}

export class HtError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly params: Record<string, string | number>;
  readonly errors: FieldProblem[] | undefined;

  constructor(
    code: ErrorCode,
    params: Record<string, string | number> = {},
    options: { errors?: FieldProblem[]; cause?: unknown } = {},
  ) {
    super(format(messages[code].en, params), { cause: options.cause });
    this.name = 'HtError';
    this.code = code;
    this.status = messages[code].status;
    this.params = params;
    this.errors = options.errors;
  }

  /** The message in the caller's language. */
  localized(lang: Lang): string {
    const entry = messages[this.code];
    return format(lang === 'en' ? entry.en : entry.zh, this.params);
  }
}

export function isHtError(value: unknown): value is HtError {
  return value instanceof HtError;
}

/** Message text for a code without throwing (used by presenters that build errors from non-HtError causes). */
export function errorText(code: ErrorCode, lang: Lang, params: Record<string, string | number> = {}): string {
  const entry = messages[code];
  return format(lang === 'en' ? entry.en : entry.zh, params);
}

export function errorStatus(code: ErrorCode): number {
  return messages[code].status;
}

function format(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** Picks zh-CN unless the client asked for English first (Accept-Language). */
export function pickLang(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'zh-CN';
  const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh-CN';
}
