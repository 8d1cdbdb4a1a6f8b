// Group commit: every write the engine makes on its hot paths — new messages with their deliveries, delivery
// outcomes, claims — goes through this one queue. Whatever accumulated while the previous transaction was committing
// is written in the next single transaction, so concurrent requests share one fsync. Each kind of job is written with
// one multi-row statement per batch. Callers are answered only after the commit.
//
// Lanes: SQLite has one connection, so there is one lane and batches follow each other (the next one is committed
// once the previous one's fsync is done, or after 5 ms if the disk is slow). PostgreSQL commits concurrent
// transactions with one WAL flush, so there the writer runs several ingest lanes side by side, plus lanes of their
// own for the dispatcher's claims and outcomes, which then never wait behind a message's fsync. Jobs carrying a key
// (a sender's message id, for duplicate suppression; a subscription, for its claims and outcomes) always go to the
// same lane, so a later job is written only after the earlier one has committed.
import type { Transaction } from 'kysely';
import type { Database, PlatformTables } from '../platform/db/index.js';
import type { EngineTables } from './tables.js';

export type EngineTransaction = Transaction<PlatformTables & EngineTables>;

/** Writes a batch of payloads of one kind in the given transaction and returns one result per payload, in order. */
export type BatchHandler<P, R> = (trx: EngineTransaction, payloads: P[]) => Promise<R[]>;

interface Job {
  kind: string;
  payload: unknown;
  /** Answer only once the commit is on disk (new messages); otherwise as soon as it committed (claims, outcomes). */
  durable: boolean;
  key: string | undefined;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface WriterOptions {
  maxBatch?: number;
  /** Ingest lanes writing side by side (PostgreSQL); 1 for SQLite. */
  lanes?: number;
  /** Kinds written in lanes of their own that never wait for an fsync (the dispatcher's claims and outcomes). */
  dispatchKinds?: readonly string[];
  /** How many such lanes (keyed by subscription, so one subscription's writes stay in order). Default 1. */
  dispatchLanes?: number;
}

export interface WriterStats {
  batches: number;
  jobs: number;
  largestBatch: number;
}

export class GroupCommitWriter {
  private readonly lanes: Lane[];
  private readonly dispatchLanes: Lane[];
  private readonly dispatchKinds: Set<string>;
  private readonly handlers = new Map<string, BatchHandler<unknown, unknown>>();
  private readonly maxBatch: number;
  private roundRobin = 0;
  readonly stats: WriterStats = { batches: 0, jobs: 0, largestBatch: 0 };

  constructor(
    private readonly db: Database,
    options: WriterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
    this.lanes = Array.from({ length: Math.max(1, options.lanes ?? 1) }, () => new Lane());
    this.dispatchKinds = new Set(options.dispatchKinds ?? []);
    this.dispatchLanes =
      this.dispatchKinds.size > 0
        ? Array.from({ length: Math.max(1, options.dispatchLanes ?? 1) }, () => new Lane())
        : [];
    this.handle<(trx: EngineTransaction) => Promise<unknown>, unknown>('fn', async (trx, fns) => {
      const results: unknown[] = [];
      for (const fn of fns) results.push(await fn(trx));
      return results;
    });
  }

  /** Declares how jobs of `kind` are written. Kinds are written in the order they were declared. */
  handle<P, R>(kind: string, handler: BatchHandler<P, R>): void {
    this.handlers.set(kind, handler as BatchHandler<unknown, unknown>);
  }

