// Named transforms (规则转换) in the per-domain export/import file (域配置导出/导入): the section `transforms`, one
// item per named transform of the domain — code, name, description, expression; no ids. Importing matches by code,
// checks each expression compiles (as the transform API does) and creates or updates; transforms absent from the file
// are left alone. Subscriptions of the same file may name these codes in `transformRef`. The configuration service
// writes the revisions (entity 'transform', action 'import') and audit entries, and reloads the resolver of every
// node once the import has committed (scope `transform:<id>`).
import Type, { type Static } from 'typebox';
import { now } from '../../platform/db/index.js';
import { newId } from '../../platform/ids/index.js';
import { planned, uniqueByCode, type DocumentSection, type Planned } from '../config/export.js';
import { Expression, TransformCode, TransformName } from './schema.js';
import { stateOf, type TransformState } from './service.js';
import * as store from './store.js';
import type { TransformTables } from './store.js';

export const DocumentTransform = Type.Object(
  {
    code: TransformCode,
    name: TransformName,
    description: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    expression: Expression,
  },
  { additionalProperties: false },
);
export type DocumentTransform = Static<typeof DocumentTransform>;

export function transformSection(): DocumentSection<DocumentTransform, TransformState> {
  return {
    key: 'transforms',
    entityType: 'transform',
    itemSchema: DocumentTransform,
    maxItems: 10_000,
    provides: 'transform',

    async exportItems(k, domain) {
      const rows = await store.listTransforms(k.withTables<TransformTables>(), domain.id);
      return rows.map((row) => ({
        code: row.code,
        name: row.name,
        description: row.description,
        expression: row.expression,
      }));
    },

    async plan(k, domain, items, context) {
      const at = now();
      const existing = await store.listTransforms(k.withTables<TransformTables>(), domain.id);
      const byCode = new Map(existing.map((row) => [row.code, row]));
      const result: Planned<TransformState>[] = [];
      for (const { item, where } of uniqueByCode('transforms', items, context.problem)) {
        const problem = context.transforms.check(item.expression);
        if (problem) {
          const position = problem.position === undefined ? '' : ` @${problem.position}`;
          context.problem(
            where,
            `表达式有误：${problem.message}${position}`,
            `the expression is invalid: ${problem.message}${position}`,
          );
          continue;
        }
        const row = byCode.get(item.code);
        const before = row ? stateOf(row) : null;
        result.push(
          planned(before, {
            id: row?.id ?? newId(),
            domainId: domain.id,
            code: item.code,
            name: item.name,
            description: item.description?.trim() ? item.description : null,
            expression: item.expression,
            createdAt: row?.created_at ?? at,
            updatedAt: at,
          }),
        );
      }
      return result;
    },

    async write(trx, p) {
      const t = trx.withTables<TransformTables>();
      const s = p.after;
      if (p.kind === 'create') {
        await t
          .insertInto('transforms')
          .values({
            id: s.id,
            domain_id: s.domainId,
            code: s.code,
            name: s.name,
            description: s.description,
            expression: s.expression,
            created_at: s.createdAt,
            updated_at: s.updatedAt,
          })
          .execute();
      } else {
        await t
          .updateTable('transforms')
          .set({ name: s.name, description: s.description, expression: s.expression, updated_at: s.updatedAt })
          .where('id', '=', s.id)
          .execute();
      }
    },

    summary: (state) => `导入规则转换 ${state.code}（${state.name}）`,
  };
}
