// The engine's configuration held in memory for the hot path: routing a message must not read the configuration
// tables. Every committed configuration change calls `reload()`; readers always see one consistent snapshot.
import { hashSecret } from '../../platform/ids/index.js';
import { fromFlag, fromJson, type Database } from '../../platform/db/index.js';
import type { DomainsTable, EngineTables, SubscriptionsTable, SystemsTable, TopicsTable } from '../tables.js';

export interface IndexFieldPaths {
  patientId?: string;
  patientName?: string;
  visitNo?: string;
  orderNo?: string;
  applicationNo?: string;
  sourceMessageId?: string;
}

export interface DomainConfig {
  id: string;
  code: string;
  name: string;
  enabled: boolean;
  retentionDays: number;
}

export interface SystemConfig {
  id: string;
  domainId: string;
  code: string;
  name: string;
  enabled: boolean;
  authType: 'token' | 'basic';
  authUsername: string | null;
  secretHash: string | null;
  ipAllowlist: string[];
}

export interface TopicConfig {
  id: string;
  domainId: string;
  domainCode: string;
  code: string;
  name: string;
  model: string;
  mode: 'async' | 'sync';
  validate: boolean;
  enabled: boolean;
  indexFields: IndexFieldPaths;
  /** Systems allowed to publish; empty means any authenticated system of the domain. */
  publishers: Set<string>;
}

export interface RetryPolicy {
  maxAttempts: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
}

export interface SubscriptionConfig {
  id: string;
  domainId: string;
  topicId: string;
  systemId: string;
  name: string;
  adapter: string;
  adapterConfig: Record<string, unknown>;
  filter: string | null;
  transform: string | null;
  transformRef: string | null;
  retry: RetryPolicy;
  ordering: 'fifo' | 'parallel';
  workers: number;
  paused: boolean;
  enabled: boolean;
}

interface Snapshot {
  domainsById: Map<string, DomainConfig>;
  domainsByCode: Map<string, DomainConfig>;
  systemsById: Map<string, SystemConfig>;
  systemsBySecret: Map<string, SystemConfig>;
  topicsById: Map<string, TopicConfig>;
  topicsByKey: Map<string, TopicConfig>;
  subscriptionsById: Map<string, SubscriptionConfig>;
  subscriptionsByTopic: Map<string, SubscriptionConfig[]>;
}

