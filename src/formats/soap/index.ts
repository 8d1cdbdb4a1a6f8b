// Public face of src/formats/soap: SOAP 1.1/1.2 envelopes for the HIPMessageServer(action, message) WebService,
// both as server (parse requests, build responses/faults/WSDL) and as client (build requests, parse responses).

export {
  defaultSoapAction,
  envelopeNamespace,
  HIP_SOAP_DEFAULTS,
  parseContentType,
  SOAP11_ENVELOPE_NS,
  SOAP12_ENVELOPE_NS,
  soapContentType,
  SoapError,
  versionFromContentType,
} from './common.js';
export type { MessageForm, ParsedContentType, SoapErrorCode, SoapVersion } from './common.js';
export { parseSoapRequest, parseSoapResponse } from './parse.js';
export type { SoapFault, SoapRequest, SoapRequestOptions, SoapResponse, SoapResponseOptions } from './parse.js';
export {
  buildSoapFault,
  buildSoapRequest,
  buildSoapResponse,
  soapFaultForError,
  soapFaultHttpStatus,
  wrapSoapEnvelope,
} from './build.js';
export type {
  BuiltSoapRequest,
  EnvelopeOptions,
  SoapFaultCode,
  SoapFaultInput,
  SoapRequestBuildOptions,
  SoapResponseBuildOptions,
} from './build.js';
export { buildWsdl } from './wsdl.js';
export type { WsdlOptions } from './wsdl.js';