  /**
   * Queues a job; resolves with its result once the transaction holding it is committed and on disk — or, with
   * `durable: false`, as soon as it committed. Losing a non-durable write to a power cut must be harmless: a lost
   * claim is claimed again, a lost delivery outcome means the delivery is sent again (at least once). Jobs with the
   * same `key` are written one after the other, never side by side.
   */
  submit<R>(kind: string, payload: unknown, options: { durable?: boolean; key?: string } = {}): Promise<R> {
    if (!this.handlers.has(kind)) return Promise.reject(new Error(`no writer for job kind ${kind}`));
    return new Promise<R>((resolve, reject) => {
      const lane = this.laneFor(kind, options.key);
      lane.queue.push({
        kind,
        payload,
        durable: options.durable ?? true,
        key: options.key,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      lane.running ??= this.drain(lane);
    });
  }

  /** Runs arbitrary statements inside the next group transaction. */
  run<R>(fn: (trx: EngineTransaction) => Promise<R>): Promise<R> {
    return this.submit<R>('fn', fn);
  }

  /** Resolves when everything queued so far is committed and durable. */
  async flush(): Promise<void> {
    for (const lane of [...this.lanes, ...this.dispatchLanes]) {
      while (lane.running) await lane.running;
      await lane.lastDurable;
    }
  }

  private laneFor(kind: string, key: string | undefined): Lane {
    const lanes = this.dispatchLanes.length > 0 && this.dispatchKinds.has(kind) ? this.dispatchLanes : this.lanes;
    if (lanes.length === 1) return lanes[0]!;
    if (key === undefined) return lanes[this.roundRobin++ % lanes.length]!;
    let hash = 0;
    for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0;
    return lanes[Math.abs(hash) % lanes.length]!;
  }

  private async drain(lane: Lane): Promise<void> {
    try {
      for (;;) {
        // Let the event loop read whatever requests have arrived before taking a batch: a write started at once for
        // the first request would commit (and block on fsync) alone, and group commit would never form groups.
        await new Promise<void>((resolve) => setImmediate(resolve));
        // While the previous batch's fsync runs, a commit made now would only join the next fsync: waiting for it
        // costs no durable job any time, and whatever arrives meanwhile shares this batch's commit. The wait is
        // bounded, so a disk that stalls on one flush does not hold up claims and outcomes (which need no fsync).
        if (lane.syncing > 0) await settledOrAfter(lane.lastDurable, MAX_SYNC_WAIT_MS);
        if (lane.queue.length === 0) break;
        const batch = lane.queue.splice(0, this.maxBatch);
        this.stats.batches++;
        this.stats.jobs += batch.length;
        this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
        const anyDurable = batch.some((job) => job.durable);
        try {
          const { result: results, durable } = await this.db.transactionPipelined(
            (trx) => this.writeBatch(trx as EngineTransaction, batch),
            { durable: anyDurable },
          );
          // Answer once the commit is on disk.
          const before = lane.lastDurable;
          lane.syncing++;
          const synced = () => {
            lane.syncing--;
            return before;
          };
          lane.lastDurable = durable.then(synced, synced);
          for (const [i, job] of batch.entries()) if (!job.durable) job.resolve(results[i]);
          durable.then(
            () => {
              for (const [i, job] of batch.entries()) if (job.durable) job.resolve(results[i]);
            },
            (error: unknown) => {
              for (const job of batch) if (job.durable) job.reject(error);
            },
          );
        } catch {
          // One bad job must not fail the others: write each alone, so only the culprit gets the error.
          for (const job of batch) {
            try {
              const [result] = await this.db.transaction((trx) => this.writeBatch(trx as EngineTransaction, [job]));
              job.resolve(result);
            } catch (error) {
              job.reject(error);
            }
          }
        }
      }
    } finally {
      lane.running = undefined;
    }
  }

  private async writeBatch(trx: EngineTransaction, batch: Job[]): Promise<unknown[]> {
    const results = new Array<unknown>(batch.length);
    for (const [kind, handler] of this.handlers) {
      const indexes: number[] = [];
      const payloads: unknown[] = [];
      for (const [i, job] of batch.entries()) {
        if (job.kind === kind) {
          indexes.push(i);
          payloads.push(job.payload);
        }
      }
      if (payloads.length === 0) continue;
      const out = await handler(trx, payloads);
      for (const [j, i] of indexes.entries()) results[i] = out[j];
    }
    return results;
  }
}

class Lane {
  queue: Job[] = [];
  running: Promise<void> | undefined;
  lastDurable: Promise<unknown> = Promise.resolve();
  /** Committed batches whose fsync has not finished yet. */
  syncing = 0;
}

/** Longest a batch waits for the previous batch's fsync before committing anyway. */
const MAX_SYNC_WAIT_MS = 5;

/** Resolves when `promise` settles or after `ms`, whichever comes first. */
function settledOrAfter(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    promise.then(done, done);
  });
}
