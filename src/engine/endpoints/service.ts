// 接入端点 (inbound endpoints): MLLP listeners and HIPMessageServer WebService endpoints, configured in the console.
// Each operation checks its permission first, validates the settings against the protocol's schema and the rest of
// the configuration (topics and systems exist in the domain, no port or path used twice, valid allowlists), then
// writes the row, its configuration revision and its audit entry in one transaction, which also announces the change
// to the other nodes (scope `endpoint:<id>`: their listeners follow once it commits). Listeners are restarted or
// stopped only after the commit. Rolling a revision back goes through the configuration API and the handler below.
import { Value } from 'typebox/value';
import { diff, recordAudit } from '../../platform/audit/index.js';
import type { RequestContext } from '../../platform/auth/context.js';
import { now, type Database } from '../../platform/db/index.js';
import { HtError } from '../../platform/errors/index.js';
import { newId } from '../../platform/ids/index.js';
import { decodeHl7Buffer } from '../../formats/hl7v2/index.js';
import {
  recordRevision,
  registerRevertHandler,
  registerStateLoader,
  type ConfigTransaction,
} from '../config/revisions.js';
import { scopeOf, type ConfigChanges } from '../config/changes.js';
import { allowlistError, normalizeAllowlist } from '../config/rules.js';
import { isUniqueViolation } from '../config/store.js';
import { EP } from '../permissions.js';
import type { DomainsTable, EngineTables } from '../tables.js';
import {
  EndpointState,
  type CreateEndpointBody,
  type Endpoint,
  type EndpointListQuery,
  type EndpointStatus,
  type UpdateEndpointBody,
} from './schema.js';
import {
  referencedTopics,
  resolveSettings,
  type EndpointProtocol,
  type MllpEndpointSettings,
  type SoapEndpointSettings,
} from './settings.js';
import * as store from './store.js';
import type { Executor } from './store.js';

export const ENDPOINT_LABEL = '接入端点 endpoint';

/** What the service needs of the runtime: per-endpoint status, and bringing listeners in line after a commit. */
export interface EndpointRuntimeView {
  status(endpoint: Endpoint): EndpointStatus;
  sync(): Promise<void>;
}

export interface EndpointServiceOptions {
  /** The HTTP server's port: an MLLP endpoint cannot take it (0: not known / any). */
  httpPort: number;
  /** Where changes are announced to the other nodes (none: a single node, or a test). */
  changes?: ConfigChanges | undefined;
}

export class EndpointService {
  constructor(
    private readonly db: Database,
    private readonly runtime: EndpointRuntimeView,
    private readonly options: EndpointServiceOptions,
  ) {}

  private get k(): Executor {
    return this.db.kysely.withTables<EngineTables>();
  }

  async list(ctx: RequestContext, query: EndpointListQuery) {
    ctx.require(EP.configRead);
    return store.findEndpoints(this.k, query);
  }

  async get(ctx: RequestContext, id: string): Promise<Endpoint> {
    ctx.require(EP.configRead);
    return store.presentEndpoint(await requireEndpoint(this.k, id));
  }

  async status(ctx: RequestContext, id: string): Promise<EndpointStatus> {
    ctx.require(EP.configRead);
    return this.runtime.status(store.presentEndpoint(await requireEndpoint(this.k, id)));
  }

  async create(ctx: RequestContext, input: CreateEndpointBody): Promise<Endpoint> {
    ctx.require(EP.configManage);
    const id = newId();
    const at = now();
    const settings = checkSettings(input.protocol, input.settings);
    await this.change(
      id,
      async (trx) => {
        const domain = await requireDomain(trx, input.domainId);
        if (await store.findEndpointByCode(trx, domain.id, input.code)) throw conflict(input.code);
        const state: EndpointState = {
          id,
          domainId: domain.id,
          code: input.code,
          name: input.name,
          protocol: input.protocol,
          enabled: input.enabled ?? true,
          settings,
          createdAt: at,
          updatedAt: at,
        };
        await checkAgainstConfiguration(trx, domain, state, this.options.httpPort);
        await store.insertEndpoint(trx, store.endpointRow(state));
        await record(trx, ctx, {
          id,
          domainId: domain.id,
          action: 'create',
          before: null,
          after: state,
          summary: `新建接入端点 ${state.code}（${state.protocol.toUpperCase()}${describeAddress(state)}）`,
        });
      },
      input.code,
    );
    return this.get(ctx, id);
  }

