// XML reader threads for the WebService: the SOAP envelope and the HL7 V3 message inside it are read (read.ts) on
// worker threads, so the event loop only authenticates, routes, stores and answers. Reading the two XML documents is
// the largest single cost of a WebService request (bench/protocols: hip-soap), and a large document read on the
// event loop would hold up every other request — MLLP ACKs, REST callers, the console — for as long as it takes.
//  - `workers` threads (HUTONG_XML_WORKERS; default one fewer than the CPU cores, at most 4; 0 = read on the event
//    loop, as on a one-core machine);
//  - a request goes to the thread with the fewest requests in hand; its bytes are copied once and moved there;
//  - a thread that dies loses nothing: the requests it held are read on the event loop instead, and a new thread
//    takes its place a second later. A read that fails there for a reason that is not the request's (a bug) is
//    repeated on the event loop, so the route answers it exactly as it would have without threads;
//  - started from the TypeScript sources (tests, tsx), a thread loads them through tsx.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { readHipRequest, type HipRead, type HipReadOptions } from './read.js';

export interface ReaderLog {
  warn(obj: object, msg: string): void;
}

interface Job {
  body: Uint8Array;
  contentType: string | undefined;
  options: HipReadOptions;
  resolve(read: HipRead): void;
  reject(error: unknown): void;
}

interface ReaderThread {
  worker: Worker;
  jobs: Map<number, Job>;
}

/** What a reader thread answers for job `id`: the read, or why it could not read it. */
export type ReaderReply = { id: number; read: HipRead } | { id: number; failed: string };

/** One fewer than the CPU cores (the event loop keeps one), at most 4. */
export function defaultXmlWorkers(): number {
  return Math.min(4, Math.max(0, os.availableParallelism() - 1));
}

const RESPAWN_DELAY_MS = 1000;

/** Counts for /metrics. */
export interface ReaderStats {
  /** Requests read on a thread, and on the event loop (no thread, or one that died or failed on it). */
  onThreads: number;
  onEventLoop: number;
  /** Threads that exited unasked (each replaced a second later). */
  exits: number;
}

export class HipReaders {
  readonly stats: ReaderStats = { onThreads: 0, onEventLoop: 0, exits: 0 };
  private readonly threads: (ReaderThread | undefined)[];
  private nextId = 0;
  private closed = false;

  private started = false;

  /** Threads start with the first request: an installation nobody calls over SOAP runs none. */
  constructor(
    workers: number,
    private readonly log?: ReaderLog,
  ) {
    this.threads = Array.from({ length: Math.max(0, workers) }, () => undefined);
  }

  /** Threads running now (0: requests are read on the event loop). */
  get running(): number {
    return this.threads.filter((t) => t !== undefined).length;
  }

  read(body: Uint8Array, contentType: string | undefined, options: HipReadOptions): Promise<HipRead> {
    return new Promise<HipRead>((resolve, reject) => {
      const job: Job = { body, contentType, options, resolve, reject };
      if (!this.started && !this.closed) {
        this.started = true;
        for (let slot = 0; slot < this.threads.length; slot++) this.spawn(slot);
      }
      const thread = this.pick();
      if (!thread) {
        this.readHere(job);
        return;
      }
      const id = this.nextId++;
      thread.jobs.set(id, job);
      // A copy of exactly the body's bytes (Fastify's buffer may be a view of a larger one), moved, not cloned.
      const bytes = new Uint8Array(body.byteLength);
      bytes.set(body);
      thread.worker.postMessage({ id, body: bytes, contentType, options }, [bytes.buffer]);
    });
  }

  /** Stops the threads; requests they still hold are read on the event loop. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.flatMap((t) => (t ? [t.worker.terminate()] : [])));
  }

  private pick(): ReaderThread | undefined {
    let best: ReaderThread | undefined;
    for (const t of this.threads) if (t && (!best || t.jobs.size < best.jobs.size)) best = t;
    return best;
  }

  private readHere(job: Job): void {
    this.stats.onEventLoop++;
    try {
      job.resolve(readHipRequest(job.body, job.contentType, job.options));
    } catch (error) {
      job.reject(error);
    }
  }

  private spawn(slot: number): void {
    const worker = startReaderWorker();
    worker.unref();
    const thread: ReaderThread = { worker, jobs: new Map() };
    this.threads[slot] = thread;
    worker.on('message', (reply: ReaderReply) => {
      const job = thread.jobs.get(reply.id);
      if (!job) return;
      thread.jobs.delete(reply.id);
      if ('read' in reply) {
        this.stats.onThreads++;
        job.resolve(reply.read);
      } else {
        this.readHere(job);
      }
    });
    worker.on('error', (error) => this.log?.warn({ err: error }, 'XML reader thread failed'));
    worker.on('exit', (code) => {
      if (this.threads[slot] === thread) this.threads[slot] = undefined;
      const orphans = [...thread.jobs.values()];
      thread.jobs.clear();
      for (const job of orphans) this.readHere(job);
      if (this.closed) return;
      this.stats.exits++;
      this.log?.warn({ code, requests: orphans.length }, 'XML reader thread exited; starting another');
      setTimeout(() => {
        if (!this.closed && this.threads[slot] === undefined) this.spawn(slot);
      }, RESPAWN_DELAY_MS).unref();
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
