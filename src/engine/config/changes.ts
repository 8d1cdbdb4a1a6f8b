// 配置变更范围: what a committed configuration change touched, named so that every node reloads exactly that in
// memory (docs/architecture.md, "Cluster"). A scope is `<kind>` or `<kind>:<key>`:
//   config          domains, systems, topics, subscriptions → the EngineConfigCache (its listeners follow: the
//                   dispatcher, the endpoint runtime …); handled by the configuration service and the cluster
//   transform:<id>  a named transform (规则转换) → the transform resolver (one small query: reloaded whole)
//   lookup:<id>     a lookup table (映射表) → that table in the LookupCache
//   model:<code>    a message model (消息模型) → that model in the ModelRegistry (compiled schema, decoder)
//   endpoint:<id>   an inbound endpoint (接入端点) → the endpoint runtime (listeners brought in line)
// A module keeping configuration in memory registers how to reload its kind (`register`) and announces each change
// inside the change's transaction (`announce`), so the other nodes hear of it only once it has committed. The cluster
// (src/engine/cluster.ts) is the transport to the other nodes and calls `reload` with what they announced; the
// configuration API calls `reload` itself after a rollback or an import, which write other modules' objects.
// One instance per engine: nothing here is global, so two engines in one process (tests) never mix.
import type { AnyExecutor } from '../../platform/db/index.js';

/** `<kind>` (every object of the kind) or `<kind>:<key>` (one object: its id, or a model's code). */
export type ConfigScope = string;

/** The EngineConfigCache's scope. */
export const CONFIG_SCOPE = 'config';

/** The objects the configuration service owns: a change to any of them reloads the EngineConfigCache. */
const CONFIG_ENTITIES = new Set(['domain', 'system', 'topic', 'subscription']);

/** Reloads one kind on this node: `keys` are the objects changed, `null` means all of them (e.g. after a resync). */
export type ScopeReloader = (keys: readonly string[] | null) => Promise<void>;

/** Sends scopes to the other nodes from inside a transaction (delivered only if it commits). */
export type ScopeTransport = (trx: AnyExecutor, scopes: readonly ConfigScope[]) => Promise<void>;

export function scopeOf(kind: string, key?: string): ConfigScope {
  return key === undefined ? kind : `${kind}:${key}`;
}

/** The scope a revision's object belongs to (entity types are the scope kinds; config objects share `config`). */
export function scopeOfEntity(entityType: string, entityId: string): ConfigScope {
  return CONFIG_ENTITIES.has(entityType) ? CONFIG_SCOPE : scopeOf(entityType, entityId);
}

/** Scopes grouped by kind: the keys named, or null when the whole kind is meant. */
export function groupScopes(scopes: Iterable<ConfigScope>): Map<string, Set<string> | null> {
  const out = new Map<string, Set<string> | null>();
  for (const scope of scopes) {
    const colon = scope.indexOf(':');
    const kind = colon < 0 ? scope : scope.slice(0, colon);
    if (kind === '') continue;
    if (colon < 0) {
      out.set(kind, null);
      continue;
    }
    const keys = out.get(kind);
    if (keys === null) continue;
    if (keys) keys.add(scope.slice(colon + 1));
    else out.set(kind, new Set([scope.slice(colon + 1)]));
  }
  return out;
}

export class ConfigChanges {
  private readonly reloaders = new Map<string, ScopeReloader>();
  private transport: ScopeTransport | undefined;

  /** How changes reach the other nodes (the cluster sets it; without one, announcing does nothing). */
  useTransport(transport: ScopeTransport): void {
    this.transport = transport;
  }

  /** How this node reloads `kind` (the latest registration wins). */
  register(kind: string, reloader: ScopeReloader): void {
    this.reloaders.set(kind, reloader);
  }

  /** The kinds this node knows how to reload. */
  kinds(): string[] {
    return [...this.reloaders.keys()];
  }

  /** Inside the change's transaction, last: the other nodes reload `scopes` once it commits. */
  async announce(trx: AnyExecutor, scopes: readonly ConfigScope[]): Promise<void> {
    if (!this.transport || scopes.length === 0) return;
    await this.transport(trx, [...new Set(scopes)]);
  }

  /**
   * Reloads the scopes on this node, one kind after another; `'all'` reloads every registered kind whole. `config`
   * is not reloaded here (the configuration service and the cluster reload the EngineConfigCache themselves), nor is
   * a kind nobody registered. A kind that fails does not stop the others; the first failure is thrown at the end.
   */
  async reload(scopes: Iterable<ConfigScope> | 'all'): Promise<void> {
    const groups =
      scopes === 'all'
        ? new Map<string, Set<string> | null>(this.kinds().map((kind) => [kind, null]))
        : groupScopes(scopes);
    const failures: unknown[] = [];
    for (const [kind, keys] of groups) {
      if (kind === CONFIG_SCOPE) continue;
      const reloader = this.reloaders.get(kind);
      if (!reloader) continue;
      try {
        await reloader(keys === null ? null : [...keys]);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}
