// 消息检索: search on index fields, a message's detail with its trace (reading a body is reading patient data, so
// every view is audited), resends — a whole message as a new one, one delivery again, in bulk by filter, edited —
// and each user's saved searches. Permission first; resend writes go through the group-commit writer so they
// serialise with the hot path, with their audit entry in the same transaction where the write is ours.
import type { RequestContext } from '../../platform/auth/context.js';
import { recordAudit } from '../../platform/audit/index.js';
import { fromJson, now, toJson, type Database } from '../../platform/db/index.js';
import { HtError } from '../../platform/errors/index.js';
import { newId } from '../../platform/ids/index.js';
import type { EngineConfigCache, TopicConfig } from '../config/cache.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import { newDelivery, type IngestPipeline, type IngestResult } from '../ingest/pipeline.js';
import { EP } from '../permissions.js';
import type { EngineTables, MessagesTable } from '../tables.js';
import type { GroupCommitWriter } from '../writer.js';
import type {
  BulkResendBody,
  BulkResendResult,
  Delivery,
  EditResendBody,
  MessageDetail,
  MessageSearchQuery,
  SavedQuery,
  SaveQueryBody,
  SearchFilter,
} from './schema.js';
import * as store from './store.js';
import { readMessageStructure, type MessageStructure } from './structure.js';
import { buildTrace } from './trace.js';

/** How many messages a bulk resend re-routes at once (they share group commits). */
const BULK_CONCURRENCY = 32;
/** Messages whose dead deliveries one transaction of a bulk resend recreates. */
const BULK_CHUNK = 500;

export class MessageService {
  constructor(
    private readonly db: Database,
    private readonly cache: EngineConfigCache,
    private readonly writer: GroupCommitWriter,
    private readonly pipeline: IngestPipeline,
    private readonly dispatcher: Pick<Dispatcher, 'wake'>,
  ) {}

  private get k() {
    return this.db.kysely.withTables<EngineTables>();
  }

  // ---- search and detail ---------------------------------------------------------------------------------------

  async search(ctx: RequestContext, query: MessageSearchQuery) {
    ctx.require(EP.messageRead);
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 20;
    const filter = filterOf(query);
    const window = store.searchWindow(filter, Date.now());
    const scope = await store.filterScope(this.k, this.db.dialect, filter);
    const { rows, total, capped } = await store.searchMessages(this.k, filter, window, scope, page, pageSize);
    return {
      items: rows.map((r) => store.presentSummary(r, this.cache)),
      total,
      totalCapped: capped,
      page,
      pageSize,
      from: window.from,
      to: window.to,
    };
  }

  async detail(ctx: RequestContext, id: string): Promise<MessageDetail> {
    ctx.require(EP.messageRead);
    const k = this.k;
    const m = await store.findMessage(k, id);
    if (!m) throw new HtError('HT_ENGINE_MESSAGE_NOT_FOUND', { id });
    const [parent, children, deliveryRows, attemptRows] = await Promise.all([
      m.parent_id ? store.findParent(k, m.parent_id) : Promise.resolve(undefined),
      store.childrenOf(k, id),
      store.deliveriesOf(k, id),
      store.attemptsOf(k, id),
    ]);
    // The body is patient data: the view is on record before it leaves the server.
    await this.writer.run((trx) =>
      recordAudit(trx, ctx, {
        action: 'engine.message.view',
        objectType: 'message',
        objectId: id,
        summary: `查看消息 ${id}（${this.cache.topicById(m.topic_id)?.code ?? m.topic_id}）`,
        changes: { patientId: m.patient_id, visitNo: m.visit_no },
      }),
    );

    const deliveries: Delivery[] = deliveryRows.map((d) => {
      const sub = this.cache.subscription(d.subscription_id);
      return {
        id: d.id,
        subscriptionId: d.subscription_id,
        subscriptionName: sub?.name ?? null,
        systemId: sub?.systemId ?? null,
        systemCode: sub ? (this.cache.systemById(sub.systemId)?.code ?? null) : null,
        adapter: sub?.adapter ?? null,
        status: d.status,
        attempts: Number(d.attempts),
        nextAttemptAt: d.open === 1 ? d.next_attempt_at : null,
        lastError: d.last_error,
        createdAt: d.created_at,
        finishedAt: d.finished_at,
        parentId: d.parent_id,
        attemptList: attemptRows
          .filter((a) => a.delivery_id === d.id)
          .map((a) => ({
            n: Number(a.n),
            startedAt: a.started_at,
            durationMs: Number(a.duration_ms),
            outcome: a.outcome,
            statusCode: a.status_code,
            responseExcerpt: a.response_excerpt,
            error: a.error,
          })),
      };
    });
    const systemCode = m.system_id ? (this.cache.systemById(m.system_id)?.code ?? null) : null;
    return {
      ...store.presentSummary(m, this.cache),
      body: m.body,
      headers: parseJson<Record<string, string>>(m.headers),
      indexExtra: parseJson<Record<string, string[]>>(m.index_extra),
      warnings: parseJson<string[]>(m.warnings) ?? [],
      reply: m.reply === null ? null : (parseJson<unknown>(m.reply) ?? m.reply),
      validated: m.validated === null ? null : m.validated === 1,
      ...(parent ? { parent: { id: parent.id, receivedAt: parent.received_at } } : {}),
      children: children.map((c) => ({
        id: c.id,
        resendKind: c.resend_kind,
        receivedAt: c.received_at,
        status: c.status,
      })),
      deliveries,
      trace: buildTrace({
        message: m,
        deliveries: deliveryRows,
        attempts: attemptRows,
        children,
        systemCode,
        subscriptionName: (sid) => this.cache.subscription(sid)?.name ?? null,
        lang: ctx.lang,
      }),
    };
  }

