// HTTP routes of the lookup tables (映射表): schema in, one service call, presenter out.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { errors, IdParams, NoContent } from '../config/http.js';
import { EP } from '../permissions.js';
import * as S from './schema.js';
import type { LookupService } from './service.js';

const tags = ['engine-lookups'];

export function lookupRoutes(app: FastifyInstance, service: LookupService): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/engine/lookups',
    {
      config: { permission: EP.configRead },
      schema: {
        tags,
        summary: '映射表列表 Lookup tables',
        querystring: S.LookupListQuery,
        response: { 200: S.LookupList, ...errors },
      },
    },
    async (request) => service.list(request.ctx, request.query),
  );

  r.post(
    '/api/engine/lookups',
    {
      config: { permission: EP.transformManage },
      schema: {
        tags,
        summary: '新建映射表',
        body: S.CreateLookupBody,
        response: { 201: S.Lookup, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.create(request.ctx, request.body)),
  );

  r.get(
    '/api/engine/lookups/:id',
    {
      config: { permission: EP.configRead },
      schema: { tags, summary: '映射表详情', params: IdParams, response: { 200: S.Lookup, ...errors } },
    },
    async (request) => service.get(request.ctx, request.params.id),
  );

  r.patch(
    '/api/engine/lookups/:id',
    {
      config: { permission: EP.transformManage },
      schema: {
        tags,
        summary: '修改映射表',
        params: IdParams,
        body: S.UpdateLookupBody,
        response: { 200: S.Lookup, ...errors },
      },
    },
    async (request) => service.update(request.ctx, request.params.id, request.body),
  );

  r.delete(
    '/api/engine/lookups/:id',
    {
      config: { permission: EP.transformManage },
      schema: { tags, summary: '删除映射表', params: IdParams, response: { 204: NoContent, ...errors } },
    },
    async (request, reply) => {
      await service.remove(request.ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/api/engine/lookups/:id/entries',
    {
      config: { permission: EP.configRead },
      schema: {
        tags,
        summary: '映射表条目（按键或值检索）',
        params: IdParams,
        querystring: S.EntryListQuery,
        response: { 200: S.EntryPage, ...errors },
      },
    },
    async (request) => service.listEntries(request.ctx, request.params.id, request.query),
  );

  r.post(
    '/api/engine/lookups/:id/entries',
    {
      config: { permission: EP.transformManage },
      schema: {
        tags,
        summary: '新增映射表条目',
        params: IdParams,
        body: S.CreateEntryBody,
        response: { 201: S.LookupEntry, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await service.addEntry(request.ctx, request.params.id, request.body)),
  );

  r.patch(
    '/api/engine/lookups/:id/entries/:entryId',
    {
      config: { permission: EP.transformManage },
      schema: {
        tags,
        summary: '修改映射表条目',
        params: S.EntryParams,
        body: S.UpdateEntryBody,
        response: { 200: S.LookupEntry, ...errors },
      },
    },
    async (request) => service.updateEntry(request.ctx, request.params.id, request.params.entryId, request.body),
  );

  r.delete(
    '/api/engine/lookups/:id/entries/:entryId',
    {
      config: { permission: EP.transformManage },
      schema: { tags, summary: '删除映射表条目', params: S.EntryParams, response: { 204: NoContent, ...errors } },
    },
    async (request, reply) => {
      await service.removeEntry(request.ctx, request.params.id, request.params.entryId);
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/api/engine/lookups/:id/import',
    {
      config: { permission: EP.transformManage },
      schema: {
        tags,
        summary: '导入映射表（CSV / Excel）',
        params: IdParams,
        body: S.ImportBody,
        response: { 200: S.ImportResult, ...errors },
      },
    },
    async (request) => service.importEntries(request.ctx, request.params.id, request.body),
  );

  r.get(
    '/api/engine/lookups/:id/export',
    {
      config: { permission: EP.configRead },
      schema: {
        tags,
        summary: '导出映射表（CSV 带 BOM / Excel）',
        params: IdParams,
        querystring: S.ExportQuery,
        response: { 200: Type.String({ description: 'the file (attachment)' }), ...errors },
      },
    },
    async (request, reply) => {
      const file = await service.exportEntries(request.ctx, request.params.id, request.query.format ?? 'csv');
      return reply
        .header('content-type', file.contentType)
        .header(
          'content-disposition',
          `attachment; filename="${file.filename.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        )
        .send(file.body);
    },
  );
}
