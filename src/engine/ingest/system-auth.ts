// Who is calling in: a business system (接入系统) identified by its secret — `Authorization: Bearer <token>` or HTTP
// Basic with its username — and allowed only from the addresses on its allowlist. Secrets are compared by SHA-256
// against the in-memory configuration, so authentication costs microseconds on the hot path.
import ipaddr from 'ipaddr.js';
import { HtError } from '../../platform/errors/index.js';
import type { EngineConfigCache, SystemConfig } from '../config/cache.js';

/** Loopback only: what a system trusts until an administrator lists its addresses. */
export const LOOPBACK_ONLY = ['127.0.0.0/8', '::1/128'];

export function authenticateSystem(
  cache: EngineConfigCache,
  authorization: string | undefined,
  ip: string,
): SystemConfig {
  const system = findSystem(cache, authorization);
  if (!system) throw new HtError('HT_ENGINE_SYSTEM_UNAUTHENTICATED');
  if (!system.enabled) throw new HtError('HT_ENGINE_SYSTEM_DISABLED', { system: system.code });
  if (!ipAllowed(ip, system.ipAllowlist.length > 0 ? system.ipAllowlist : LOOPBACK_ONLY)) {
    throw new HtError('HT_ENGINE_IP_NOT_ALLOWED', { ip, system: system.code });
  }
  return system;
}

function findSystem(cache: EngineConfigCache, authorization: string | undefined): SystemConfig | undefined {
  if (!authorization) return undefined;
  const space = authorization.indexOf(' ');
  const scheme = authorization.slice(0, space).toLowerCase();
  const value = authorization.slice(space + 1).trim();
  if (scheme === 'bearer') {
    const system = cache.systemBySecret(value);
    return system?.authType === 'token' ? system : undefined;
  }
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const user = decoded.slice(0, colon);
    const system = cache.systemBySecret(decoded.slice(colon + 1));
    if (system?.authType !== 'basic') return undefined;
    return (system.authUsername ?? system.code) === user ? system : undefined;
  }
  return undefined;
}

// Answers per allowlist (the configuration cache keeps the same array until the system changes) and caller address:
// a hospital has a few dozen senders, so parsing addresses and ranges once instead of on every message is free.
const answers = new WeakMap<readonly string[], Map<string, boolean>>();

/** Whether `ip` falls in any entry (a single address or a CIDR range; IPv4-mapped IPv6 counts as IPv4). */
export function ipAllowed(ip: string, allowlist: readonly string[]): boolean {
  let known = answers.get(allowlist);
  if (!known) {
    known = new Map();
    answers.set(allowlist, known);
  }
  let answer = known.get(ip);
  if (answer === undefined) {
    answer = matchAllowlist(ip, allowlist);
    if (known.size >= 1024) known.clear();
    known.set(ip, answer);
  }
  return answer;
}

function matchAllowlist(ip: string, allowlist: readonly string[]): boolean {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(ip);
  } catch {
    return false;
  }
  for (const entry of allowlist) {
    try {
      if (entry.includes('/')) {
        const [range, bits] = ipaddr.parseCIDR(entry);
        if (address.kind() === range.kind() && address.match([range, bits] as never)) return true;
      } else {
        const single = ipaddr.process(entry);
        if (single.kind() === address.kind() && single.toNormalizedString() === address.toNormalizedString())
          return true;
      }
    } catch {
      // An invalid entry is rejected when saved; here it simply matches nothing.
    }
  }
  return false;
}

/** Checks allowlist entries when an administrator saves them; returns the invalid ones. */
export function invalidAllowlistEntries(entries: string[]): string[] {
  return entries.filter((e) => {
    try {
      if (e.includes('/')) ipaddr.parseCIDR(e);
      else ipaddr.parse(e);
      return false;
    } catch {
      return true;
    }
  });
}
