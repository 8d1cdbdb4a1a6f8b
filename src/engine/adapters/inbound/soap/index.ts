// Public face of the HIPMessageServer WebService (WebService 接入): the Fastify route plugin, the handler it runs,
// the XML reader threads it reads requests on, and the endpoint contract (settings + resolver) the
// console-configured endpoints plug into.
export { hipSoapRoutes } from './routes.js';
export type { HipSoapRouteDeps } from './routes.js';
export { HipSoapHandler, resolveTopicCode } from './handler.js';
export type { HipSoapHandlerDeps, SoapAnswerKind, SoapHttpAnswer, SoapHttpRequest } from './handler.js';
export { defaultXmlWorkers, HipReaders } from './readers.js';
export { readHipRequest } from './read.js';
export type { HipRead, HipReadOptions, V3Header } from './read.js';
export { SenderDirectory } from './senders.js';
export { defaultSoapEndpointResolver, defaultSoapSettings, normaliseSoapPath, SOAP_PATH_PREFIX } from './settings.js';
export type {
  CountingSoapEndpointResolver,
  ResolvedSoapEndpoint,
  SoapEndpointResolver,
  SoapEndpointSettings,
  SoapEndpointStats,
} from './settings.js';
