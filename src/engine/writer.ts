// Group commit: every write the engine makes on its hot paths — new messages with their deliveries, delivery
// outcomes, claims — goes through this one queue. Whatever accumulated while the previous transaction was committing
// is written in the next single transaction, so concurrent requests share one fsync. Each kind of job is written with
// one multi-row statement per batch. Callers are answered only after the commit.
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
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface WriterStats {
  batches: number;
  jobs: number;
  largestBatch: number;
}

export class GroupCommitWriter {
  private queue: Job[] = [];
  private running: Promise<void> | undefined;
  private lastDurable: Promise<unknown> = Promise.resolve();
  private readonly handlers = new Map<string, BatchHandler<unknown, unknown>>();
  readonly stats: WriterStats = { batches: 0, jobs: 0, largestBatch: 0 };

  constructor(
    private readonly db: Database,
    private readonly maxBatch = 1000,
  ) {
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
   * claim is claimed again, a lost delivery outcome means the delivery is sent again (at least once).
   */
  submit<R>(kind: string, payload: unknown, options: { durable?: boolean } = {}): Promise<R> {
    if (!this.handlers.has(kind)) return Promise.reject(new Error(`no writer for job kind ${kind}`));
    return new Promise<R>((resolve, reject) => {
      this.queue.push({
        kind,
        payload,
        durable: options.durable ?? true,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      this.running ??= this.drain();
    });
  }

  /** Runs arbitrary statements inside the next group transaction. */
  run<R>(fn: (trx: EngineTransaction) => Promise<R>): Promise<R> {
    return this.submit<R>('fn', fn);
  }

  /** Resolves when everything queued so far is committed and durable. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    await this.lastDurable;
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        // Let the event loop read whatever requests have arrived before taking a batch: a write started at once for
        // the first request would commit (and block on fsync) alone, and group commit would never form groups.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.queue.length === 0) break;
        const batch = this.queue.splice(0, this.maxBatch);
        this.stats.batches++;
        this.stats.jobs += batch.length;
        this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
        try {
          const { result: results, durable } = await this.db.transactionPipelined((trx) =>
            this.writeBatch(trx as EngineTransaction, batch),
          );
          // Answer once the commit is on disk; meanwhile the next batch is already being written.
          this.lastDurable = durable.catch(() => undefined);
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
      this.running = undefined;
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