  /** The body parsed for the console's 结构 tab (structure.ts); audited like the detail. */
  structure(ctx: RequestContext, id: string): Promise<MessageStructure> {
    return readMessageStructure({ db: this.db, cache: this.cache, writer: this.writer }, ctx, id);
  }

  // ---- resends ---------------------------------------------------------------------------------------------------

  /** Routes the whole message again as a new message (same body, topic and sender), linked to the original. */
  async resendMessage(ctx: RequestContext, id: string): Promise<{ messageId: string }> {
    ctx.require(EP.messageResend);
    const m = await store.findMessage(this.k, id);
    if (!m) throw new HtError('HT_ENGINE_MESSAGE_NOT_FOUND', { id });
    const result = await this.audited(
      ctx,
      { action: 'engine.message.resend', objectId: id, summary: `重发消息 ${id}` },
      () => this.reroute(m, m.body, m.content_type, 'message'),
      (r) => ({ newMessageId: r.messageId, routedTo: r.routedTo }),
    );
    return { messageId: result.messageId };
  }

  /** A new message with an edited body, linked to the original; the audit entry notes sizes, never bodies. */
  async editResend(ctx: RequestContext, id: string, input: EditResendBody): Promise<{ messageId: string }> {
    ctx.require(EP.messageEditResend);
    const m = await store.findMessage(this.k, id);
    if (!m) throw new HtError('HT_ENGINE_MESSAGE_NOT_FOUND', { id });
    const contentType = input.contentType ?? m.content_type;
    const change = {
      size: [Number(m.size), Buffer.byteLength(input.body)],
      ...(contentType !== m.content_type ? { contentType: [m.content_type, contentType] } : {}),
      bodyChanged: input.body !== m.body,
    };
    const result = await this.audited(
      ctx,
      { action: 'engine.message.edit-resend', objectId: id, summary: `编辑后重发消息 ${id}` },
      () => this.reroute(m, input.body, contentType, 'edit'),
      (r) => ({ newMessageId: r.messageId, routedTo: r.routedTo, ...change }),
      change,
    );
    return { messageId: result.messageId };
  }

