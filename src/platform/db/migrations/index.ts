// Every migration, in order. Names start with the date; files are forward-only and never edited once released.
import type { Kysely } from 'kysely';
import type { DialectName } from '../index.js';
import * as identityAndAudit from './2026-11-25-001-identity-audit.js';
import * as engine from './2026-11-25-002-engine.js';
import * as transformsLookupsModels from './2026-11-25-003-transforms-lookups-models.js';
import * as engineMonitoringIndexes from './2026-11-25-004-engine-monitoring-indexes.js';
import * as inboundEndpoints from './2026-11-26-005-inbound-endpoints.js';
import * as partialMessageIndexes from './2026-11-26-006-partial-message-indexes.js';
import * as cdr from './2026-11-26-007-cdr.js';
import * as dropDeliveriesFinished from './2026-11-26-008-drop-deliveries-finished.js';
import * as dropAttemptsMessage from './2026-11-26-009-drop-attempts-message.js';

export interface DialectMigration {
  up(db: Kysely<unknown>, dialect: DialectName): Promise<void>;
}

export const migrations: Record<string, DialectMigration> = {
  '2026-11-25-001-identity-audit': identityAndAudit,
  '2026-11-25-002-engine': engine,
  '2026-11-25-003-transforms-lookups-models': transformsLookupsModels,
  '2026-11-25-004-engine-monitoring-indexes': engineMonitoringIndexes,
  '2026-11-26-005-inbound-endpoints': inboundEndpoints,
  '2026-11-26-006-partial-message-indexes': partialMessageIndexes,
  '2026-11-26-007-cdr': cdr,
  '2026-11-26-008-drop-deliveries-finished': dropDeliveriesFinished,
  '2026-11-26-009-drop-attempts-message': dropAttemptsMessage,
};
