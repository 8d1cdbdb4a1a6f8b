// Inbound endpoints (接入端点) in the per-domain export/import file (域配置导出/导入): the section `endpoints`, one
// item per endpoint of the domain — code, name, protocol, enabled, settings; no ids. Importing matches by code and
// checks each endpoint as the endpoint API does (the protocol's settings schema, allowlist, charset, TLS; topics and
// systems exist; no port or path used twice), against the configuration as it will be once the whole file is written
// (topics created by the same file count; two endpoints of the file on one port clash). The configuration service
// writes the revisions and audit entries and reloads its cache after the commit; the runtime listens to that reload.
import Type, { type Static } from 'typebox';
import { now } from '../../platform/db/index.js';
import { HtError } from '../../platform/errors/index.js';
import { newId } from '../../platform/ids/index.js';
import { planned, uniqueByCode, type DocumentSection, type Planned } from '../config/export.js';
import { EndpointCode, Protocol, type EndpointState } from './schema.js';
import { changes, checkAgainstConfiguration, checkSettings } from './service.js';
import * as store from './store.js';

export const DocumentEndpoint = Type.Object(
  {
    code: EndpointCode,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    protocol: Protocol,
    enabled: Type.Optional(Type.Boolean()),
    settings: Type.Record(Type.String(), Type.Unknown(), {
      description: 'the protocol settings, as the endpoint API takes them',
    }),
  },
  { additionalProperties: false },
);
export type DocumentEndpoint = Static<typeof DocumentEndpoint>;

/** The `endpoints` section; `httpPort` is the HTTP server's port, which an MLLP endpoint cannot take. */
export function endpointSection(httpPort: number): DocumentSection<DocumentEndpoint, EndpointState> {
  return {
    key: 'endpoints',
    entityType: 'endpoint',
    itemSchema: DocumentEndpoint,
    maxItems: 1000,

    async exportItems(k, domain) {
      const rows = await k
        .selectFrom('inbound_endpoints')
        .selectAll()
        .where('domain_id', '=', domain.id)
        .orderBy('code')
        .execute();
      return rows.map((row) => {
        const e = store.presentEndpoint(row);
        return { code: e.code, name: e.name, protocol: e.protocol, enabled: e.enabled, settings: e.settings };
      });
    },

    async plan(k, domain, items, context) {
      const at = now();
      const existing = await k.selectFrom('inbound_endpoints').selectAll().where('domain_id', '=', domain.id).execute();
      const byCode = new Map(existing.map((row) => [row.code, store.presentEndpoint(row)]));
      const result: { where: string; planned: Planned<EndpointState> }[] = [];
      for (const { item, where } of uniqueByCode('endpoints', items, context.problem)) {
        const before = byCode.get(item.code) ?? null;
        if (before && before.protocol !== item.protocol) {
          context.problem(
            where,
            `接入端点的协议不能修改（现为 ${before.protocol}）`,
            `an endpoint's protocol cannot change (it is ${before.protocol})`,
          );
          continue;
        }
        let settings: Record<string, unknown>;
        try {
          settings = checkSettings(item.protocol, item.settings);
        } catch (error) {
          if (!(error instanceof HtError)) throw error;
          context.fromError(where, error);
          continue;
        }
        const after: EndpointState = {
          id: before?.id ?? newId(),
          domainId: domain.id,
          code: item.code,
          name: item.name,
          protocol: item.protocol,
          enabled: item.enabled ?? true,
          settings,
          createdAt: before?.createdAt ?? at,
          updatedAt: at,
        };
        result.push({ where, planned: planned(before, after) });
      }
      // Checked against the configuration as it will be: every endpoint of the file in place at once.
      const pending = {
        topicCodes: context.topicCodes,
        systemCodes: context.systemCodes,
        endpoints: result.map((r) => r.planned.after),
      };
      for (const { where, planned: p } of result) {
        if (p.kind === 'unchanged') continue;
        // As in the API: switching an endpoint off never needs the checks.
        const changed = Object.keys(changes(p.before, p.after));
        if (p.before && !p.after.enabled && changed.every((key) => key === 'enabled')) continue;
        try {
          await checkAgainstConfiguration(k, domain, p.after, httpPort, pending);
        } catch (error) {
          if (!(error instanceof HtError)) throw error;
          context.fromError(where, error);
        }
      }
      return result.map((r) => r.planned);
    },

    async write(trx, p) {
      const row = store.endpointRow(p.after);
      if (p.kind === 'create') await store.insertEndpoint(trx, row);
      else await store.updateEndpoint(trx, row);
    },

    summary: (state) => `导入接入端点 ${state.code}（${state.protocol.toUpperCase()}）`,
  };
}