  /** One delivery again: a new delivery row for the same message and subscription, linked to the old one. */
  async resendDelivery(ctx: RequestContext, id: string): Promise<{ deliveryId: string }> {
    ctx.require(EP.messageResend);
    const old = await store.findDelivery(this.k, id);
    if (!old) throw new HtError('HT_ENGINE_DELIVERY_NOT_FOUND', { id });
    if (old.open === 1) refuse('该投递仍在进行中', 'the delivery is still under way');
    const sub = this.cache.subscription(old.subscription_id);
    if (!sub) refuse('订阅已不存在', 'the subscription no longer exists');
    if (!sub.enabled) refuse(`订阅 ${sub.name} 已停用`, `subscription ${sub.name} is disabled`);
    const at = now();
    const delivery = { ...newDelivery(old.message_id, sub.id, at), parent_id: old.id };
    await this.writer.run(async (trx) => {
      // Checked again where it counts: two clicks must not make two resends.
      if (await store.openResendOf(trx, old.message_id, old.id)) {
        refuse('该投递已在重发中', 'a resend of this delivery is already under way');
      }
      await trx.insertInto('deliveries').values(delivery).execute();
      await trx.updateTable('messages').set({ status: 'pending' }).where('id', '=', old.message_id).execute();
      await recordAudit(trx, ctx, {
        action: 'engine.delivery.resend',
        objectType: 'delivery',
        objectId: old.id,
        summary: `重发投递 ${old.id}（订阅 ${sub.name}）`,
        changes: { messageId: old.message_id, subscriptionId: sub.id, newDeliveryId: delivery.id },
      });
    });
    this.dispatcher.wake([sub.id]);
    return { deliveryId: delivery.id };
  }

  /**
   * Resends by filter: re-routes each matching message (oldest first), or resends each dead delivery of the
   * matching messages that was not resent already. One audit entry summarises the filter and the count.
   */
  async bulkResend(ctx: RequestContext, input: BulkResendBody): Promise<BulkResendResult> {
    ctx.require(EP.messageResend);
    const limit = input.limit ?? 1000;
    const filter: SearchFilter = input.filter;
    const window = { from: new Date(input.filter.from).toISOString(), to: new Date(input.filter.to).toISOString() };
    if (window.from >= window.to) throw new HtError('HT_REQUEST_INVALID');
    const scope = await store.filterScope(this.k, this.db.dialect, filter);
    const matched = await store.matchingIds(this.k, filter, window, scope, limit);
    const result = input.mode === 'message' ? await this.bulkReroute(matched) : await this.bulkRedeliver(matched);
    await this.writer.run((trx) =>
      recordAudit(trx, ctx, {
        action: 'engine.message.bulk-resend',
        objectType: 'message',
        summary: `批量重发（${input.mode === 'message' ? '整条消息' : '失败的投递'}）：匹配 ${matched.length} 条，重发 ${result.count} 条`,
        changes: {
          filter,
          mode: input.mode,
          limit,
          matched: matched.length,
          count: result.count,
          skipped: result.skipped,
        },
      }),
    );
    return result;
  }

  private async bulkReroute(ids: string[]): Promise<BulkResendResult> {
    const created: string[] = [];
    let skipped = 0;
    for (let i = 0; i < ids.length; i += BULK_CONCURRENCY) {
      const chunk = ids.slice(i, i + BULK_CONCURRENCY);
      const rows = new Map((await store.findMessages(this.k, chunk)).map((m) => [m.id, m]));
      // Started in the original order: without filters to await, they reach the writer in that order too.
      const outcomes = await Promise.allSettled(
        chunk.map((id) => {
          const m = rows.get(id);
          return m ? this.reroute(m, m.body, m.content_type, 'message') : Promise.reject(new Error('gone'));
        }),
      );
      for (const o of outcomes) {
        if (o.status === 'fulfilled') created.push(o.value.messageId);
        else skipped++;
      }
    }
    return { count: created.length, ids: created, skipped };
  }

  private async bulkRedeliver(messageIds: string[]): Promise<BulkResendResult> {
    const created: string[] = [];
    let skipped = 0;
    const woken = new Set<string>();
    for (let i = 0; i < messageIds.length; i += BULK_CHUNK) {
      const dead = await store.deadDeliveriesNotResent(this.k, messageIds.slice(i, i + BULK_CHUNK));
      const at = now();
      const fresh: (ReturnType<typeof newDelivery> & { parent_id: string })[] = [];
      for (const d of dead) {
        const sub = this.cache.subscription(d.subscription_id);
        if (!sub || !sub.enabled) {
          skipped++;
          continue;
        }
        fresh.push({ ...newDelivery(d.message_id, sub.id, at), parent_id: d.id });
      }
      if (fresh.length === 0) continue;
      await this.writer.run(async (trx) => {
        for (let j = 0; j < fresh.length; j += 1000) {
          await trx
            .insertInto('deliveries')
            .values(fresh.slice(j, j + 1000))
            .execute();
        }
        await trx
          .updateTable('messages')
          .set({ status: 'pending' })
          .where('id', 'in', [...new Set(fresh.map((d) => d.message_id))])
          .execute();
      });
      for (const d of fresh) {
        created.push(d.id);
        woken.add(d.subscription_id);
      }
      this.dispatcher.wake(woken);
    }
    return { count: created.length, ids: created, skipped };
  }

