// 消息保留与清理: messages older than their domain's retention (domains.retention_days) are deleted with their
// deliveries and attempts, in batches through the group-commit writer so the hot path is never held up for long.
// Messages that still have deliveries to make are kept unless the caller explicitly includes them. Afterwards the
// space is given back (SQLite incremental vacuum; PostgreSQL VACUUM after a large purge), in the background. A timer
// runs the purge every day at 03:30 Asia/Shanghai.
import { systemContext, type RequestContext } from '../../platform/auth/context.js';
import { recordAudit } from '../../platform/audit/index.js';
import { reclaimSpace, type Database } from '../../platform/db/index.js';
import { HtError } from '../../platform/errors/index.js';
import { EP } from '../permissions.js';
import type { EngineTables } from '../tables.js';
import type { GroupCommitWriter } from '../writer.js';

export interface PurgeOptions {
  /** One domain; all domains when absent. */
  domainId?: string;
  /** Overrides the domains' retention_days (0: everything received before now). */
  olderThanDays?: number;
  /** Also delete messages whose deliveries are not finished (pending, in flight, waiting to retry). */
  includeUndelivered?: boolean;
  /** Messages per transaction. */
  batchSize?: number;
}

export interface PurgeResult {
  deletedMessages: number;
  deletedDeliveries: number;
  deletedAttempts: number;
  /** Old enough, but kept because deliveries are still open. */
  keptUndelivered: number;
  /** How the space is being given back (runs in the background after the purge). */
  reclaim: 'incremental_vacuum' | 'vacuum' | 'none';
}

export interface RetentionLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RetentionOptions {
  log?: RetentionLog;
  now?: () => number;
  /** PostgreSQL: VACUUM only after deleting at least this many messages (a small purge leaves reusable space). */
  vacuumThreshold?: number;
  /**
   * Messages per transaction. Default 250: measured on SQLite at 720k messages, a batch of 2,000 held concurrent
   * writes up to 0.7 s (p99), 250 keeps their p99 under 0.1 s at the same throughput (~8,000 messages/s).
   */
  batchSize?: number;
  /** Pause between batches (ms), leaving the writer and the event loop to the hot path. */
  pauseMs?: number;
}

const DAY_MS = 24 * 3600_000;
/** 03:30 in Asia/Shanghai (UTC+8, no daylight saving) is 19:30 UTC. */
const RUN_AT_UTC_MINUTES = 19 * 60 + 30;

