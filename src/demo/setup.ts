// Configures Hutong for the demo through its configuration API, as an integrator would in the console: the demo's
// own topics, one system (订户) per simulated system with its own secret, one subscription per (topic, receiving
// system) pointing at that system's HTTP receiver (with its filter, e.g. 医嘱执行状态 only to the system that placed
// the order), and the MLLP endpoint's MSH-9 mapping. Safe to run on every start: what exists is reused (secrets are
// rotated, since they are shown only once; receiver URLs and filters are updated), and a demo system's subscriptions
// that the table no longer lists are disabled (an older demo's data directory).
import { getServiceDefinition } from '../services/index.js';
import { DEMO_TOPICS, MLLP_MAPPING, subscriptionTopic, type SimSystem, type Subscription } from './systems.js';
import type { AdminApi } from './wire.js';

interface Page<T> {
  items: T[];
}
interface Topic {
  id: string;
  code: string;
  mode: string;
}
interface Sys {
  id: string;
  code: string;
}
interface Endpoint {
  id: string;
  code: string;
  enabled: boolean;
  settings: { topicByEvent?: Record<string, string> };
}
interface EndpointStatus {
  state: string;
  address: string | null;
  error: string | null;
}

export interface DemoSetup {
  secrets: Map<string, string>;
  mllp: { host: string; port: number; endpoint: string };
  subscriptions: number;
}

