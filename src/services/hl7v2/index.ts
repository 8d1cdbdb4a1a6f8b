// Public face of the HL7 v2 mappings of the interaction services (交互服务 HL7 v2 映射): v2 event → service and
// canonical JSON, the ingest converter (v2 body on a service topic → standard V3), and the MLLP topic fallback.
//
// Wiring (app.ts):
//   engine.pipeline.addBodyConverter(serviceHl7v2Converter());        // v2 on a catalogue topic → V3
//   MllpReceiverDeps.eventTopic = serviceEventTopic();                 // MSH-9 → catalogue topic when unmapped
export { eventToService, hl7v2ToService } from './convert.js';
export type { Hl7v2ServiceResult, Hl7v2ToServiceOptions } from './convert.js';
export {
  HL7V2_CONTROL_ID_HEADER,
  HL7V2_EVENT_HEADER,
  serviceEventTopic,
  serviceHl7v2Converter,
  v3IdForV2,
} from './converter.js';
export {
  EVENT_ROUTES,
  EXAM_RESOURCE_TYPE,
  EXAM_SECTIONS,
  LAB_SECTIONS,
  PATHOLOGY_SECTIONS,
  REGISTRATION_TRANSACTION_TYPES,
  SERVICE_RULES,
  mappingRows,
} from './mappings.js';
export type { EventRoute, MappingOptions, MappingRow } from './mappings.js';
export { ABSENT } from './rules.js';
