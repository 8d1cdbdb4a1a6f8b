// Public face of src/formats/cda: WS/T 500 电子病历共享文档 (CDA R2, C0001–C0053) — header reading, a cheap
// well-formedness check, and validation against the per-document-type XSDs.

export {
  CDA_DOCUMENT_CODE_SYSTEM,
  CDA_NAMESPACE,
  CDA_TEMPLATE_PREFIX,
  CdaError,
  checkCdaWellFormed,
  normaliseCdaTypeCode,
  readCdaHeader,
} from './header.js';
export type { CdaCoded, CdaErrorCode, CdaHeader, CdaId, CdaSection, CdaWellFormedResult } from './header.js';
export { createCdaValidator } from './validate.js';
export type { CdaValidationResult, CdaValidator } from './validate.js';
