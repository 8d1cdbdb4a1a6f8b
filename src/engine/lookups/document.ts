// Lookup tables (映射表) in the per-domain export/import file (域配置导出/导入): the section `lookups`, one item per
// table of the domain — code, name, description, one-to-one or one-to-many, and its entries in order; no ids.
// Importing matches tables by code and makes each table in the file hold exactly the file's entries (as an import of
// its CSV in "replace" mode would), checked as the lookup API checks entries: keys and values not empty nor too long,
// a one-to-one table without a key twice, a one-to-many table without the same pair twice. Tables absent from the file
// are left alone. The configuration service writes the revisions (entity 'lookup', action 'import'; entries kept
// while the table is small, as the lookup API does) and audit entries, and every node reloads the imported tables
// once the import has committed (scope `lookup:<id>`).
import Type, { type Static } from 'typebox';
import { now, toFlag } from '../../platform/db/index.js';
import { newId } from '../../platform/ids/index.js';
import { planned, uniqueByCode, type DocumentSection, type Planned } from '../config/export.js';
import { stableJson } from '../config/rules.js';
import { MAX_DESCRIPTION_LENGTH, MAX_IMPORT_ROWS, MAX_KEY_LENGTH, MAX_VALUE_LENGTH, type ExportEntry } from './io.js';
import { LookupCode } from './schema.js';
import { SNAPSHOT_LIMIT, stateOf, type LookupState } from './service.js';
import * as store from './store.js';
import type { LookupTables } from './store.js';

const DocumentEntry = Type.Object(
  {
    key: Type.String({ maxLength: MAX_KEY_LENGTH }),
    value: Type.String({ maxLength: MAX_VALUE_LENGTH }),
    description: Type.Optional(Type.Union([Type.String({ maxLength: MAX_DESCRIPTION_LENGTH }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const DocumentLookup = Type.Object(
  {
    code: LookupCode,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    multi: Type.Optional(Type.Boolean({ description: 'true: one key may map to several values (一对多)' })),
    entries: Type.Array(DocumentEntry, { maxItems: MAX_IMPORT_ROWS }),
  },
  { additionalProperties: false },
);
export type DocumentLookup = Static<typeof DocumentLookup>;

/** A table as planned: always with every entry (compared and written whole); revisions keep them while small. */
type PlannedLookup = LookupState & { entries: ExportEntry[] };

/** Problems listed per table at most (a broken file of 10,000 rows should not answer with 10,000 lines). */
const MAX_ENTRY_PROBLEMS = 5;

export function lookupSection(): DocumentSection<DocumentLookup, PlannedLookup> {
  return {
    key: 'lookups',
    entityType: 'lookup',
    itemSchema: DocumentLookup,
    maxItems: 10_000,

    async exportItems(k, domain) {
      const t = k.withTables<LookupTables>();
      const tables = await store.listTables(t, { domainId: domain.id });
      const items: DocumentLookup[] = [];
      for (const table of tables) {
        const entries = await store.allEntries(t, table.id);
        items.push({
          code: table.code,
          name: table.name,
          description: table.description,
          multi: table.multi,
          entries: entries.map((e) =>
            e.description === null
              ? { key: e.key, value: e.value }
              : { key: e.key, value: e.value, description: e.description },
          ),
        });
      }
      return items;
    },

    async plan(k, domain, items, context) {
      const at = now();
      const t = k.withTables<LookupTables>();
      const existing = await t.selectFrom('lookup_tables').selectAll().where('domain_id', '=', domain.id).execute();
      const byCode = new Map(existing.map((row) => [row.code, row]));
      const result: Planned<PlannedLookup>[] = [];
      for (const { item, where } of uniqueByCode('lookups', items, context.problem)) {
        const multi = item.multi ?? false;
        const entries = checkEntries(item, multi, (zh, en) => context.problem(where, zh, en));
        if (!entries) continue;
        const row = byCode.get(item.code);
        const before = row
          ? (stateOf(row, await store.entryCount(t, row.id), await store.allEntries(t, row.id)) as PlannedLookup)
          : null;
        result.push(
          planned(before, {
            id: row?.id ?? newId(),
            domainId: domain.id,
            code: item.code,
            name: item.name,
            description: item.description?.trim() ? item.description : null,
            multi,
            createdAt: row?.created_at ?? at,
            updatedAt: at,
            entryCount: entries.length,
            entries,
          }),
        );
      }
      return result;
    },

    async write(trx, p) {
      const t = trx.withTables<LookupTables>();
      const s = p.after;
      const row = {
        code: s.code,
        name: s.name,
        description: s.description,
        multi: toFlag(s.multi),
        updated_at: s.updatedAt,
      };
      if (p.kind === 'create') {
        await t
          .insertInto('lookup_tables')
          .values({ id: s.id, domain_id: s.domainId, created_at: s.createdAt, ...row })
          .execute();
      } else {
        await t.updateTable('lookup_tables').set(row).where('id', '=', s.id).execute();
        // A renamed or re-described table keeps its entries as they are.
        if (p.before && stableJson(p.before.entries) === stableJson(s.entries)) return;
        await t.deleteFrom('lookup_entries').where('table_id', '=', s.id).execute();
      }
      await store.insertEntries(t, s.id, s.entries, 1);
    },

    summary: (state) => `导入映射表 ${state.code}（${state.entryCount} 项）`,

    // As the lookup API keeps them: a large table's entries are not copied into every revision.
    revisionState: (state) => {
      if (state.entries.length <= SNAPSHOT_LIMIT) return state;
      const { entries: _entries, ...rest } = state;
      return { ...rest, partial: true };
    },
  };
}

/** The item's entries trimmed, or null after reporting what is wrong with them. */
function checkEntries(
  item: DocumentLookup,
  multi: boolean,
  problem: (zh: string, en: string) => void,
): ExportEntry[] | null {
  const entries: ExportEntry[] = [];
  const seen = new Set<string>();
  let problems = 0;
  const report = (zh: string, en: string) => {
    problems++;
    if (problems <= MAX_ENTRY_PROBLEMS) problem(zh, en);
  };
  for (const [j, e] of item.entries.entries()) {
    const key = e.key.trim();
    const value = e.value.trim();
    if (key === '' || value === '') {
      report(`第 ${j + 1} 项：键和值都不能为空`, `entries[${j}]: the key and the value must not be empty`);
      continue;
    }
    const pair = multi ? `${key}\u0000${value}` : key;
    if (seen.has(pair)) {
      if (multi) report(`第 ${j + 1} 项：重复的 ${key} → ${value}`, `entries[${j}]: ${key} → ${value} twice`);
      else
        report(`第 ${j + 1} 项：一对一映射表中键 ${key} 重复`, `entries[${j}]: key ${key} twice in a one-to-one table`);
      continue;
    }
    seen.add(pair);
    entries.push({ key, value, description: e.description?.trim() || null });
  }
  if (problems > MAX_ENTRY_PROBLEMS) {
    const more = problems - MAX_ENTRY_PROBLEMS;
    problem(`另有 ${more} 处条目问题`, `and ${more} more problems in its entries`);
  }
  return problems > 0 ? null : entries;
}
