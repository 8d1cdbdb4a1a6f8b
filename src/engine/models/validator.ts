// The ingest pipeline's ModelValidator: validates a body against its model's schema. Schemas are compiled once when
// loaded and again only when they change; a model without a schema (or unknown) has nothing to check (null).
// Protocol work can register a validator for a built-in model (HL7V3, CDA …) with `register(code, check)`; it is
// used when the model has no uploaded schema.
import type { Database } from '../../platform/db/index.js';
import type { ModelValidator } from '../ingest/pipeline.js';
import type { EngineTables } from '../tables.js';
import { compileSchema, MAX_PROBLEMS, type CompiledSchema } from './compile.js';
import type { SchemaType } from './schema.js';
import type { ModelsTable, ModelTables } from './store.js';

/**
 * A validator contributed in code: problems, or null when valid. `topicCode` is the topic the message was published
 * to (absent when the console checks a sample against the model alone).
 */
export type CodeValidator = (
  body: string,
  contentType: string,
  topicCode?: string,
) => Promise<string[] | null> | string[] | null;

export interface LoadedModel {
  code: string;
  kind: string;
  builtin: boolean;
  schemaType: SchemaType | null;
  compiled: CompiledSchema | undefined;
  /** The schema text `compiled` was built from (a reload keeps the compiled schema while it is unchanged). */
  schemaText: string | null;
  /** Why the stored schema could not be compiled (should not happen: it was checked on upload). */
  brokenSchema?: string;
}

export class ModelRegistry {
  private models = new Map<string, LoadedModel>();
  private lowerCase = new Map<string, string>();
  private readonly coded = new Map<string, CodeValidator>();
  private queue: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly db: Database) {}

  /** Called after every reload (e.g. to register decoders for custom models). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A validator contributed by protocol work for a model code (built-in or not). */
  register(code: string, validator: CodeValidator): void {
    this.coded.set(code.toUpperCase(), validator);
  }

  get(code: string): LoadedModel | undefined {
    const exact = this.models.get(code);
    if (exact) return exact;
    const real = this.lowerCase.get(code.toLowerCase());
    return real === undefined ? undefined : this.models.get(real);
  }

  all(): LoadedModel[] {
    return [...this.models.values()];
  }

  reloadAll(): Promise<void> {
    return this.enqueue(async () => {
      const rows = await this.db.kysely
        .withTables<EngineTables & ModelTables>()
        .selectFrom('models')
        .selectAll()
        .execute();
      const next = new Map<string, LoadedModel>();
      for (const row of rows) {
        const previous = this.models.get(row.code);
        next.set(row.code, this.load(row, previous));
      }
      for (const [code, old] of this.models) if (!next.has(code)) old.compiled?.dispose();
      this.models = next;
      this.reindex();
    });
  }

  reload(code: string): Promise<void> {
    return this.enqueue(async () => {
      const row = await this.db.kysely
        .withTables<EngineTables & ModelTables>()
        .selectFrom('models')
        .selectAll()
        .where('code', '=', code)
        .executeTakeFirst();
      const previous = this.models.get(code);
      if (!row) {
        previous?.compiled?.dispose();
        this.models.delete(code);
      } else {
        this.models.set(code, this.load(row, previous));
      }
      this.reindex();
    });
  }

  /** The pipeline's `validate` option. */
  readonly validate: ModelValidator = async (model, body, contentType, topicCode) => {
    const loaded = this.get(model);
    if (loaded?.compiled) {
      const problems = loaded.compiled.check(body);
      return problems.length > 0 ? problems.slice(0, MAX_PROBLEMS) : null;
    }
    if (loaded?.brokenSchema)
      return [`模型 ${loaded.code} 的结构定义无法使用 (schema unusable): ${loaded.brokenSchema}`];
    const coded = this.coded.get(model.toUpperCase());
    if (coded) {
      const problems = await coded(body, contentType, topicCode);
      return problems && problems.length > 0 ? problems.slice(0, MAX_PROBLEMS) : null;
    }
    return null;
  };

  /** Whether validating against `code` would check anything. */
  hasValidation(code: string): boolean {
    const loaded = this.get(code);
    return Boolean(loaded?.compiled || loaded?.brokenSchema || this.coded.has(code.toUpperCase()));
  }

  private load(row: ModelsTable, previous: LoadedModel | undefined): LoadedModel {
    const schemaType: SchemaType | null =
      row.schema_type === 'json-schema' || row.schema_type === 'xsd' ? row.schema_type : null;
    const base = { code: row.code, kind: row.kind, builtin: row.builtin === 1, schemaType, schemaText: row.schema };
    // Unchanged schema: keep the compiled one (compiling an XSD is the expensive part).
    if (previous?.compiled && previous.schemaType === schemaType && previous.schemaText === row.schema) {
      return { ...base, compiled: previous.compiled };
    }
    previous?.compiled?.dispose();
    if (!schemaType || !row.schema) return { ...base, compiled: undefined };
    try {
      return { ...base, compiled: compileSchema(schemaType, row.schema, row.code) };
    } catch (error) {
      return { ...base, compiled: undefined, brokenSchema: (error as Error).message.slice(0, 300) };
    }
  }

  private reindex(): void {
    this.lowerCase = new Map([...this.models.keys()].map((code) => [code.toLowerCase(), code]));
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work).then(() => {
      for (const listener of this.listeners) listener();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** A ModelValidator over a registry (what the ingest pipeline takes as `validate`). */
export function createModelValidator(registry: ModelRegistry): ModelValidator {
  return registry.validate;
}
