// Types of the interaction-service catalogue (交互服务目录): one ServiceDefinition per service the platform speaks,
// standard (WS/T 846, wire identities from V3_SERVICES) or private (defined and published by the platform).
// A definition is data only, so the REST validation, the V3 ⇄ JSON mapper, the CDR and the docs all read the same thing.

export type ServiceOperation = 'add' | 'update' | 'query' | 'cancel' | 'delete' | 'publish';

export type FieldType = 'string' | 'date' | 'datetime' | 'code' | 'number' | 'boolean' | 'object' | 'array';

export interface CodeOption {
  code: string;
  /** Display name (zh-CN) where the XSD enumerates one. */
  display?: string;
}

export interface ServiceField {
  /** camelCase English key of the canonical JSON. */
  key: string;
  /** zh-CN label (from the XSD annotations, the standard's field names, or the platform's definition). */
  label: string;
  type: FieldType;
  required: boolean;
  /** Longer text (the XSD annotation in full) when it says more than the label. */
  description?: string;
  /** OID of the value set / identifier system. */
  codeSystem?: string;
  /** Allowed codes where the standard enumerates them. */
  options?: CodeOption[];
  /**
   * Location in the V3 message, relative to controlActProcess (or, inside an array, to the repeating element):
   * steps `name` or `name[@attr='value']` separated by `/`, ending in `@attr` (an attribute value) or an element
   * (its text). Example: `subject/encounterEvent/id/item[@root='2.16.156.10011.1.11']/@extension`.
   */
  v3Path: string;
  /** Children of object/array fields (paths relative to the repeating element for arrays). */
  fields?: ServiceField[];
}

export interface ServiceState {
  code: string;
  name: string;
  nameEn: string;
  /** Codes of the states this one may move to. */
  next: string[];
  /** Other values a message may name this state by (the standard's process-step codes). */
  aliases?: string[];
}

export interface ServiceExamples {
  /** V3 XML request (the national test case where the corpus has one). */
  v3Request?: string;
  /** The canonical JSON of the request's business fields. */
  json: Record<string, unknown>;
  /** V3 XML response (MCCI ack, or the query response). */
  v3Response?: string;
  /** Where the V3 request came from: 'corpus' test case or 'generated' from the definition. */
  v3Source?: 'corpus' | 'generated';
}

export interface ServiceDefinition {
  action: string;
  sCode?: string;
  name: string;
  nameEn: string;
  category: string;
  operation: ServiceOperation;
  entity: string;
  standard: boolean;
  description: string;
  /** Request / response interaction ids (private services: the platform's own ids, see docs/services.md). */
  request: string;
  response?: string;
  requestAlternatives?: string[];
  /** Name of the element under controlActProcess holding the business part (subject / queryByParameter). */
  v3Root: string;
  /** Skeleton XML of controlActProcess's business part (all structure, values empty) the mapper fills in. */
  v3Template: string;
  fields: ServiceField[];
  /** Field keys identifying the entity. */
  keys: string[];
  /** Platform index fields → field key. */
  indexFields: Partial<Record<'patientId' | 'patientName' | 'visitNo' | 'orderNo' | 'applicationNo', string>>;
  /** Query parameters (queries): the fields a caller filters by. */
  queryParams?: string[];
  /** Field key holding the state, and the state machine. */
  stateField?: string;
  states?: ServiceState[];
  examples: ServiceExamples;
}

export interface ServiceSummary {
  action: string;
  sCode?: string;
  name: string;
  nameEn: string;
  category: string;
  operation: ServiceOperation;
  entity: string;
  standard: boolean;
  request: string;
  response?: string;
  fieldCount: number;
}
