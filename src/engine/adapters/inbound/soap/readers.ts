// XML reader threads for the WebService: the SOAP envelope and the HL7 V3 message inside it are read (read.ts) on
// worker threads, so the event loop only authenticates, routes, stores and answers. Reading the two XML documents is
// the largest single cost of a WebService request (bench/protocols: hip-soap), and a large document read on the
// event loop would hold up every other request — MLLP ACKs, REST callers, the console — for as long as it takes.
// The same threads check messages against the national XSDs for topics with 「校验」 on (models/standard-validators.ts),
// which costs about as much again as reading them.
//  - `workers` threads (HUTONG_XML_WORKERS; default one fewer than the CPU cores, at most 4; 0 = on the event
//    loop, as on a one-core machine);
//  - a job goes to the thread with the fewest jobs in hand; a request's bytes are copied once and moved there;
//  - a thread that dies loses nothing: the jobs it held are done on the event loop instead, and a new thread takes
//    its place a second later — unless threads keep dying before finishing any job (say the build is incomplete):
//    after five in a row the slot stays empty and its share of the work is done on the event loop. A job that fails
//    there for a reason that is not the message's (a bug) is repeated on the event loop, so the caller is answered
//    exactly as it would have been without threads;
//  - started from the TypeScript sources (tests, tsx), a thread loads them through tsx.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { validateStandard, type StandardModel } from '../../../models/standard-validators.js';
import { readHipRequest, type HipRead, type HipReadOptions } from './read.js';

export interface ReaderLog {
  warn(obj: object, msg: string): void;
}

/** A job for a reader thread: read a WebService request, or check a message against a national XSD. */
export type ReaderTask =
  | { kind: 'read'; body: Uint8Array; contentType: string | undefined; options: HipReadOptions }
  | { kind: 'validate'; model: StandardModel; dir: string; body: string; topicCode: string | undefined };

/** Does a task — on a thread or on the event loop, the same way. */
export function runReaderTask(task: ReaderTask): HipRead | string[] | null {
  return task.kind === 'read'
    ? readHipRequest(task.body, task.contentType, task.options)
    : validateStandard(task.model, task.dir, task.body, task.topicCode);
}

interface Job {
  task: ReaderTask;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

interface ReaderThread {
  worker: Worker;
  jobs: Map<number, Job>;
}

/** What a reader thread answers for job `id`: the result, or why it could not do the job. */
export type ReaderReply = { id: number; result: HipRead | string[] | null } | { id: number; failed: string };

/** One fewer than the CPU cores (the event loop keeps one), at most 4. */
export function defaultXmlWorkers(): number {
  return Math.min(4, Math.max(0, os.availableParallelism() - 1));
}

/** Threads that may die in a row, without finishing a job, before a slot is given up. */
const MAX_BARREN_EXITS = 5;

export interface HipReadersOptions {
  log?: ReaderLog;
  /** Wait before a dead thread is replaced. Default 1 s. */
  respawnDelayMs?: number;
  /** Starts one thread (tests replace it). Default: the built read-worker.js, or its source through tsx. */
  startWorker?: () => Worker;
}

/** Counts for /metrics: jobs of each kind done on a thread, and on the event loop (no thread, or one that died). */
export interface ReaderStats {
  read: { thread: number; eventLoop: number };
  validate: { thread: number; eventLoop: number };
  /** Threads that exited unasked (each replaced a second later). */
  exits: number;
}

export class HipReaders {
  readonly stats: ReaderStats = {
    read: { thread: 0, eventLoop: 0 },
    validate: { thread: 0, eventLoop: 0 },
    exits: 0,
  };
  private readonly threads: (ReaderThread | undefined)[];
  private nextId = 0;
  private closed = false;

  private started = false;
  /** Per slot: threads that died in a row without finishing a job. */
  private readonly barrenExits: number[];
  private readonly log: ReaderLog | undefined;
  private readonly respawnDelayMs: number;
  private readonly startWorker: () => Worker;

  /** Threads start with the first job: an installation that neither takes SOAP nor validates runs none. */
  constructor(workers: number, options: HipReadersOptions = {}) {
    this.threads = Array.from({ length: Math.max(0, workers) }, () => undefined);
    this.barrenExits = this.threads.map(() => 0);
    this.log = options.log;
    this.respawnDelayMs = options.respawnDelayMs ?? 1000;
    this.startWorker = options.startWorker ?? startReaderWorker;
  }

