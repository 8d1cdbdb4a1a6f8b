// Per-domain export and import (域配置导出/导入): one document holding a domain's systems (never their secrets),
// topics (publishers by system code) and subscriptions (topic and system by code), as JSON or YAML. Import matches
// by code — systems and topics by their code, subscriptions by topic, system and name — checks everything first
// (schema, references, IP allowlists, adapter configurations, expressions) and only then plans the writes.
// Configuration kept by other modules joins the document as a section they register (registerDocumentSection):
// `models` (custom message models the domain's topics use, with their schemas), `transforms` (named transforms),
// `lookups` (lookup tables with their entries), `endpoints` (inbound endpoints). This folder never imports them. A
// section absent from a file is left alone, so files exported before a section existed still import. Topics' models
// and subscriptions' transformRef must name a model / named transform that exists, or that the same file brings.
import Type, { type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { now } from '../../platform/db/index.js';
import { HtError, type Lang } from '../../platform/errors/index.js';
import { newId } from '../../platform/ids/index.js';
import type { AdapterRegistry } from '../adapters/index.js';
import type { DomainsTable, SubscriptionsTable, SystemsTable, TopicsTable } from '../tables.js';
import type { Transforms } from '../transforms/index.js';
import { modelCodes, resolveModel, transformCodes, unknownModel, unknownTransformRef } from './references.js';
import type { ConfigTransaction } from './revisions.js';
import {
  DEFAULTS,
  allowlistError,
  backoffError,
  expressionError,
  expressionOrNull,
  normalizeAllowlist,
  normalizeModel,
  say,
  stableJson,
  textOrNull,
} from './rules.js';
import {
  ConfigDocument,
  DOCUMENT_FORMAT,
  type ExportFormat,
  type SubscriptionState,
  type SystemState,
  type TopicState,
} from './schema.js';
import * as store from './store.js';
import type { Executor } from './store.js';

/**
 * The items of a section in order, each with where it stands in the file (`topics[2] (T01)`); an item whose code came
 * before is reported once as a problem and skipped. `caseInsensitive`: codes that differ only in case are the same.
 */
export function* uniqueByCode<T extends { code: string }>(
  section: string,
  items: readonly T[],
  problem: (where: string, zh: string, en: string) => void,
  options: { caseInsensitive?: boolean } = {},
): Generator<{ item: T; where: string }> {
  const seen = new Set<string>();
  for (const [i, item] of items.entries()) {
    const where = `${section}[${i}] (${item.code})`;
    const key = options.caseInsensitive ? item.code.toLowerCase() : item.code;
    if (seen.has(key)) {
      if (options.caseInsensitive) problem(where, '编码重复（不区分大小写）', 'duplicate code (case-insensitive)');
      else problem(where, '编码重复', 'duplicate code');
      continue;
    }
    seen.add(key);
    yield { item, where };
  }
}

// ---- sections other modules add ------------------------------------------------------------------------------------

/** What a section's planning may use besides the database: the codes that exist once the import is written. */
export interface SectionContext {
  lang: Lang;
  /** Checks JSONata expressions as the configuration API does. */
  transforms: Transforms;
  /** Topic codes of the domain after the import (existing ones and those in the document). */
  topicCodes: ReadonlySet<string>;
  /** System codes of the domain after the import (existing ones and those in the document). */
  systemCodes: ReadonlySet<string>;
  /** Adds a problem found at `where` (e.g. "endpoints[0] (HIS-ADT)"). */
  problem(where: string, zh: string, en: string): void;
  /** Adds an HtError's message as a problem found at `where`. */
  fromError(where: string, error: HtError): void;
}

/**
 * A part of the document owned by another module: how to export the domain's objects (no ids), how to plan an import
 * of them (checking as the module's API does, adding problems instead of throwing) and how to write one planned
 * object. The configuration service writes its revision (entity type `entityType`, action 'import') and its audit
 * entry (engine.<entityType>.import), announces the change to the other nodes (scope `<entityType>:<entity id>`,
 * src/engine/config/changes.ts) and, after the commit, reloads the configuration cache and those scopes.
 */
export interface DocumentSection<Item = unknown, State extends object = { id: string }> {
  /** The document's field, e.g. 'endpoints'. */
  key: string;
  entityType: string;
  /** One item's schema (an object schema; unknown fields are refused). */
  itemSchema: TSchema;
  maxItems: number;
  /**
   * What the items are, for references from topics and subscriptions: their `code` is a message model (`model`) or a
   * named transform of the domain (`transform`), so the rest of the same file may name it.
   */
  provides?: 'model' | 'transform';
  exportItems(k: Executor, domain: DomainsTable): Promise<Item[]>;
  plan(k: Executor, domain: DomainsTable, items: Item[], context: SectionContext): Promise<Planned<State>[]>;
  write(trx: ConfigTransaction, planned: Planned<State>): Promise<void>;
  /** The revision's and audit entry's summary, e.g. "导入接入端点 HIS-ADT". */
  summary(state: State): string;
  /** The revision's entity id (default: the state's `id`; a model's is its code). */
  entityId?(state: State): string;
  /** The state as the revision keeps it, when that differs from the planned one (default: the planned state). */
  revisionState?(state: State): object;
}

// Sections differ in their item types; the registry keeps them side by side.
/** A registered section seen from the import: its items are checked against `itemSchema` before it gets them. */
type AnySection = DocumentSection<unknown, object>;

const sections = new Map<string, AnySection>();

/** Adds (or replaces: the latest registration wins) a section of the domain document. */
export function registerDocumentSection<Item, State extends object>(section: DocumentSection<Item, State>): void {
  sections.set(section.key, section as unknown as AnySection);
}

/** The id a planned object of `section` is kept under in revisions. */
export function sectionEntityId(section: AnySection, state: object): string {
  if (section.entityId) return section.entityId(state);
  const id = (state as { id?: unknown }).id;
  if (typeof id !== 'string') throw new Error(`document section ${section.key}: the planned state has no id`);
  return id;
}

export function documentSections(): AnySection[] {
  return [...sections.values()];
}

/** A document with the registered sections besides the built-in fields. */
export type DomainDocument = ConfigDocument & { [section: string]: unknown };

// ---- export ------------------------------------------------------------------------------------------------------

export async function buildDocument(k: Executor, domain: DomainsTable): Promise<DomainDocument> {
  const [systems, topics, subscriptions] = await Promise.all([
    store.systemsOfDomain(k, domain.id),
    store.topicsOfDomain(k, domain.id),
    store.subscriptionsOfDomain(k, domain.id),
  ]);
  const publishers = await store.publishersOf(
    k,
    topics.map((t) => t.id),
  );
  const systemCode = new Map(systems.map((s) => [s.id, s.code]));
  const topicCode = new Map(topics.map((t) => [t.id, t.code]));
  const code = (map: Map<string, string>, id: string) => map.get(id) ?? id;
  const extra: Record<string, unknown> = {};
  for (const section of documentSections()) extra[section.key] = await section.exportItems(k, domain);
  const doc: DomainDocument = {
    format: DOCUMENT_FORMAT,
    version: 1,
    exportedAt: now(),
    domain: {
      code: domain.code,
      name: domain.name,
      description: domain.description,
      enabled: domain.enabled === 1,
      retentionDays: domain.retention_days,
    },
    systems: systems.map((row) => {
      const s = store.presentSystem(row);
      return {
        code: s.code,
        name: s.name,
        vendor: s.vendor,
        contact: s.contact,
        description: s.description,
        enabled: s.enabled,
        authType: s.authType,
        authUsername: s.authUsername,
        ipAllowlist: s.ipAllowlist,
      };
    }),
    topics: topics.map((row) => {
      const t = store.topicState(row, publishers.get(row.id) ?? []);
      return {
        code: t.code,
        name: t.name,
        category: t.category,
        description: t.description,
        model: t.model,
        mode: t.mode,
        validate: t.validate,
        enabled: t.enabled,
        indexFields: t.indexFields,
        publishers: t.publisherIds.map((id) => code(systemCode, id)).sort(),
      };
    }),
    subscriptions: subscriptions.map((row) => {
      const s = store.presentSubscription(row);
      return {
        name: s.name,
        topic: code(topicCode, s.topicId),
        system: code(systemCode, s.systemId),
        adapter: s.adapter,
        adapterConfig: s.adapterConfig,
        filter: s.filter,
        transform: s.transform,
        transformRef: s.transformRef,
        maxAttempts: s.maxAttempts,
        backoffInitialMs: s.backoffInitialMs,
        backoffMaxMs: s.backoffMaxMs,
        ordering: s.ordering,
        workers: s.workers,
        paused: s.paused,
        enabled: s.enabled,
      };
    }),
  };
  return Object.assign(doc, extra);
}

export function serializeDocument(doc: DomainDocument, format: ExportFormat): string {
  return format === 'yaml' ? stringifyYaml(doc, { lineWidth: 0 }) : `${JSON.stringify(doc, null, 2)}\n`;
}

// ---- import: reading ---------------------------------------------------------------------------------------------

/** Parses and checks the document's shape; every problem is reported, with where it is. */
export function parseDocument(
  content: string,
  format: ExportFormat,
  lang: Lang,
): { doc: DomainDocument | null; problems: string[] } {
  let value: unknown;
  try {
    value = format === 'yaml' ? parseYaml(content, { maxAliasCount: 100 }) : JSON.parse(content);
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0] ?? '';
    return {
      doc: null,
      problems: [
        say(lang, `无法解析 ${format.toUpperCase()}：${reason}`, `cannot parse ${format.toUpperCase()}: ${reason}`),
      ],
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { doc: null, problems: [say(lang, '文档必须是一个对象', 'the document must be an object')] };
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  // The built-in fields against the document schema, each registered section against its own.
  const base: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const checks: { schema: TSchema; value: unknown; prefix: string }[] = [];
  for (const section of documentSections()) {
    if (!(section.key in base)) continue;
    checks.push({
      schema: Type.Array(section.itemSchema, { maxItems: section.maxItems }),
      value: base[section.key],
      prefix: `/${section.key}`,
    });
    delete base[section.key];
  }
  checks.unshift({ schema: ConfigDocument, value: base, prefix: '' });
  const errors = checks.flatMap((c) =>
    [...Value.Errors(c.schema, c.value)].map((e) => ({ ...e, instancePath: `${c.prefix}${e.instancePath}` })),
  );
  for (const e of errors) {
    // One problem per place (a union reports each of its branches), but unknown and missing fields all count.
    const key = ['additionalProperties', 'required'].includes(e.keyword)
      ? `${e.instancePath} ${e.keyword}`
      : e.instancePath;
    if (e.keyword === 'boolean' || seen.has(key)) continue;
    seen.add(key);
    const where = pointerToPath(e.instancePath);
    if (e.keyword === 'additionalProperties') {
      const names = ((e.params as { additionalProperties?: string[] }).additionalProperties ?? []).join(', ');
      problems.push(`${where}: ${say(lang, `未知字段 ${names}`, `unknown field ${names}`)}`);
    } else {
      problems.push(`${where}: ${e.message}`);
    }
  }
  return { doc: problems.length === 0 ? (value as DomainDocument) : null, problems };
}

/** An item's `code`, when it has one (items of the sections that provide models and transforms do). */
function codeOf(item: unknown): string | undefined {
  const code = item !== null && typeof item === 'object' ? (item as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** "/systems/2/code" → "systems[2].code". */
function pointerToPath(pointer: string): string {
  if (pointer === '') return '(document)';
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

// ---- import: planning --------------------------------------------------------------------------------------------

export interface Planned<S> {
  kind: 'create' | 'update' | 'unchanged';
  before: S | null;
  after: S;
}

export interface ImportPlan {
  problems: string[];
  systems: Planned<SystemState>[];
  topics: Planned<TopicState>[];
  subscriptions: Planned<SubscriptionState>[];
  /** The registered sections present in the document, in registration order. */
  sections: { section: AnySection; planned: Planned<object>[] }[];
}

export interface ImportChecks {
  adapters: AdapterRegistry;
  transforms: Transforms;
  lang: Lang;
}

/** Fields that say nothing about the configuration itself when comparing an object with its imported version. */
const BOOKKEEPING = new Set(['id', 'createdAt', 'updatedAt', 'hasSecret']);

function same(a: object, b: object): boolean {
  const strip = (o: object) => Object.fromEntries(Object.entries(o).filter(([key]) => !BOOKKEEPING.has(key)));
  return stableJson(strip(a)) === stableJson(strip(b));
}

export function planned<S extends object>(before: S | null, after: S): Planned<S> {
  return { kind: before === null ? 'create' : same(before, after) ? 'unchanged' : 'update', before, after };
}

/** Works out what importing `doc` into `domain` would create and change, or why it cannot. Writes nothing. */
export async function planImport(
  k: Executor,
  domain: DomainsTable,
  doc: DomainDocument,
  checks: ImportChecks,
): Promise<ImportPlan> {
  const { lang } = checks;
  const at = now();
  const problems: string[] = [];
  const problem = (where: string, zh: string, en: string) => problems.push(`${where}: ${say(lang, zh, en)}`);
  const fromError = (where: string, error: HtError | null) => {
    if (error) problems.push(`${where}: ${error.localized(lang)}`);
  };

  const [systems, topics, subscriptions] = await Promise.all([
    store.systemsOfDomain(k, domain.id),
    store.topicsOfDomain(k, domain.id),
    store.subscriptionsOfDomain(k, domain.id),
  ]);
  const publishers = await store.publishersOf(
    k,
    topics.map((t) => t.id),
  );
  const plan: ImportPlan = { problems, systems: [], topics: [], subscriptions: [], sections: [] };

  // What topics and subscriptions may refer to: what exists, and what the sections of the same file bring.
  const provided = (kind: 'model' | 'transform') =>
    documentSections()
      .filter((section) => section.provides === kind && Array.isArray(doc[section.key]))
      .flatMap((section) => (doc[section.key] as unknown[]).map(codeOf))
      .filter((code): code is string => code !== undefined);
  const [storedModels, storedTransforms] = await Promise.all([modelCodes(k), transformCodes(k, domain.id)]);
  const knownModels = [...storedModels, ...provided('model')];
  const knownTransforms = new Set([...storedTransforms, ...provided('transform')]);

  // Systems: matched by code; a new system has no secret until an administrator rotates one.
  const systemByCode = new Map<string, SystemsTable>(systems.map((s) => [s.code, s]));
  const systemIdByCode = new Map<string, string>(systems.map((s) => [s.code, s.id]));
  for (const { item: s, where } of uniqueByCode('systems', doc.systems ?? [], problem)) {
    const allowlist = normalizeAllowlist(s.ipAllowlist ?? DEFAULTS.ipAllowlist);
    fromError(where, allowlistError(allowlist, 'ipAllowlist'));
    const existing = systemByCode.get(s.code);
    const before = existing ? store.presentSystem(existing) : null;
    const after: SystemState = {
      id: existing?.id ?? newId(),
      domainId: domain.id,
      code: s.code,
      name: s.name,
      vendor: textOrNull(s.vendor),
      contact: textOrNull(s.contact),
      description: textOrNull(s.description),
      enabled: s.enabled ?? true,
      authType: s.authType ?? 'token',
      authUsername: textOrNull(s.authUsername),
      hasSecret: before?.hasSecret ?? false,
      ipAllowlist: allowlist,
      createdAt: existing?.created_at ?? at,
      updatedAt: at,
    };
    systemIdByCode.set(s.code, after.id);
    plan.systems.push(planned(before, after));
  }

  // Topics: matched by code; publishers named by system code, from the document or already in the domain.
  const topicByCode = new Map<string, TopicsTable>(topics.map((t) => [t.code, t]));
  const topicIdByCode = new Map<string, string>(topics.map((t) => [t.code, t.id]));
  for (const { item: t, where } of uniqueByCode('topics', doc.topics ?? [], problem)) {
    const publisherIds: string[] = [];
    for (const code of new Set(t.publishers ?? [])) {
      const id = systemIdByCode.get(code);
      if (id) publisherIds.push(id);
      else problem(where, `发布方订户 ${code} 不存在`, `publisher system ${code} does not exist`);
    }
    const existing = topicByCode.get(t.code);
    const before = existing ? store.topicState(existing, publishers.get(existing.id) ?? []) : null;
    // A topic keeping the model it has is not refused for it (as in the API, only a new model is checked).
    let model = normalizeModel(t.model);
    if (model !== existing?.model) {
      const resolved = resolveModel(model, knownModels);
      if (resolved === undefined) fromError(where, unknownModel(model));
      else model = resolved;
    }
    const after: TopicState = {
      id: existing?.id ?? newId(),
      domainId: domain.id,
      code: t.code,
      name: t.name,
      category: textOrNull(t.category),
      description: textOrNull(t.description),
      model,
      mode: t.mode ?? 'async',
      validate: t.validate ?? false,
      enabled: t.enabled ?? true,
      indexFields: t.indexFields ?? {},
      publisherIds: [...publisherIds].sort(),
      createdAt: existing?.created_at ?? at,
      updatedAt: at,
    };
    topicIdByCode.set(t.code, after.id);
    plan.topics.push(planned(before, after));
  }

  // Subscriptions: matched by (topic, system, name).
  const systemCodeById = new Map(systems.map((s) => [s.id, s.code]));
  const topicCodeById = new Map(topics.map((t) => [t.id, t.code]));
  const key = (topic: string, system: string, name: string) => `${topic}\u0000${system}\u0000${name}`;
  const existingByKey = new Map<string, SubscriptionsTable[]>();
  for (const row of subscriptions) {
    const kk = key(topicCodeById.get(row.topic_id) ?? '', systemCodeById.get(row.system_id) ?? '', row.name);
    existingByKey.set(kk, [...(existingByKey.get(kk) ?? []), row]);
  }
  const seenSubs = new Set<string>();
  for (const [i, s] of (doc.subscriptions ?? []).entries()) {
    const where = `subscriptions[${i}] (${s.topic} → ${s.system}: ${s.name})`;
    const kk = key(s.topic, s.system, s.name);
    if (seenSubs.has(kk)) {
      problem(where, '同一主题、订户下的订阅名称重复', 'duplicate name for this topic and system');
      continue;
    }
    seenSubs.add(kk);
    const topicId = topicIdByCode.get(s.topic);
    const systemId = systemIdByCode.get(s.system);
    if (!topicId) problem(where, `主题 ${s.topic} 不存在`, `topic ${s.topic} does not exist`);
    if (!systemId) problem(where, `订户 ${s.system} 不存在`, `system ${s.system} does not exist`);
    try {
      checks.adapters.checkConfig(s.adapter, s.adapterConfig);
    } catch (error) {
      if (!(error instanceof HtError)) throw error;
      fromError(where, error);
    }
    const filter = expressionOrNull(s.filter);
    const transform = expressionOrNull(s.transform);
    const transformRef = expressionOrNull(s.transformRef);
    fromError(where, expressionError(checks.transforms, 'filter', filter));
    fromError(where, expressionError(checks.transforms, 'transform', transform));
    const backoffInitialMs = s.backoffInitialMs ?? DEFAULTS.backoffInitialMs;
    const backoffMaxMs = s.backoffMaxMs ?? DEFAULTS.backoffMaxMs;
    const backoff = backoffError(backoffInitialMs, backoffMaxMs, 'backoffInitialMs');
    if (backoff) problem(where, '首次重试间隔不能大于最大间隔', 'backoffInitialMs must not exceed backoffMaxMs');
    const matches = existingByKey.get(kk) ?? [];
    if (matches.length > 1) {
      problem(
        where,
        '域中已有多个同名订阅，无法确定更新哪一个',
        'several existing subscriptions match; cannot tell which',
      );
      continue;
    }
    const existing = matches[0];
    if (transformRef !== null && transformRef !== existing?.transform_ref && !knownTransforms.has(transformRef)) {
      fromError(where, unknownTransformRef(domain.code, transformRef));
    }
    if (!topicId || !systemId) continue;
    const before = existing ? store.presentSubscription(existing) : null;
    const after: SubscriptionState = {
      id: existing?.id ?? newId(),
      domainId: domain.id,
      topicId,
      systemId,
      name: s.name,
      adapter: s.adapter,
      adapterConfig: s.adapterConfig,
      filter,
      transform,
      transformRef,
      maxAttempts: s.maxAttempts ?? DEFAULTS.maxAttempts,
      backoffInitialMs,
      backoffMaxMs,
      ordering: s.ordering ?? DEFAULTS.ordering,
      workers: s.workers ?? DEFAULTS.workers,
      paused: s.paused ?? false,
      enabled: s.enabled ?? true,
      createdAt: existing?.created_at ?? at,
      updatedAt: at,
    };
    plan.subscriptions.push(planned(before, after));
  }

  // Sections of other modules: they see the systems and topics as they will be once the import is written.
  const context: SectionContext = {
    lang,
    transforms: checks.transforms,
    topicCodes: new Set(topicIdByCode.keys()),
    systemCodes: new Set(systemIdByCode.keys()),
    problem,
    fromError: (where, error) => fromError(where, error),
  };
  for (const section of documentSections()) {
    const items = doc[section.key];
    if (!Array.isArray(items)) continue;
    plan.sections.push({ section, planned: await section.plan(k, domain, items, context) });
  }
  return plan;
}

export function countPlan(plan: ImportPlan): { created: number; updated: number; unchanged: number } {
  const all = [...plan.systems, ...plan.topics, ...plan.subscriptions, ...plan.sections.flatMap((s) => s.planned)];
  return {
    created: all.filter((p) => p.kind === 'create').length,
    updated: all.filter((p) => p.kind === 'update').length,
    unchanged: all.filter((p) => p.kind === 'unchanged').length,
  };
}

/** The file name offered for a domain's export. */
export function exportFileName(domainCode: string, format: ExportFormat): string {
  const day = now().slice(0, 10);
  return `hutong-domain-${domainCode}-${day}.${format === 'yaml' ? 'yaml' : 'json'}`;
}
