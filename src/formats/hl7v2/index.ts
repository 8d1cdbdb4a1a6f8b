// Public API of the HL7 v2 codec (HL7 v2 编解码) — the only file other modules import.
//
//   const msg = decodeHl7Buffer(bytes)        // charset from MSH-18 (GB 18030-2000, GBK, UNICODE UTF-8, 8859/1 …)
//   msg.get('PID-5.1.1'); msg.getAll('OBX-5') // decoded text at a path
//   msg.set('PV1-3.1', '心内科')               // escapes delimiters; creates missing segments/fields
//   encodeHl7(msg)                            // original bytes if unchanged, else canonical text in its charset
//   encodeHl7(buildAck(msg, { code: 'AA' }))
//
// Path syntax (paths.ts):  SEG[s]-F[r].C.S
//   SEG  segment name (`PID`, `OBX`, `ZPD`)      [s] occurrence of the segment, 1-based
//   F    field number as in the standard        [r] repetition, 1-based
//   C    component, 1-based                     S   subcomponent, 1-based
//   Omitted [s]/[r]: the first one for get/set, every one for getAll. Omitted C/S: the whole repetition/component
//   (still encoded with its inner delimiters). MSH-1 is the field separator, MSH-2 the encoding characters.
//   Examples: `PID-5.1`, `OBX[2]-5`, `PID-3[2].1`, `PID-5.1.1`, `MSH-9.2`; `PID.5.1` is accepted too.
//
// Pure: no file or network access. Errors are always Hl7ParseError with a stable `code`.

export { Hl7ParseError } from './errors.js';
export type { Hl7ErrorCode } from './errors.js';
export type { Hl7Delimiters } from './delimiters.js';
export { DEFAULT_DELIMITERS } from './delimiters.js';
export { Hl7Message, Hl7Segment } from './message.js';
export type { SegmentTerminator, SerializeOptions } from './message.js';
export { parseHl7 } from './parse.js';
export { serializeHl7 } from './serialize.js';
export { escapeHl7, unescapeHl7 } from './escape.js';
export { parsePath, formatPath } from './paths.js';
export type { Hl7Path } from './paths.js';
export { decodeHl7Buffer, encodeHl7, sniffCharsetLabel } from './charset.js';
export type { EncodeOptions } from './charset.js';
export { buildAck, parseAck, HL7_ERROR_CODES, versionAtLeast } from './ack.js';
export type { AckCode, AckOptions, AckResult } from './ack.js';
export { extractIndexFields, formatPersonName } from './index-fields.js';
export type { Hl7IndexFields } from './index-fields.js';
export { HL7_FIELD_NAMES, HL7_SEGMENT_NAMES, fieldName } from './fields.js';
export type { FieldNamePair } from './fields.js';
export { describeSegments } from './describe.js';
export type { SegmentFieldRow, DescribeOptions } from './describe.js';
