// Load generation — autocannon for "as fast as it goes", an open-loop generator of our own for a steady rate — and the
// few numbers we report from them.
import autocannon from 'autocannon';
import { Pool } from 'undici';

export interface LoadResult {
  requests: number;
  ok: number;
  errors: number;
  non2xx: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

export async function load(options: {
  url: string;
  connections: number;
  durationSeconds: number;
  body?: string;
  /** A fresh body per request (e.g. unique message ids), instead of `body`. */
  makeBody?: () => string;
  headers?: Record<string, string>;
  method?: 'POST' | 'GET';
  pipelining?: number;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'POST',
    connections: options.connections,
    duration: options.durationSeconds,
    pipelining: options.pipelining ?? 1,
    ...(options.body !== undefined ? { body: options.body } : {}),
    headers: options.headers ?? {},
    ...(options.makeBody
      ? {
          requests: [
            {
              setupRequest: (req) => ({ ...req, body: options.makeBody!() }),
            },
          ],
        }
      : {}),
  });
  const ok = result['2xx'];
  return {
    requests: result.requests.total,
    ok,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    seconds: options.durationSeconds,
    perSecond: ok / options.durationSeconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/**
 * A steady rate, as a hospital's systems produce it: request i is due at start + i/rate, whatever happened to the
 * earlier ones (open loop), on up to `connections` keep-alive connections. Latency is measured from the moment the
 * request was due, not from when it could be sent, so a stall shows in the figures instead of hiding as requests not
 * made (the "coordinated omission" of closed-loop tools).
 *
 * Why not autocannon's `overallRate`: it lets each connection send its whole quota for the second back to back as
 * soon as the second starts, then waits for the next one — 500 msg/s arrives as a burst of 500 in the first tenth of
 * every second, which measures a burst, not a steady rate.
 */
export async function steadyLoad(options: {
  url: string;
  rate: number;
  durationSeconds: number;
  connections: number;
  makeBody: () => string;
  headers?: Record<string, string>;
}): Promise<LoadResult> {
  const target = new URL(options.url);
  const pool = new Pool(target.origin, { connections: options.connections, pipelining: 1 });
  const total = Math.round(options.rate * options.durationSeconds);
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let non2xx = 0;
  const inFlight = new Set<Promise<void>>();
  const send = (dueAt: number) => {
    const request = pool
      .request({
        path: target.pathname + target.search,
        method: 'POST',
        headers: options.headers ?? {},
        body: options.makeBody(),
      })
      .then(async (res) => {
        await res.body.dump();
        latencies.push(performance.now() - dueAt);
        if (res.statusCode >= 200 && res.statusCode < 300) ok++;
        else non2xx++;
      })
      .catch(() => {
        errors++;
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  };
  const start = performance.now();
  const interval = 1000 / options.rate;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) send(start + interval * sent++);
      if (sent >= total) return resolve();
      setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(inFlight);
  await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN) * 10) / 10;
  return {
    requests: total,
    ok,
    errors,
    non2xx,
    seconds: options.durationSeconds,
    perSecond: ok / options.durationSeconds,
    p50: at(0.5),
    p99: at(0.99),
  };
}

/**
 * Runs each measurement in turn, `rounds` times (a, b, a, b …), and returns each one's slices. On a shared machine
 * whose speed drifts from second to second, a figure and its same-run baseline measured in alternating short slices
 * see the same mix of fast and slow moments, so their ratio compares like with like.
 */
export async function alternate<T>(rounds: number, measurements: (() => Promise<T>)[]): Promise<T[][]> {
  const slices: T[][] = measurements.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, measure] of measurements.entries()) slices[i]!.push(await measure());
  }
  return slices;
}

/** Slices of one load added up: counts and seconds summed, the median slice's p50, the worst slice's p99. */
export function combineLoads(slices: LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number) => slices.reduce((a, r) => a + f(r), 0);
  const p50s = slices.map((r) => r.p50).sort((a, b) => a - b);
  const seconds = sum((r) => r.seconds);
  const ok = sum((r) => r.ok);
  return {
    requests: sum((r) => r.requests),
    ok,
    errors: sum((r) => r.errors),
    non2xx: sum((r) => r.non2xx),
    seconds,
    perSecond: ok / seconds,
    p50: p50s[Math.floor(p50s.length / 2)] ?? 0,
    p99: Math.max(...slices.map((r) => r.p99)),
  };
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** A ~1 KB outpatient registration, as a HIS would publish it. */
export function sampleMessage(i: number): string {
  return JSON.stringify({
    messageId: `HIS-${i}`,
    patientId: `P${String(i % 100_000).padStart(8, '0')}`,
    patientName: '张三丰',
    gender: '1',
    birthDate: '1980-05-17',
    idCard: '110101198005170012',
    visitNo: `V${String(i).padStart(10, '0')}`,
    department: { code: '0301', name: '心血管内科门诊' },
    doctor: { code: 'D1024', name: '李时珍', title: '主任医师' },
    registration: {
      type: '专家号',
      fee: 50.0,
      time: '2026-11-25T09:30:00+08:00',
      window: '门诊一楼 3 号窗口',
      source: '自助机',
      insurance: { type: '城镇职工医保', card: 'YB1234567890', balance: 1234.56 },
    },
    diagnosis: [{ code: 'I10.x00', name: '原发性高血压' }],
    remarks: '患者自诉头晕三天，血压偏高，建议复查。'.repeat(4),
  });
}
