// Retry timing: exponential backoff with jitter, so a subscriber coming back is not hit by every retry at once.

export interface Clock {
  now(): number;
  random(): number;
}

export const systemClock: Clock = { now: () => Date.now(), random: () => Math.random() };

/**
 * Delay before attempt `attempt + 1`, after `attempt` failures (1-based): initial × 2^(attempt−1), capped at max, then
 * "equal jitter" — half fixed, half random — so the delay never collapses to zero but retries spread out.
 */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number): number {
  const exponential = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
