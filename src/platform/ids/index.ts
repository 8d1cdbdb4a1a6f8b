// Identifiers: time-ordered UUIDs (v7) for rows, random secrets for sessions and tokens, and their hashes.
import { hash, randomBytes } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

// Random bytes come from a pool refilled 4 KiB at a time: one crypto call per 256 ids instead of one each.
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let poolOffset = POOL_SIZE;

function randomFromPool(n: number): Buffer {
  if (poolOffset + n > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const out = Buffer.from(pool.subarray(poolOffset, poolOffset + n));
  poolOffset += n;
  return out;
}

/** UUID v7 (RFC 9562): sortable by creation time, so new rows append to indexes instead of scattering. */
export function newId(): string {
  const ms = Date.now();
  if (ms === lastMs) sequence = (sequence + 1) & 0xfff;
  else {
    lastMs = ms;
    sequence = randomFromPool(2).readUInt16BE(0) & 0x7ff;
  }
  const bytes = randomFromPool(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A URL-safe random secret with `bytes` bytes of entropy. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * SHA-256 hex of a secret: what the database keeps instead of the secret itself. Every inbound request hashes its
 * token, so the one-shot `crypto.hash` (a third of createHash's cost) is used.
 */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}
