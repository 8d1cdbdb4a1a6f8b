// 规则转换: JSONata filters and transforms, compiled once and cached. The dispatcher asks two questions — does this
// subscription want this message (filter), and what should it receive (transform) — and gets an ExpressionError
// with the expression's own message when the expression is wrong, never a crash.
import jsonata from 'jsonata';

export interface MessageMeta {
  id: string;
  domain: string;
  topic: string;
  system: string | null;
  sourceMessageId: string | null;
  receivedAt: string;
  contentType: string;
  index: Record<string, string | null>;
}

export interface TransformInput {
  body: string;
  contentType: string;
  message: MessageMeta;
}

export interface TransformOutput {
  body: string;
  contentType: string;
}

export class ExpressionError extends Error {
  constructor(
    readonly kind: 'filter' | 'transform',
    readonly phase: 'compile' | 'evaluate',
    message: string,
    readonly position?: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

type Compiled = ReturnType<typeof jsonata>;

/**
 * What a registered function sees as `this`: the evaluation's environment, so a helper can read the bindings of the
 * message being handled (`this.environment.lookup('message')` is the MessageMeta).
 */
export interface ExpressionFocus {
  environment: { lookup(name: string): unknown };
  input: unknown;
}

/** Functions available to every expression as `$name(...)`; other engine parts register theirs (lookup tables …). */
export type ExpressionFunction = (this: ExpressionFocus, ...args: never[]) => unknown;

export interface EvaluateOptions {
  /** Stop an evaluation that runs longer than this (the try-it panel runs expressions nobody has reviewed yet). */
  timeoutMs?: number;
  /** Maximum evaluation depth (deep recursion in a user function). */
  maxDepth?: number;
}

export class Transforms {
  private readonly cache = new Map<string, Compiled>();
  private readonly functions = new Map<string, { fn: ExpressionFunction; signature?: string }>();
  private static readonly MAX_CACHED = 2000;

  /**
   * `limits` apply to every cached expression (e.g. `{ timeoutMs: 5000 }` so a runaway named transform fails its
   * delivery instead of holding a worker); none by default. `evaluate(…, options)` can ask for tighter ones.
   */
  constructor(private readonly limits: EvaluateOptions = {}) {}

  /** Registers `$name` for all expressions compiled afterwards (call at start-up). */
  register(name: string, fn: ExpressionFunction, signature?: string): void {
    this.functions.set(name, signature === undefined ? { fn } : { fn, signature });
    this.cache.clear();
  }

  /** Checks an expression compiles; returns the error message and position, or null. */
  check(expression: string): { message: string; position?: number } | null {
    try {
      this.compile(expression, 'transform');
      return null;
    } catch (error) {
      const e = error as ExpressionError;
      return e.position === undefined ? { message: e.message } : { message: e.message, position: e.position };
    }
  }

  async filter(expression: string, input: TransformInput): Promise<boolean> {
    const result = await this.evaluate('filter', expression, input);
    return isTruthy(result);
  }

  async transform(expression: string, input: TransformInput): Promise<TransformOutput> {
    const result = await this.evaluate('transform', expression, input);
    return transformOutput(result, input.contentType);
  }

  /**
   * Runs an expression against a message and returns the raw result (the console's try-it panel). With a time or
   * depth limit the expression is compiled afresh for this one run (limits belong to the compiled expression).
   */
  async evaluate(
    kind: 'filter' | 'transform',
    expression: string,
    input: TransformInput,
    options: EvaluateOptions = {},
  ): Promise<unknown> {
    const limited = options.timeoutMs !== undefined || options.maxDepth !== undefined;
    const compiled = limited ? this.compileFresh(expression, kind, options) : this.compile(expression, kind);
    const data = input.contentType.includes('json') ? parseJsonOrString(input.body) : input.body;
    try {
      return await compiled.evaluate(data, { message: input.message, raw: input.body });
    } catch (error) {
      const e = error as { message?: string; code?: string; position?: number };
      throw new ExpressionError(kind, 'evaluate', e.message ?? String(error), e.position);
    }
  }

  /** How many compiled expressions are held (each distinct expression is compiled once). */
  get cachedExpressions(): number {
    return this.cache.size;
  }

  /** Names of the registered `$functions`. */
  functionNames(): string[] {
    return [...this.functions.keys()];
  }

  private compile(expression: string, kind: 'filter' | 'transform'): Compiled {
    let compiled = this.cache.get(expression);
    if (compiled) return compiled;
    compiled = this.compileFresh(expression, kind, this.limits);
    if (this.cache.size >= Transforms.MAX_CACHED) this.cache.clear();
    this.cache.set(expression, compiled);
    return compiled;
  }

  private compileFresh(expression: string, kind: 'filter' | 'transform', options: EvaluateOptions): Compiled {
    let compiled: Compiled;
    try {
      compiled = jsonata(expression, {
        ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
        ...(options.maxDepth !== undefined ? { stack: options.maxDepth } : {}),
      });
    } catch (error) {
      const e = error as { message?: string; position?: number };
      throw new ExpressionError(kind, 'compile', e.message ?? String(error), e.position);
    }
    for (const [name, { fn, signature }] of this.functions) {
      compiled.registerFunction(name, fn as (...args: unknown[]) => unknown, signature);
    }
    return compiled;
  }
}

/** What a transform's result becomes on the wire: text stays text in the input's type, anything else is JSON. */
export function transformOutput(result: unknown, inputContentType: string): TransformOutput {
  if (result === undefined) throw new ExpressionError('transform', 'evaluate', 'the transform produced no result');
  if (typeof result === 'string') return { body: result, contentType: inputContentType };
  return { body: JSON.stringify(result), contentType: 'application/json' };
}

function parseJsonOrString(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** JSONata-style truthiness: empty results, false, 0, '' and empty arrays do not match. */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.some(isTruthy);
  return true;
}
