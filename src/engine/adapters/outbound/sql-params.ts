// SQL 网关, the statement side: named placeholders (`:patientId`) become the driver's positional ones ($1 on
// PostgreSQL, ? on MySQL/MariaDB) so values are always bound, never spliced into the text; and each placeholder's
// value is read from the message by a "source" written in the subscription's `params`:
//
//   meta.messageId  meta.deliveryId  meta.attempt  meta.topic  meta.domain  meta.contentType
//   meta.receivedAt  meta.index.patientId (…visitNo, orderNo, applicationNo, patientName)   — message facts
//   $  $.patient.id  $.items[0].code  $["key with space"]            — the body parsed as JSON
//   PID-3.1  PID-5.1  OBX[2]-5  MSH-10                                — HL7 v2 path (src/formats/hl7v2)
//   /ClinicalDocument/recordTarget/patientRole/id/@extension  //id/@extension  xpath:…   — XPath 1.0 on XML
//   jsonata:<expression>                                              — JSONata over the body, `$message` bound
//
// Absent values are SQL NULL (an empty HL7 field too); objects and arrays are bound as JSON text; XPath matching
// several nodes takes the first. The placeholder scanner skips string literals, quoted identifiers, comments,
// PostgreSQL dollar-quoted bodies and `::` casts, so `':x'` or `a::text` are left alone.
import { parsePath } from '../../../formats/hl7v2/index.js';
import { hl7Helper, xpathHelper } from '../../transforms/helpers.js';
import type { MessageMeta, Transforms } from '../../transforms/index.js';
import type { OutboundRequest } from '../types.js';

export type SqlDialect = 'postgres' | 'mysql';

export interface CompiledStatement {
  /** The statement with positional placeholders. */
  text: string;
  /** Placeholder name of each positional parameter, in order ($1, $2 … or each ? in turn). */
  names: string[];
}

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;
const IDENT_PART = /[A-Za-z0-9_$]/;

/**
 * Replaces `:name` placeholders with positional ones. PostgreSQL numbers each distinct name once (`:id` twice is
 * `$1` twice); MySQL gets one `?` per occurrence. Throws on an unterminated literal or comment.
 */
export function compileStatement(sql: string, dialect: SqlDialect): CompiledStatement {
  const names: string[] = [];
  const numbers = new Map<string, number>();
  let out = '';
  let i = 0;
  const n = sql.length;
  const skipTo = (end: number, what: string) => {
    if (end < 0) throw new Error(`unterminated ${what} in the SQL statement`);
    out += sql.slice(i, end);
    i = end;
  };
  while (i < n) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === "'" || c === '"' || (c === '`' && dialect === 'mysql')) {
      const backslash =
        dialect === 'mysql'
          ? c !== '`'
          : c === "'" && /[eE]/.test(sql[i - 1] ?? '') && !IDENT_PART.test(sql[i - 2] ?? '');
      skipTo(endOfQuoted(sql, i, c, backslash), c === '`' ? 'identifier' : 'string literal');
    } else if (c === '-' && next === '-') {
      const eol = sql.indexOf('\n', i);
      skipTo(eol < 0 ? n : eol, 'comment');
    } else if (c === '#' && dialect === 'mysql') {
      const eol = sql.indexOf('\n', i);
      skipTo(eol < 0 ? n : eol, 'comment');
    } else if (c === '/' && next === '*') {
      skipTo(endOfBlockComment(sql, i, dialect === 'postgres'), 'comment');
    } else if (c === '$' && dialect === 'postgres' && !IDENT_PART.test(sql[i - 1] ?? '')) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64))?.[0];
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length);
        skipTo(close < 0 ? -1 : close + tag.length, 'dollar-quoted string');
      } else {
        out += c;
        i++;
      }
    } else if (c === ':' && next === ':') {
      out += '::';
      i += 2;
    } else if (c === ':' && next !== undefined && NAME_START.test(next) && !IDENT_PART.test(sql[i - 1] ?? '')) {
      let j = i + 1;
      while (j < n && NAME_PART.test(sql[j] as string)) j++;
      const name = sql.slice(i + 1, j);
      if (dialect === 'postgres') {
        let number = numbers.get(name);
        if (number === undefined) {
          names.push(name);
          number = names.length;
          numbers.set(name, number);
        }
        out += `$${number}`;
      } else {
        names.push(name);
        out += '?';
      }
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return { text: out, names };
}

