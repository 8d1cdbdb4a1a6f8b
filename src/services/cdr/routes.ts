// HTTP API of the clinical data repository (临床数据中心): entities with counts, records by patient / visit / number /
// state, one record with its history, and the state machines a hospital extends.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { recordAudit } from '../../platform/audit/index.js';
import { fromJson, now, toJson, type Database } from '../../platform/db/index.js';
import { HtError } from '../../platform/errors/index.js';
import { getServiceDefinition } from '../catalogue/catalogue.js';
import { cdrEntity, listCdrEntities } from './bindings.js';
import { CP } from './permissions.js';
import * as S from './schema.js';
import { cdrKysely, recordCounts, recordWithHistory, searchRecords } from './search.js';
import { checkExtra, type StateMachineExtra } from './states.js';
import type { CdrTables } from './tables.js';

const Problem = Type.Ref('Problem');
const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };
const tags = ['cdr'];

export function cdrRoutes(app: FastifyInstance, db: Database): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/cdr/entities',
    {
      config: { permission: CP.read },
      schema: { tags, summary: '临床数据中心：业务实体与记录数', response: { 200: S.CdrEntityList, ...errors } },
    },
    async (request) => {
      request.ctx.require(CP.read);
      const counts = await recordCounts(db);
      return {
        items: listCdrEntities().map((e) => ({
          entity: e.entity,
          name: e.name,
          nameEn: e.nameEn,
          keyLabel: e.keyLabel,
          count: counts.get(e.entity) ?? 0,
          services: e.services,
          ...(e.states.length > 0 ? { states: e.states } : {}),
        })),
      };
    },
  );

  r.get(
    '/api/cdr/records',
    {
      config: { permission: CP.read },
      schema: {
        tags,
        summary: '临床数据中心：按患者、就诊、单号、状态查找记录',
        querystring: S.CdrRecordQuery,
        response: { 200: S.CdrRecordPage, ...errors },
      },
    },
    async (request) => {
      request.ctx.require(CP.read);
      const q = request.query;
      if (!cdrEntity(q.entity)) throw new HtError('HT_CDR_ENTITY_NOT_FOUND', { entity: q.entity });
      const page = q.page ?? 1;
      const pageSize = q.pageSize ?? 20;
      const found = await searchRecords(
        db,
        {
          entity: q.entity,
          ...(q.patientId ? { patientId: q.patientId.trim() } : {}),
          ...(q.visitNo ? { visitNo: q.visitNo.trim() } : {}),
          ...(q.number ? { number: q.number.trim() } : {}),
          ...(q.state ? { state: q.state } : {}),
        },
        page,
        pageSize,
      );
      return { ...found, page, pageSize };
    },
  );

  r.get(
    '/api/cdr/records/:id',
    {
      config: { permission: CP.read },
      schema: {
        tags,
        summary: '临床数据中心：记录及其变更历史',
        params: S.CdrIdParams,
        response: { 200: S.CdrRecordDetail, ...errors },
      },
    },
    async (request) => {
      request.ctx.require(CP.read);
      const found = await recordWithHistory(db, request.params.id);
      if (!found) throw new HtError('HT_CDR_RECORD_NOT_FOUND', { id: request.params.id });
      return {
        record: found.record,
        history: found.history.map((h) => ({ ...h, serviceName: getServiceDefinition(h.service)?.name ?? h.service })),
      };
    },
  );

  r.get(
    '/api/cdr/state-machines',
    {
      config: { permission: CP.read },
      schema: { tags, summary: '临床数据中心：实体状态机', response: { 200: S.CdrStateMachineList, ...errors } },
    },
    async (request) => {
      request.ctx.require(CP.read);
      const rows = await cdrKysely(db).selectFrom('cdr_state_machines').selectAll().execute();
      const byEntity = new Map(rows.map((row) => [row.entity, row]));
      return {
        items: listCdrEntities()
          .filter((e) => e.states.length > 0)
          .map((e) => {
            const row = byEntity.get(e.entity);
            return {
              entity: e.entity,
              name: e.name,
              base: e.states,
              extra: (row ? fromJson<StateMachineExtra>(row.extra) : null) ?? { states: [], transitions: [] },
              updatedAt: row?.updated_at ?? null,
              updatedBy: row?.updated_by ?? null,
            };
          }),
      };
    },
  );

  r.put(
    '/api/cdr/state-machines/:entity',
    {
      config: { permission: CP.manage },
      schema: {
        tags,
        summary: '临床数据中心：增加医院自定义的状态与流转',
        description:
          '在目录规定的状态机之外增加状态（及其后继）与流转；from 为空字符串表示记录尚无状态时可进入的状态。',
        params: S.CdrEntityParams,
        body: S.CdrStateMachineExtra,
        response: { 200: S.CdrStateMachine, ...errors },
      },
    },
    async (request) => {
      request.ctx.require(CP.manage);
      const entity = cdrEntity(request.params.entity);
      if (!entity || entity.states.length === 0) {
        throw new HtError('HT_CDR_ENTITY_NOT_FOUND', { entity: request.params.entity });
      }
      const extra = request.body;
      const problems = checkExtra(entity.states, extra);
      if (problems.length > 0) throw new HtError('HT_CDR_STATE_MACHINE_INVALID', { problems: problems.join('；') });
      const at = now();
      const by = request.ctx.user?.username ?? null;
      await db.transaction(async (trx) => {
        const k = trx.withTables<CdrTables>();
        const before = await k
          .selectFrom('cdr_state_machines')
          .select('extra')
          .where('entity', '=', entity.entity)
          .executeTakeFirst();
        if (before) {
          await k
            .updateTable('cdr_state_machines')
            .set({ extra: toJson(extra)!, updated_at: at, updated_by: by })
            .where('entity', '=', entity.entity)
            .execute();
        } else {
          await k
            .insertInto('cdr_state_machines')
            .values({ entity: entity.entity, extra: toJson(extra)!, updated_at: at, updated_by: by })
            .execute();
        }
        await recordAudit(trx, request.ctx, {
          action: 'services.cdr.state-machine.update',
          objectType: 'cdr-state-machine',
          objectId: entity.entity,
          summary:
            `${entity.name} 状态机：自定义状态 ${extra.states.map((s) => s.code).join(', ') || '无'}；` +
            `流转 ${extra.transitions.map((t) => `${t.from || '∅'}→${t.to}`).join(', ') || '无'}` +
            (before ? `（原：${before.extra.slice(0, 500)}）` : ''),
        });
      });
      return { entity: entity.entity, name: entity.name, base: entity.states, extra, updatedAt: at, updatedBy: by };
    },
  );
}
