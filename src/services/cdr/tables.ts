// Row types of the clinical data repository's tables (migration 2026-11-26-007-cdr). Reached with
// `kysely.withTables<CdrTables>()`.
import type { Generated } from 'kysely';

export interface CdrRecordsTable {
  id: string;
  entity: string;
  /** The entity's key fields joined with '|'. */
  key: string;
  state: string | null;
  patient_id: string | null;
  patient_name: string | null;
  visit_no: string | null;
  order_no: string | null;
  application_no: string | null;
  /** Business time as 14 digits (yyyyMMddHHmmss), for the queries' time ranges. */
  event_time: string | null;
  /** JSON: the entity's business fields as its add/update services carried them (merged). */
  data: string;
  /** JSON: the latest status message of the entity. */
  status_data: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  last_service: string;
  last_message_id: string;
  /** Code of the system whose message created the record. */
  source_system: string | null;
}

export interface CdrHistoryTable {
  id: Generated<number>;
  record_id: string;
  version: number;
  service: string;
  operation: string;
  state: string | null;
  message_id: string;
  at: string;
  data: string;
}

export interface CdrIdentifiersTable {
  record_id: string;
  name: string;
  value: string;
}

export interface CdrStateMachinesTable {
  entity: string;
  extra: string;
  updated_at: string;
  updated_by: string | null;
}

export type CdrTables = {
  cdr_records: CdrRecordsTable;
  cdr_history: CdrHistoryTable;
  cdr_identifiers: CdrIdentifiersTable;
  cdr_state_machines: CdrStateMachinesTable;
};
