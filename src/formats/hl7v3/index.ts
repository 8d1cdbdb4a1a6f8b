// Public face of src/formats/hl7v3: the HL7 V3 (互联互通) codec — lenient parsing of the transmission wrapper,
// index-field extraction by OID, MCCI ack and query-response builders, per-service XSD validation, and the
// table of standard services (action code ⇄ S-code ⇄ interaction ids).

export { HL7V3_NAMESPACE, parseV3, V3_OID, V3Error } from './parse.js';
export type { ParseV3Options, V3Acknowledgement, V3Code, V3ErrorCode, V3Id, V3Message, V3QueryAck } from './parse.js';
export { extractV3IndexFields } from './index-fields.js';
export type { V3IdKind, V3IndexedId, V3IndexFields } from './index-fields.js';
export { buildMcciAck, buildQueryResponse, formatV3Time, newV3MessageId } from './build.js';
export type { McciAckInput, QueryResponseInput, V3AckCode, V3CodeInput, V3HeaderInput } from './build.js';
export { createV3Validator, V3_BUILTIN_SCHEMAS } from './validate.js';
export type { V3ValidationResult, V3Validator, V3ValidatorOptions } from './validate.js';
export { findV3Service, V3_SERVICES } from './services.js';
export type { V3Service } from './services.js';