export class RetentionService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private reclaiming: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly now: () => number;

  constructor(
    private readonly db: Database,
    private readonly writer: GroupCommitWriter,
    private readonly options: RetentionOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Purges now. Purges never overlap: a second one waits for the first. */
  purge(ctx: RequestContext, options: PurgeOptions = {}): Promise<PurgeResult> {
    ctx.require(EP.retentionManage);
    const run = this.running.catch(() => undefined).then(() => this.purgeNow(ctx, options));
    this.running = run;
    return run;
  }

  private async purgeNow(ctx: RequestContext, options: PurgeOptions): Promise<PurgeResult> {
    const k = this.db.kysely.withTables<EngineTables>();
    let domains = k.selectFrom('domains').select(['id', 'code', 'retention_days']);
    if (options.domainId) domains = domains.where('id', '=', options.domainId);
    const list = await domains.orderBy('code').execute();
    if (options.domainId && list.length === 0)
      throw new HtError('HT_ENGINE_DOMAIN_NOT_FOUND', { domain: options.domainId });

    const result: PurgeResult = {
      deletedMessages: 0,
      deletedDeliveries: 0,
      deletedAttempts: 0,
      keptUndelivered: 0,
      reclaim: 'none',
    };
    const started = this.now();
    const cutoffs: Record<string, string> = {};
    for (const domain of list) {
      const days = options.olderThanDays ?? domain.retention_days;
      // retention_days 0 (or less) keeps a domain's messages forever; an explicit olderThanDays 0 means "all".
      if (options.olderThanDays === undefined && days <= 0) continue;
      const cutoff = new Date(started - days * DAY_MS).toISOString();
      cutoffs[domain.code] = cutoff;
      await this.purgeDomain(domain.id, cutoff, options, result);
      if (this.stopped) break;
    }

    await this.writer.run((trx) =>
      recordAudit(trx, ctx, {
        action: 'engine.retention.purge',
        objectType: 'domain',
        objectId: options.domainId ?? null,
        summary: `清理过期消息：删除消息 ${result.deletedMessages} 条、投递 ${result.deletedDeliveries} 条、尝试 ${result.deletedAttempts} 条，保留未投递完成 ${result.keptUndelivered} 条`,
        changes: { ...result, cutoffs, includeUndelivered: options.includeUndelivered === true },
      }),
    );

    if (result.deletedMessages > 0) {
      const big = result.deletedMessages >= (this.options.vacuumThreshold ?? 10_000);
      if (this.db.dialect === 'sqlite' || big) {
        result.reclaim = this.db.dialect === 'sqlite' ? 'incremental_vacuum' : 'vacuum';
        this.reclaiming = this.reclaiming
          .catch(() => undefined)
          .then(() => reclaimSpace(this.db, ['messages', 'deliveries', 'attempts']))
          .then((r) => this.options.log?.info({ ...r }, 'retention: space reclaimed'))
          .catch((error: unknown) => this.options.log?.error({ err: error }, 'retention: reclaiming space failed'));
      }
    }
    this.options.log?.info({ ...result, durationMs: this.now() - started }, 'retention purge done');
    return result;
  }

  /** Deletes one domain's messages received before `cutoff`, oldest first, `batchSize` at a time. */
  private async purgeDomain(domainId: string, cutoff: string, options: PurgeOptions, result: PurgeResult) {
    const k = this.db.kysely.withTables<EngineTables>();
    const batch = Math.max(1, options.batchSize ?? this.options.batchSize ?? 250);
    const pause = this.options.pauseMs ?? 10;
    let cursor: { at: string; id: string } | null = null;
    // Messages kept (deliveries open). Times written by Hutong have millisecond precision and come back exactly, so
    // the (received_at, id) cursor never sees a row twice; rows written with finer times by other tools may come
    // back once more within their millisecond — counted once, and a batch with nothing new ends the walk.
    const kept = new Set<string>();
    while (!this.stopped) {
      let q = k
        .selectFrom('messages')
        .select(['id', 'received_at', 'status'])
        .where('domain_id', '=', domainId)
        .where('received_at', '<', cutoff);
      if (cursor) {
        const c: { at: string; id: string } = cursor;
        q = q
          .where('received_at', '>=', c.at)
          .where((eb) => eb.or([eb('received_at', '>', c.at), eb('id', '>', c.id)]));
      }
      const rows = await q.orderBy('received_at').orderBy('id').limit(batch).execute();
      if (rows.length === 0) break;
      const last = rows[rows.length - 1]!;
      cursor = { at: last.received_at, id: last.id };

      if (rows.every((r) => kept.has(r.id))) break;
      let ids = rows.map((r) => r.id).filter((id) => !kept.has(id));
      if (!options.includeUndelivered && ids.length > 0) {
        const open = await k
          .selectFrom('deliveries')
          .select('message_id')
          .distinct()
          .where('message_id', 'in', ids)
          .where('open', '=', 1)
          .execute();
        const keep = new Set(open.map((o) => o.message_id));
        for (const r of rows) if (r.status === 'pending' && !kept.has(r.id)) keep.add(r.id);
        for (const id of keep) kept.add(id);
        result.keptUndelivered += keep.size;
        ids = ids.filter((id) => !keep.has(id));
      }
      if (ids.length > 0) {
        const deleted = await this.writer.run(async (trx) => {
          // Through the deliveries, by attempts_delivery (attempts have no index of their own on message_id).
          const attempts = await trx
            .deleteFrom('attempts')
            .where('delivery_id', 'in', (q) =>
              q.selectFrom('deliveries').select('deliveries.id').where('deliveries.message_id', 'in', ids),
            )
            .executeTakeFirst();
          const deliveries = await trx.deleteFrom('deliveries').where('message_id', 'in', ids).executeTakeFirst();
          const messages = await trx.deleteFrom('messages').where('id', 'in', ids).executeTakeFirst();
          return {
            attempts: Number(attempts.numDeletedRows),
            deliveries: Number(deliveries.numDeletedRows),
            messages: Number(messages.numDeletedRows),
          };
        });
        result.deletedAttempts += deleted.attempts;
        result.deletedDeliveries += deleted.deliveries;
        result.deletedMessages += deleted.messages;
      }
      if (rows.length < batch) break;
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /** Resolves when space given back after the last purge has been reclaimed. */
  async idle(): Promise<void> {
    await this.running.catch(() => undefined);
    await this.reclaiming.catch(() => undefined);
  }

  /** Runs the purge every day at 03:30 Asia/Shanghai, as the platform itself (audited as `system`). */
  startSchedule(): void {
    this.stopped = false;
    this.schedule();
  }

  /** The next scheduled run (ms since the epoch) after `from`. */
  static nextRunAfter(from: number): number {
    const day = Math.floor(from / DAY_MS) * DAY_MS;
    const today = day + RUN_AT_UTC_MINUTES * 60_000;
    return today > from ? today : today + DAY_MS;
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay = Math.max(1000, RetentionService.nextRunAfter(this.now()) - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.purge(systemContext([EP.retentionManage]))
        .catch((error: unknown) => this.options.log?.error({ err: error }, 'scheduled retention purge failed'))
        .finally(() => this.schedule());
    }, delay);
    this.timer.unref();
  }

  /** Stops the schedule; a purge under way stops after its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.idle();
  }
}
