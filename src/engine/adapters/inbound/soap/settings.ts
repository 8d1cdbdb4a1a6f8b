// What one HIPMessageServer endpoint is configured with, and how the handler finds the endpoint for a request path.
// The console-configured endpoints (table inbound_endpoints) store exactly `SoapEndpointSettings`; until they are
// wired in, `defaultSoapEndpointResolver` serves the one national endpoint `/services/HIPMessageServer` in the default
// domain with the 互联互通 defaults. The handler depends only on the `SoapEndpointResolver` interface below.
import { HIP_SOAP_DEFAULTS } from '../../../../formats/soap/index.js';

/**
 * Every endpoint path lives under this prefix: Fastify cannot add routes once the server runs, so one wildcard
 * route `/services/*` serves every endpoint configured later (vendor dialects such as `/services/HIPService.asmx`).
 */
export const SOAP_PATH_PREFIX = '/services/';

/**
 * One endpoint's settings, exactly as the console-configured endpoints store them (their schema, with the path
 * rule and the defaults, lives with them in src/engine/endpoints).
 */
export interface SoapEndpointSettings {
  /** URL path, under /services/ (matched case-insensitively, trailing slash ignored). */
  path: string;
  /** Operation element local name (`HIPMessageServer`); the result element is `<operation>Result`. */
  operation: string;
  /** Namespace of the operation element; `*` accepts any. */
  namespace: string;
  actionParam: string;
  messageParam: string;
  /** Action alias or S-code → topic code, consulted before the national service table. */
  aliases: Record<string, string>;
  /** Sources allowed when no HTTP credentials are sent (empty = loopback only). */
  ipAllowlist: string[];
}

export interface ResolvedSoapEndpoint {
  id: string;
  /** The domain whose topics and systems this endpoint serves. */
  domainCode: string;
  settings: SoapEndpointSettings;
}

export interface SoapEndpointResolver {
  /** The endpoint served at this request path (no query string), if any. */
  byPath(path: string): ResolvedSoapEndpoint | undefined;
  /** Told the outcome of every request that reached an endpoint (statistics, last error). */
  record?(id: string, outcome: 'accepted' | 'rejected', error?: string): void;
}

export function defaultSoapSettings(path = '/services/HIPMessageServer'): SoapEndpointSettings {
  return {
    path,
    operation: HIP_SOAP_DEFAULTS.operation,
    namespace: HIP_SOAP_DEFAULTS.namespace,
    actionParam: HIP_SOAP_DEFAULTS.actionParam,
    messageParam: HIP_SOAP_DEFAULTS.messageParam,
    aliases: {},
    ipAllowlist: [],
  };
}

export interface SoapEndpointStats {
  accepted: number;
  rejected: number;
  lastError: string | undefined;
  lastErrorAt: string | undefined;
}

/** Paths compare case-insensitively and without a trailing slash, as IIS-hosted asmx services do. */
export function normaliseSoapPath(path: string): string {
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return p.toLowerCase();
}

export interface CountingSoapEndpointResolver extends SoapEndpointResolver {
  record(id: string, outcome: 'accepted' | 'rejected', error?: string): void;
  stats(id: string): SoapEndpointStats;
}

/**
 * Serves fixed endpoints (by default the national `/services/HIPMessageServer` in `domainCode` with the 互联互通
 * defaults and no aliases) and counts outcomes in memory.
 */
export function defaultSoapEndpointResolver(
  domainCode: string,
  endpoints: ResolvedSoapEndpoint[] = [{ id: 'default', domainCode, settings: defaultSoapSettings() }],
): CountingSoapEndpointResolver {
  const byPath = new Map(endpoints.map((e) => [normaliseSoapPath(e.settings.path), e]));
  const stats = new Map<string, SoapEndpointStats>();
  const statsOf = (id: string): SoapEndpointStats => {
    let s = stats.get(id);
    if (!s) {
      s = { accepted: 0, rejected: 0, lastError: undefined, lastErrorAt: undefined };
      stats.set(id, s);
    }
    return s;
  };
  return {
    byPath: (path) => byPath.get(normaliseSoapPath(path)),
    record(id, outcome, error) {
      const s = statsOf(id);
      if (outcome === 'accepted') s.accepted++;
      else {
        s.rejected++;
        s.lastError = error;
        s.lastErrorAt = new Date().toISOString();
      }
    },
    stats: (id) => ({ ...statsOf(id) }),
  };
}