  async update(ctx: RequestContext, id: string, input: UpdateEndpointBody): Promise<Endpoint> {
    ctx.require(EP.configManage);
    await this.change(
      id,
      async (trx) => {
        const before = store.presentEndpoint(await requireEndpoint(trx, id));
        const domain = await requireDomain(trx, before.domainId);
        const after: EndpointState = {
          ...before,
          code: input.code ?? before.code,
          name: input.name ?? before.name,
          enabled: input.enabled ?? before.enabled,
          settings: input.settings
            ? checkSettings(before.protocol, { ...before.settings, ...input.settings })
            : before.settings,
          updatedAt: now(),
        };
        if (after.code !== before.code && (await store.findEndpointByCode(trx, domain.id, after.code))) {
          throw conflict(after.code);
        }
        // Switching an endpoint off never needs the checks; anything else is checked as a whole.
        const onlyDisabling = !after.enabled && Object.keys(changes(before, after)).every((k) => k === 'enabled');
        if (!onlyDisabling) await checkAgainstConfiguration(trx, domain, after, this.options.httpPort);
        await store.updateEndpoint(trx, store.endpointRow(after));
        const changed = changes(before, after);
        const toggled = Object.keys(changed).length === 1 && 'enabled' in changed;
        await record(trx, ctx, {
          id,
          domainId: domain.id,
          action: 'update',
          auditAction: toggled ? (after.enabled ? 'enable' : 'disable') : undefined,
          before,
          after,
          summary: toggled
            ? `${after.enabled ? '启用' : '停用'}接入端点 ${before.code}`
            : `修改接入端点 ${before.code}`,
        });
      },
      input.code,
    );
    return this.get(ctx, id);
  }

  async remove(ctx: RequestContext, id: string): Promise<void> {
    ctx.require(EP.configManage);
    await this.change(id, async (trx) => {
      const before = store.presentEndpoint(await requireEndpoint(trx, id));
      await store.deleteEndpoint(trx, id);
      await record(trx, ctx, {
        id,
        domainId: before.domainId,
        action: 'delete',
        before,
        after: null,
        summary: `删除接入端点 ${before.code}`,
      });
    });
  }

  /**
   * One transaction for the change of endpoint `id`, its revision, its audit entry and its announcement to the other
   * nodes; listeners follow once it has committed.
   */
  private async change(id: string, fn: (trx: ConfigTransaction) => Promise<void>, code?: string): Promise<void> {
    try {
      await this.db.transaction(async (raw) => {
        await fn(raw.withTables<EngineTables>());
        await this.options.changes?.announce(raw, [scopeOf('endpoint', id)]);
      });
    } catch (error) {
      // Two administrators creating the same code at once: the database's unique constraint decides.
      if (code && isUniqueViolation(error)) throw conflict(code);
      throw error;
    }
    await this.runtime.sync();
  }
}

// ---- rules ---------------------------------------------------------------------------------------------------------

function conflict(code: string): HtError {
  return new HtError('HT_ENGINE_CONFLICT', { entity: ENDPOINT_LABEL, code });
}

async function requireEndpoint(k: Executor, id: string) {
  const row = await store.findEndpoint(k, id);
  if (!row) throw new HtError('HT_ENGINE_NOT_FOUND', { entity: ENDPOINT_LABEL, id });
  return row;
}

