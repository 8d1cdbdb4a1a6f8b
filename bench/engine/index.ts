// npm run bench -- engine: the integration engine's figures, each with its same-run baseline.
//   1. ceiling: a bare Fastify route doing one SQLite insert per request without fsync (32 connections); and the same
//      route with one fsync per request (synchronous=FULL), the figure group commit exists to beat
//   2. durable ingest: REST JSON ~1 KB, fsync before the reply (group commit), no subscribers, 32 connections
//   3. end to end: the same load with 2 HTTP subscribers on loopback, counted at the subscribers (exactly once)
//   4. p99 time to acknowledge at a steady 500 msg/s (open loop, evenly spaced requests)
//   5. peak RSS of the Hutong process through 2–4
//      (1–3 also print each server's event-loop CPU per request: the ratio's limit when one event loop is the bottleneck)
//   6. search by patient id over 1,000,000 stored messages (p95)        (skipped with --quick)
//   7. 2–3 again on PostgreSQL                                           (when PostgreSQL answers)
// Options: --quick (shorter runs, no 1M search), --seconds N, --no-pg, --pg-only (only the PostgreSQL run).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import SQLite from 'better-sqlite3';
import { alternate, combineLoads, fmt, load, sampleMessage, steadyLoad, type LoadResult } from '../lib/load.js';
import { adminApi, type AdminApi as Api } from '../lib/api.js';
import { root, startChild, startHutong, type Child } from '../lib/processes.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const seconds = Number(args[args.indexOf('--seconds') + 1]) || (quick ? 5 : 10);
const PG_URL = process.env.HUTONG_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function configure(api: Api, subscriberPorts: number[]) {
  const domains = await api.call<{ items: { id: string; code: string }[] }>('GET', '/api/engine/domains');
  const domainId = domains.items.find((d) => d.code === 'default')!.id;
  const sender = await api.call<{ system: { id: string }; secret: string }>('POST', '/api/engine/systems', {
    domainId,
    code: 'HIS',
    name: 'HIS 门诊',
  });
  const topic = await api.call<{ id: string; code: string }>('POST', '/api/engine/topics', {
    domainId,
    code: 'OutPatientInfoAdd',
    name: '门诊挂号信息新增服务',
    model: 'JSON',
  });
  const subs: string[] = [];
  for (const [i, port] of subscriberPorts.entries()) {
    const target = await api.call<{ system: { id: string } }>('POST', '/api/engine/systems', {
      domainId,
      code: `SUB${i + 1}`,
      name: `订阅方 ${i + 1}`,
    });
    const sub = await api.call<{ id: string }>('POST', '/api/engine/subscriptions', {
      topicId: topic.id,
      systemId: target.system.id,
      name: `to-sub${i + 1}`,
      adapter: 'http',
      adapterConfig: { url: `http://127.0.0.1:${port}/inbox`, timeoutMs: 10_000, maxConnections: 32 },
      workers: 32,
    });
    subs.push(sub.id);
  }
  return { secret: sender.secret, topic: topic.code, domainId, topicId: topic.id, subs };
}

async function addSubscribers(api: Api, domainId: string, topicId: string, ports: number[]) {
  for (const [i, port] of ports.entries()) {
    const target = await api.call<{ system: { id: string } }>('POST', '/api/engine/systems', {
      domainId,
      code: `E2E${i + 1}`,
      name: `订阅方 ${i + 1}`,
    });
    await api.call('POST', '/api/engine/subscriptions', {
      topicId,
      systemId: target.system.id,
      name: `e2e-sub${i + 1}`,
      adapter: 'http',
      adapterConfig: { url: `http://127.0.0.1:${port}/inbox`, timeoutMs: 10_000, maxConnections: 32 },
      workers: 32,
    });
  }
}

interface Stats {
  unique: number[];
  total: number[];
  duplicates: number[];
  lastAt: number;
}

