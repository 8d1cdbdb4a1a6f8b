// Public face of src/services: the interaction-service catalogue (交互服务目录) — definitions, the V3 ⇄ JSON
// mapper, the read API and the start-up step that turns every service into a topic of the default domain.
import './permissions.js';

export { SP } from './permissions.js';
export { serviceRoutes } from './routes.js';
export { ServiceConsole, TRY_BY_HEADER } from './console-routes.js';
export type { ServiceConsoleDeps } from './console-routes.js';
export { ensureServiceTopics } from './topics.js';
export {
  PLATFORM_DEVICE_ID,
  SOURCE_FORMAT_HEADER,
  serviceJsonConverter,
  serviceJsonToV3,
  v3AnswerToJson,
} from './rest-json.js';
export { MAX_JSON_PROBLEMS, serviceJsonSchema, validateServiceJson } from './catalogue/json-schema.js';
export type { JsonSchema, ServiceJsonProblem } from './catalogue/json-schema.js';
export type { EnsureTopicsResult } from './topics.js';
export {
  EXAMPLE_HEADER,
  SERVICE_CATEGORIES,
  getServiceDefinition,
  listServiceDefinitions,
  sampleJson,
  searchServices,
  summarize,
} from './catalogue/catalogue.js';
export type { ServiceFilter } from './catalogue/catalogue.js';
export { buildControlActProcess, jsonToV3, parseV3Path, v3ToJson } from './catalogue/mapper.js';
export type {
  CodeOption,
  FieldType,
  ServiceDefinition,
  ServiceExamples,
  ServiceField,
  ServiceOperation,
  ServiceState,
  ServiceSummary,
} from './catalogue/types.js';