async function requireDomain(k: Executor, id: string): Promise<DomainsTable> {
  const row = await k.selectFrom('domains').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new HtError('HT_ENGINE_DOMAIN_NOT_FOUND', { domain: id });
  return row;
}

/** The protocol's settings with defaults filled in, allowlist tidied; throws the problems with their paths. */
export function checkSettings(protocol: EndpointProtocol, input: Record<string, unknown>): Record<string, unknown> {
  const resolved = resolveSettings(protocol, input);
  if (!resolved.ok) {
    throw new HtError(
      'HT_ENGINE_ENDPOINT_SETTINGS_INVALID',
      { protocol, reason: resolved.problems.slice(0, 5).join('; ') },
      {
        errors: resolved.problems.map((p) => {
          const space = p.indexOf(' ');
          const at = p.slice(0, space);
          return { path: `body/settings${at === '/' ? '' : at}`, message: p.slice(space + 1) };
        }),
      },
    );
  }
  const settings = resolved.settings;
  const allowlist = normalizeAllowlist(settings.ipAllowlist as string[]);
  const invalid = allowlistError(allowlist, 'body/settings/ipAllowlist');
  if (invalid) throw invalid;
  settings.ipAllowlist = allowlist;
  if (protocol === 'mllp') {
    const charset = (settings as MllpEndpointSettings).charset;
    // The codec is the judge of character set names: the same lookup it uses when MSH-18 is empty.
    try {
      decodeHl7Buffer(Buffer.from('MSH|^~\\&|\r'), charset);
    } catch (error) {
      throw new HtError(
        'HT_ENGINE_ENDPOINT_SETTINGS_INVALID',
        { protocol, reason: `charset: ${(error as Error).message}` },
        { errors: [{ path: 'body/settings/charset', message: (error as Error).message }] },
      );
    }
    const tls = (settings as MllpEndpointSettings).tls;
    if (tls && tls.rejectUnauthorized && tls.requestClientCert && !tls.caFile) {
      throw new HtError(
        'HT_ENGINE_ENDPOINT_SETTINGS_INVALID',
        { protocol, reason: 'tls.caFile is required to check client certificates 校验客户端证书须配置 CA' },
        { errors: [{ path: 'body/settings/tls/caFile', message: 'required when client certificates are checked' }] },
      );
    }
  }
  return settings;
}

function normalPath(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return trimmed.toLowerCase();
}

/**
 * What a domain import is about to write, seen by the checks as if it were already there: the topic and system codes
 * of the domain afterwards, and the endpoints it creates or changes (they replace the stored ones with their id).
 */
export interface PendingConfiguration {
  topicCodes: ReadonlySet<string>;
  systemCodes: ReadonlySet<string>;
  endpoints: EndpointState[];
}

/** The endpoints of a protocol as they are, or as they will be once `pending` is written. */
async function endpointsAfter(
  k: Executor,
  protocol: EndpointProtocol,
  pending: PendingConfiguration | undefined,
): Promise<EndpointState[]> {
  const stored = (await store.endpointsOf(k, protocol)).map(store.presentEndpoint);
  if (!pending) return stored;
  const replaced = new Map(pending.endpoints.filter((e) => e.protocol === protocol).map((e) => [e.id, e]));
  return [...stored.filter((e) => !replaced.has(e.id)), ...replaced.values()];
}

/**
 * Checks an endpoint against the rest of the configuration: what it refers to exists in its domain, and no other
 * enabled MLLP endpoint (or the HTTP server) has its port, no other WebService endpoint its path.
 */