async function receiverStats(port: number): Promise<Stats> {
  return (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as Stats;
}

let counter = 0;
function bodies(): string {
  return sampleMessage(counter++);
}

interface RunFigures {
  ingest: number;
  ingestP99: number;
  /** The ceiling server's rate, measured alternating with `ingest`. */
  ceiling?: number;
  /** The same route with one fsync per request, measured in the same alternation. */
  fsyncPerRequest?: number;
  e2e: number;
  e2eExactlyOnce: boolean;
  e2eDetail: string;
  /** Event-loop CPU per request or message, in µs: the same-run ceiling's, durable ingest's, end to end's. */
  cpuPerMessage: { ceiling?: number; fsyncPerRequest?: number; ingest: number; e2e: number };
  steadyP99?: number;
  steadyP50?: number;
  peakRss?: number;
}

/** Event-loop CPU of `child` per answered request over the loads `measure` adds up, in µs. */
class CpuPerRequest {
  private seconds = 0;
  private requests = 0;
  constructor(private readonly child: Child) {}
  async measure(run: () => Promise<LoadResult>): Promise<LoadResult> {
    const before = this.child.cpuSeconds().mainThread;
    const result = await run();
    this.seconds += this.child.cpuSeconds().mainThread - before;
    this.requests += result.ok;
    return result;
  }
  get micros(): number {
    return (this.seconds / Math.max(1, this.requests)) * 1e6;
  }
}

/**
 * One engine run. With `ceiling`, durable ingest is measured in alternating slices with the ceiling server (see
 * `alternate`), and the ceiling's figure is returned with the run's.
 */
async function runAgainst(
  label: string,
  env: Record<string, string>,
  withSteady: boolean,
  ceiling?: Child,
  fsync?: Child,
): Promise<RunFigures> {
  console.log(`\n--- ${label} ---`);
  const receivers = await startChild(path.join(root, 'bench/engine/receiver.ts'), {}, /receivers ready (\S+)/);
  const ports = receivers.url.split(',').map(Number);
  const hutong = await startHutong(env);
  try {
    const api = await adminApi(hutong.url);
    const cfg = await configure(api, []);
    const url = `${hutong.url}api/hip/default/${cfg.topic}`;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${cfg.secret}` };
    // Every request carries a new message (its own source message id): no duplicate is suppressed.
    const makeBody = bodies;
    console.log(`message size: ${Buffer.byteLength(bodies())} bytes, each one different`);

    await load({ url, connections: 32, durationSeconds: 2, makeBody, headers }); // warm-up
    let ingest: LoadResult;
    let ceilingLoad: LoadResult | undefined;
    let fsyncLoad: LoadResult | undefined;
    // What each server's event loop spends per request: the ratio's limit when the event loop is the bottleneck.
    const hutongCpu = new CpuPerRequest(hutong);
    const ceilingCpu = ceiling && new CpuPerRequest(ceiling);
    const fsyncCpu = fsync && new CpuPerRequest(fsync);
    if (ceiling && ceilingCpu) {
      const ceilingHeaders = { 'content-type': 'application/json' };
      const bare = (u: string, durationSeconds: number) =>
        load({ url: u, connections: 32, durationSeconds, makeBody, headers: ceilingHeaders });
      await bare(ceiling.url, 2);
      if (fsync) await bare(fsync.url, 1);
      const rounds = Math.max(1, Math.round(seconds / 2));
      const slice = seconds / rounds;
      const [ceilingSlices, ingestSlices, fsyncSlices] = await alternate(rounds, [
        () => ceilingCpu.measure(() => bare(ceiling.url, slice)),
        () => hutongCpu.measure(() => load({ url, connections: 32, durationSeconds: slice, makeBody, headers })),
        ...(fsync && fsyncCpu ? [() => fsyncCpu.measure(() => bare(fsync.url, slice))] : []),
      ]);
      ceilingLoad = combineLoads(ceilingSlices!);
      ingest = combineLoads(ingestSlices!);
      console.log(
        `ceiling (bare Fastify + one SQLite insert per request, no fsync, 32 conn): ${fmt(ceilingLoad.perSecond)} req/s, ` +
          `p99 ${ceilingLoad.p99} ms — measured in ${rounds} slices of ${fmt(slice, 1)} s alternating with durable ingest`,
      );
      if (fsyncSlices) {
        fsyncLoad = combineLoads(fsyncSlices);
        console.log(
          `the same route with one fsync per request (synchronous=FULL, 32 conn): ${fmt(fsyncLoad.perSecond)} req/s, ` +
            `p99 ${fsyncLoad.p99} ms — in the same alternation`,
        );
      }
    } else {
      ingest = await hutongCpu.measure(() =>
        load({ url, connections: 32, durationSeconds: seconds, makeBody, headers }),
      );
    }
    console.log(
      `durable ingest (no subscribers, 32 conn): ${fmt(ingest.perSecond)} msg/s, p50 ${ingest.p50} ms, p99 ${ingest.p99} ms, errors ${ingest.errors + ingest.non2xx}`,
    );
    const cpuPerMessage: RunFigures['cpuPerMessage'] = { ingest: hutongCpu.micros, e2e: NaN };
    if (ceilingCpu) cpuPerMessage.ceiling = ceilingCpu.micros;
    if (fsyncCpu) cpuPerMessage.fsyncPerRequest = fsyncCpu.micros;
    console.log(
      `event-loop CPU per request: ${ceilingCpu ? `ceiling ${fmt(ceilingCpu.micros)} µs, ` : ''}` +
        `${fsyncCpu ? `one fsync per request ${fmt(fsyncCpu.micros)} µs, ` : ''}durable ingest ${fmt(hutongCpu.micros)} µs`,
    );

    await addSubscribers(api, cfg.domainId, cfg.topicId, ports);
    const before = await Promise.all(ports.map(receiverStats));
    const e2eCpuBefore = hutong.cpuSeconds().mainThread;
    const started = Date.now();
    const e2eLoad = await load({ url, connections: 32, durationSeconds: seconds, makeBody, headers });
    // Wait for the queue to drain: both subscribers got every accepted message.
    const expected = e2eLoad.ok;
    let stats = await Promise.all(ports.map(receiverStats));
    const deadline = Date.now() + 120_000;
    while (stats.some((s, i) => s.unique[i]! - (before[i]?.unique[i] ?? 0) < expected) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      stats = await Promise.all(ports.map(receiverStats));
    }
    // Up to one request per connection was answered after autocannon's window closed: wait until both subscribers
    // have those too (their counts stop moving), so the exactly-once check compares final counts.
    for (let quiet = 0; quiet < 3 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 200));
      const next = await Promise.all(ports.map(receiverStats));
      quiet = next.every((s, i) => s.unique[i] === stats[i]!.unique[i]) ? quiet + 1 : 0;
      stats = next;
    }
    cpuPerMessage.e2e = ((hutong.cpuSeconds().mainThread - e2eCpuBefore) / Math.max(1, expected)) * 1e6;
    const last = Math.max(...stats.map((s) => s.lastAt));
    const elapsed = (last - started) / 1000;
    const delivered = stats.map((s, i) => s.unique[i]! - (before[i]?.unique[i] ?? 0));
    const duplicates = stats.map((s, i) => s.duplicates[i]!);
    const e2e = Math.min(...delivered) / elapsed;
    // autocannon counts the answers it saw inside its window; up to one request per connection was still being
    // answered when it stopped, and those messages were committed and delivered too.
    const exactlyOnce =
      delivered.every((d) => d >= expected && d - expected <= 32) &&
      delivered.every((d) => d === delivered[0]) &&
      duplicates.every((d) => d === 0);
    const e2eDetail = `accepted ${fmt(expected)}, delivered ${delivered.map((d) => fmt(d)).join(' / ')}, duplicates ${duplicates.join(' / ')}, ${fmt(elapsed, 1)} s`;
    console.log(
      `end to end (2 HTTP subscribers): ${fmt(e2e)} msg/s delivered to each; ${e2eDetail}; exactly once: ${exactlyOnce ? 'yes' : 'NO'}; ` +
        `event loop ${fmt(cpuPerMessage.e2e)} µs per message (its two deliveries included)`,
    );

    const figures: RunFigures = {
      ...(ceilingLoad ? { ceiling: ceilingLoad.perSecond } : {}),
      ...(fsyncLoad ? { fsyncPerRequest: fsyncLoad.perSecond } : {}),
      ingest: ingest.perSecond,
      ingestP99: ingest.p99,
      e2e,
      e2eExactlyOnce: exactlyOnce,
      e2eDetail,
      cpuPerMessage,
    };
    if (withSteady) {
      // Open loop, evenly spaced, latency from each request's due time (see steadyLoad). The rate runs for a few
      // seconds before the measured window, so the window sees the steady state rather than the hand-over from the
      // end-to-end burst (its WAL still being checkpointed, the dispatcher winding down).
      await steadyLoad({ url, rate: 500, connections: 16, durationSeconds: 3, makeBody, headers });
      const steady = await steadyLoad({ url, rate: 500, connections: 16, durationSeconds: seconds, makeBody, headers });
      console.log(
        `steady 500 msg/s, evenly spaced (2 subscribers): p50 ${steady.p50} ms, p99 ${steady.p99} ms, ` +
          `${fmt(steady.perSecond)} msg/s, errors ${steady.errors + steady.non2xx}`,
      );
      figures.steadyP99 = steady.p99;
      figures.steadyP50 = steady.p50;
    }
    figures.peakRss = hutong.peakRssMiB();
    console.log(`peak RSS of the Hutong process: ${fmt(figures.peakRss)} MiB`);
    return figures;
  } finally {
    await hutong.stop();
    await receivers.stop();
  }
}

/**
 * The ceiling: a bare Fastify route doing one SQLite insert per request without fsync (ceiling-server.ts); with
 * `synchronous: 'FULL'`, the same route with one fsync per request.
 */
function startCeiling(synchronous: 'OFF' | 'FULL' = 'OFF') {
  return startChild(
    path.join(root, 'bench/engine/ceiling-server.ts'),
    { CEILING_SYNCHRONOUS: synchronous },
    /ceiling ready (\S+)/,
  );
}

/** Fills a database with 1,000,000 messages (100,000 patients), then times searches by patient id through the API. */
async function searchMillion(): Promise<{ p50: number; p95: number; rows: number } | undefined> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hutong-bench-search-'));
  try {
    let hutong = await startHutong({ HUTONG_DATA_DIR: dataDir });
    const api = await adminApi(hutong.url);
    const cfg = await configure(api, []);
    await hutong.stop();

    const db = new SQLite(path.join(dataDir, 'hutong.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const insert = db.prepare(
      `insert into messages (id, domain_id, topic_id, system_id, source_message_id, received_at, status, inbound,
        content_type, body, size, patient_id, patient_name, visit_no, order_no, application_no, routed_count)
       values (?, ?, ?, null, ?, ?, 'delivered', 'rest', 'application/json', ?, ?, ?, ?, ?, ?, ?, 0)`,
    );
    const total = 1_000_000;
    const started = Date.now();
    const body = sampleMessage(1);
    const t0 = Date.now() - 30 * 86_400_000;
    const fill = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const at = new Date(t0 + i * 2500).toISOString();
        const id = `0${(t0 + i * 2500).toString(16).padStart(11, '0')}-${String(i).padStart(20, '0')}`;
        insert.run(
          id,
          cfg.domainId,
          cfg.topicId,
          `HIS-${i}`,
          at,
          body,
          body.length,
          `P${String(i % 100_000).padStart(8, '0')}`,
          '张三丰',
          `V${i}`,
          `O${i}`,
          `A${i}`,
        );
      }
    });
    for (let i = 0; i < total; i += 50_000) fill(i, i + 50_000);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    console.log(`stored ${fmt(total)} messages in ${fmt((Date.now() - started) / 1000, 1)} s`);

    hutong = await startHutong({ HUTONG_DATA_DIR: dataDir });
    try {
      const api2 = await adminApi(hutong.url);
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < 220; i++) {
        const patient = `P${String(Math.floor(Math.random() * 100_000)).padStart(8, '0')}`;
        const t = performance.now();
        const page = await api2.call<{ items: unknown[] }>(
          'GET',
          `/api/engine/messages?patientId=${patient}&pageSize=20`,
        );
        if (i >= 20) times.push(performance.now() - t);
        rows += page.items.length;
      }
      times.sort((a, b) => a - b);
      const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
      return { p50: p(0.5), p95: p(0.95), rows };
    } finally {
      await hutong.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function pgReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('drop database if exists hutong_bench');
    await c.query('create database hutong_bench');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function run(): Promise<void> {
  if (args.includes('--pg-only')) {
    const postgres = await runPostgres();
    console.log('\nsummary (target → measured):');
    console.log(postgres ? postgresSummary(postgres) : '  PostgreSQL: not run (unreachable)');
    return;
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hutong-bench-'));
  const ceilingServer = await startCeiling();
  const fsyncServer = await startCeiling('FULL');
  let sqlite: RunFigures;
  try {
    sqlite = await runAgainst(
      'Hutong on embedded SQLite (durability: fsync before reply)',
      { HUTONG_DATA_DIR: dataDir },
      true,
      ceilingServer,
      fsyncServer,
    );
  } finally {
    await ceilingServer.stop();
    await fsyncServer.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const ceilingRate = sqlite.ceiling!;

  const search = quick ? undefined : await searchMillion();
  if (search)
    console.log(
      `search by patient id over 1,000,000 messages: p50 ${fmt(search.p50, 1)} ms, p95 ${fmt(search.p95, 1)} ms (${search.rows} rows returned in 200 searches)`,
    );

  const postgres = args.includes('--no-pg') ? undefined : await runPostgres();

  const check = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  console.log('\nsummary (target → measured):');
  console.log(`  durable ingest ≥ 5,000 msg/s → ${fmt(sqlite.ingest)} msg/s  [${check(sqlite.ingest >= 5000)}]`);
  console.log(
    `  ratio to the same-run ceiling (${fmt(ceilingRate)} req/s) ≥ 0.5 → ${fmt(sqlite.ingest / ceilingRate, 2)}  [${check(sqlite.ingest / ceilingRate >= 0.5)}]`,
  );
  if (sqlite.fsyncPerRequest)
    console.log(
      `  (reported) one fsync per request: ${fmt(sqlite.fsyncPerRequest)} req/s — durable ingest with group commit is ` +
        `${fmt(sqlite.ingest / sqlite.fsyncPerRequest, 1)}× that`,
    );
  const cpu = sqlite.cpuPerMessage;
  if (cpu.ceiling !== undefined)
    console.log(
      `  (reported) event-loop CPU per message: durable ingest ${fmt(cpu.ingest)} µs, the ceiling ${fmt(cpu.ceiling)} µs ` +
        `(ratio ${fmt(cpu.ceiling / cpu.ingest, 2)} where one event loop is the limit); end to end ${fmt(cpu.e2e)} µs`,
    );
  console.log(
    `  end to end, 2 subscribers ≥ 2,000 msg/s, exactly once → ${fmt(sqlite.e2e)} msg/s, ${sqlite.e2eExactlyOnce ? 'exactly once' : 'NOT exactly once'}  [${check(sqlite.e2e >= 2000 && sqlite.e2eExactlyOnce)}]`,
  );
  console.log(
    `  p99 to acknowledge at 500 msg/s ≤ 20 ms → ${sqlite.steadyP99} ms  [${check((sqlite.steadyP99 ?? 999) <= 20)}]`,
  );
  if (search)
    console.log(`  search by patient id over 1M, p95 ≤ 50 ms → ${fmt(search.p95, 1)} ms  [${check(search.p95 <= 50)}]`);
  console.log(`  peak RSS ≤ 300 MB → ${fmt(sqlite.peakRss ?? NaN)} MiB  [${check((sqlite.peakRss ?? 999) <= 300)}]`);
  console.log(postgres ? postgresSummary(postgres) : '  PostgreSQL: not run (unreachable or --no-pg)');
}

/** The same run on PostgreSQL (a fresh database hutong_bench), or undefined when the server cannot be reached. */
async function runPostgres(): Promise<RunFigures | undefined> {
  if (!(await pgReachable())) return undefined;
  const url = new URL(PG_URL);
  url.pathname = '/hutong_bench';
  const pgDir = mkdtempSync(path.join(os.tmpdir(), 'hutong-bench-pg-'));
  try {
    return await runAgainst(
      'Hutong on PostgreSQL (synchronous_commit=on)',
      { HUTONG_DATABASE_URL: url.toString(), HUTONG_DATA_DIR: pgDir },
      false,
    );
  } finally {
    rmSync(pgDir, { recursive: true, force: true });
  }
}

function postgresSummary(postgres: RunFigures): string {
  const met = postgres.e2e >= 1000 && postgres.e2eExactlyOnce;
  return (
    `  PostgreSQL: durable ingest ${fmt(postgres.ingest)} msg/s; end to end ≥ 1,000 msg/s → ${fmt(postgres.e2e)} msg/s, ` +
    `${postgres.e2eExactlyOnce ? 'exactly once' : 'NOT exactly once'}  [${met ? 'met' : 'NOT MET'}]`
  );
}
