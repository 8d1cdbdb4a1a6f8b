// HTTP routes of the engine's configuration (订阅发布 配置): schema in, one service call, presenter out.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { EP } from '../permissions.js';
import { errors, IdParams, NoContent } from './http.js';
import * as S from './schema.js';
import type { ConfigService } from './service.js';

const read = { permission: EP.configRead };
const manage = { permission: EP.configManage };
const tags = ['engine-config'];

export interface ConfigRouteDeps {
  service: ConfigService;
}

export function configRoutes(app: FastifyInstance, deps: ConfigRouteDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { service } = deps;

  // ---- domains (域管理) -------------------------------------------------------------------------------------------
  r.get(
    '/api/engine/domains',
    { config: read, schema: { tags, summary: '域列表 Domains', response: { 200: S.DomainList, ...errors } } },
    async (request) => service.listDomains(request.ctx),
  );

  r.post(
    '/api/engine/domains',
    {
      config: manage,
      schema: { tags, summary: '新建域', body: S.CreateDomainBody, response: { 201: S.Domain, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await service.createDomain(request.ctx, request.body)),
  );

  r.get(
    '/api/engine/domains/:id',
    {
      config: read,
      schema: { tags, summary: '域详情', params: IdParams, response: { 200: S.Domain, ...errors } },
    },
    async (request) => service.getDomain(request.ctx, request.params.id),
  );

  r.patch(
    '/api/engine/domains/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: '修改域（含启用/停用）',
        params: IdParams,
        body: S.UpdateDomainBody,
        response: { 200: S.Domain, ...errors },
      },
    },
    async (request) => service.updateDomain(request.ctx, request.params.id, request.body),
  );

  r.delete(
    '/api/engine/domains/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: '删除域（域中无订户、主题、订阅时）',
        params: IdParams,
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      await service.deleteDomain(request.ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/api/engine/domains/:id/export',
    {
      config: manage,
      schema: {
        tags,
        summary: '导出域配置 Export a domain',
        description:
          '订户（不含密钥）、主题（发布方以订户编码表示）与订阅关系（主题、订户以编码表示），JSON 或 YAML 文件',
        params: IdParams,
        querystring: S.ExportQuery,
        response: {
          200: {
            description: S.EXPORT_DESCRIPTION,
            content: {
              'application/json': { schema: S.ConfigDocument },
              'application/yaml': { schema: S.ConfigDocument },
            },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const file = await service.exportDomain(request.ctx, request.params.id, request.query.format ?? 'json');
      return reply
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .type(file.contentType)
        .serializer((payload: unknown) => payload as string)
        .send(file.content);
    },
  );

  r.post(
    '/api/engine/domains/:id/import',
    {
      config: manage,
      schema: {
        tags,
        summary: '导入域配置 Import into a domain',
        description:
          '按编码匹配：订户、主题按编码，订阅按（主题、订户、名称）。先校验全部内容（含适配器配置与表达式），无误后在一个事务中写入；' +
          'dryRun 只校验和计数。新导入的订户没有密钥，须重新生成。文档中没有的对象保持不变。',
        params: IdParams,
        body: S.ImportBody,
        response: { 200: S.ImportResult, ...errors },
      },
    },
    async (request) => service.importDomain(request.ctx, request.params.id, request.body),
  );

  // ---- systems (订户管理) -----------------------------------------------------------------------------------------
  r.get(
    '/api/engine/systems',
    {
      config: read,
      schema: {
        tags,
        summary: '订户（接入系统）列表',
        querystring: S.SystemListQuery,
        response: { 200: S.SystemPage, ...errors },
      },
    },
    async (request) => service.listSystems(request.ctx, request.query),
  );

  r.post(
    '/api/engine/systems',
    {
      config: manage,
      schema: {
        tags,
        summary: '新建订户（密钥只显示一次）',
        body: S.CreateSystemBody,
        response: { 201: S.NewSystem, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.createSystem(request.ctx, request.body)),
  );

  r.get(
    '/api/engine/systems/:id',
    {
      config: read,
      schema: { tags, summary: '订户详情', params: IdParams, response: { 200: S.System, ...errors } },
    },
    async (request) => service.getSystem(request.ctx, request.params.id),
  );

  r.patch(
    '/api/engine/systems/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: '修改订户（含启用/停用、认证方式、IP 白名单）',
        params: IdParams,
        body: S.UpdateSystemBody,
        response: { 200: S.System, ...errors },
      },
    },
    async (request) => service.updateSystem(request.ctx, request.params.id, request.body),
  );

  r.delete(
    '/api/engine/systems/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: '删除订户（无订阅、不是任何主题的发布方时）',
        params: IdParams,
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      await service.deleteSystem(request.ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/api/engine/systems/:id/rotate-secret',
    {
      config: manage,
      schema: {
        tags,
        summary: '重新生成订户密钥（只显示一次，旧密钥立即失效）',
        params: IdParams,
        response: { 200: S.NewSecret, ...errors },
      },
    },
    async (request) => service.rotateSecret(request.ctx, request.params.id),
  );

  // ---- topics (主题管理) ------------------------------------------------------------------------------------------
  r.get(
    '/api/engine/topics',
    {
      config: read,
      schema: { tags, summary: '主题列表', querystring: S.TopicListQuery, response: { 200: S.TopicPage, ...errors } },
    },
    async (request) => service.listTopics(request.ctx, request.query),
  );

  r.post(
    '/api/engine/topics',
    {
      config: manage,
      schema: { tags, summary: '新建主题', body: S.CreateTopicBody, response: { 201: S.Topic, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await service.createTopic(request.ctx, request.body)),
  );

  r.get(
    '/api/engine/topics/:id',
    {
      config: read,
      schema: { tags, summary: '主题详情', params: IdParams, response: { 200: S.Topic, ...errors } },
    },
    async (request) => service.getTopic(request.ctx, request.params.id),
  );

  r.patch(
    '/api/engine/topics/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: '修改主题（含发布方、索引字段、启用/停用）',
        params: IdParams,
        body: S.UpdateTopicBody,
        response: { 200: S.Topic, ...errors },
      },
    },
    async (request) => service.updateTopic(request.ctx, request.params.id, request.body),
  );

  r.delete(
    '/api/engine/topics/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: '删除主题（无订阅时）',
        params: IdParams,
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      await service.deleteTopic(request.ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );

  // ---- subscriptions (订阅关系) -----------------------------------------------------------------------------------
  r.get(
    '/api/engine/subscriptions',
    {
      config: read,
      schema: {
        tags,
        summary: '订阅关系列表',
        querystring: S.SubscriptionListQuery,
        response: { 200: S.SubscriptionPage, ...errors },
      },
    },
    async (request) => service.listSubscriptions(request.ctx, request.query),
  );

  r.post(
    '/api/engine/subscriptions',
    {
      config: manage,
      schema: {
        tags,
        summary: '新建订阅关系',
        body: S.CreateSubscriptionBody,
        response: { 201: S.Subscription, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.createSubscription(request.ctx, request.body)),
  );

  r.get(
    '/api/engine/subscriptions/:id',
    {
      config: read,
      schema: { tags, summary: '订阅关系详情', params: IdParams, response: { 200: S.Subscription, ...errors } },
    },
    async (request) => service.getSubscription(request.ctx, request.params.id),
  );

  r.patch(
    '/api/engine/subscriptions/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: '修改订阅关系',
        params: IdParams,
        body: S.UpdateSubscriptionBody,
        response: { 200: S.Subscription, ...errors },
      },
    },
    async (request) => service.updateSubscription(request.ctx, request.params.id, request.body),
  );

  r.delete(
    '/api/engine/subscriptions/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: '删除订阅关系（无未完成投递时）',
        params: IdParams,
        response: { 204: NoContent, ...errors },
      },
    },
    async (request, reply) => {
      await service.deleteSubscription(request.ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );

  r.post(
    '/api/engine/subscriptions/:id/pause',
    {
      config: manage,
      schema: {
        tags,
        summary: '暂停投递（消息照常路由，等待恢复）',
        params: IdParams,
        response: { 200: S.Subscription, ...errors },
      },
    },
    async (request) => service.setPaused(request.ctx, request.params.id, true),
  );

  r.post(
    '/api/engine/subscriptions/:id/resume',
    {
      config: manage,
      schema: {
        tags,
        summary: '恢复投递',
        params: IdParams,
        response: { 200: S.Subscription, ...errors },
      },
    },
    async (request) => service.setPaused(request.ctx, request.params.id, false),
  );

  // ---- adapters (适配器管理) --------------------------------------------------------------------------------------
  r.get(
    '/api/engine/adapters',
    {
      config: read,
      schema: { tags, summary: '适配器目录 Adapter catalogue', response: { 200: S.AdapterList, ...errors } },
    },
    async (request) => service.listAdapters(request.ctx),
  );

  r.post(
    '/api/engine/adapters/:type/test',
    {
      config: manage,
      schema: {
        tags,
        summary: '测试适配器连接（不投递消息）',
        params: S.TypeParams,
        body: S.AdapterTestBody,
        response: { 200: S.AdapterTestResult, ...errors },
      },
    },
    async (request) => service.testAdapter(request.ctx, request.params.type, request.body.config),
  );

  // ---- revisions (配置修订) ---------------------------------------------------------------------------------------
  r.get(
    '/api/engine/revisions',
    {
      config: read,
      schema: {
        tags,
        summary: '配置修订记录（最新在前）',
        querystring: S.RevisionListQuery,
        response: { 200: S.RevisionPage, ...errors },
      },
    },
    async (request) => service.listRevisions(request.ctx, request.query),
  );

  r.post(
    '/api/engine/revisions/:id/rollback',
    {
      config: manage,
      schema: {
        tags,
        summary: '回滚到该修订之前的状态（回滚本身记为新的修订）',
        params: S.RevisionIdParams,
        response: { 200: S.RollbackResult, ...errors },
      },
    },
    async (request) => service.rollback(request.ctx, request.params.id),
  );
}
