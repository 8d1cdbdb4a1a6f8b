/**
 * Types the engine pages need beyond the generated API schema: the JSON Schema shape the adapter forms read (the
 * catalogue sends `configSchema` untyped), the index fields in display order, and small UI unions.
 */

export type ConfigFormat = 'json' | 'yaml';

/** The index (search) fields of a message, in the order the pages show them. */
export const INDEX_FIELDS = [
  'patientId',
  'patientName',
  'visitNo',
  'orderNo',
  'applicationNo',
  'sourceMessageId',
] as const;
export type IndexField = (typeof INDEX_FIELDS)[number];

/** Message states, in the order the search form offers them. */
export const MESSAGE_STATUSES = ['pending', 'delivered', 'failed', 'no_route', 'answered', 'rejected'] as const;

/** A JSON Schema as the adapter catalogue sends it (TypeBox output: properties, anyOf of consts, patternProperties …). */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  maxLength?: number;
  /** A secret (password): shown masked. */
  writeOnly?: boolean;
}

/** What 修订历史 is shown for (`endpoint`: 接入端点). */
export type RevisionEntity = 'domain' | 'system' | 'topic' | 'subscription' | 'endpoint';