export class EngineConfigCache {
  private snapshot: Snapshot = emptySnapshot();
  private loading: Promise<void> | undefined;
  private pending = false;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly db: Database) {}

  /** Reloads everything; concurrent calls coalesce into one reload after the one running. */
  async reload(): Promise<void> {
    if (this.loading) {
      this.pending = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.pending = false;
        this.snapshot = await this.load();
      } while (this.pending);
    })().finally(() => {
      this.loading = undefined;
    });
    await this.loading;
    for (const listener of this.listeners) listener();
  }

  /** Called after every reload (the dispatcher re-reads subscriptions). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  domainByCode(code: string): DomainConfig | undefined {
    return this.snapshot.domainsByCode.get(code);
  }

  domainById(id: string): DomainConfig | undefined {
    return this.snapshot.domainsById.get(id);
  }

  domains(): DomainConfig[] {
    return [...this.snapshot.domainsById.values()];
  }

  topic(domainId: string, code: string): TopicConfig | undefined {
    return this.snapshot.topicsByKey.get(`${domainId}\u0000${code}`);
  }

  topicById(id: string): TopicConfig | undefined {
    return this.snapshot.topicsById.get(id);
  }

  topics(): TopicConfig[] {
    return [...this.snapshot.topicsById.values()];
  }

  systemById(id: string): SystemConfig | undefined {
    return this.snapshot.systemsById.get(id);
  }

  /** The system owning this secret (token or Basic password), if any. */
  systemBySecret(secret: string): SystemConfig | undefined {
    return this.snapshot.systemsBySecret.get(hashSecret(secret));
  }

  subscriptionsOf(topicId: string): SubscriptionConfig[] {
    return this.snapshot.subscriptionsByTopic.get(topicId) ?? [];
  }

  subscription(id: string): SubscriptionConfig | undefined {
    return this.snapshot.subscriptionsById.get(id);
  }

  subscriptions(): SubscriptionConfig[] {
    return [...this.snapshot.subscriptionsById.values()];
  }

  private async load(): Promise<Snapshot> {
    const k = this.db.kysely.withTables<EngineTables>();
    const [domains, systems, topics, publishers, subscriptions] = await Promise.all([
      k.selectFrom('domains').selectAll().execute(),
      k.selectFrom('systems').selectAll().execute(),
      k.selectFrom('topics').selectAll().execute(),
      k.selectFrom('topic_publishers').selectAll().execute(),
      k.selectFrom('subscriptions').selectAll().orderBy('created_at').execute(),
    ]);
    const s = emptySnapshot();
    for (const row of domains) {
      const d = toDomain(row);
      s.domainsById.set(d.id, d);
      s.domainsByCode.set(d.code, d);
    }
    for (const row of systems) {
      const sys = toSystem(row);
      s.systemsById.set(sys.id, sys);
      if (sys.secretHash) s.systemsBySecret.set(sys.secretHash, sys);
    }
    for (const row of topics) {
      const domain = s.domainsById.get(row.domain_id);
      if (!domain) continue;
      const topic = toTopic(row, domain.code);
      s.topicsById.set(topic.id, topic);
      s.topicsByKey.set(`${topic.domainId}\u0000${topic.code}`, topic);
    }
    for (const p of publishers) s.topicsById.get(p.topic_id)?.publishers.add(p.system_id);
    for (const row of subscriptions) {
      const sub = toSubscription(row);
      s.subscriptionsById.set(sub.id, sub);
      const list = s.subscriptionsByTopic.get(sub.topicId) ?? [];
      list.push(sub);
      s.subscriptionsByTopic.set(sub.topicId, list);
    }
    return s;
  }
}

function emptySnapshot(): Snapshot {
  return {
    domainsById: new Map(),
    domainsByCode: new Map(),
    systemsById: new Map(),
    systemsBySecret: new Map(),
    topicsById: new Map(),
    topicsByKey: new Map(),
    subscriptionsById: new Map(),
    subscriptionsByTopic: new Map(),
  };
}

export function toDomain(row: DomainsTable): DomainConfig {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    enabled: fromFlag(row.enabled),
    retentionDays: row.retention_days,
  };
}

export function toSystem(row: SystemsTable): SystemConfig {
  return {
    id: row.id,
    domainId: row.domain_id,
    code: row.code,
    name: row.name,
    enabled: fromFlag(row.enabled),
    authType: row.auth_type === 'basic' ? 'basic' : 'token',
    authUsername: row.auth_username,
    secretHash: row.secret_hash,
    ipAllowlist: fromJson<string[]>(row.ip_allowlist) ?? [],
  };
}

export function toTopic(row: TopicsTable, domainCode: string): TopicConfig {
  return {
    id: row.id,
    domainId: row.domain_id,
    domainCode,
    code: row.code,
    name: row.name,
    model: row.model,
    mode: row.mode === 'sync' ? 'sync' : 'async',
    validate: fromFlag(row.validate),
    enabled: fromFlag(row.enabled),
    indexFields: fromJson<IndexFieldPaths>(row.index_fields) ?? {},
    publishers: new Set(),
  };
}

export function toSubscription(row: SubscriptionsTable): SubscriptionConfig {
  return {
    id: row.id,
    domainId: row.domain_id,
    topicId: row.topic_id,
    systemId: row.system_id,
    name: row.name,
    adapter: row.adapter,
    adapterConfig: fromJson<Record<string, unknown>>(row.adapter_config) ?? {},
    filter: row.filter,
    transform: row.transform,
    transformRef: row.transform_ref,
    retry: {
      maxAttempts: row.max_attempts,
      backoffInitialMs: row.backoff_initial_ms,
      backoffMaxMs: row.backoff_max_ms,
    },
    ordering: row.ordering === 'fifo' ? 'fifo' : 'parallel',
    workers: row.workers,
    paused: fromFlag(row.paused),
    enabled: fromFlag(row.enabled),
  };
}