export async function checkAgainstConfiguration(
  k: Executor,
  domain: DomainsTable,
  state: EndpointState,
  httpPort: number,
  pending?: PendingConfiguration,
): Promise<void> {
  const topics = referencedTopics(state.protocol, state.settings);
  const known = pending ? pending.topicCodes : await store.existingTopicCodes(k, domain.id, topics);
  const missingTopics = topics.filter((t) => !known.has(t));
  if (missingTopics.length > 0) {
    throw new HtError('HT_ENGINE_ENDPOINT_REFERENCE_INVALID', {
      domain: domain.code,
      entity: '主题 topics',
      codes: missingTopics.join(', '),
    });
  }
  if (state.protocol === 'mllp') {
    const settings = state.settings as MllpEndpointSettings;
    if (settings.systemCode) {
      const systems = pending
        ? pending.systemCodes
        : await store.existingSystemCodes(k, domain.id, [settings.systemCode]);
      if (!systems.has(settings.systemCode)) {
        throw new HtError('HT_ENGINE_ENDPOINT_REFERENCE_INVALID', {
          domain: domain.code,
          entity: '订户 systems',
          codes: settings.systemCode,
        });
      }
    }
    if (state.enabled && settings.port !== 0) {
      if (settings.port === httpPort) {
        throw new HtError('HT_ENGINE_ENDPOINT_PORT_IN_USE', {
          port: settings.port,
          owner: ' HTTP 服务 (the HTTP server)',
        });
      }
      for (const other of await endpointsAfter(k, 'mllp', pending)) {
        if (other.id === state.id || !other.enabled) continue;
        const port = (other.settings as Partial<MllpEndpointSettings>).port;
        if (port === settings.port) {
          throw new HtError('HT_ENGINE_ENDPOINT_PORT_IN_USE', {
            port: settings.port,
            owner: `接入端点 ${other.code} (endpoint ${other.code})`,
          });
        }
      }
    }
  } else {
    const path = normalPath((state.settings as SoapEndpointSettings).path);
    for (const other of await endpointsAfter(k, 'soap', pending)) {
      if (other.id === state.id) continue;
      const otherPath = (other.settings as Partial<SoapEndpointSettings>).path;
      if (otherPath !== undefined && normalPath(otherPath) === path) {
        throw new HtError('HT_ENGINE_ENDPOINT_PATH_IN_USE', {
          path: (state.settings as SoapEndpointSettings).path,
          endpoint: other.code,
        });
      }
    }
  }
}

function describeAddress(state: EndpointState): string {
  if (state.protocol === 'mllp') {
    const s = state.settings as MllpEndpointSettings;
    return ` ${s.host}:${s.port}`;
  }
  return ` ${(state.settings as SoapEndpointSettings).path}`;
}

// ---- revisions and audit -------------------------------------------------------------------------------------------

/** The object without its timestamps: what changed, for the audit entry. */
export function changes(before: EndpointState | null, after: EndpointState | null): Record<string, [unknown, unknown]> {
  const strip = (s: EndpointState | null): Record<string, unknown> => {
    if (!s) return {};
    const { createdAt: _c, updatedAt: _u, ...rest } = s;
    return rest;
  };
  return diff(strip(before), strip(after));
}

async function record(
  trx: ConfigTransaction,
  ctx: RequestContext,
  c: {
    id: string;
    domainId: string;
    action: 'create' | 'update' | 'delete';
    auditAction?: string | undefined;
    before: EndpointState | null;
    after: EndpointState | null;
    summary: string;
  },
): Promise<void> {
  await recordRevision(trx, ctx, {
    domainId: c.domainId,
    entityType: 'endpoint',
    entityId: c.id,
    action: c.action,
    before: c.before,
    after: c.after,
    summary: c.summary,
  });
  await recordAudit(trx, ctx, {
    action: `engine.endpoint.${c.auditAction ?? c.action}`,
    objectType: 'endpoint',
    objectId: c.id,
    summary: c.summary,
    changes: changes(c.before, c.after),
  });
}

function refuse(zh: string, en: string): never {
  throw new HtError('HT_ENGINE_REVISION_NOT_REVERTIBLE', { reason: `${zh} (${en})` });
}