  /** Threads running now (0: requests are read on the event loop). */
  get running(): number {
    return this.threads.filter((t) => t !== undefined).length;
  }

  read(body: Uint8Array, contentType: string | undefined, options: HipReadOptions): Promise<HipRead> {
    return this.run({ kind: 'read', body, contentType, options }) as Promise<HipRead>;
  }

  /** Problems of `body` against the national XSD of `model` in `dir`, or null when it is valid. */
  validate(model: StandardModel, dir: string, body: string, topicCode: string | undefined): Promise<string[] | null> {
    return this.run({ kind: 'validate', model, dir, body, topicCode }) as Promise<string[] | null>;
  }

  private run(task: ReaderTask): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const job: Job = { task, resolve, reject };
      if (!this.started && !this.closed) {
        this.started = true;
        for (let slot = 0; slot < this.threads.length; slot++) this.spawn(slot);
      }
      const thread = this.pick();
      if (!thread) {
        this.runHere(job);
        return;
      }
      const id = this.nextId++;
      thread.jobs.set(id, job);
      if (task.kind === 'read') {
        // A copy of exactly the body's bytes (Fastify's buffer may be a view of a larger one), moved, not cloned.
        const bytes = new Uint8Array(task.body.byteLength);
        bytes.set(task.body);
        thread.worker.postMessage({ id, task: { ...task, body: bytes } }, [bytes.buffer]);
      } else {
        thread.worker.postMessage({ id, task });
      }
    });
  }

  /** Stops the threads; jobs they still hold are done on the event loop. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.flatMap((t) => (t ? [t.worker.terminate()] : [])));
  }

  private pick(): ReaderThread | undefined {
    let best: ReaderThread | undefined;
    for (const t of this.threads) if (t && (!best || t.jobs.size < best.jobs.size)) best = t;
    return best;
  }

  private runHere(job: Job): void {
    this.stats[job.task.kind].eventLoop++;
    try {
      job.resolve(runReaderTask(job.task));
    } catch (error) {
      job.reject(error);
    }
  }

  private spawn(slot: number): void {
    const worker = this.startWorker();
    worker.unref();
    const thread: ReaderThread = { worker, jobs: new Map() };
    this.threads[slot] = thread;
    let finished = false;
    worker.on('message', (reply: ReaderReply) => {
      const job = thread.jobs.get(reply.id);
      if (!job) return;
      thread.jobs.delete(reply.id);
      finished = true;
      if ('result' in reply) {
        this.stats[job.task.kind].thread++;
        job.resolve(reply.result);
      } else {
        this.runHere(job);
      }
    });
    worker.on('error', (error) => this.log?.warn({ err: error }, 'XML reader thread failed'));
    worker.on('exit', (code) => {
      if (this.threads[slot] === thread) this.threads[slot] = undefined;
      const orphans = [...thread.jobs.values()];
      thread.jobs.clear();
      for (const job of orphans) this.runHere(job);
      if (this.closed) return;
      this.stats.exits++;
      this.barrenExits[slot] = finished ? 0 : this.barrenExits[slot]! + 1;
      if (this.barrenExits[slot]! >= MAX_BARREN_EXITS) {
        this.log?.warn(
          { code, slot },
          'XML reader threads keep failing to start; this share is read on the event loop',
        );
        return;
      }
      this.log?.warn({ code, jobs: orphans.length }, 'XML reader thread exited; starting another');
      setTimeout(() => {
        if (!this.closed && this.threads[slot] === undefined) this.spawn(slot);
      }, this.respawnDelayMs).unref();
    });
  }
}

/** The reader thread: the built read-worker.js, or the TypeScript source through tsx when running from sources. */
function startReaderWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./read-worker.js', import.meta.url));
  // Node 20 resolves a worker's entry before an --import hook could teach it TypeScript: register tsx first.
  return new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(require('node:worker_threads').workerData.entry); })`,
    { eval: true, workerData: { entry: new URL('./read-worker.ts', import.meta.url).href } },
  );
}
