// Finding a system by the sender device id of an HL7 V3 message (sender/device/id/@extension = the system's code in
// the endpoint's domain), for WebService callers that send no HTTP credentials — what most 互联互通 peers do.
// The configuration cache indexes systems by id and secret only, so this keeps its own (domain, code) → id index,
// rebuilt lazily after any configuration change; the system's current state is always read from the cache.
import type { Database } from '../../../../platform/db/index.js';
import type { EngineConfigCache, SystemConfig } from '../../../config/cache.js';
import type { EngineTables } from '../../../tables.js';

export class SenderDirectory {
  private byKey = new Map<string, string>();
  private stale = true;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly cache: EngineConfigCache,
  ) {
    cache.onChange(() => {
      this.stale = true;
    });
  }

  /** The system of `domainId` whose code is `code`, as the cache knows it now. */
  async find(domainId: string, code: string): Promise<SystemConfig | undefined> {
    while (this.stale) await this.refresh();
    if (this.loading) await this.loading;
    const id = this.byKey.get(`${domainId}\u0000${code}`);
    return id === undefined ? undefined : this.cache.systemById(id);
  }

  private refresh(): Promise<void> {
    if (!this.loading) {
      // Cleared before the query: a change that lands while it runs marks the index stale again.
      this.stale = false;
      this.loading = this.load()
        .catch((error: unknown) => {
          this.stale = true;
          throw error;
        })
        .finally(() => {
          this.loading = undefined;
        });
    }
    return this.loading;
  }

  private async load(): Promise<void> {
    const rows = await this.db.kysely
      .withTables<EngineTables>()
      .selectFrom('systems')
      .select(['id', 'domain_id', 'code'])
      .execute();
    this.byKey = new Map(rows.map((r) => [`${r.domain_id}\u0000${r.code}`, r.id]));
  }
}
