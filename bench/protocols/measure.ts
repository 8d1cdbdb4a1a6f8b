// Tiny, dependency-free throughput harness shared by the protocol benches: warm-up, then several timed samples
// taken round-robin across the contenders (so drift in CPU frequency hits all of them alike); the median is reported.

export interface Contender {
  readonly name: string;
  /** Processes every input once and returns something derived from the output, so the work cannot be optimised away. */
  readonly round: () => number;
}

export interface MeasureOptions {
  /** Items (messages) processed per round, to report items/s. */
  readonly itemsPerRound: number;
  readonly warmupRounds: number;
  readonly roundsPerSample: number;
  readonly samples: number;
}

export interface Measurement {
  readonly name: string;
  /** Median items per second over the samples. */
  readonly opsPerSec: number;
  readonly samplesOpsPerSec: number[];
}

let sink = 0;

export function measure(contenders: readonly Contender[], opts: MeasureOptions): Measurement[] {
  for (const c of contenders) for (let i = 0; i < opts.warmupRounds; i++) sink += c.round();
  const samples = contenders.map(() => [] as number[]);
  for (let s = 0; s < opts.samples; s++) {
    contenders.forEach((c, k) => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < opts.roundsPerSample; i++) sink += c.round();
      const ns = Number(process.hrtime.bigint() - t0);
      samples[k]?.push((opts.itemsPerRound * opts.roundsPerSample) / (ns / 1e9));
    });
  }
  if (sink === -1) console.log('unreachable'); // keeps `sink` observable
  return contenders.map((c, k) => {
    const list = [...(samples[k] ?? [])].sort((a, b) => a - b);
    return { name: c.name, opsPerSec: list[Math.floor(list.length / 2)] ?? 0, samplesOpsPerSec: samples[k] ?? [] };
  });
}

export function formatOps(n: number): string {
  return Math.round(n).toLocaleString('en-US').padStart(12);
}