/** Index just past the closing quote; a doubled quote is an escaped one, and so is a backslash when allowed. */
function endOfQuoted(sql: string, start: number, quote: string, backslash: boolean): number {
  for (let i = start + 1; i < sql.length; i++) {
    const c = sql[i];
    if (backslash && c === '\\') {
      i++;
    } else if (c === quote) {
      if (sql[i + 1] === quote) i++;
      else return i + 1;
    }
  }
  return -1;
}

/** Index just past the closing `*\/`; PostgreSQL block comments nest. */
function endOfBlockComment(sql: string, start: number, nests: boolean): number {
  let depth = 0;
  for (let i = start; i < sql.length - 1; i++) {
    if (sql[i] === '/' && sql[i + 1] === '*' && (nests || depth === 0)) {
      depth++;
      i++;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i++;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

// ---- where a value comes from --------------------------------------------------------------------------------------

export type ParamSource =
  | { kind: 'meta'; field: string }
  | { kind: 'json'; steps: (string | number)[] }
  | { kind: 'hl7'; path: string }
  | { kind: 'xpath'; expression: string }
  | { kind: 'jsonata'; expression: string };

const META_FIELDS = new Set(['messageId', 'deliveryId', 'attempt', 'topic', 'domain', 'contentType', 'receivedAt']);
const INDEX_FIELDS = new Set(['patientId', 'patientName', 'visitNo', 'orderNo', 'applicationNo']);
const HL7_PATH_LIKE = /^[A-Za-z][A-Za-z0-9]{2}(?:\[\d+\])?[-.]\d/;

/** Reads a source as written in `params`; throws an Error saying what is wrong with it. */
export function parseParamSource(text: string): ParamSource {
  const source = text.trim();
  if (source.startsWith('meta.')) {
    const field = source.slice(5);
    if (META_FIELDS.has(field)) return { kind: 'meta', field };
    if (field.startsWith('index.') && INDEX_FIELDS.has(field.slice(6))) return { kind: 'meta', field };
    throw new Error(
      `unknown message field "${source}": use meta.${[...META_FIELDS].join(', meta.')} or meta.index.${[...INDEX_FIELDS].join('|')}`,
    );
  }
  if (source.startsWith('$')) return { kind: 'json', steps: parseJsonPath(source) };
  if (source.startsWith('jsonata:')) {
    const expression = source.slice(8).trim();
    if (!expression) throw new Error('the JSONata expression after "jsonata:" is empty');
    return { kind: 'jsonata', expression };
  }
  if (source.startsWith('xpath:')) {
    const expression = source.slice(6).trim();
    if (!expression) throw new Error('the XPath after "xpath:" is empty');
    return { kind: 'xpath', expression };
  }
  if (source.startsWith('/')) return { kind: 'xpath', expression: source };
  if (HL7_PATH_LIKE.test(source)) {
    parsePath(source); // throws Hl7ParseError with the reason
    return { kind: 'hl7', path: source };
  }
  throw new Error(
    `cannot tell where "${source}" reads from: write meta.…, a JSON path ($.a.b), an HL7 v2 path (PID-3.1), an XPath (/a/b or xpath:…) or jsonata:…`,
  );
}

/** `$`, `$.a.b`, `$.a[0].b`, `$["a b"]` → steps. */
function parseJsonPath(path: string): (string | number)[] {
  const steps: (string | number)[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      const m = /^[^.[\]]+/.exec(path.slice(i + 1));
      if (!m) throw new Error(`JSON path "${path}": a name is missing after "." at ${i}`);
      steps.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) throw new Error(`JSON path "${path}": "[" without "]"`);
      const inner = path.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) steps.push(Number(inner));
      else if (/^(["']).*\1$/.test(inner)) steps.push(inner.slice(1, -1));
      else throw new Error(`JSON path "${path}": [${inner}] must be an index or a quoted name`);
      i = close + 1;
    } else {
      throw new Error(`JSON path "${path}": unexpected "${c}" at ${i} (write $.name or $[0])`);
    }
  }
  return steps;
}

/** Facts a dispatcher may pass besides OutboundRequest's own (when it does, meta.receivedAt / meta.index.* work). */
export interface RequestMetaExtras {
  receivedAt?: string;
  index?: Record<string, string | null>;
}

export type SqlValue = string | number | boolean | null;

/** Reads the values of one delivery, parsing the body at most once per kind. */
export class ParamReader {
  private json: { value: unknown } | undefined;

  constructor(
    private readonly request: OutboundRequest & RequestMetaExtras,
    private readonly transforms: Transforms,
  ) {}

  async read(source: ParamSource): Promise<SqlValue> {
    switch (source.kind) {
      case 'meta':
        return this.meta(source.field);
      case 'json':
        return toSqlValue(walk(this.body(), source.steps));
      case 'hl7':
        return toSqlValue(hl7Helper(this.request.body, source.path));
      case 'xpath': {
        const value = xpathHelper(this.request.body, source.expression);
        return toSqlValue(Array.isArray(value) ? value[0] : value);
      }
      case 'jsonata': {
        const r = this.request;
        const message: MessageMeta = {
          id: r.messageId,
          domain: r.domain,
          topic: r.topic,
          system: null,
          sourceMessageId: null,
          receivedAt: r.receivedAt ?? '',
          contentType: r.contentType,
          index: r.index ?? {},
        };
        const result = await this.transforms.evaluate('transform', source.expression, {
          body: r.body,
          contentType: r.contentType.includes('json') ? r.contentType : this.jsonContentType(),
          message,
        });
        return toSqlValue(result);
      }
    }
  }

  private meta(field: string): SqlValue {
    const r = this.request;
    if (field.startsWith('index.')) {
      if (!r.index) throw new Error(`meta.${field} is not available: the dispatcher passed no index fields`);
      return r.index[field.slice(6)] ?? null;
    }
    switch (field) {
      case 'messageId':
        return r.messageId;
      case 'deliveryId':
        return r.deliveryId;
      case 'attempt':
        return r.attempt;
      case 'topic':
        return r.topic;
      case 'domain':
        return r.domain;
      case 'contentType':
        return r.contentType;
      case 'receivedAt':
        if (r.receivedAt === undefined) {
          throw new Error('meta.receivedAt is not available: the dispatcher passed no receive time');
        }
        return r.receivedAt;
      default:
        throw new Error(`unknown message field meta.${field}`);
    }
  }

  private body(): unknown {
    if (!this.json) {
      try {
        this.json = { value: JSON.parse(this.request.body) as unknown };
      } catch (error) {
        throw new Error(`the message body is not JSON (${(error as Error).message}); a $.path needs JSON`, {
          cause: error,
        });
      }
    }
    return this.json.value;
  }

  /** A JSON body sent with another content type is still read as JSON by jsonata: sources. */
  private jsonContentType(): string {
    try {
      this.body();
      return 'application/json';
    } catch {
      return this.request.contentType;
    }
  }
}

function walk(value: unknown, steps: (string | number)[]): unknown {
  let cur = value;
  for (const step of steps) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, step)) return undefined;
    cur = (cur as Record<string | number, unknown>)[step];
  }
  return cur;
}

function toSqlValue(value: unknown): SqlValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}
