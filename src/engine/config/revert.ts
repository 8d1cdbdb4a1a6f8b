// Rolling a configuration revision back (配置回滚) for domains, systems, topics and subscriptions: how to put each
// back to the state kept in a revision, and how to read its current state. A rollback that would break something —
// dependents still exist, the code is now taken, a referenced object is gone (a publisher, a topic's message model,
// a subscription's named transform) — is refused with the reason.
// Registered when this module loads (the service imports it).
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { now } from '../../platform/db/index.js';
import { HtError } from '../../platform/errors/index.js';
import { modelCodes, resolveModel, transformCodes } from './references.js';
import { registerRevertHandler, stateLoaderFor } from './revisions.js';
import { DomainState, SubscriptionState, SystemState, TopicState } from './schema.js';
import * as store from './store.js';
import type { Executor } from './store.js';

/** The configuration objects this module owns, as named in revisions and audit entries. */
export type ConfigEntity = 'domain' | 'system' | 'topic' | 'subscription';

/** Names used in error messages (one text serves both languages). */
export const ENTITY_LABEL: Record<ConfigEntity | 'revision', string> = {
  domain: '域 domain',
  system: '订户 system',
  topic: '主题 topic',
  subscription: '订阅 subscription',
  revision: '配置修订 revision',
};

function refuse(zh: string, en: string): never {
  throw new HtError('HT_ENGINE_REVISION_NOT_REVERTIBLE', { reason: `${zh} (${en})` });
}

function readState<T>(schema: TSchema, state: Record<string, unknown>, id: string): T {
  if (!Value.Check(schema, state) || state.id !== id) {
    refuse('修订中保存的状态无法识别', 'the state kept in the revision is not readable');
  }
  return state as T;
}

/**
 * The current state of a configuration object as its revisions keep it (null: it does not exist): this module's own
 * objects, then whatever other modules registered with registerStateLoader; undefined when nobody knows the type.
 */
export async function loadState(k: Executor, entity: string, id: string): Promise<unknown> {
  switch (entity) {
    case 'domain': {
      const row = await store.findDomain(k, id);
      return row ? store.domainState(row) : null;
    }
    case 'system': {
      const row = await store.findSystem(k, id);
      return row ? store.presentSystem(row) : null;
    }
    case 'topic': {
      const row = await store.findTopic(k, id);
      return row ? store.topicState(row, (await store.publishersOf(k, [id])).get(id) ?? []) : null;
    }
    case 'subscription': {
      const row = await store.findSubscription(k, id);
      return row ? store.presentSubscription(row) : null;
    }
    default: {
      const loader = stateLoaderFor(entity);
      return loader ? loader(k, id) : undefined;
    }
  }
}

async function requireDomain(k: Executor, domainId: string) {
  const domain = await store.findDomain(k, domainId);
  if (!domain) refuse('所属的域已不存在', 'its domain no longer exists');
  return domain;
}

registerRevertHandler('domain', async (trx, id, raw) => {
  const current = await store.findDomain(trx, id);
  if (raw === null) {
    if (!current) refuse('域已不存在', 'the domain no longer exists');
    const c = (await store.domainCounts(trx, id)).get(id);
    if (c && c.topics + c.systems + c.subscriptions > 0) {
      refuse(
        `域 ${current.code} 仍有 ${c.systems} 个订户、${c.topics} 个主题、${c.subscriptions} 个订阅`,
        `domain ${current.code} still has ${c.systems} systems, ${c.topics} topics, ${c.subscriptions} subscriptions`,
      );
    }
    await trx.deleteFrom('domains').where('id', '=', id).execute();
    return;
  }
  const state = readState<DomainState>(DomainState, raw, id);
  const taken = await store.findDomainByCode(trx, state.code);
  if (taken && taken.id !== id) {
    refuse(`编码 ${state.code} 已被另一个域使用`, `code ${state.code} is now used by another domain`);
  }
  const row = store.domainRow({ ...state, updatedAt: now() });
  if (current) await store.updateDomain(trx, row);
  else await store.insertDomain(trx, row);
});