// An endpoint's current state exactly as its revisions keep it, for the revision a rollback writes.
registerStateLoader('endpoint', async (k, id) => {
  const row = await store.findEndpoint(k, id);
  return row ? store.presentEndpoint(row) : null;
});

// Rolling an endpoint revision back (配置回滚), run by the configuration API inside its transaction; the runtime
// follows after the commit (it listens to the configuration cache, which reloads then).
registerRevertHandler('endpoint', async (trx, id, raw) => {
  const current = await store.findEndpoint(trx, id);
  if (raw === null) {
    if (!current) refuse('接入端点已不存在', 'the endpoint no longer exists');
    await store.deleteEndpoint(trx, id);
    return;
  }
  if (!Value.Check(EndpointState, raw) || raw.id !== id) {
    refuse('修订中保存的状态无法识别', 'the state kept in the revision is not readable');
  }
  const state = raw as EndpointState;
  const resolved = resolveSettings(state.protocol, state.settings);
  if (!resolved.ok)
    refuse('修订中保存的设置无效', `the settings kept in the revision are invalid: ${resolved.problems[0]}`);
  const domain = await trx.selectFrom('domains').selectAll().where('id', '=', state.domainId).executeTakeFirst();
  if (!domain) refuse('所属的域已不存在', 'its domain no longer exists');
  if (current && current.domain_id !== state.domainId)
    refuse('接入端点已属于另一个域', 'the endpoint moved to another domain');
  const taken = await store.findEndpointByCode(trx, state.domainId, state.code);
  if (taken && taken.id !== id) {
    refuse(`编码 ${state.code} 已被本域另一个接入端点使用`, `code ${state.code} is now used by another endpoint`);
  }
  const restored: EndpointState = { ...state, settings: resolved.settings, updatedAt: now() };
  try {
    await checkAgainstConfiguration(trx, domain, restored, 0);
  } catch (error) {
    if (error instanceof HtError) refuse(error.localized('zh-CN'), error.localized('en'));
    throw error;
  }
  if (current) await store.updateEndpoint(trx, store.endpointRow(restored));
  else await store.insertEndpoint(trx, store.endpointRow(restored));
});

/**
 * A fresh install listens for HL7 v2 on `mllpPort` (0 = no MLLP endpoint) and serves the HIPMessageServer WebService at
 * /services/HIPMessageServer for the default domain, both trusting loopback callers only. Created once: when there is
 * no endpoint and none was ever managed (an administrator who deleted them does not get them back).
 */
export async function ensureDefaultEndpoints(db: Database, domainCode: string, mllpPort: number): Promise<void> {
  const k = db.kysely.withTables<EngineTables>();
  if ((await store.countEndpoints(k)) > 0 || (await store.hasEndpointRevisions(k))) return;
  const domain = await k.selectFrom('domains').select('id').where('code', '=', domainCode).executeTakeFirst();
  if (!domain) return;
  const defaults: { code: string; name: string; protocol: EndpointProtocol; settings: Record<string, unknown> }[] = [
    { code: 'HIP', name: '默认 WebService 接入（HIPMessageServer）', protocol: 'soap', settings: { ipAllowlist: [] } },
  ];
  if (mllpPort !== 0) {
    defaults.unshift({
      code: 'MLLP',
      name: '默认 MLLP 接入',
      protocol: 'mllp',
      settings: { port: mllpPort, ipAllowlist: [] },
    });
  }
  for (const d of defaults) {
    const resolved = resolveSettings(d.protocol, d.settings);
    if (!resolved.ok) throw new Error(`default ${d.protocol} endpoint: ${resolved.problems.join('; ')}`);
    const at = now();
    await store.insertEndpoint(
      k,
      store.endpointRow({
        id: newId(),
        domainId: domain.id,
        code: d.code,
        name: d.name,
        protocol: d.protocol,
        enabled: true,
        settings: resolved.settings,
        createdAt: at,
        updatedAt: at,
      }),
    );
  }
}