export async function configureDemo(
  api: AdminApi,
  systems: readonly SimSystem[],
  receiverUrls: ReadonlyMap<string, string>,
): Promise<DemoSetup> {
  const domains = await api.call<Page<{ id: string; code: string }>>('GET', '/api/engine/domains');
  const domain = domains.items.find((d) => d.code === 'default');
  if (!domain) throw new Error('默认域 default domain not found');
  const domainId = domain.id;

  // ---- topics: the demo's own, and any catalogue topic missing (HUTONG_SERVICE_TOPICS=false, or deleted) ----
  const topics = new Map<string, Topic>();
  const findTopic = async (code: string) =>
    (
      await api.call<Page<Topic>>(
        'GET',
        `/api/engine/topics?domainId=${domainId}&q=${encodeURIComponent(code)}&pageSize=200`,
      )
    ).items.find((t) => t.code === code);
  const ensureTopic = async (code: string) => {
    if (topics.has(code)) return topics.get(code)!;
    let topic = await findTopic(code);
    if (!topic) {
      const own = DEMO_TOPICS.find((t) => t.code === code);
      const def = getServiceDefinition(code);
      if (!own && !def) throw new Error(`unknown topic ${code}`);
      topic = await api.call<Topic>('POST', '/api/engine/topics', {
        domainId,
        code,
        ...(own
          ? { name: own.name, model: own.model, category: own.category, description: '演示用主题 demo topic' }
          : {
              name: def!.name,
              model: 'HL7V3',
              category: def!.category,
              mode: def!.operation === 'query' ? 'sync' : 'async',
            }),
      });
    }
    topics.set(code, topic);
    return topic;
  };
  for (const t of DEMO_TOPICS) await ensureTopic(t.code);

  // ---- systems (订户), each with its own secret ----
  const secrets = new Map<string, string>();
  const systemIds = new Map<string, string>();
  for (const s of systems) {
    const found = (
      await api.call<Page<Sys>>(
        'GET',
        `/api/engine/systems?domainId=${domainId}&q=${encodeURIComponent(s.code)}&pageSize=200`,
      )
    ).items.find((x) => x.code === s.code);
    if (found) {
      const { secret } = await api.call<{ secret: string }>('POST', `/api/engine/systems/${found.id}/rotate-secret`);
      secrets.set(s.code, secret);
      systemIds.set(s.code, found.id);
    } else {
      const created = await api.call<{ system: Sys; secret: string }>('POST', '/api/engine/systems', {
        domainId,
        code: s.code,
        name: s.name,
        vendor: '演示 demo',
        description: '模拟系统（npm run demo） simulated system',
      });
      secrets.set(s.code, created.secret);
      systemIds.set(s.code, created.system.id);
    }
  }

  // ---- subscriptions (订阅关系) to each system's HTTP receiver ----
  let subscriptions = 0;
  for (const s of systems) {
    const url = receiverUrls.get(s.code)!;
    const systemId = systemIds.get(s.code)!;
    const wanted = new Set<string>();
    for (const sub of [...s.subscribes, ...s.answers] as Subscription[]) {
      const code = subscriptionTopic(sub);
      const filter = typeof sub === 'string' ? null : sub.filter;
      const topic = await ensureTopic(code);
      wanted.add(topic.id);
      const adapterConfig = { url, timeoutMs: 10_000, maxConnections: 8 };
      const existing = (
        await api.call<Page<{ id: string }>>(
          'GET',
          `/api/engine/subscriptions?topicId=${topic.id}&systemId=${systemId}`,
        )
      ).items[0];
      if (existing) {
        await api.call('PATCH', `/api/engine/subscriptions/${existing.id}`, { adapterConfig, filter, enabled: true });
      } else {
        await api.call('POST', '/api/engine/subscriptions', {
          topicId: topic.id,
          systemId,
          name: `${code} → ${s.code}`,
          adapter: 'http',
          adapterConfig,
          filter,
          // Short retries so that a demo minute shows both recovered retries and dead letters (死信).
          maxAttempts: 4,
          backoffInitialMs: 500,
          backoffMaxMs: 4000,
        });
      }
      subscriptions++;
    }
    // What an older demo subscribed this system to and the table no longer lists (a query now answered by the
    // repository, say) is disabled, not deleted: its history stays in the console.
    const own = await api.call<Page<{ id: string; topicId: string; enabled: boolean }>>(
      'GET',
      `/api/engine/subscriptions?systemId=${systemId}&pageSize=200`,
    );
    for (const sub of own.items) {
      if (!wanted.has(sub.topicId) && sub.enabled) {
        await api.call('PATCH', `/api/engine/subscriptions/${sub.id}`, { enabled: false });
      }
    }
  }

  // The WebService resolves the platform's own (private) services by their topic code, so the default endpoint needs
  // no alias table for them.

  // ---- the MLLP endpoint: the default domain's listener (port 2575 on a fresh install) gets the MSH-9 mapping ----
  const endpoints = await api.call<Page<Endpoint>>('GET', `/api/engine/endpoints?domainId=${domainId}&protocol=mllp`);
  let endpoint = endpoints.items.find((e) => e.enabled);
  if (endpoint) {
    endpoint = await api.call<Endpoint>('PATCH', `/api/engine/endpoints/${endpoint.id}`, {
      settings: { topicByEvent: { ...endpoint.settings.topicByEvent, ...MLLP_MAPPING } },
    });
  }
  let status = endpoint
    ? await api.call<EndpointStatus>('GET', `/api/engine/endpoints/${endpoint.id}/status`)
    : undefined;
  if (!endpoint || status?.state !== 'listening' || !status.address) {
    // No listener (HUTONG_MLLP_PORT=0), or its port is taken: the demo's own, on a free loopback port.
    const own = endpoints.items.find((e) => e.code === 'DEMO-MLLP');
    const settings = { host: '127.0.0.1', port: 0, topicByEvent: MLLP_MAPPING };
    endpoint = own
      ? await api.call<Endpoint>('PATCH', `/api/engine/endpoints/${own.id}`, { enabled: true, settings })
      : await api.call<Endpoint>('POST', '/api/engine/endpoints', {
          domainId,
          code: 'DEMO-MLLP',
          name: '演示 LIS/PACS MLLP',
          protocol: 'mllp',
          settings,
        });
    status = await api.call<EndpointStatus>('GET', `/api/engine/endpoints/${endpoint.id}/status`);
  }
  if (status?.state !== 'listening' || !status.address) {
    throw new Error(`MLLP 端点未能监听 endpoint not listening: ${JSON.stringify(status)}`);
  }
  const colon = status.address.lastIndexOf(':');
  const host = status.address.slice(0, colon).replace(/^\[|\]$/g, '');
  return {
    secrets,
    subscriptions,
    mllp: {
      host: host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host,
      port: Number(status.address.slice(colon + 1)),
      endpoint: endpoint.code,
    },
  };
}