  /** Publishes `body` again on the message's topic, as its sender, linked to the message. */
  private reroute(
    m: MessagesTable,
    body: string,
    contentType: string,
    kind: 'message' | 'edit',
  ): Promise<IngestResult> {
    const topic: TopicConfig | undefined = this.cache.topicById(m.topic_id);
    if (!topic) refuse('主题已不存在', 'the topic no longer exists');
    const system = m.system_id ? (this.cache.systemById(m.system_id) ?? null) : null;
    const headers = parseJson<Record<string, string>>(m.headers);
    return this.pipeline
      .ingest({
        domainCode: topic.domainCode,
        topicCode: topic.code,
        system,
        body,
        contentType,
        inbound: 'resend',
        ...(headers ? { headers } : {}),
        sourceMessageId: m.source_message_id,
        parentId: m.id,
        resendKind: kind,
      })
      .catch((error: unknown) => {
        // The sender may no longer publish this topic: that refuses the resend, it is not the user's permission.
        if (error instanceof HtError && error.code === 'HT_ENGINE_PUBLISH_FORBIDDEN') {
          refuse(
            `${system?.code ?? ''} 已不能发布主题 ${topic.code}`,
            `${system?.code ?? ''} may no longer publish ${topic.code}`,
          );
        }
        throw error;
      });
  }

  /** Runs a resend and audits it — as a success with what it made, or as a failure with the error's code. */
  private async audited<R>(
    ctx: RequestContext,
    entry: { action: string; objectId: string; summary: string },
    run: () => Promise<R>,
    changes: (result: R) => unknown,
    failureChanges: Record<string, unknown> = {},
  ): Promise<R> {
    let result: R;
    try {
      result = await run();
    } catch (error) {
      const code = error instanceof HtError ? error.code : 'HT_INTERNAL';
      await this.writer
        .run((trx) =>
          recordAudit(trx, ctx, {
            ...entry,
            objectType: 'message',
            outcome: 'failure',
            changes: { ...failureChanges, error: code },
          }),
        )
        .catch(() => undefined);
      throw error;
    }
    await this.writer.run((trx) =>
      recordAudit(trx, ctx, { ...entry, objectType: 'message', changes: changes(result) }),
    );
    return result;
  }

  // ---- saved searches (收藏) -----------------------------------------------------------------------------------

  async listSavedQueries(ctx: RequestContext): Promise<{ items: SavedQuery[] }> {
    const me = ctx.require(EP.messageRead);
    return { items: await store.savedQueriesOf(this.k, me.id) };
  }

  /** Saves a search under a name; one of the same name is replaced. */
  async saveQuery(ctx: RequestContext, input: SaveQueryBody): Promise<SavedQuery> {
    const me = ctx.require(EP.messageRead);
    const row = {
      id: newId(),
      user_id: me.id,
      name: input.name,
      query: toJson(input.query) ?? '{}',
      created_at: now(),
    };
    await this.db.transaction(async (t) => {
      const trx = t.withTables<EngineTables>();
      await trx.deleteFrom('saved_queries').where('user_id', '=', me.id).where('name', '=', input.name).execute();
      await trx.insertInto('saved_queries').values(row).execute();
    });
    return store.presentSavedQuery(row);
  }

  async deleteSavedQuery(ctx: RequestContext, id: string): Promise<void> {
    const me = ctx.require(EP.messageRead);
    const result = await this.k
      .deleteFrom('saved_queries')
      .where('id', '=', id)
      .where('user_id', '=', me.id)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) {
      throw new HtError('HT_ENGINE_NOT_FOUND', { entity: '收藏的查询 saved query', id });
    }
  }
}

function filterOf(query: MessageSearchQuery): SearchFilter {
  const { page: _page, pageSize: _pageSize, ...filter } = query;
  return filter;
}

function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return fromJson<T>(text);
  } catch {
    return null;
  }
}

function refuse(zh: string, en: string): never {
  throw new HtError('HT_ENGINE_RESEND_REFUSED', { reason: `${zh} (${en})` });
}