registerRevertHandler('system', async (trx, id, raw) => {
  const current = await store.findSystem(trx, id);
  if (raw === null) {
    if (!current) refuse('订户已不存在', 'the system no longer exists');
    const deps = await store.systemDependents(trx, id);
    if (deps.subscriptions > 0) {
      refuse(
        `订户 ${current.code} 仍有 ${deps.subscriptions} 个订阅`,
        `system ${current.code} still has subscriptions`,
      );
    }
    if (deps.topics.length > 0) {
      refuse(
        `订户 ${current.code} 仍是主题 ${deps.topics.join(', ')} 的发布方`,
        `system ${current.code} still publishes ${deps.topics.join(', ')}`,
      );
    }
    await trx.deleteFrom('systems').where('id', '=', id).execute();
    return;
  }
  const state = readState<SystemState>(SystemState, raw, id);
  await requireDomain(trx, state.domainId);
  if (current && current.domain_id !== state.domainId)
    refuse('订户已属于另一个域', 'the system moved to another domain');
  const taken = await store.findSystemByCode(trx, state.domainId, state.code);
  if (taken && taken.id !== id) {
    refuse(`编码 ${state.code} 已被本域另一个订户使用`, `code ${state.code} is now used by another system`);
  }
  // Secrets are not kept in revisions: an existing system keeps its secret, a re-created one has none until rotated.
  const row = store.systemRow({ ...state, updatedAt: now() }, current?.secret_hash ?? null);
  if (current) await store.updateSystem(trx, row);
  else await store.insertSystem(trx, row);
});

registerRevertHandler('topic', async (trx, id, raw) => {
  const current = await store.findTopic(trx, id);
  if (raw === null) {
    if (!current) refuse('主题已不存在', 'the topic no longer exists');
    const subs = (await store.subscriptionCountsOf(trx, [id])).get(id) ?? 0;
    if (subs > 0)
      refuse(`主题 ${current.code} 仍有 ${subs} 个订阅`, `topic ${current.code} still has ${subs} subscriptions`);
    await trx.deleteFrom('topic_publishers').where('topic_id', '=', id).execute();
    await trx.deleteFrom('topics').where('id', '=', id).execute();
    return;
  }
  const state = readState<TopicState>(TopicState, raw, id);
  await requireDomain(trx, state.domainId);
  if (current && current.domain_id !== state.domainId)
    refuse('主题已属于另一个域', 'the topic moved to another domain');
  const taken = await store.findTopicByCode(trx, state.domainId, state.code);
  if (taken && taken.id !== id) {
    refuse(`编码 ${state.code} 已被本域另一个主题使用`, `code ${state.code} is now used by another topic`);
  }
  if (state.model !== current?.model && resolveModel(state.model, await modelCodes(trx)) === undefined) {
    refuse(`消息模型 ${state.model} 已不存在`, `message model ${state.model} no longer exists`);
  }
  // A publisher that is gone must not silently widen who may publish: refuse instead.
  const publishers = await store.findSystemsByIds(trx, state.publisherIds);
  for (const systemId of state.publisherIds) {
    const system = publishers.find((s) => s.id === systemId);
    if (!system || system.domain_id !== state.domainId) {
      refuse(`发布方订户 ${systemId} 已不存在`, `publisher system ${systemId} no longer exists`);
    }
  }
  const row = store.topicRow({ ...state, updatedAt: now() });
  if (current) await store.updateTopic(trx, row);
  else await store.insertTopic(trx, row);
  await store.replacePublishers(trx, id, state.publisherIds);
});

registerRevertHandler('subscription', async (trx, id, raw) => {
  const current = await store.findSubscription(trx, id);
  if (raw === null) {
    if (!current) refuse('订阅已不存在', 'the subscription no longer exists');
    const open = await store.openDeliveries(trx, id);
    if (open > 0) refuse(`订阅 ${current.name} 仍有 ${open} 条未完成的投递`, `${open} deliveries are still open`);
    await trx.deleteFrom('subscriptions').where('id', '=', id).execute();
    return;
  }
  const state = readState<SubscriptionState>(SubscriptionState, raw, id);
  await requireDomain(trx, state.domainId);
  const [topic, system] = await Promise.all([
    store.findTopic(trx, state.topicId),
    store.findSystem(trx, state.systemId),
  ]);
  if (!topic || topic.domain_id !== state.domainId) refuse('订阅的主题已不存在', 'its topic no longer exists');
  if (!system || system.domain_id !== state.domainId) refuse('订阅的订户已不存在', 'its system no longer exists');
  const ref = state.transformRef;
  if (ref && ref !== current?.transform_ref && !(await transformCodes(trx, state.domainId)).includes(ref)) {
    refuse(`命名转换 ${ref} 已不存在`, `named transform ${ref} no longer exists`);
  }
  const row = store.subscriptionRow({ ...state, updatedAt: now() });
  if (current) await store.updateSubscription(trx, row);
  else await store.insertSubscription(trx, row);
});
